package systemtest

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// signUpInBrowser fills the sign-up form of the page that is open and waits
// until the nav shows the new account.
func signUpInBrowser(t *testing.T, tab context.Context, handle, name, password string) {
	t.Helper()
	Run(t, tab,
		chromedp.WaitVisible(chromedp.CSS("#signup-handle")),
		chromedp.SendKeys(chromedp.CSS("#signup-handle"), handle),
		chromedp.SendKeys(chromedp.CSS("#signup-name"), name),
		chromedp.SendKeys(chromedp.CSS("#signup-password"), password),
		chromedp.Click(chromedp.CSS("#signup button[type=submit]")),
		WaitText("[data-testid=nav-me]", "@"+handle),
	)
}

func TestJourneySignUpEditSignOutSignIn(t *testing.T) {
	s := MustStack(t)
	tab := MustBrowser(t)

	Run(t, tab, chromedp.Navigate(s.URL()+"/"), chromedp.WaitVisible(chromedp.CSS(".hero")))
	signUpInBrowser(t, tab, "ada", "Ada Lovelace", "analytical-engine")
	if got := Text(t, tab, "[data-testid=nav-me]"); !strings.Contains(got, "Ada Lovelace") {
		t.Errorf("nav after sign-up shows %q, want the display name Ada Lovelace", got)
	}
	if got := Text(t, tab, "#my-card .display-name"); got != "Ada Lovelace" {
		t.Errorf("my card shows %q, want Ada Lovelace", got)
	}
	Screenshot(t, tab, "signed-in")

	t.Run("edit name and bio in place", func(t *testing.T) {
		Run(t, tab,
			chromedp.Click(chromedp.CSS("#my-card button")),
			chromedp.WaitVisible(chromedp.CSS("#edit-bio")),
			chromedp.SetValue(chromedp.CSS("#edit-name"), "Countess Ada"),
			chromedp.SetValue(chromedp.CSS("#edit-bio"), "Poet of science <3"),
			chromedp.Click(chromedp.CSS("#my-card button[type=submit]")),
			WaitText("#my-card .bio", "Poet of science <3"),
			// The nav hears profile-changed and refreshes itself.
			WaitText("[data-testid=nav-me]", "Countess Ada"),
		)
		if got := Text(t, tab, "#my-card .display-name"); got != "Countess Ada" {
			t.Errorf("card name after edit = %q, want Countess Ada", got)
		}
	})

	t.Run("an invalid edit shows a message and keeps the form", func(t *testing.T) {
		Run(t, tab,
			chromedp.Click(chromedp.CSS("#my-card button")),
			chromedp.WaitVisible(chromedp.CSS("#edit-bio")),
			chromedp.SetValue(chromedp.CSS("#edit-name"), "   "),
			chromedp.Click(chromedp.CSS("#my-card button[type=submit]")),
			WaitText("#my-card .problem", "display name"),
			chromedp.Click(chromedp.CSS("#my-card button.secondary")),
			WaitText("#my-card .display-name", "Countess Ada"),
		)
	})

	t.Run("sign out", func(t *testing.T) {
		Run(t, tab,
			chromedp.Click(chromedp.CSS(".nav-user button")),
			chromedp.WaitVisible(chromedp.CSS(".hero")),
			WaitGone("[data-testid=nav-me]"),
		)
	})

	t.Run("wrong password is refused in the form", func(t *testing.T) {
		Run(t, tab,
			chromedp.SendKeys(chromedp.CSS("#signin-handle"), "ada"),
			chromedp.SendKeys(chromedp.CSS("#signin-password"), "not-the-password"),
			chromedp.Click(chromedp.CSS("#signin button[type=submit]")),
			WaitText("#signin .problem", "do not match"),
		)
		if got := Eval[string](t, tab, `document.querySelector("#signin-handle").value`); got != "ada" {
			t.Errorf("handle field after a refused sign-in = %q, want it kept as ada", got)
		}
	})

	t.Run("sign in again", func(t *testing.T) {
		Run(t, tab,
			chromedp.SetValue(chromedp.CSS("#signin-password"), "analytical-engine"),
			chromedp.Click(chromedp.CSS("#signin button[type=submit]")),
			WaitText("[data-testid=nav-me]", "Countess Ada"),
			WaitText("#my-card .bio", "Poet of science"),
		)
	})

	t.Run("a taken handle is refused in the form", func(t *testing.T) {
		other := NewTab(t, MustBrowser(t))
		Run(t, other,
			chromedp.Navigate(s.URL()+"/"),
			chromedp.WaitVisible(chromedp.CSS("#signup-handle")),
			chromedp.SendKeys(chromedp.CSS("#signup-handle"), "ADA"),
			chromedp.SendKeys(chromedp.CSS("#signup-password"), "something-long"),
			chromedp.Click(chromedp.CSS("#signup button[type=submit]")),
			WaitText("#signup .problem", "taken"),
		)
	})
}

