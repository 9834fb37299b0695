package systemtest

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"murmur/stack"
)

// The colours of murmur's stylesheet (light scheme, as headless Chromium
// renders it): a page that shows them has the common look applied, where
// an unstyled page would be the browser's white and black.
const (
	pageBackground = "rgb(244, 245, 251)" // --bg, on the root element
	accent         = "rgb(91, 91, 214)"   // --accent
	accentSoft     = "rgb(236, 236, 253)" // --accent-soft
)

// computed is the computed value of a CSS property of the first element
// matching sel in the tab's page ("no element" when none matches).
func computed(t *testing.T, tab context.Context, sel, prop string) string {
	t.Helper()
	return Eval[string](t, tab, `(() => { const el = document.querySelector(`+jsString(sel)+`);
		return el ? getComputedStyle(el).getPropertyValue(`+jsString(prop)+`) : "no element"; })()`)
}

// mustLookStyled checks that the page in tab wears the common stylesheet
// and that the element sel has the style it gives it (prop is want).
func mustLookStyled(t *testing.T, tab context.Context, sel, prop, want string) {
	t.Helper()
	if got := computed(t, tab, ":root", "background-color"); got != pageBackground {
		t.Errorf("%s: page background %q, want murmur's %s: the stylesheet is not applied", t.Name(), got, pageBackground)
	}
	if got := computed(t, tab, sel, prop); got != want {
		t.Errorf("%s: %s has %s %q, want %q", t.Name(), sel, prop, got, want)
	}
}

func mustRestart(t *testing.T, s *stack.Stack, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	if err := s.Restart(ctx, name); err != nil {
		t.Fatalf("restart %s: %v", name, err)
	}
}

// With follow down, my home still shows my own tweets, with a notice that
// those of the people I follow are missing — on the shell's page, in the
// browser, and in the JSON API — and the whole home returns with follow.
func TestHomeWithFollowDown(t *testing.T) {
	s := MustStack(t)
	reader, bob := mustReaderOf(t, s.URL(), "bob", "Bob")
	mustTweet(t, bob, "bob while follow is up")
	mustTweet(t, reader, "my own words")
	if p := mustHome(t, reader, ""); len(p.Items) != 2 {
		t.Fatalf("home before the outage = %v, want both tweets", texts(p))
	}
	tab := MustBrowser(t)
	signInInBrowser(t, tab, s.URL(), "reader", "password-reader")
	Run(t, tab, WaitText("#timeline-items", "bob while follow is up"))

	if err := s.Kill("follow"); err != nil {
		t.Fatal(err)
	}
	t.Run("API", func(t *testing.T) {
		status, body, _ := reader.Do(t, "GET", "/timeline/api/home", nil)
		var p struct {
			timelinePage
			Partial bool `json:"partial"`
		}
		if err := json.Unmarshal(body, &p); status != http.StatusOK || err != nil {
			t.Fatalf("home API with follow down: %d %s, want 200", status, body)
		}
		if got := texts(p.timelinePage); len(got) != 1 || got[0] != "my own words" || !p.Partial {
			t.Errorf("home API with follow down = %v, partial %v; want my own tweet alone and partial true", got, p.Partial)
		}
	})
	t.Run("shell page", func(t *testing.T) {
		status, body, _ := reader.Do(t, "GET", "/", nil)
		page := string(body)
		if status != http.StatusOK || !strings.Contains(page, "my own words") || strings.Contains(page, "bob while follow is up") {
			t.Fatalf("home with follow down: %d, want my tweet and not bob's:\n%s", status, page)
		}
		if strings.Count(page, `data-testid="timeline-partial"`) != 1 {
			t.Errorf("home with follow down does not say once that followed tweets are missing:\n%s", page)
		}
		if strings.Contains(page, `<strong>Your timeline</strong> can’t be shown`) {
			t.Error("the whole timeline fell back although my own tweets can be read")
		}
	})
	t.Run("browser", func(t *testing.T) {
		Run(t, tab,
			chromedp.Navigate(s.URL()+"/"),
			WaitText("[data-testid=timeline-partial]", "The tweets of people you follow can’t be shown right now"),
			WaitText("#timeline-items", "my own words"),
		)
		Screenshot(t, tab, "home-follow-down")
		if strings.Contains(Text(t, tab, "#timeline-items"), "bob while follow is up") {
			t.Error("bob's tweet is shown with follow down")
		}
		mustLookStyled(t, tab, "[data-testid=timeline-partial]", "background-color", accentSoft)
	})

	mustRestart(t, s, "follow")
	t.Run("back with follow", func(t *testing.T) {
		Run(t, tab,
			chromedp.Click(chromedp.CSS("[data-testid=timeline-partial] button")),
			WaitText("#timeline-items", "bob while follow is up"),
			WaitGone("[data-testid=timeline-partial]"),
		)
		status, body, _ := reader.Do(t, "GET", "/timeline/api/home", nil)
		if status != http.StatusOK || strings.Contains(string(body), `"partial"`) || !strings.Contains(string(body), "bob while follow is up") {
			t.Errorf("home API with follow back: %d %s, want the whole home and no partial field", status, body)
		}
	})
}

