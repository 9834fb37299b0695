package server_test

import (
	"net/http"
	"strings"
	"testing"
)

// With profile down (whose a handle is cannot be read), the service's own
// pages keep the common layout: the compose box still works and the list
// shows the fallback block the shell would show.
func TestStandalonePagesWhenProfileIsDown(t *testing.T) {
	s := mustStack(t)
	// bob has not been looked up by tweets yet (it remembers people for a
	// minute): with profile down, who bob is cannot be read.
	bob := s.mustUser(t, "bob", "Bob")
	s.profile.Close()
	for _, tc := range []struct {
		name, path string
		want       []string
	}{
		{"home", "/tweets/", []string{`id="compose"`, `<div class="fallback" role="status"><strong>Your tweets</strong>`}},
		{"a person", "/tweets/u/bob", []string{`<div class="fallback" role="status"><strong>Tweets</strong>`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := s.do(t, "GET", tc.path, "", nil, cookie(bob.Token)...)
			if resp.Status != http.StatusOK {
				t.Fatalf("GET %s with profile down: %d, want 200 (a degraded page)", tc.path, resp.Status)
			}
			for _, want := range append(tc.want, "<!doctype html>", `href="/tweets/static/murmur.`, "Signed in as") {
				if !strings.Contains(resp.String(), want) {
					t.Errorf("GET %s with profile down lacks %q:\n%s", tc.path, want, resp)
				}
			}
		})
	}
}
