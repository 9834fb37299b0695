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

// A card links the hashtags of its text to their page and the mentions
// of people who had an account when it was posted to theirs; a handle
// nobody had stays text, even once someone signs up with it.
func TestCardLinksTagsAndMentions(t *testing.T) {
	s := mustStack(t)
	ada, bob := s.mustUser(t, "ada", "Ada"), s.mustUser(t, "bob", "Bob")
	tw := s.mustPost(t, ada, "#Café with @Bob and @carol_x, not ada@example.org")
	s.mustUser(t, "carol_x", "Carol")
	for _, tc := range []struct {
		name   string
		header []string
		want   []string
	}{
		{"on its own", nil, []string{
			`<a href="/tweets/tags/caf%C3%A9" class="hashtag">#Café</a>`,
			`<a href="/tweets/u/bob" class="mention">@Bob</a>`}},
		{"behind the shell", []string{render.ShellHeader, "1"}, []string{
			`<a href="/tags/caf%C3%A9" class="hashtag">#Café</a>`,
			`<a href="/u/bob" class="mention">@Bob</a>`}},
		{"mounted in the timeline", []string{render.MountHeader, "/timeline/tweets"}, []string{
			`<a href="/timeline/tweets/tags/caf%C3%A9" class="hashtag">#Café</a>`,
			`<a href="/timeline/tweets/u/bob" class="mention">@Bob</a>`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Twice: the second card comes from the card cache.
			for range 2 {
				body := s.do(t, "GET", "/tweets/frag/tweets/"+tw.ID, "", nil, append(cookie(bob.Token), tc.header...)...).String()
				for _, want := range tc.want {
					if !strings.Contains(body, want) {
						t.Errorf("card lacks %s:\n%s", want, body)
					}
				}
				if !strings.Contains(body, ` and @carol_x, not ada@example.org</p>`) {
					t.Errorf("a handle nobody had when it was posted, or an e-mail address, is linked:\n%s", body)
				}
			}
		})
	}
}

func TestTagFragment(t *testing.T) {
	s := mustStack(t)
	ada, bob := s.mustUser(t, "ada", "Ada"), s.mustUser(t, "bob", "Bob")
	var posted []string
	for i := range 23 {
		posted = append(posted, s.mustPost(t, ada, fmt.Sprintf("number %d #Straße", i)).ID)
	}
	s.mustPost(t, bob, "#strasse_2 and #other are not it")

	for _, spelling := range []string{"straße", "STRASSE", "%23Strasse", "stra%C3%9Fe"} {
		t.Run(spelling, func(t *testing.T) {
			resp := s.do(t, "GET", "/tweets/frag/tags/"+spelling, "", nil, cookie(bob.Token)...)
			body := resp.String()
			if resp.Status != 200 || !strings.Contains(body, `<h1 class="tag-name">#strasse</h1>`) {
				t.Fatalf("tag page %s = %d:\n%s", spelling, resp.Status, body)
			}
			ids := idsInOrder(body)
			if len(ids) != 20 || ids[0] != posted[22] || ids[19] != posted[3] {
				t.Fatalf("first page = %d cards, want the 20 newest, newest first", len(ids))
			}
			next := regexp.MustCompile(`hx-get="([^"]+)" hx-trigger="click, intersect once"`).FindStringSubmatch(body)
			if next == nil {
				t.Fatalf("no infinite scroll:\n%s", body)
			}
			more := s.do(t, "GET", html.UnescapeString(next[1]), "", nil, cookie(bob.Token)...)
			rest := idsInOrder(more.String())
			if more.Status != 200 || len(rest) != 3 || rest[0] != posted[2] || rest[2] != posted[0] ||
				strings.Contains(more.String(), "Load more") || strings.Contains(more.String(), "<h1") {
				t.Errorf("next page %s = %d %v, want the 3 oldest as bare cards", next[1], more.Status, rest)
			}
		})
	}
	t.Run("signed out reads", func(t *testing.T) {
		resp := s.do(t, "GET", "/tweets/frag/tags/strasse", "", nil)
		if resp.Status != 200 || countCards(resp.String()) != 20 {
			t.Errorf("signed out = %d with %d cards", resp.Status, countCards(resp.String()))
		}
	})
	t.Run("no tweets yet", func(t *testing.T) {
		resp := s.do(t, "GET", "/tweets/frag/tags/nothing_here", "", nil)
		if resp.Status != 200 || !strings.Contains(resp.String(), "No tweets with #nothing_here yet.") {
			t.Errorf("empty tag = %d %s", resp.Status, resp)
		}
	})
	for _, bad := range []string{"1234", "a%20b", "%3Cscript%3E", strings.Repeat("x", 101), "%FF%FE", "go?cursor=nope", "go?cursor=-1"} {
		t.Run("bad "+bad, func(t *testing.T) {
			resp := s.do(t, "GET", "/tweets/frag/tags/"+bad, "", nil)
			if resp.Status != http.StatusUnprocessableEntity || !strings.Contains(resp.String(), `class="problem"`) ||
				strings.Contains(resp.String(), "<script") {
				t.Errorf("%s = %d %s, want 422 with a readable message", bad, resp.Status, resp)
			}
		})
	}
}

