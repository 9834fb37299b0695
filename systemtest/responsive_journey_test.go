package systemtest

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"
)

// On a phone the page is one column that fits the screen, the search box
// takes a row of its own, and the header still says who I am.
func TestJourneyOnAPhone(t *testing.T) {
	s := MustStack(t)
	a := NewClient(s.URL())
	a.MustSignUp(t, "grace", "password-grace", "Grace Hopper")
	a.MustJSON(t, 201, "POST", "/tweets/api/tweets", map[string]any{"text": "First compiler, first bug.", "media_ids": []string{}}, nil)

	tab := MustBrowser(t)
	Run(t, tab, chromedp.Emulate(device.IPhone13), chromedp.Navigate(s.URL()+"/"), chromedp.WaitVisible(chromedp.CSS(".hero")))
	fits := func(where string) {
		t.Helper()
		if over := Eval[int](t, tab, `document.documentElement.scrollWidth - window.innerWidth`); over > 0 {
			t.Errorf("%s: the page is %dpx wider than the phone's screen", where, over)
		}
		search := Eval[float64](t, tab, `document.querySelector("#people-search").getBoundingClientRect().width / window.innerWidth`)
		if search < 0.8 {
			t.Errorf("%s: the search box is %.0f%% of the screen's width, want a row of its own", where, search*100)
		}
	}
	fits("welcome")
	Screenshot(t, tab, "welcome")
	signUpInBrowser(t, tab, "ada", "Ada Lovelace", "password-ada")
	Run(t, tab,
		chromedp.Click(chromedp.CSS("#who-to-follow button.follow-button")),
		WaitText("#timeline-items", "First compiler"),
	)
	fits("home")
	Screenshot(t, tab, "home")
	cols := Eval[string](t, tab, `getComputedStyle(document.querySelector(".page")).gridTemplateColumns`)
	if n := len(strings.Fields(cols)); n != 1 {
		t.Errorf("the page has %d columns on a phone (%q), want 1", n, cols)
	}
}
