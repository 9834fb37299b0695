package systemtest

import (
	"os"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestManualLook(t *testing.T) {
	if os.Getenv("MANUAL") == "" {
		t.Skip()
	}
	base := "http://localhost:4040"
	a := NewClient(base)
	a.MustSignUp(t, "grace", "password-grace", "Grace Hopper")
	a.Do(t, "POST", "/tweets/api/tweets", map[string]any{"text": "First compiler, first bug. Ask me about nanoseconds.", "media_ids": []string{}})
	b := NewClient(base)
	b.MustSignUp(t, "linus", "password-linus", "Linus")
	b.Do(t, "POST", "/tweets/api/tweets", map[string]any{"text": "Talk is cheap. Show me the code.", "media_ids": []string{}})
	tab := MustBrowser(t)
	Run(t, tab, chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(".hero")))
	Screenshot(t, tab, "welcome")
	signUpInBrowser(t, tab, "ada", "Ada Lovelace", "password-ada")
	Run(t, tab, chromedp.Sleep(500e6))
	Screenshot(t, tab, "home-empty")
	Run(t, tab,
		chromedp.Click(chromedp.CSS("#who-to-follow button.follow-button")),
		chromedp.Sleep(700e6),
		chromedp.SendKeys(chromedp.CSS("#compose textarea"), "Hello from Ada 👋 https://example.org"),
		chromedp.Click(chromedp.CSS("#compose button[type=submit]")),
		chromedp.Sleep(1e9),
	)
	a.Do(t, "POST", "/tweets/api/tweets", map[string]any{"text": "A live one, pushed over the socket.", "media_ids": []string{}})
	Run(t, tab, chromedp.Sleep(1500e6))
	Screenshot(t, tab, "home")
	Run(t, tab, chromedp.Navigate(base+"/u/grace"), chromedp.Sleep(700e6))
	Screenshot(t, tab, "user")
	Run(t, tab, chromedp.Navigate(base+"/profile/api/docs"), chromedp.Sleep(1500e6))
	Screenshot(t, tab, "docs")
	Run(t, tab, chromedp.Navigate("http://localhost:4044/timeline/"), chromedp.Sleep(700e6))
	Screenshot(t, tab, "timeline-standalone")
	Run(t, tab, chromedp.Navigate("http://localhost:4043/follow/"), chromedp.Sleep(700e6))
	Screenshot(t, tab, "follow-standalone")
}
