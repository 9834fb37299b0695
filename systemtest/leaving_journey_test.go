package systemtest

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// browserCookie reads a cookie of the tab's page, HttpOnly ones too.
func browserCookie(t *testing.T, tab context.Context, base, name string) string {
	t.Helper()
	value := ""
	Run(t, tab, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		res, err := cdp.Call(ctx, tg, network.GetCookies, network.GetCookiesParams{URLs: []string{base + "/"}})
		if err != nil {
			return err
		}
		for _, c := range res.Cookies {
			if c.Name == name {
				value = c.Value
			}
		}
		return nil
	}))
	if value == "" {
		t.Fatalf("the browser has no %s cookie", name)
	}
	return value
}

// hasNoText is a condition: no element matching sel contains text.
func hasNoText(sel, text string) string {
	return `![...document.querySelectorAll(` + jsString(sel) + `)].some(e => e.textContent.includes(` + jsString(text) + `))`
}

// Someone leaves: bob follows ann and reads her tweet; ann exports her data
// (a zip), then deletes her account from her settings, confirming with her
// password and her handle; she is signed out, and bob finds her page is
// the account-that-doesn't-exist page and her tweet gone from his home.
func TestJourneyDeleteAccount(t *testing.T) {
	s := MustStack(t)
	annAPI := NewClient(s.URL())
	annAPI.MustSignUp(t, "ann", "password-ann", "Ann Leaving")
	NewClient(s.URL()).MustSignUp(t, "bob", "password-bob", "Bob Staying")

	annTab := MustBrowser(t)
	bobTab := MustBrowser(t) // a second browser: its own cookies
	signInInBrowser(t, annTab, s.URL(), "ann", "password-ann")
	signInInBrowser(t, bobTab, s.URL(), "bob", "password-bob")

	Run(t, bobTab,
		chromedp.Navigate(s.URL()+"/u/ann"),
		WaitText("#user-card .display-name", "Ann Leaving"),
		chromedp.Click(chromedp.CSS(".follow-card button.follow-button")),
		WaitCount(".follow-card button.follow-button[aria-pressed=true]", 1),
	)
	const farewell = "so long and thanks for all the fish"
	Run(t, annTab,
		chromedp.Navigate(s.URL()+"/"),
		chromedp.WaitVisible(chromedp.CSS("#compose textarea")),
		chromedp.SendKeys(chromedp.CSS("#compose textarea"), farewell),
		chromedp.Click(chromedp.CSS("#compose button[type=submit]")),
		WaitText("#timeline-items", farewell),
	)
	Run(t, bobTab,
		chromedp.Navigate(s.URL()+"/u/ann"),
		WaitText("article.tweet", farewell),
		chromedp.Navigate(s.URL()+"/"),
		WaitText("#timeline-items", farewell),
	)

	t.Run("the export is a zip of her data", func(t *testing.T) {
		// The settings form posts to this address; the browser would save
		// the answer. The shell answers the session cookie alike.
		Run(t, annTab,
			chromedp.Navigate(s.URL()+"/settings"),
			chromedp.WaitVisible(chromedp.CSS("#export-form #export-password")),
		)
		action := Eval[string](t, annTab, `document.querySelector("#export-form").action`)
		if !strings.HasSuffix(action, "/profile/settings/export") {
			t.Fatalf("the export form posts to %q", action)
		}
		cookie := browserCookie(t, annTab, s.URL(), "murmur_session")
		post := func(password string) *http.Response {
			req, _ := http.NewRequest("POST", action, strings.NewReader(url.Values{"password": {password}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(&http.Cookie{Name: "murmur_session", Value: cookie})
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			return resp
		}
		resp := post("password-ann")
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" ||
			!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("export = %d %s %q, want 200, a zip attachment (%.300s)", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"), data)
		}
		z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, f := range z.File {
			if f.Name == "murmur-ann/tweets.json" {
				rc, _ := f.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				found = strings.Contains(string(b), farewell)
			}
		}
		if !found {
			t.Error("the zip's murmur-ann/tweets.json does not hold ann's tweet")
		}
		resp = post("not-her-password")
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(page), "export-form") {
			t.Errorf("export with a wrong password = %d %s, want 401 and the settings page with the form", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	})

	t.Run("a wrong handle deletes nothing", func(t *testing.T) {
		Run(t, annTab,
			chromedp.Navigate(s.URL()+"/settings"),
			chromedp.WaitVisible(chromedp.CSS("#delete-form #delete-password")),
			chromedp.SendKeys(chromedp.CSS("#delete-password"), "password-ann"),
			chromedp.SendKeys(chromedp.CSS("#delete-handle"), "bob"),
			chromedp.Click(chromedp.CSS("#delete-form button[type=submit]")),
			WaitText("#delete-form", "Type your handle"),
		)
		if status, _, _ := annAPI.Do(t, "GET", "/profile/api/me", nil); status != http.StatusOK {
			t.Fatalf("ann's account after a wrong handle: %d, want still there", status)
		}
	})

	Run(t, annTab,
		chromedp.Navigate(s.URL()+"/settings"),
		chromedp.WaitVisible(chromedp.CSS("#delete-form #delete-password")),
		WaitText("#settings-delete", "cannot be undone"),
		chromedp.SendKeys(chromedp.CSS("#delete-password"), "password-ann"),
		chromedp.SendKeys(chromedp.CSS("#delete-handle"), "ann"),
		chromedp.Click(chromedp.CSS("#delete-form button[type=submit]")),
		// Signed out, on the welcome page.
		chromedp.WaitVisible(chromedp.CSS("#signin-handle")),
		WaitCount("[data-testid=nav-me]", 0),
	)
	Screenshot(t, annTab, "signed-out")
	if status, _, _ := annAPI.Do(t, "GET", "/profile/api/me", nil); status != http.StatusUnauthorized {
		t.Errorf("ann's token after the deletion: %d, want 401", status)
	}

	Run(t, bobTab,
		chromedp.Navigate(s.URL()+"/u/ann"),
		WaitText("#main", "This account doesn’t exist"),
		WaitCount("article.tweet", 0),
	)
	Screenshot(t, bobTab, "ann-gone")
	if status, _, _ := NewClient(s.URL()).Do(t, "GET", "/u/ann", nil); status != http.StatusNotFound {
		t.Errorf("GET /u/ann = %d, want 404", status)
	}
	// Her tweet leaves bob's home once tweets has erased it.
	Run(t, bobTab,
		chromedp.Navigate(s.URL()+"/"),
		WaitText("[data-testid=nav-me]", "@bob"),
		chromedp.WaitVisible(chromedp.CSS("#timeline-items")),
	)
	eventually(t, 15*time.Second, "ann's tweet leaves bob's home", func() error {
		step, cancel := context.WithTimeout(bobTab, 10*time.Second)
		defer cancel()
		if err := chromedp.Do(step, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#timeline-items"))); err != nil {
			return err
		}
		if !Eval[bool](t, bobTab, hasNoText("#timeline-items", farewell)) {
			return errors.New("her tweet is still there")
		}
		return nil
	})
}
