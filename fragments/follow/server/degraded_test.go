package server_test

import (
	"strings"
	"testing"
)

// With profile down (who people are cannot be read), the service's own
// pages keep the common layout, with the fallback block the shell shows
// where the lists would be.
func TestPagesWhenProfileIsDown(t *testing.T) {
	e := mustEnv(t)
	// Nobody here has been looked up yet, so nothing is remembered of them.
	ada := e.mustUser(t, "ada", "Ada")
	e.mustUser(t, "bob", "Bob")
	e.profile.Close()
	for _, tc := range []struct{ name, path string }{
		{"home", "/follow/"},
		{"a person", "/follow/u/bob"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := e.do(t, request{Method: "GET", Path: tc.path, As: &ada})
			if got.Status != 200 {
				t.Fatalf("GET %s with profile down: %d, want 200 (a degraded page); body %s", tc.path, got.Status, got.Body)
			}
			for _, want := range []string{"<!doctype html>", `href="/follow/static/murmur.`, "Signed in as",
				`<div class="fallback" role="status"><strong>Following and followers</strong>`} {
				if !strings.Contains(got.Body, want) {
					t.Errorf("GET %s with profile down lacks %q:\n%s", tc.path, want, got.Body)
				}
			}
		})
	}
}