// Each service opened on its own, with each service it reads from down,
// is still a page in the common look, with the shell's fallback block
// where the missing part would be; with Redis down every page is whole.
// (profile has no service to read from: it is checked with Redis down.)
func TestStandalonePagesWithADependencyDown(t *testing.T) {
	s := MustStack(t)
	me := NewClient(s.URL())
	meUser := me.MustSignUp(t, "solo", "password-solo", "Solo")
	NewClient(s.URL()).MustSignUp(t, "other", "password-other", "Other")
	// tweets and follow check a session of profile's once, keeping
	// profile's public key, and so still know who I am while profile is
	// down; neither has looked up anyone yet (they remember people for a
	// minute), so with profile down they cannot tell who anyone is.
	for _, path := range []string{"/tweets/frag/compose", "/follow/api/users/" + meUser.ID + "/following/ids"} {
		if status, body, _ := me.Do(t, "GET", path, nil); status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, status, body)
		}
	}
	tab := MustBrowser(t)

	// page is a service's page on its own: it must show the fallback
	// block labelled fallback, or else (fallback "") show shows and no
	// fallback at all.
	type page struct{ service, path, fallback, shows string }
	check := func(t *testing.T, down string, p page, signedIn bool) {
		t.Helper()
		direct := NewClient(s.ServiceURL(p.service))
		direct.Token = me.Token
		status, body, _ := direct.Do(t, "GET", p.path, nil)
		html := string(body)
		if status != http.StatusOK || !strings.Contains(html, "<!doctype html>") ||
			!strings.Contains(html, `href="/`+p.service+`/static/murmur.`) {
			t.Fatalf("%s on its own with %s down: %d, want 200 in the common layout:\n%s", p.path, down, status, html)
		}
		if p.fallback != "" && !strings.Contains(html, `<div class="fallback" role="status"><strong>`+p.fallback+`</strong>`) {
			t.Errorf("%s with %s down lacks the fallback of %s:\n%s", p.path, down, p.fallback, html)
		}
		if !signedIn {
			// The browser is not signed in yet: what it sees of a
			// person's page is the same.
			if !strings.Contains(p.path, "/u/") {
				return
			}
		}
		Run(t, tab, chromedp.Navigate(s.ServiceURL(p.service)+p.path), chromedp.WaitVisible(chromedp.CSS(".topbar")))
		Screenshot(t, tab, p.service+"-"+down+"-down")
		// Whatever columns are missing, the main one keeps the middle's
		// width (1280 pixels wide: over 450), never a side column's.
		if w := Eval[float64](t, tab, `document.querySelector(".col-main").getBoundingClientRect().width`); w < 450 {
			t.Errorf("%s with %s down: the main column is %.0f pixels wide, want the page's middle", p.path, down, w)
		}
		if p.fallback != "" {
			Run(t, tab, WaitText(".col-main .fallback strong", p.fallback))
			mustLookStyled(t, tab, ".col-main .fallback", "border-top-style", "dashed")
			return
		}
		Run(t, tab, WaitText("#main", p.shows))
		mustLookStyled(t, tab, ".topbar .brand-mark", "color", accent)
		if n := Eval[int](t, tab, `document.querySelectorAll(".col-main .fallback, .col-main .problem").length`); n != 0 {
			t.Errorf("%s with %s down shows %d fallbacks or problems, want the whole page", p.path, down, n)
		}
	}
	cases := []struct {
		down     string
		signedIn bool
		pages    []page
	}{
		// First, while no one has been looked up (see above).
		{"profile", false, []page{
			{service: "tweets", path: "/tweets/", fallback: "Your tweets"},
			{service: "tweets", path: "/tweets/u/other", fallback: "Tweets"},
			{service: "follow", path: "/follow/", fallback: "Following and followers"},
			{service: "follow", path: "/follow/u/other", fallback: "Following and followers"},
		}},
		{"tweets", true, []page{{service: "timeline", path: "/timeline/", fallback: "Your timeline"}}},
		{"follow", true, []page{{service: "timeline", path: "/timeline/", shows: "The tweets of people you follow can’t be shown"}}},
		{"redis", true, []page{
			{service: "profile", path: "/profile/", shows: "Solo"},
			{service: "tweets", path: "/tweets/", shows: "a tweet of my own"},
			{service: "follow", path: "/follow/", shows: "People you follow"},
			{service: "timeline", path: "/timeline/", shows: "a tweet of my own"},
		}},
	}
	for _, c := range cases {
		if c.signedIn && Eval[int](t, tab, `document.querySelectorAll("[data-testid=nav-me]").length`) == 0 {
			mustTweet(t, me, "a tweet of my own")
			signInInBrowser(t, tab, s.URL(), "solo", "password-solo")
		}
		t.Run(c.down+" down", func(t *testing.T) {
			if err := s.Kill(c.down); err != nil {
				t.Fatal(err)
			}
			defer mustRestart(t, s, c.down)
			for _, p := range c.pages {
				t.Run(p.path, func(t *testing.T) { check(t, c.down, p, c.signedIn) })
			}
		})
	}
}

