package systemtest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// mustReplyTo posts a reply as c and returns its id.
func mustReplyTo(t *testing.T, c *Client, text, to string) string {
	t.Helper()
	var tw timelineTweet
	c.MustJSON(t, http.StatusCreated, "POST", "/tweets/api/tweets", map[string]any{"text": text, "in_reply_to_id": to}, &tw)
	return tw.ID
}

// TestJourneyConversation has ada post and bob reply from the card on his
// home: ada, with the tweet's page open in one tab and her home in
// another, sees the reply arrive on the page and the count change on her
// home, without a reload.
func TestJourneyConversation(t *testing.T) {
	s := MustStack(t)
	adaAPI := NewClient(s.URL())
	ada := adaAPI.MustSignUp(t, "ada", "password-ada", "Ada")
	bobAPI := NewClient(s.URL())
	bobAPI.MustSignUp(t, "bob", "password-bob", "Bob <Builder>")
	mustFollowUser(t, bobAPI, ada.ID)
	root := mustTweet(t, adaAPI, "What should murmur do next? 1/2")
	thread := mustReplyTo(t, adaAPI, "Replies, surely. 2/2", root)
	card := "#timeline-items #tweet-" + root

	// Two browsers for ada, each a window of its own: hx-ws closes the
	// socket of a page hidden behind another tab.
	adaHome := MustBrowser(t)
	signInInBrowser(t, adaHome, s.URL(), "ada", "password-ada")
	Run(t, adaHome, WaitText(card+" .reply-count", "1"), waitFor("the live socket", `!!document.querySelector(".timeline-live")`))

	adaPage := MustBrowser(t)
	pageWatch := MustWatchPolicy(t, adaPage)
	signInInBrowser(t, adaPage, s.URL(), "ada", "password-ada")
	Run(t, adaPage,
		WaitText(card+" .tweet-text", "What should murmur do next?"),
		chromedp.Click(chromedp.CSS(card+" a.permalink")),
		WaitText("[data-testid=focus-tweet]", "What should murmur do next?"),
		WaitText("#replies-of-"+root, "Replies, surely."),
		waitFor("the conversation socket to open", socketOpen("conversation-live")),
	)
	if url := Eval[string](t, adaPage, `location.pathname`); url != "/u/ada/status/"+root {
		t.Errorf("the card's time leads to %s, want /u/ada/status/%s", url, root)
	}
	Screenshot(t, adaPage, "tweet-page")

	bob := MustBrowser(t)
	bobWatch := MustWatchPolicy(t, bob)
	signInInBrowser(t, bob, s.URL(), "bob", "password-bob")
	t.Run("bob's home reads its feed once while its sockets open", func(t *testing.T) {
		// The bell keeps a socket of its own next to the home's: neither
		// opening is a reconnect of the home, which would read the feed
		// afresh and replace every card under the reader's pointer.
		Run(t, bob,
			WaitText(card+" .tweet-text", "What should murmur do next?"),
			waitFor("the home's socket to open", socketOpen("timeline-live")),
			waitFor("the bell's socket to open", socketOpen("bell")),
			chromedp.Evaluate[chromedp.Void](`new Promise(r => setTimeout(r, 500))`, chromedp.EvalAwaitPromise),
		)
		if n := Eval[int](t, bob, `performance.getEntriesByType("resource").filter(r => r.name.includes("/timeline/frag/feed")).length`); n != 0 {
			t.Errorf("bob's home read its feed afresh %d time(s) as it opened, want none: the page came with it", n)
		}
	})

	t.Run("bob opens the reply box under the card", func(t *testing.T) {
		Run(t, bob,
			WaitText(card+" .tweet-text", "What should murmur do next?"),
			chromedp.Click(chromedp.CSS(card+" button.reply-toggle")),
			chromedp.WaitVisible(chromedp.CSS(card+" .reply-slot textarea")),
			waitFor("the caret in the box", `document.activeElement === document.querySelector(`+jsString(card+" .reply-slot textarea")+`)`),
		)
		if v := Eval[string](t, bob, `document.querySelector(`+jsString(card+" .reply-slot textarea")+`).value`); v != "@ada " {
			t.Errorf("the box holds %q, want %q", v, "@ada ")
		}
		if at := Eval[int](t, bob, `document.activeElement.selectionStart`); at != len("@ada ") {
			t.Errorf("the caret is at %d, want after the handle (%d)", at, len("@ada "))
		}
	})

	t.Run("an empty reply is refused in the box", func(t *testing.T) {
		Run(t, bob,
			chromedp.Evaluate[chromedp.Void](`document.querySelector(`+jsString(card+" .reply-slot textarea")+`).value = "   "`),
			chromedp.Click(chromedp.CSS(card+" .reply-slot button[type=submit]")),
			WaitText(card+" .reply-slot .problem", "empty"),
		)
		if n := Text(t, bob, card+" .reply-count"); n != "1" {
			t.Errorf("the count after a refused reply = %q, want 1", n)
		}
	})

	t.Run("bob replies; the box closes and the count goes up", func(t *testing.T) {
		Run(t, bob,
			chromedp.Evaluate[chromedp.Void](`document.querySelector(`+jsString(card+" .reply-slot textarea")+`).value = "@ada "`),
			chromedp.SendKeys(chromedp.CSS(card+" .reply-slot textarea"), "Boosts, <b>please</b>"),
			chromedp.Click(chromedp.CSS(card+" .reply-slot button[type=submit]")),
			WaitGone(card+" .reply-slot form"),
			WaitText(card+" .reply-count", "2"),
		)
		bobWatch.Check(t, bob, "replying from a card")
	})

	t.Run("ada's open tweet page shows the reply live", func(t *testing.T) {
		Run(t, adaPage,
			WaitText("#replies-of-"+root, "Boosts, <b>please</b>"),
			WaitText("[data-testid=focus-tweet] .reply-count", "2"),
		)
		Screenshot(t, adaPage, "reply-arrived")
		pageWatch.Check(t, adaPage, "the tweet page")
		ids := Eval[[]string](t, adaPage, `[...document.querySelectorAll("#replies-of-`+root+` article.tweet")].map(a => a.dataset.tweetId)`)
		if len(ids) != 2 || ids[0] != thread {
			t.Errorf("replies on the page = %v, want ada's own thread (%s) first, then bob's", ids, thread)
		}
		if n := Eval[int](t, adaPage, `document.querySelectorAll("#replies-of-`+root+` b").length`); n != 0 {
			t.Error("the reply's text was rendered as HTML")
		}
		if !strings.Contains(Text(t, adaPage, "#replies-of-"+root), "Bob <Builder>") {
			t.Error("the reply does not show its author's name as typed")
		}
	})

	t.Run("ada's open home shows the new count", func(t *testing.T) {
		Run(t, adaHome, WaitText(card+" .reply-count", "2"))
	})

	t.Run("ada answers on the page", func(t *testing.T) {
		Run(t, adaPage,
			chromedp.SendKeys(chromedp.CSS(".reply-box-page textarea"), "Noted!"),
			chromedp.Click(chromedp.CSS(".reply-box-page button[type=submit]")),
			WaitText("#replies-of-"+root, "Noted!"),
			WaitText("[data-testid=focus-tweet] .reply-count", "3"),
		)
		if v := Eval[string](t, adaPage, `document.querySelector(".reply-box-page textarea").value`); v != "" {
			t.Errorf("the page's box holds %q after replying, want it empty", v)
		}
	})

	t.Run("a wrong link is a styled 404", func(t *testing.T) {
		visitor := NewClient(s.URL())
		for _, path := range []string{"/u/bob/status/" + root, "/u/ada/status/123", "/u/nobody/status/" + root} {
			status, body, _ := visitor.Do(t, "GET", path, nil)
			if status != http.StatusNotFound || !strings.Contains(string(body), "This tweet doesn’t exist") || !strings.Contains(string(body), "error-page") {
				t.Errorf("%s: %d, want the styled no-such-tweet page", path, status)
			}
		}
		status, body, _ := visitor.Do(t, "GET", "/u/ada/status/"+root, nil)
		if status != 200 || !strings.Contains(string(body), "Replies, surely.") || !strings.Contains(string(body), "Sign in to reply") {
			t.Errorf("signed out, the tweet page: %d, want it with a sign-in prompt", status)
		}
	})

	t.Run("the tweets service on its own shows the same page", func(t *testing.T) {
		Run(t, adaPage,
			chromedp.Navigate(s.ServiceURL("tweets")+"/tweets/u/ada/status/"+root),
			WaitText("[data-testid=focus-tweet]", "What should murmur do next?"),
			WaitText("#replies-of-"+root, "Boosts, <b>please</b>"),
		)
		Screenshot(t, adaPage, "tweet-page-standalone")
		if css := Eval[bool](t, adaPage, `!!document.querySelector('link[rel=stylesheet][href*="/tweets/static/murmur."]')`); !css {
			t.Error("the service's own tweet page is not in the common look")
		}
	})
}
