package systemtest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The shell's hashtag and search pages through the real nginx: composed
// from fragments, any spelling of a tag (any script, any case, escaped in
// the URL), and whatever is searched for a readable answer, never an
// error page or a 500.
func TestTagAndSearchPagesThroughShell(t *testing.T) {
	s := MustStack(t)
	ana := NewClient(s.URL())
	anaUser := ana.MustSignUp(t, "ana", "password-ana", "Ana")
	bruno := NewClient(s.URL())
	bruno.MustSignUp(t, "bruno", "password-bruno", "Bruno")
	var tw struct {
		ID string `json:"id"`
	}
	ana.MustJSON(t, http.StatusCreated, "POST", "/tweets/api/tweets",
		map[string]any{"text": "Boiling the kettle #Teatime #Café with @bruno, @ana and not @nobody_x", "media_ids": []string{}}, &tw)

	t.Run("the mentioned person is notified, the author is not", func(t *testing.T) {
		l := waitNotifications(t, bruno, 1)
		if len(l.Items) != 1 || l.Items[0].Kind != "mention" || l.Items[0].TweetID != tw.ID || l.Items[0].Actor.ID != anaUser.ID {
			t.Errorf("bruno's notifications: %+v, want ana's mention in %s", l.Items, tw.ID)
		}
		var mine notificationList
		ana.MustJSON(t, http.StatusOK, "GET", "/notifications/api/notifications?limit=100", nil, &mine)
		if len(mine.Items) != 0 {
			t.Errorf("ana is notified of her own mention: %+v", mine.Items)
		}
	})

	page := func(t *testing.T, path string) (int, string) {
		t.Helper()
		status, body, h := ana.Do(t, "GET", path, nil)
		page := string(body)
		if strings.Contains(page, "<!--#") || strings.Contains(page, "(none)") {
			t.Errorf("%s: SSI directives or unset variables reached the browser:\n%s", path, page)
		}
		if h.Get("Content-Security-Policy") == "" {
			t.Errorf("%s: no Content-Security-Policy", path)
		}
		return status, page
	}
	for _, path := range []string{"/tags/teatime", "/tags/TeaTime", "/tags/teatime/", "/tags/caf%C3%A9", "/tags/CAF%C3%89"} {
		t.Run(path, func(t *testing.T) {
			status, body := page(t, path)
			if status != 200 || !strings.Contains(body, `class="tag-name">#`) || !strings.Contains(body, "Boiling the kettle") ||
				!strings.Contains(body, `id="people-search"`) {
				t.Errorf("%s: %d\n%s", path, status, body)
			}
		})
	}
	t.Run("a tag's page links the card's tags and mentions", func(t *testing.T) {
		_, body := page(t, "/tags/teatime")
		for _, want := range []string{`<a href="/tags/teatime" class="hashtag">#Teatime</a>`, `<a href="/tags/caf%C3%A9" class="hashtag">#Café</a>`,
			`<a href="/u/bruno" class="mention">@bruno</a>`, ` and not @nobody_x`} {
			if !strings.Contains(body, want) {
				t.Errorf("the card lacks %s", want)
			}
		}
	})
	t.Run("not a tag", func(t *testing.T) {
		status, body := page(t, "/tags/1234")
		if status != 200 || !strings.Contains(body, "This is not a hashtag") {
			t.Errorf("/tags/1234: %d\n%s", status, body)
		}
		for _, path := range []string{"/tags/", "/tags/a%2Fb", "/tags/%22x%22", "/tags/a%20b", "/tags/%23go"} {
			if status, body := page(t, path); status != http.StatusNotFound && !strings.Contains(body, "This is not a hashtag") {
				t.Errorf("%s: %d, want the styled 404 or a message", path, status)
			}
		}
	})

	search := func(t *testing.T, q string) (int, string) {
		t.Helper()
		return page(t, "/search?q="+url.QueryEscape(q))
	}
	t.Run("search finds people and tweets", func(t *testing.T) {
		status, body := search(t, "KETTLE")
		if status != 200 || !strings.Contains(body, `id="people-found"`) || !strings.Contains(body, "Boiling the kettle") ||
			!strings.Contains(body, `value="KETTLE"`) {
			t.Errorf("search kettle: %d\n%s", status, body)
		}
		_, body = search(t, "bru")
		if !strings.Contains(body, "@bruno") || !strings.Contains(body, "No tweets hold all of these words.") {
			t.Errorf("search bru: want bruno among people and no tweet:\n%s", body)
		}
	})
	for name, q := range map[string]string{
		"quotes": `"kettle`, "star": `kettle*`, "near": `NEAR(kettle`, "operators": `kettle AND OR NOT`,
		"parentheses": `((kettle)`, "column filter": `text:kettle`, "markup": `<script>alert(1)</script>`,
		"ssi": `<!--# echo var="http_cookie" -->`,
	} {
		t.Run("hostile search: "+name, func(t *testing.T) {
			status, body := search(t, q)
			if status != 200 || strings.Contains(body, "<script>alert") || strings.Contains(body, "murmur_session") ||
				!strings.Contains(body, `id="tweet-results"`) {
				t.Errorf("search %q: %d\n%s", q, status, body)
			}
		})
	}
	for name, q := range map[string]string{"empty": "", "no word": `* ( " -`, "10,000 characters": strings.Repeat("kettle ", 1430)} {
		t.Run("refused search: "+name, func(t *testing.T) {
			status, body := search(t, q)
			if status != 200 || !strings.Contains(body, `class="problem"`) || !strings.Contains(body, `id="tweet-results"`) {
				t.Errorf("search %.30q: %d\n%s", q, status, body)
			}
		})
	}
	t.Run("no query at all", func(t *testing.T) {
		if status, body := page(t, "/search"); status != 200 || !strings.Contains(body, "Search for at least one word") {
			t.Errorf("/search: %d\n%s", status, body)
		}
	})
	t.Run("an address longer than nginx reads", func(t *testing.T) {
		status, body := search(t, strings.Repeat("é", 20000))
		if status != http.StatusRequestURITooLong || !strings.Contains(body, "This address is too long") {
			t.Errorf("a search of 20,000 é: %d\n%.300s", status, body)
		}
	})
	t.Run("the API through the shell", func(t *testing.T) {
		for _, q := range []string{"", `"`, strings.Repeat("kettle ", 1430), `NEAR(kettle`} {
			status, body, h := ana.Do(t, "GET", "/tweets/api/search?q="+url.QueryEscape(q), nil)
			want := http.StatusUnprocessableEntity
			if q == `NEAR(kettle` {
				want = http.StatusOK
			}
			if status != want || (status != 200 && !strings.HasPrefix(h.Get("Content-Type"), "application/problem+json")) {
				t.Errorf("API search %.30q: %d %s", q, status, body)
			}
		}
	})
}

