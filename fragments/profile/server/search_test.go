package server_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"murmur/fragments/internal/render"
)

// Behind the shell the nav's search box searches people and tweets and
// Enter opens every result; on its own, profile's searches people.
func TestNavSearchBox(t *testing.T) {
	e := newEnv(t, 1000)
	for i := range 7 {
		e.signUp(t, fmt.Sprintf("grace_%d", i), "password1", fmt.Sprintf("Grace %d", i))
	}
	shell := []string{render.ShellHeader, "1"}

	t.Run("nav behind the shell", func(t *testing.T) {
		body := e.do(t, "GET", "/profile/frag/nav?q=%22a%22+%3Cb%3E", "", shell...).body
		for _, want := range []string{`<form class="nav-search" role="search" action="/search" method="get">`, `name="q" value="&#34;a&#34; &lt;b&gt;"`,
			`hx-trigger="input changed delay:250ms"`} {
			if !strings.Contains(body, want) {
				t.Errorf("nav lacks %s:\n%s", want, body)
			}
		}
	})
	t.Run("nav on its own", func(t *testing.T) {
		body := e.do(t, "GET", "/profile/frag/nav", "").body
		if strings.Contains(body, "<form") || !strings.Contains(body, `hx-trigger="input changed delay:250ms, enter-key"`) {
			t.Errorf("profile's own nav:\n%s", body)
		}
	})
	t.Run("dropdown behind the shell", func(t *testing.T) {
		r := e.do(t, "GET", "/profile/frag/search?q=gr%26", "", shell...)
		if r.status != 200 || !strings.Contains(r.body, "No one matches “gr&amp;”") ||
			!strings.Contains(r.body, `hx-get="/tweets/frag/search/preview?q=gr%26"`) || !strings.Contains(r.body, `href="/search?q=gr%26"`) {
			t.Errorf("dropdown: %d %s", r.status, r.body)
		}
		r = e.do(t, "GET", "/profile/frag/search?q=grace", "", shell...)
		if n := strings.Count(r.body, `class="person"`); n != 5 {
			t.Errorf("dropdown behind the shell shows %d people, want 5", n)
		}
	})
	t.Run("dropdown on its own", func(t *testing.T) {
		r := e.do(t, "GET", "/profile/frag/search?q=grace", "")
		if n := strings.Count(r.body, `class="person"`); n != 7 || strings.Contains(r.body, "/tweets/") || strings.Contains(r.body, "/search?") {
			t.Errorf("profile's own dropdown: %d people, %s", n, r.body)
		}
	})
}

// The people part of the search page: a page at a time, the next pages
// the same search; a search that cannot be made says why.
func TestPeopleResultsFragment(t *testing.T) {
	e := newEnv(t, 1000)
	for i := range 23 {
		e.signUp(t, fmt.Sprintf("ann_%02d", i), "password1", fmt.Sprintf("Ann %d", i))
	}
	e.signUp(t, "bob", "password1", "Bob")
	r := e.do(t, "GET", "/profile/frag/search/people?q=ANN", "")
	if r.status != 200 || strings.Count(r.body, `class="person"`) != 20 || !strings.Contains(r.body, `id="people-found"`) {
		t.Fatalf("people results: %d %s", r.status, r.body)
	}
	more := regexp.MustCompile(`hx-get="([^"]+)"[^>]*>Show more`).FindStringSubmatch(r.body)
	if more == nil || !strings.Contains(more[1], "q=ANN") {
		t.Fatalf("Show more does not carry the search: %v", more)
	}
	r = e.do(t, "GET", html.UnescapeString(more[1]), "")
	if n := strings.Count(r.body, `class="person"`); r.status != 200 || n != 3 || strings.Contains(r.body, "@bob") {
		t.Errorf("the next page of ANN = %d, %d people: %s", r.status, n, r.body)
	}
	for _, q := range []string{"", "   ", strings.Repeat("x", 51), strings.Repeat("é", 10000)} {
		r := e.do(t, "GET", "/profile/frag/search/people?q="+url.QueryEscape(q), "")
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `class="problem"`) || !strings.Contains(r.body, "<h2>People</h2>") {
			t.Errorf("people results for %.20q: %d %s", q, r.status, r.body)
		}
	}
	for _, q := range []string{`%`, `_`, `"`, `*`, `NEAR(`, `(`, `<script>`} {
		r := e.do(t, "GET", "/profile/frag/search/people?q="+url.QueryEscape(q), "")
		if r.status != 200 || !strings.Contains(r.body, "No one matches") || strings.Contains(r.body, "<script>") {
			t.Errorf("people results for %q: %d %s", q, r.status, r.body)
		}
	}
}
