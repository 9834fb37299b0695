package systemtest

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// signInInBrowser signs in from the welcome page.
func signInInBrowser(t *testing.T, tab context.Context, base, handle, password string) {
	t.Helper()
	Run(t, tab,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#signin-handle")),
		chromedp.SendKeys(chromedp.CSS("#signin-handle"), handle),
		chromedp.SendKeys(chromedp.CSS("#signin-password"), password),
		chromedp.Click(chromedp.CSS("#signin button[type=submit]")),
		WaitText("[data-testid=nav-me]", "@"+handle),
	)
}

func TestJourneyFollowAndUnfollow(t *testing.T) {
	s := MustStack(t)
	NewClient(s.URL()).MustSignUp(t, "alice", "password-alice", "Alice")
	NewClient(s.URL()).MustSignUp(t, "bob", "password-bob", "Bob Builder")

	tab := MustBrowser(t)
	signInInBrowser(t, tab, s.URL(), "alice", "password-alice")
	Run(t, tab,
		WaitText("#who-to-follow", "@bob"),
		WaitText("#my-card .follow-counts", "0 following"),
	)

	Run(t, tab,
		chromedp.Navigate(s.URL()+"/u/bob"),
		WaitText("#user-card .display-name", "Bob Builder"),
		WaitText(".follow-card [data-count=followers]", "0"),
		chromedp.Click(chromedp.CSS(".follow-card button.follow-button")),
		WaitCount(".follow-card button.follow-button[aria-pressed=true]", 1),
		WaitText(".follow-card [data-count=followers]", "1"),
	)
	Screenshot(t, tab, "following-bob")
	if got := Text(t, tab, "#who-to-follow"); strings.Contains(got, "@bob") {
		t.Errorf("who-to-follow still offers bob after following him: %q", got)
	}

	Run(t, tab,
		chromedp.Navigate(s.URL()+"/"),
		WaitText("#my-card .follow-counts", "1 following"),
	)
	if got := Text(t, tab, "#who-to-follow"); strings.Contains(got, "@bob") {
		t.Errorf("home who-to-follow offers bob, whom alice follows: %q", got)
	}

	t.Run("unfollow reverses it", func(t *testing.T) {
		Run(t, tab,
			chromedp.Navigate(s.URL()+"/u/bob"),
			WaitCount(".follow-card button.follow-button[aria-pressed=true]", 1),
			chromedp.Click(chromedp.CSS(".follow-card button.follow-button")),
			WaitCount(".follow-card button.follow-button[aria-pressed=false]", 1),
			WaitText(".follow-card [data-count=followers]", "0"),
			chromedp.Navigate(s.URL()+"/"),
			WaitText("#my-card .follow-counts", "0 following"),
			WaitText("#who-to-follow", "@bob"),
		)
	})

	t.Run("search results carry follow buttons", func(t *testing.T) {
		Run(t, tab,
			chromedp.SendKeys(chromedp.CSS("#people-search"), "bo"),
			WaitText("#people-results", "Bob Builder"),
			chromedp.WaitVisible(chromedp.CSS("#people-results button.follow-button")),
			chromedp.Click(chromedp.CSS("#people-results button.follow-button")),
			WaitCount("#people-results button.follow-button[aria-pressed=true]", 1),
			WaitText("#my-card .follow-counts", "1 following"),
		)
	})
}

// An HX-Trigger event that htmx fires on document (its element was swapped
// away) still reaches the widgets listening on body.
func TestJourneyEventsOnDocumentReachWidgets(t *testing.T) {
	s := MustStack(t)
	NewClient(s.URL()).MustSignUp(t, "star", "password-star", "Star")
	tab := MustBrowser(t)
	Run(t, tab, chromedp.Navigate(s.URL()+"/"))
	signUpInBrowser(t, tab, "fan", "Fan", "password-fan")
	Run(t, tab, WaitText("#my-card .follow-counts", "0 following"))

	// Follow behind the page's back, then announce it the way htmx does
	// when the element that asked is gone.
	fan := NewClient(s.URL())
	fan.MustJSON(t, 201, "POST", "/profile/api/sessions", map[string]string{"handle": "fan", "password": "password-fan"}, &struct {
		Token *string `json:"token"`
	}{Token: &fan.Token})
	var star User
	fan.MustJSON(t, 200, "GET", "/profile/api/users/star", nil, &star)
	fan.MustJSON(t, 204, "PUT", "/follow/api/following/"+star.ID, nil, nil)
	Run(t, tab,
		chromedp.Evaluate[chromedp.Void](`document.dispatchEvent(new CustomEvent("follow-changed"))`),
		WaitText("#my-card .follow-counts", "1 following"),
	)
}

// A person's followers list shows a new follower as soon as the follow
// button on the same page is pressed.
func TestJourneyFollowersListFollowsTheButton(t *testing.T) {
	s := MustStack(t)
	NewClient(s.URL()).MustSignUp(t, "host", "password-host", "Host")
	tab := MustBrowser(t)
	Run(t, tab, chromedp.Navigate(s.URL()+"/"))
	signUpInBrowser(t, tab, "guest", "Guest", "password-guest")
	Run(t, tab,
		chromedp.Navigate(s.URL()+"/follow/u/host"),
		WaitText("#followers", "No followers yet."),
		chromedp.Click(chromedp.CSS(".follow-card button.follow-button")),
		WaitText("#followers", "@guest"),
	)
}