func TestSearchFragment(t *testing.T) {
	s := mustStack(t)
	ada, bob := s.mustUser(t, "ada", "Ada"), s.mustUser(t, "bob", "Bob")
	var posted []string
	for i := range 22 {
		posted = append(posted, s.mustPost(t, ada, fmt.Sprintf("Café number %d, \"quoted\" NEAR(x) *", i)).ID)
	}
	s.mustPost(t, bob, "tea only")
	search := func(q string, more ...string) response {
		v := url.Values{"q": {q}}
		for i := 0; i+1 < len(more); i += 2 {
			v.Set(more[i], more[i+1])
		}
		return s.do(t, "GET", "/tweets/frag/search?"+v.Encode(), "", nil, cookie(bob.Token)...)
	}

	resp := search("cafe NUMBER")
	body := resp.String()
	ids := idsInOrder(body)
	if resp.Status != 200 || !strings.Contains(body, "<h2 class=\"list-title\">Tweets</h2>") || len(ids) != 20 || ids[0] != posted[21] {
		t.Fatalf("search = %d, %d cards:\n%s", resp.Status, len(ids), body)
	}
	next := regexp.MustCompile(`hx-get="([^"]+)" hx-trigger="click, intersect once"`).FindStringSubmatch(body)
	if next == nil {
		t.Fatal("no infinite scroll")
	}
	more := s.do(t, "GET", html.UnescapeString(next[1]), "", nil, cookie(bob.Token)...)
	if rest := idsInOrder(more.String()); more.Status != 200 || len(rest) != 2 || rest[1] != posted[0] {
		t.Errorf("next page %s = %d %v, want the 2 oldest", next[1], more.Status, rest)
	}

	// Query syntax is words: each of these finds the tweets holding them
	// as words, or nothing, never an error of the index.
	for _, q := range []string{`"quoted"`, `NEAR(x`, `quoted AND`, `OR NOT café`, `text:café`, `café*`, `"unbalanced`, `(((café`, `^café`} {
		t.Run(q, func(t *testing.T) {
			resp := search(q)
			if resp.Status != 200 || !strings.Contains(resp.String(), "<h2 class=\"list-title\">Tweets</h2>") {
				t.Errorf("search %q = %d %s", q, resp.Status, resp)
			}
		})
	}
	if got := countCards(search(`"quoted" café`).String()); got != 20 {
		t.Errorf(`search "quoted" café = %d cards, want 20`, got)
	}
	if got := search("tea (only").String(); countCards(got) != 1 {
		t.Errorf("search tea (only = %d cards, want bob's", countCards(got))
	}

	for name, q := range map[string]string{
		"empty":          "",
		"only operators": `* " ( ) -`,
		"long":           strings.Repeat("word ", 2000),
		"many words":     "a b c d e f g h i j k l m n o p q",
		"not UTF-8":      "caf\xe9",
	} {
		t.Run(name, func(t *testing.T) {
			resp := search(q)
			if resp.Status != http.StatusUnprocessableEntity || !strings.Contains(resp.String(), `class="problem"`) || countCards(resp.String()) != 0 {
				t.Errorf("search %.40q = %d %s, want 422 with a readable message", q, resp.Status, resp)
			}
		})
	}
	t.Run("bad cursor", func(t *testing.T) {
		if resp := search("café", "cursor", "x'"); resp.Status != http.StatusUnprocessableEntity || !strings.Contains(resp.String(), `class="problem"`) {
			t.Errorf("bad cursor = %d %s", resp.Status, resp)
		}
	})
	t.Run("escaped", func(t *testing.T) {
		resp := search(`<script>alert(1)</script> <!--# echo var="x" -->`)
		if strings.Contains(resp.String(), "<script>") || strings.Contains(resp.String(), "<!--#") {
			t.Errorf("the query reached the page unescaped: %s", resp)
		}
	})

	t.Run("preview", func(t *testing.T) {
		resp := s.do(t, "GET", "/tweets/frag/search/preview?q=caf%C3%A9", "", nil, render.ShellHeader, "1")
		hits := strings.Count(resp.String(), `class="tweet-hit"`)
		if resp.Status != 200 || hits != 3 || !strings.Contains(resp.String(), `href="/search?q=caf%C3%A9"`) {
			t.Errorf("preview = %d, %d hits:\n%s", resp.Status, hits, resp)
		}
		for _, q := range []string{"", "*", strings.Repeat("x", 300), "nothing_matches"} {
			if resp := s.do(t, "GET", "/tweets/frag/search/preview?q="+url.QueryEscape(q), "", nil); resp.Status != 200 || strings.Contains(resp.String(), "tweet-hit") {
				t.Errorf("preview %.20q = %d %s, want nothing", q, resp.Status, resp)
			}
		}
	})
}

// The tweets service opened on its own shows a hashtag's page and its
// search in the common layout.
func TestTagAndSearchPages(t *testing.T) {
	s := mustStack(t)
	ada := s.mustUser(t, "ada", "Ada")
	tw := s.mustPost(t, ada, "hello #Murmur")
	for _, tc := range []struct {
		path   string
		status int
		want   []string
	}{
		{"/tweets/tags/MURMUR", 200, []string{"<title>#murmur · murmur</title>", `<h1 class="tag-name">#murmur</h1>`, `data-tweet-id="` + tw.ID + `"`, `href="/tweets/static/`}},
		{"/tweets/tags/12", 422, []string{`class="problem"`, "This is not a hashtag"}},
		{"/tweets/search?q=hello", 200, []string{`action="/tweets/search"`, `value="hello"`, `data-tweet-id="` + tw.ID + `"`}},
		{"/tweets/search", 200, []string{`action="/tweets/search"`}},
		{"/tweets/search?q=%22", 422, []string{`class="problem"`, `value="&#34;"`}},
	} {
		resp := s.do(t, "GET", tc.path, "", nil, cookie(ada.Token)...)
		if resp.Status != tc.status || !strings.Contains(resp.String(), "<!doctype html>") {
			t.Errorf("%s = %d, want %d and a whole page", tc.path, resp.Status, tc.status)
		}
		for _, w := range tc.want {
			if !strings.Contains(resp.String(), w) {
				t.Errorf("%s lacks %s:\n%s", tc.path, w, resp)
			}
		}
	}
}
