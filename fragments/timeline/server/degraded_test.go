package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// With follow down, a home still shows the reader's own tweets, under a
// notice that those of the people they follow are missing, in the
// fragment, on the service's own page and in the JSON API (partial: true).
func TestHomeWhenFollowIsDown(t *testing.T) {
	e := mustEnv(t)
	ada, bob := e.profile.MustUser(t, "ada", "Ada"), e.profile.MustUser(t, "bob", "Bob")
	e.mustFollow(t, ada, bob, true)
	bobs := e.mustPost(t, bob, "bob's, followed")
	mine := e.mustPost(t, ada, "ada's own")

	// Read once while follow is up: the API says nothing of partial, and
	// the timeline keeps follow's answer (which must not stand in for
	// follow once it is down).
	status, body := call(t, "GET", e.timeline.URL+"/timeline/api/home", &ada, nil)
	if status != http.StatusOK || strings.Contains(body, `"partial"`) || !strings.Contains(body, bobs) {
		t.Fatalf("home with follow up: %d %s, want bob's tweet and no partial field", status, body)
	}
	e.follow.Close()

	t.Run("fragment", func(t *testing.T) {
		status, body := call(t, "GET", e.timeline.URL+"/timeline/frag/home", &ada, nil, "X-Murmur-Shell", "1")
		if status != http.StatusOK {
			t.Fatalf("home fragment: %d %s, want 200", status, body)
		}
		if !strings.Contains(body, `id="tweet-`+mine+`"`) || strings.Contains(body, `id="tweet-`+bobs+`"`) {
			t.Errorf("home fragment should show ada's tweet alone: %s", body)
		}
		if !strings.Contains(body, `data-testid="timeline-partial"`) || !strings.Contains(body, "people you follow can’t be shown") {
			t.Errorf("home fragment lacks the notice that followed tweets are missing: %s", body)
		}
	})
	t.Run("page on its own", func(t *testing.T) {
		status, body := call(t, "GET", e.timeline.URL+"/timeline/", &ada, nil)
		if status != http.StatusOK || !strings.Contains(body, "<!doctype html>") ||
			!strings.Contains(body, `id="tweet-`+mine+`"`) || !strings.Contains(body, `data-testid="timeline-partial"`) {
			t.Errorf("standalone page: %d %s", status, body)
		}
	})
	t.Run("API", func(t *testing.T) {
		status, body := call(t, "GET", e.timeline.URL+"/timeline/api/home", &ada, nil)
		var page struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
			Partial *bool `json:"partial"`
		}
		if err := json.Unmarshal([]byte(body), &page); status != http.StatusOK || err != nil {
			t.Fatalf("home API: %d %s", status, body)
		}
		if len(page.Items) != 1 || page.Items[0].ID != mine {
			t.Errorf("home API items = %+v, want ada's tweet alone", page.Items)
		}
		if page.Partial == nil || !*page.Partial {
			t.Errorf("home API: partial = %v, want true", page.Partial)
		}
	})
	t.Run("an empty partial home is not called empty", func(t *testing.T) {
		cyd := e.profile.MustUser(t, "cyd", "Cyd")
		_, body := call(t, "GET", e.timeline.URL+"/timeline/frag/home", &cyd, nil)
		if !strings.Contains(body, `data-testid="timeline-partial"`) || strings.Contains(body, "Your timeline is empty") {
			t.Errorf("cyd's home with follow down: %s, want the notice and no \"empty\"", body)
		}
	})
}

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
