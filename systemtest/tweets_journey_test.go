package systemtest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"murmur/fragments/tweets/tweetstest"
)

// photo writes a JPEG carrying EXIF data to a temp file for uploading.
func photo(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "photo.jpg")
	if err := os.WriteFile(path, tweetstest.WithExif(t, tweetstest.JPEG(t, 300, 200), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// postLikeUnlikeDelete composes a tweet with an image on the open page,
// then on the page at userPage sees it, likes, unlikes and deletes it.
func postLikeUnlikeDelete(t *testing.T, tab context.Context, userPage, handle string) {
	t.Helper()
	text := `Hello <b>murmur</b> <!--# include virtual="/profile/api/me" --> https://example.org`
	Run(t, tab,
		chromedp.WaitVisible(chromedp.CSS("#compose textarea")),
		chromedp.SendKeys(chromedp.CSS("#compose textarea"), text),
		chromedp.SetUploadFiles(chromedp.CSS("#compose input[type=file]"), []string{photo(t)}),
		WaitCount("#compose-attachments li.attachment", 1),
		chromedp.SendKeys(chromedp.CSS("#compose-attachments li.attachment input[type=text]"), "a test pattern"),
		chromedp.Click(chromedp.CSS("#compose button[type=submit]")),
		WaitCount("#compose-attachments li", 0),
	)
	if v := Eval[string](t, tab, `document.querySelector("#compose textarea").value`); v != "" {
		t.Errorf("compose box not cleared after posting: %q", v)
	}

	Run(t, tab, chromedp.Navigate(userPage), WaitCount("article.tweet", 1))
	Screenshot(t, tab, "posted")
	if got := Text(t, tab, "article.tweet .tweet-text"); !strings.Contains(got, `<b>murmur</b> <!--# include virtual="/profile/api/me" -->`) {
		t.Errorf("tweet text shows %q, want the text as typed, escaped", got)
	}
	if n := Eval[int](t, tab, `document.querySelectorAll("article.tweet .tweet-text b").length`); n != 0 {
		t.Errorf("tweet text was rendered as HTML (%d <b> elements)", n)
	}
	if href := Eval[string](t, tab, `document.querySelector("article.tweet .tweet-text a").getAttribute("href")`); href != "https://example.org" {
		t.Errorf("URL in the tweet links to %q, want https://example.org", href)
	}
	if alt := Eval[string](t, tab, `document.querySelector("article.tweet .tweet-media img").alt`); alt != "a test pattern" {
		t.Errorf("image alt = %q, want the alt text typed", alt)
	}
	if w := Eval[int](t, tab, `document.querySelector("article.tweet .tweet-media img").naturalWidth`); w != 300 {
		t.Errorf("image loaded with width %d, want 300", w)
	}
	if got := Text(t, tab, "article.tweet"); !strings.Contains(got, "@"+handle) {
		t.Errorf("tweet card %q does not name its author @%s", got, handle)
	}

	Run(t, tab,
		chromedp.Click(chromedp.CSS(".tweet .like")),
		WaitText(".tweet .like.liked .like-count", "1"),
		chromedp.Click(chromedp.CSS(".tweet .like")),
		WaitCount(".tweet .like.liked", 0),
		WaitText(".tweet .like .like-count", "0"),
		chromedp.Click(chromedp.CSS(".tweet .confirm-delete summary")),
		chromedp.WaitVisible(chromedp.CSS(".tweet .confirm-box .danger")),
		chromedp.Click(chromedp.CSS(".tweet .confirm-box .danger")),
		WaitCount("article.tweet", 0),
	)
	Run(t, tab, chromedp.Reload(), WaitCount(".tweet-list", 1))
	if n := Eval[int](t, tab, `document.querySelectorAll("article.tweet").length`); n != 0 {
		t.Errorf("after a reload %d tweets are shown, want the deleted one gone", n)
	}
}

func TestJourneyTweetThroughShell(t *testing.T) {
	s := MustStack(t)
	tab := MustBrowser(t)
	Run(t, tab, chromedp.Navigate(s.URL()+"/"))
	signUpInBrowser(t, tab, "cleo", "Cleo", "password-cleo")
	postLikeUnlikeDelete(t, tab, s.URL()+"/u/cleo", "cleo")
}

func TestJourneyTweetStandalone(t *testing.T) {
	s := MustStack(t)
	tab := MustBrowser(t)
	// Sign up on profile opened on its own; the cookie is per host, so the
	// tweets service on its own port sees the session too.
	Run(t, tab, chromedp.Navigate(s.ServiceURL("profile")+"/profile/"))
	signUpInBrowser(t, tab, "bea", "Bea", "password-bea")
	tweets := s.ServiceURL("tweets")
	Run(t, tab, chromedp.Navigate(tweets+"/tweets/"))
	href := Eval[string](t, tab, `document.querySelector("link[rel=stylesheet]").getAttribute("href")`)
	if !strings.HasPrefix(href, "/tweets/static/murmur.") {
		t.Errorf("standalone tweets page styles from %q, want its own /tweets/static/", href)
	}
	postLikeUnlikeDelete(t, tab, tweets+"/tweets/u/bea", "bea")
}

func TestJourneyUnreachableServiceKeepsWhatWasTyped(t *testing.T) {
	s := MustStack(t)
	tab := MustBrowser(t)
	Run(t, tab, chromedp.Navigate(s.URL()+"/"))
	signUpInBrowser(t, tab, "dana", "Dana", "password-dana")
	Run(t, tab,
		chromedp.WaitVisible(chromedp.CSS("#compose textarea")),
		chromedp.SendKeys(chromedp.CSS("#compose textarea"), "words worth keeping"),
	)
	if err := s.Kill("tweets"); err != nil {
		t.Fatal(err)
	}
	Run(t, tab,
		chromedp.Click(chromedp.CSS("#compose button[type=submit]")),
		WaitText("#murmur-notice", "can’t be reached"),
	)
	Screenshot(t, tab, "notice")
	if v := Eval[string](t, tab, `document.querySelector("#compose textarea").value`); v != "words worth keeping" {
		t.Errorf("compose box after a failed post holds %q, want the text kept", v)
	}
}
