package systemtest

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"murmur/stack"
)

// TestJourneyOpenPageRecoversFromACrash: timeline and follow crash while
// ada reads her home; the page she opens meanwhile shows their fallbacks,
// and once the launcher has them back, the widgets take the fallbacks'
// places on the open page, without a reload, and the timeline is live
// again.
func TestJourneyOpenPageRecoversFromACrash(t *testing.T) {
	s := MustStack(t, WithRestarts(3*time.Second))
	bob := NewClient(s.URL())
	bobUser := bob.MustSignUp(t, "bob", "password-bob", "Bob Builder")
	ada := NewClient(s.URL())
	ada.MustSignUp(t, "ada", "password-ada", "Ada")
	mustFollowUser(t, ada, bobUser.ID)
	mustTweet(t, bob, "before the crash")

	tab := MustBrowser(t)
	signInInBrowser(t, tab, s.URL(), "ada", "password-ada")
	Run(t, tab, WaitText("#timeline-items", "before the crash"), chromedp.WaitVisible(chromedp.CSS("#who-to-follow")))

	for _, part := range []string{"timeline", "follow"} {
		if err := s.Crash(part); err != nil {
			t.Fatal(err)
		}
	}
	Run(t, tab,
		chromedp.Reload(),
		WaitText(".col-main .fallback", "Your timeline"),
		WaitText(".col-right .fallback", "Who to follow"),
	)
	for _, part := range []string{"timeline", "follow"} {
		if p := s.Part(part); p.State == stack.Up {
			t.Fatalf("%s was back before the page was read (%+v): the restart wait is too short for this test", part, p)
		}
	}
	Screenshot(t, tab, "down")
	Run(t, tab, chromedp.Evaluate[chromedp.Void](`window.murmurSamePage = true`))

	Run(t, tab, waitForUpTo(25*time.Second, "the widgets to take the fallbacks' places",
		`!!document.querySelector("#timeline-items") && !!document.querySelector("#who-to-follow") && !document.querySelector(".fallback")`))
	Screenshot(t, tab, "recovered")
	if !Eval[bool](t, tab, `window.murmurSamePage === true`) {
		t.Fatal("the page was reloaded; it should have recovered in place")
	}
	if got := Text(t, tab, "#timeline-items"); !strings.Contains(got, "before the crash") {
		t.Errorf("the timeline that came back shows %q", got)
	}
	for _, part := range []string{"timeline", "follow"} {
		if p := s.Part(part); p.Restarts != 1 {
			t.Errorf("%s was restarted %d times, want once, by the launcher", part, p.Restarts)
		}
	}

	// The widget that came back holds a live socket of its own.
	Run(t, tab, waitFor("the live socket", `!!document.querySelector(".timeline-live")`))
	mustTweet(t, bob, "after the comeback")
	Run(t, tab, WaitText("#timeline-items article.tweet:first-of-type", "after the comeback"))
}
