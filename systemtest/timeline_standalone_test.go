package systemtest

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"murmur/fragments/tweets/tweetstest"
)

// mustPostWithImage posts a tweet with one image through the API.
func mustPostWithImage(t *testing.T, c *Client, text string) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, _ := w.CreateFormFile("file", "p.png")
	part.Write(tweetstest.PNG(t, 120, 80))
	w.Close()
	req, _ := http.NewRequest("POST", c.Base+"/tweets/api/media", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+c.Token)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m struct {
		ID string `json:"id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || resp.StatusCode != 201 {
		t.Fatalf("upload: %d %v", resp.StatusCode, err)
	}
	c.MustJSON(t, 201, "POST", "/tweets/api/tweets", map[string]any{"text": text, "media_ids": []string{m.ID}}, nil)
}

// The timeline opened on its own shows tweets' cards; their images, links
// and buttons must work on the timeline's own port, which serves only
// /timeline/.
func TestJourneyStandaloneTimelineCardsWork(t *testing.T) {
	s := MustStack(t)
	author := NewClient(s.URL())
	author.MustSignUp(t, "poster", "password-poster", "Poster")
	mustPostWithImage(t, author, "a picture for the standalone timeline")

	tab := MustBrowser(t)
	base := s.ServiceURL("timeline")
	Run(t, tab, chromedp.Navigate(s.ServiceURL("profile")+"/profile/"))
	signUpInBrowser(t, tab, "viewer", "Viewer", "password-viewer")
	// Follow the author on the follow service opened on its own, then
	// read the timeline on its own.
	Run(t, tab,
		chromedp.Navigate(s.ServiceURL("follow")+"/follow/u/poster"),
		chromedp.WaitVisible(chromedp.CSS(".follow-card button.follow-button")),
		chromedp.Click(chromedp.CSS(".follow-card button.follow-button")),
		WaitCount(".follow-card button.follow-button[aria-pressed=true]", 1),
		chromedp.Navigate(base+"/timeline/"),
		WaitCount("#timeline-items article.tweet", 1),
	)
	Screenshot(t, tab, "standalone-timeline")
	src := Eval[string](t, tab, `document.querySelector("#timeline-items article.tweet img").getAttribute("src")`)
	if !strings.HasPrefix(src, "/timeline/tweets/media/") {
		t.Errorf("image src %q, want it under the timeline's own /timeline/tweets/", src)
	}
	if w := Eval[int](t, tab, `document.querySelector("#timeline-items article.tweet img").naturalWidth`); w != 120 {
		t.Errorf("image did not load on the standalone timeline (width %d)", w)
	}
	Run(t, tab,
		chromedp.Click(chromedp.CSS("#timeline-items .tweet .like")),
		WaitText("#timeline-items .tweet .like.liked .like-count", "1"),
		chromedp.Click(chromedp.CSS("#timeline-items .tweet a.author")),
		WaitCount("article.tweet", 1),
	)
	if loc := Eval[string](t, tab, "location.pathname"); loc != "/timeline/tweets/u/poster" {
		t.Errorf("author link went to %s, want the author's tweets under /timeline/tweets/", loc)
	}
	// The page's elements can be there before its stylesheet has loaded:
	// wait for the stylesheet, then fail if it never came.
	Run(t, tab, waitFor("the forwarded tweets page's common stylesheet",
		`document.styleSheets.length > 0 && document.styleSheets[0].cssRules.length >= 20`))
}

// A page's live socket opens however late the socket extension's script
// arrives, on the shell's home page and on the timeline's own: htmx must
// not read the page before the extension is in place.
func TestJourneyLiveSocketOpensWhenItsScriptIsLate(t *testing.T) {
	s := MustStack(t)
	ann := NewClient(s.URL())
	ann.MustSignUp(t, "ann", "password-ann", "Ann")

	tab := MustBrowser(t)
	MustWatchPolicy(t, tab) // notes which sockets open
	Run(t, tab, chromedp.Navigate(s.URL()+"/"))
	signUpInBrowser(t, tab, "beau", "Beau", "password-beau")
	Run(t, tab,
		chromedp.Navigate(s.URL()+"/u/ann"),
		chromedp.WaitVisible(chromedp.CSS(".follow-card button.follow-button")),
		chromedp.Click(chromedp.CSS(".follow-card button.follow-button")),
		WaitCount(".follow-card button.follow-button[aria-pressed=true]", 1),
	)
	HoldBack(t, tab, "*hx-ws*", 1500*time.Millisecond)
	for _, page := range []struct{ name, url string }{
		{"the timeline on its own", s.ServiceURL("timeline") + "/timeline/"},
		{"the shell's home", s.URL() + "/"},
	} {
		Run(t, tab,
			chromedp.Navigate(page.url),
			chromedp.WaitVisible(chromedp.CSS("#timeline-items")),
			waitFor("the live socket to open on "+page.name, socketOpen("timeline-live")),
		)
		text := "live despite a late script on " + page.name
		mustTweet(t, ann, text)
		Run(t, tab, WaitText("#timeline-items", text))
	}
}