// A person reads a tweet with a hashtag and mentions in a browser: the
// tag and the mention of an account are links, the mention of nobody is
// not; the tag leads to its page listing the tweet; the nav's search box
// finds it by a word as one types, and Enter opens the results page that
// shows it.
func TestJourneyTagsMentionsAndSearch(t *testing.T) {
	s := MustStack(t)
	ana := NewClient(s.URL())
	ana.MustSignUp(t, "ana", "password-ana", "Ana Author")
	NewClient(s.URL()).MustSignUp(t, "bruno", "password-bruno", "Bruno Reader")
	text := "Boiling the kettle #Teatime #Café with @bruno, not @nobody_x"
	ana.MustJSON(t, http.StatusCreated, "POST", "/tweets/api/tweets", map[string]any{"text": text, "media_ids": []string{}}, nil)
	ana.MustJSON(t, http.StatusCreated, "POST", "/tweets/api/tweets", map[string]any{"text": "an unrelated note", "media_ids": []string{}}, nil)

	tab := MustBrowser(t)
	watch := MustWatchPolicy(t, tab)
	signInInBrowser(t, tab, s.URL(), "bruno", "password-bruno")
	card := `article.tweet:has(a.hashtag)`
	Run(t, tab, chromedp.Navigate(s.URL()+"/u/ana"), WaitCount("article.tweet", 2))
	if got := Text(t, tab, card+" .tweet-text"); got != text {
		t.Errorf("the tweet reads %q, want %q", got, text)
	}
	links := Eval[[]string](t, tab, `[...document.querySelectorAll("`+card+` .tweet-text a")].map(a => a.className + " " + a.textContent + " " + a.getAttribute("href"))`)
	want := []string{"hashtag #Teatime /tags/teatime", "hashtag #Café /tags/caf%C3%A9", "mention @bruno /u/bruno"}
	if strings.Join(links, "|") != strings.Join(want, "|") {
		t.Errorf("the tweet's links are %q, want %q (and @nobody_x as text)", links, want)
	}
	Screenshot(t, tab, "tag-and-mention")

	Run(t, tab,
		chromedp.Click(chromedp.CSS(card+` a.hashtag[href="/tags/caf%C3%A9"]`)),
		WaitText(".tag-name", "#café"),
		WaitCount("article.tweet", 1),
	)
	if got := Text(t, tab, "article.tweet .tweet-text"); got != text {
		t.Errorf("the tag page lists %q, want the tweet", got)
	}
	if loc := Eval[string](t, tab, `location.pathname`); loc != "/tags/caf%C3%A9" {
		t.Errorf("the hashtag led to %s", loc)
	}
	Screenshot(t, tab, "tag-page")
	Run(t, tab,
		chromedp.Click(chromedp.CSS(`article.tweet a.mention`)),
		waitFor("bruno's page", `location.pathname === "/u/bruno"`),
		WaitText(".col-left", "Bruno Reader"),
	)

	Run(t, tab,
		chromedp.Navigate(s.URL()+"/"),
		chromedp.WaitVisible(chromedp.CSS("#people-search")),
		chromedp.SendKeys(chromedp.CSS("#people-search"), "kettle"),
		WaitText("#people-results .search-tweet-hits", "Boiling the kettle"),
		WaitText("#people-results", "No one matches"),
	)
	Screenshot(t, tab, "search-box")
	if n := Eval[int](t, tab, `document.querySelectorAll("#people-results .tweet-hit").length`); n != 1 {
		t.Errorf("the search box shows %d tweets, want the one holding kettle", n)
	}
	Run(t, tab,
		chromedp.SendKeys(chromedp.CSS("#people-search"), "\r"),
		WaitText("#tweet-results", "Boiling the kettle"),
		WaitText("#people-found", "No one matches"),
	)
	if q := Eval[string](t, tab, `new URLSearchParams(location.search).get("q") + " " + location.pathname`); q != "kettle /search" {
		t.Errorf("Enter led to %q, want /search?q=kettle", q)
	}
	if n := Eval[int](t, tab, `document.querySelectorAll("#tweet-results article.tweet").length`); n != 1 {
		t.Errorf("the results page shows %d tweets, want 1", n)
	}
	Screenshot(t, tab, "search-page")
	watch.Check(t, tab, "tags, mentions and search")
}