func TestJourneySearchPeople(t *testing.T) {
	s := MustStack(t)
	api := NewClient(s.URL())
	for _, u := range [][2]string{{"grace_hopper", "Grace Hopper"}, {"gregory", "Gregory House"}, {"alan", "Alan Turing"}, {"kelly_g", "Grace Kelly"}} {
		NewClient(s.URL()).MustSignUp(t, u[0], "password-"+u[0], u[1])
	}
	_ = api
	tab := MustBrowser(t)
	Run(t, tab,
		chromedp.Navigate(s.URL()+"/"),
		chromedp.WaitVisible(chromedp.CSS("#people-search")),
		chromedp.SendKeys(chromedp.CSS("#people-search"), "gr"),
		WaitText("#people-results", "Grace Hopper"),
		WaitText("#people-results", "Gregory House"),
		WaitText("#people-results", "Grace Kelly"),
	)
	if got := Text(t, tab, "#people-results"); strings.Contains(got, "Alan") {
		t.Errorf("search for gr lists %q, which should not include Alan", got)
	}

	t.Run("a result leads to the person's page", func(t *testing.T) {
		Run(t, tab,
			chromedp.Click(chromedp.CSS(`#people-results a[href="/u/grace_hopper"]`)),
			WaitText("#user-card .display-name", "Grace Hopper"),
		)
		if loc := Eval[string](t, tab, "location.pathname"); loc != "/u/grace_hopper" {
			t.Errorf("result led to %s, want /u/grace_hopper", loc)
		}
	})

	t.Run("no match says so", func(t *testing.T) {
		Run(t, tab,
			chromedp.Navigate(s.URL()+"/"),
			chromedp.WaitVisible(chromedp.CSS("#people-search")),
			chromedp.SendKeys(chromedp.CSS("#people-search"), "zzz"),
			WaitText("#people-results", "No one matches"),
		)
	})
}

func TestJourneyProfileDownShowsFallback(t *testing.T) {
	s := MustStack(t)
	tab := MustBrowser(t)
	Run(t, tab, chromedp.Navigate(s.URL()+"/"), chromedp.WaitVisible(chromedp.CSS("#signup-handle")))
	signUpInBrowser(t, tab, "lin", "Lin", "password-lin")

	if err := s.Kill("profile"); err != nil {
		t.Fatal(err)
	}
	Run(t, tab,
		chromedp.Reload(),
		WaitText(".topbar .fallback", "People search"),
		WaitText(".col-left .fallback", "Your profile"),
		chromedp.WaitVisible(chromedp.CSS(".foot")),
	)
	Screenshot(t, tab, "profile-down")
	if n := Eval[int](t, tab, `document.querySelectorAll(".fallback").length`); n < 2 {
		t.Errorf("page shows %d fallback blocks, want at least the nav's and the card's", n)
	}
	if got := Eval[string](t, tab, `document.body.innerText`); strings.Contains(got, "502") || strings.Contains(got, "Bad Gateway") {
		t.Errorf("page shows an nginx error page: %q", got)
	}

	if err := s.Restart(context.Background(), "profile"); err != nil {
		t.Fatal(err)
	}
	Run(t, tab, chromedp.Reload(), WaitText("[data-testid=nav-me]", "@lin"))
}

func TestJourneyStandaloneProfile(t *testing.T) {
	s := MustStack(t)
	tab := MustBrowser(t)
	base := s.ServiceURL("profile")
	Run(t, tab, chromedp.Navigate(base+"/profile/"), chromedp.WaitVisible(chromedp.CSS(".hero")))
	signUpInBrowser(t, tab, "solo", "Solo Flyer", "password-solo")
	Run(t, tab, WaitText("#my-card .display-name", "Solo Flyer"), WaitText("#people", "Solo Flyer"))
	Screenshot(t, tab, "standalone")
	if n := Eval[int](t, tab, `document.styleSheets.length && document.styleSheets[0].cssRules.length`); n < 20 {
		t.Errorf("standalone page has %d CSS rules, want the common stylesheet loaded", n)
	}
	href := Eval[string](t, tab, `document.querySelector("link[rel=stylesheet]").getAttribute("href")`)
	if !strings.HasPrefix(href, "/profile/static/murmur.") {
		t.Errorf("standalone stylesheet is %q, want it served by the service under /profile/static/", href)
	}
	Run(t, tab,
		chromedp.Click(chromedp.CSS("[data-testid=nav-me]")),
		WaitText(".profile-card .display-name", "Solo Flyer"),
	)
	if loc := Eval[string](t, tab, "location.pathname"); loc != "/profile/u/solo" {
		t.Errorf("standalone link to my page went to %s, want /profile/u/solo", loc)
	}
}