// Errors nginx answers itself wear the site's look and keep their status:
// an unknown path, a person's page for an account that does not exist (one
// 404, not a page of three "doesn't exist"), and a service that cannot be
// reached (a page for browsers, a problem for API clients).
func TestShellErrorPages(t *testing.T) {
	s := MustStack(t)
	visitor := NewClient(s.URL())
	NewClient(s.URL()).MustSignUp(t, "known", "password-known", "Known")
	tab := MustBrowser(t)

	pages := []struct {
		name, path string
		status     int
		says       string
	}{
		{"unknown path", "/no/such/page", http.StatusNotFound, "This page doesn’t exist"},
		{"unknown static file", "/static/nothing.css", http.StatusNotFound, "This page doesn’t exist"},
		{"unknown account", "/u/nobody_here", http.StatusNotFound, "This account doesn’t exist"},
		{"malformed handle", "/u/bad%20handle", http.StatusNotFound, "This page doesn’t exist"},
		{"internal page", "/user.html", http.StatusNotFound, "This page doesn’t exist"},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			mustStyledErrorPage(t, visitor, tab, p.path, p.status, p.says)
		})
	}
	t.Run("a known account's page is composed", func(t *testing.T) {
		status, body, _ := visitor.Do(t, "GET", "/u/known", nil)
		if status != http.StatusOK || !strings.Contains(string(body), "Known") || strings.Contains(string(body), "error-page") {
			t.Errorf("/u/known: %d, want 200 and the profile:\n%s", status, body)
		}
	})

	if err := s.Kill("tweets"); err != nil {
		t.Fatal(err)
	}
	t.Run("a service's page with the service down", func(t *testing.T) {
		mustStyledErrorPage(t, visitor, tab, "/tweets/", http.StatusBadGateway, "murmur can’t answer right now")
	})
	t.Run("the service's API with the service down", func(t *testing.T) {
		status, body, h := visitor.Do(t, "GET", "/tweets/api/tweets/1", nil)
		var p struct {
			Type, Title, Detail string
			Status              int
		}
		if err := json.Unmarshal(body, &p); status != http.StatusBadGateway || err != nil ||
			h.Get("Content-Type") != "application/problem+json" || p.Status != 502 || p.Title != "Bad Gateway" || p.Detail == "" {
			t.Errorf("API of a down service: %d %q %s, want a 502 problem", status, h.Get("Content-Type"), body)
		}
	})
	mustRestart(t, s, "tweets")

	if err := s.Kill("profile"); err != nil {
		t.Fatal(err)
	}
	t.Run("with profile down a person's page is composed, with fallbacks", func(t *testing.T) {
		status, body, _ := visitor.Do(t, "GET", "/u/known", nil)
		page := string(body)
		if status != http.StatusOK || !strings.Contains(page, `<strong>This profile</strong> can’t be shown`) || strings.Contains(page, "error-page") {
			t.Errorf("/u/known with profile down: %d, want 200 with the profile's fallback:\n%s", status, page)
		}
	})
	mustRestart(t, s, "profile")
}

