package systemtest

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A person blocks someone from their page, through the confirm step, and
// sees their tweets leave the home; the settings page lists the block and
// lifts it.
func TestJourneyBlockFromTheirPage(t *testing.T) {
	s := MustStack(t)
	alice, bob := NewClient(s.URL()), NewClient(s.URL())
	alice.MustSignUp(t, "alice", "password-alice", "Alice")
	bobU := bob.MustSignUp(t, "bob", "password-bob", "Bob Builder")
	mustFollowUser(t, alice, bobU.ID)
	mustTweet(t, bob, "bob says hello")
	mustTweet(t, alice, "alice says hi")

	tab := MustBrowser(t)
	policy := MustWatchPolicy(t, tab)
	signInInBrowser(t, tab, s.URL(), "alice", "password-alice")
	Run(t, tab, WaitText("#timeline-items", "bob says hello"))

	Run(t, tab,
		chromedp.Navigate(s.URL()+"/u/bob"),
		WaitText("#user-card .display-name", "Bob Builder"),
		chromedp.Click(chromedp.CSS(".follow-card button.block-button")),
		WaitText(".follow-card .block-confirm", "Block @bob?"),
	)
	Screenshot(t, tab, "confirm-block")
	Run(t, tab,
		chromedp.Click(chromedp.CSS(".follow-card button.block-confirm-button")),
		WaitText(".follow-card .blocked-note", "You blocked @bob."),
		WaitText(".follow-card [data-count=followers]", "0"),
	)
	Screenshot(t, tab, "blocked-bob")

	Run(t, tab,
		chromedp.Navigate(s.URL()+"/"),
		WaitText("#timeline-items", "alice says hi"),
	)
	if got := Text(t, tab, "#timeline-items"); strings.Contains(got, "bob says hello") {
		t.Errorf("alice's home still holds bob's tweet after the block: %q", got)
	}

	Run(t, tab,
		chromedp.Navigate(s.URL()+"/settings"),
		WaitText("#blocked-and-muted .blocked-list", "@bob"),
	)
	Screenshot(t, tab, "settings")
	Run(t, tab,
		chromedp.Click(chromedp.CSS("#blocked-and-muted .blocked-list button.unblock-button")),
		WaitText("#blocked-and-muted .blocked-list", "You unblocked @bob."),
	)
	policy.Check(t, tab, "blocking and unblocking")
}
