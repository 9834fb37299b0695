package systemtest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestJourneyLiveTimeline has two people in two browsers: bob posts and
// deletes, and ada's open home timeline follows along without a reload.
func TestJourneyLiveTimeline(t *testing.T) {
	s := MustStack(t)
	ada := NewClient(s.URL())
	ada.MustSignUp(t, "ada", "password-ada", "Ada")
	bobAPI := NewClient(s.URL())
	bobUser := bobAPI.MustSignUp(t, "bob", "password-bob", "Bob Builder")
	mustFollowUser(t, ada, bobUser.ID)
	// More than a page (20), so scrolling down loads the rest.
	for i := range 22 {
		mustTweet(t, bobAPI, fmt.Sprintf("older tweet %d", i))
	}

	adaTab := MustBrowser(t)
	bobTab := MustBrowser(t) // a second browser: its own cookies
	signInInBrowser(t, adaTab, s.URL(), "ada", "password-ada")
	signInInBrowser(t, bobTab, s.URL(), "bob", "password-bob")
	Run(t, adaTab,
		WaitText("#timeline-items", "older tweet 21"),
		waitFor("the live socket", `!!document.querySelector(".timeline-live")`),
	)
	if first := Text(t, adaTab, "#timeline-items article.tweet .tweet-text"); first != "older tweet 21" {
		t.Errorf("first tweet on ada's timeline = %q, want the newest", first)
	}

	t.Run("a followee's new tweet appears at the top", func(t *testing.T) {
		Run(t, bobTab,
			chromedp.WaitVisible(chromedp.CSS("#compose textarea")),
			chromedp.SendKeys(chromedp.CSS("#compose textarea"), "Hello from bob, live"),
			chromedp.Click(chromedp.CSS("#compose button[type=submit]")),
		)
		Run(t, adaTab, WaitText("#timeline-items article.tweet:first-of-type", "Hello from bob, live"))
		Screenshot(t, adaTab, "live-tweet")
		if n := Eval[int](t, adaTab, `document.querySelectorAll('#timeline-items article.tweet').length`); n != 21 {
			t.Errorf("ada's timeline shows %d tweets, want 21: a page of 20 older ones and the new one, once", n)
		}
	})

	t.Run("a deleted tweet disappears", func(t *testing.T) {
		Run(t, bobTab,
			WaitText("#timeline-items", "Hello from bob, live"),
			chromedp.Click(chromedp.CSS("#timeline-items article.tweet:first-of-type .confirm-delete summary")),
			chromedp.WaitVisible(chromedp.CSS("#timeline-items article.tweet:first-of-type .confirm-box .danger")),
			chromedp.Click(chromedp.CSS("#timeline-items article.tweet:first-of-type .confirm-box .danger")),
		)
		Run(t, adaTab, waitFor("bob's tweet to leave ada's page",
			`!document.querySelector("#timeline").innerText.includes("Hello from bob, live")`))
		if got := Text(t, adaTab, "#timeline-items article.tweet .tweet-text"); got != "older tweet 21" {
			t.Errorf("top tweet after the delete = %q, want the older ones left", got)
		}
	})

	t.Run("a like elsewhere updates the count on the open page", func(t *testing.T) {
		top := Eval[string](t, adaTab, `document.querySelector("#timeline-items article.tweet").dataset.tweetId`)
		bobAPI.MustJSON(t, 204, "PUT", "/tweets/api/tweets/"+top+"/like", nil, nil)
		Run(t, adaTab, WaitText("#tweet-"+top+" .like-count", "1"))
		if n := Eval[int](t, adaTab, `document.querySelectorAll("#timeline-items .like.liked").length`); n != 0 {
			t.Errorf("bob's like marked %d tweets as liked on ada's page, want none: the count is shared, the heart is hers", n)
		}
		bobAPI.MustJSON(t, 204, "DELETE", "/tweets/api/tweets/"+top+"/like", nil, nil)
		Run(t, adaTab, WaitText("#tweet-"+top+" .like-count", "0"))
	})

	t.Run("scrolling down loads the rest, each once", func(t *testing.T) {
		Run(t, adaTab,
			chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, document.body.scrollHeight)`),
			WaitText("#timeline-items", "older tweet 0"),
			WaitCount("#timeline-items article.tweet", 22),
		)
		unique := Eval[int](t, adaTab, `new Set([...document.querySelectorAll("#timeline-items article.tweet")].map(a => a.dataset.tweetId)).size`)
		if unique != 22 {
			t.Errorf("%d distinct tweets among 22 cards, want no duplicates", unique)
		}
	})

	t.Run("scrolled down, new tweets wait behind a pill", func(t *testing.T) {
		Run(t, adaTab, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, document.body.scrollHeight)`))
		mustTweet(t, bobAPI, "while ada reads below")
		Run(t, adaTab, WaitText("[data-testid=new-tweets]", "1 new tweet"))
		if strings.Contains(Text(t, adaTab, "#timeline-items"), "while ada reads below") {
			t.Error("the new tweet was put in the list while ada was scrolled down")
		}
		Run(t, adaTab,
			chromedp.Click(chromedp.CSS("[data-testid=new-tweets]")),
			WaitText("#timeline-items article.tweet:first-of-type", "while ada reads below"),
			waitFor("the pill to hide", `document.querySelector("[data-testid=new-tweets]").hidden`),
		)
	})

	t.Run("popular tab orders by likes", func(t *testing.T) {
		Run(t, adaTab,
			chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`),
			chromedp.Click(chromedp.CSS(`#timeline-items article.tweet:nth-of-type(3) .like`)),
			WaitCount("#timeline-items .like.liked", 1),
			chromedp.Click(chromedp.CSS(`.timeline-tabs [data-sort=popular]`)),
			WaitCount(`.timeline-tabs [data-sort=popular][aria-selected=true]`, 1),
		)
		if got := Text(t, adaTab, "#timeline-items article.tweet .tweet-text"); got != "older tweet 20" {
			t.Errorf("top of Popular = %q, want the one tweet ada liked", got)
		}
	})

	t.Run("the service on its own shows the same timeline", func(t *testing.T) {
		Run(t, adaTab,
			chromedp.Navigate(s.ServiceURL("timeline")+"/timeline/"),
			WaitText("[data-testid=nav-me]", "@ada"),
			WaitText("#timeline-items", "while ada reads below"),
		)
		Screenshot(t, adaTab, "standalone")
	})
}

// TestJourneyTimelineEmptyAndSignedOut shows a newcomer where to start.
func TestJourneyTimelineEmptyAndSignedOut(t *testing.T) {
	s := MustStack(t)
	NewClient(s.URL()).MustSignUp(t, "newbie", "password-newbie", "Newbie")
	tab := MustBrowser(t)
	Run(t, tab, chromedp.Navigate(s.ServiceURL("timeline")+"/timeline/"), WaitText("#main", "Sign in to see"))
	signInInBrowser(t, tab, s.URL(), "newbie", "password-newbie")
	Run(t, tab, WaitText(".timeline-empty", "Your timeline is empty"))
	if href := Eval[string](t, tab, `document.querySelector(".timeline-empty a").getAttribute("href")`); href != "#who-to-follow" {
		t.Errorf("empty timeline points to %q, want the who-to-follow widget", href)
	}
}