// mustStyledErrorPage checks that path answers status with the shell's
// error page saying says, once, and that a browser shows it styled.
func mustStyledErrorPage(t *testing.T, c *Client, tab context.Context, path string, status int, says string) {
	t.Helper()
	got, body, h := c.Do(t, "GET", path, nil)
	page := string(body)
	if got != status || !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
		t.Fatalf("GET %s: %d %q, want %d and a page", path, got, h.Get("Content-Type"), status)
	}
	if strings.Count(page, says) != 1 || strings.Count(page, `data-testid="error-page"`) != 1 {
		t.Errorf("GET %s does not say %q once on one error page:\n%s", path, says, page)
	}
	if !strings.Contains(page, `<link rel="stylesheet" href="/static/murmur.`) || strings.Contains(page, "nginx") {
		t.Errorf("GET %s is not the shell's styled page:\n%s", path, page)
	}
	Run(t, tab, chromedp.Navigate(c.Base+path), WaitText("[data-testid=error-page] h1", says))
	Screenshot(t, tab, "error-page")
	mustLookStyled(t, tab, "[data-testid=error-page] .button", "background-color", accent)
}

// While the live socket is down the home says so, quietly and for as long
// as it lasts; once the timeline is back the marker goes and live tweets
// arrive again.
func TestJourneyLiveUpdatesPaused(t *testing.T) {
	s := MustStack(t)
	_, bob := mustReaderOf(t, s.URL(), "bob", "Bob")
	mustTweet(t, bob, "before anything")

	tab := MustBrowser(t)
	signInInBrowser(t, tab, s.URL(), "reader", "password-reader")
	Run(t, tab, WaitText("#timeline-items", "before anything"))
	// A tweet arriving live proves the socket is open.
	mustTweet(t, bob, "live while connected")
	Run(t, tab, WaitText("#timeline-items", "live while connected"))
	if visible := Eval[bool](t, tab, `!document.querySelector("[data-testid=live-paused]").hidden`); visible {
		t.Fatal("the paused marker shows while the socket is open")
	}

	if err := s.Kill("timeline"); err != nil {
		t.Fatal(err)
	}
	Run(t, tab,
		chromedp.WaitVisible(chromedp.CSS("[data-testid=live-paused]")),
		WaitText("[data-testid=live-paused]", "Live updates paused"),
	)
	Screenshot(t, tab, "live-paused")
	mustLookStyled(t, tab, "[data-testid=live-paused]", "border-top-style", "solid")
	// It lasts: still there well after a toast would have gone.
	time.Sleep(7 * time.Second)
	if visible := Eval[bool](t, tab, `!document.querySelector("[data-testid=live-paused]").hidden`); !visible {
		t.Error("the paused marker went away while the timeline is still down")
	}

	mustRestart(t, s, "timeline")
	// hx-ws reconnects with backoff: within half a minute of the restart.
	Run(t, tab, waitForUpTo(25*time.Second, "the paused marker to go",
		`document.querySelector("[data-testid=live-paused]").hidden`))
	mustTweet(t, bob, "live again")
	Run(t, tab, WaitText("#timeline-items", "live again"))
	Screenshot(t, tab, "live-resumed")
}
