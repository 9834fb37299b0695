package server_test

import (
	"net/http"
	"strings"
	"testing"
)

// With tweets down the timeline opened on its own is still a page in the
// common layout, with the fallback block the shell shows in its place.
func TestPageWhenTweetsIsDown(t *testing.T) {
	e := mustEnv(t)
	ada := e.profile.MustUser(t, "ada", "Ada")
	e.tweets.Close()
	status, body := call(t, "GET", e.timeline.URL+"/timeline/", &ada, nil)
	if status != http.StatusOK {
		t.Fatalf("standalone page with tweets down: %d, want 200 (a degraded page, as the shell's)", status)
	}
	for _, want := range []string{"<!doctype html>", `href="/timeline/static/murmur.`, "@ada",
		`<div class="fallback" role="status"><strong>Your timeline</strong>`} {
		if !strings.Contains(body, want) {
			t.Errorf("standalone page with tweets down lacks %q:\n%s", want, body)
		}
	}
	// The fragment keeps answering the failure: the shell turns it into
	// the same fallback, and htmx shows the message.
	if status, body := call(t, "GET", e.timeline.URL+"/timeline/frag/home", &ada, nil); status != http.StatusServiceUnavailable || !strings.Contains(body, `class="problem"`) {
		t.Errorf("home fragment with tweets down: %d %s, want 503 and the problem partial", status, body)
	}
}
