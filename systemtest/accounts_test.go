package systemtest

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gorilla/websocket"

	"murmur/fragments/tweets/tweetstest"
)

// renewedSession is what changing the password or signing out everywhere
// answers: this session's new token.
type renewedSession struct {
	Token string `json:"token"`
	User  struct {
		ID string `json:"id"`
	} `json:"user"`
}

// serviceReads are an authenticated read of each service's API, through
// the shell, for a user.
func serviceReads(id string) map[string]string {
	return map[string]string{
		"profile":  "/profile/api/me",
		"tweets":   "/tweets/api/users/" + id + "/tweets",
		"follow":   "/follow/api/users/" + id + "/following",
		"timeline": "/timeline/api/home",
	}
}

// mustRefuseWithin waits until every service answers c's reads with 401,
// failing when one still accepts them after within.
func mustRefuseWithin(t *testing.T, c *Client, id string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for name, path := range serviceReads(id) {
		for {
			status, body, _ := c.Do(t, "GET", path, nil)
			if status == http.StatusUnauthorized {
				if !strings.Contains(string(body), `"status":401`) {
					t.Errorf("%s: 401 without a problem body: %s", name, body)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s still answers %d to a signed-out token %v after the revocation", name, status, within)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// mustAccept checks every service answers c's reads with 200.
func mustAccept(t *testing.T, c *Client, id, who string) {
	t.Helper()
	for name, path := range serviceReads(id) {
		if status, body, _ := c.Do(t, "GET", path, nil); status != http.StatusOK {
			t.Errorf("%s: %s answered %d (%s), want 200", who, name, status, body)
		}
	}
}

// socketEnd waits for a socket to end and returns how (nil when it stayed
// open for within).
func socketEnd(conn *websocket.Conn, within time.Duration) error {
	conn.SetReadDeadline(time.Now().Add(within))
	for {
		if _, _, err := conn.ReadMessage(); err != nil {
			var ne interface{ Timeout() bool }
			if errors.As(err, &ne) && ne.Timeout() {
				return nil
			}
			return err
		}
	}
}

// Signing out everywhere reaches every service at once: the other
// session's token, accepted by each a moment before (so each remembers
// its version), is refused by profile, tweets, follow and the timeline,
// and its open socket closes; the session that asked goes on with its new
// token, on every service. Changing the password does the same.
func TestSignOutEverywhereReachesEveryService(t *testing.T) {
	s := MustStack(t)
	laptop := NewClient(s.URL())
	ada := laptop.MustSignUp(t, "ada", "analytical-engine", "Ada")
	time.Sleep(1100 * time.Millisecond) // another second: another token
	phone := NewClient(s.URL())
	var session renewedSession
	phone.MustJSON(t, http.StatusCreated, "POST", "/profile/api/sessions",
		map[string]string{"handle": "ada", "password": "analytical-engine"}, &session)
	phone.Token = session.Token
	if phone.Token == laptop.Token {
		t.Fatal("two sign-ins gave the same token")
	}
	mustAccept(t, phone, ada.ID, "the phone before")
	mustAccept(t, laptop, ada.ID, "the laptop before")

	wsURL := "ws" + strings.TrimPrefix(s.URL(), "http") + "/timeline/api/stream"
	phoneSocket, _, err := websocket.DefaultDialer.Dial(wsURL, http.Header{"Authorization": {"Bearer " + phone.Token}})
	if err != nil {
		t.Fatalf("open the phone's socket: %v", err)
	}
	defer phoneSocket.Close()

	laptop.MustJSON(t, http.StatusOK, "POST", "/profile/api/me/sessions/revoke", nil, &session)
	old := &Client{Base: laptop.Base, Token: laptop.Token, HTTP: laptop.HTTP}
	laptop.Token = session.Token

	// Well within the minute a service trusts a version it asked for:
	// what moved them is the sessions.revoked fact.
	mustRefuseWithin(t, phone, ada.ID, 5*time.Second)
	mustRefuseWithin(t, old, ada.ID, time.Second)
	err = socketEnd(phoneSocket, 5*time.Second)
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.ClosePolicyViolation {
		t.Errorf("the phone's socket ended with %v, want a 1008 close", err)
	}
	_, resp, err := websocket.DefaultDialer.Dial(wsURL, http.Header{"Authorization": {"Bearer " + phone.Token}})
	if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the phone's token opened a socket again: %v (%v)", err, resp)
	}

	// The laptop goes on: every service, a new socket, a new tweet.
	mustAccept(t, laptop, ada.ID, "the laptop after")
	laptopSocket := mustStream(t, s.URL(), laptop, "")
	mustTweet(t, laptop, "still signed in")
	if got := laptopSocket.nextCreated(t, 10*time.Second); got != "still signed in" {
		t.Errorf("the laptop's socket got %q, want its new tweet", got)
	}

	// A password change does the same, and the old password is gone.
	beforeChange := &Client{Base: laptop.Base, Token: laptop.Token, HTTP: NewClient(s.URL()).HTTP}
	laptop.MustJSON(t, http.StatusOK, "PUT", "/profile/api/me/password",
		map[string]string{"current_password": "analytical-engine", "new_password": "difference-engine"}, &session)
	laptop.Token = session.Token
	mustRefuseWithin(t, beforeChange, ada.ID, 5*time.Second)
	mustAccept(t, laptop, ada.ID, "the laptop after the password change")
	if status, _, _ := NewClient(s.URL()).Do(t, "POST", "/profile/api/sessions",
		map[string]string{"handle": "ada", "password": "analytical-engine"}); status != http.StatusUnauthorized {
		t.Errorf("the old password signs in: %d", status)
	}
}

// The settings page needs a session: without one (or with one signed out
// everywhere) nginx sends the visitor to sign in.
func TestSettingsPageNeedsASession(t *testing.T) {
	s := MustStack(t)
	visitor := NewClient(s.URL())
	status, _, h := visitor.Do(t, "GET", "/settings", nil)
	if status != http.StatusSeeOther || !strings.HasSuffix(h.Get("Location"), "/#signin") {
		t.Errorf("a visitor: %d to %q, want 303 to /#signin", status, h.Get("Location"))
	}
	ada := NewClient(s.URL())
	ada.MustSignUp(t, "ada", "analytical-engine", "Ada")
	status, body, _ := ada.Do(t, "GET", "/settings", nil)
	if status != http.StatusOK || !strings.Contains(string(body), "Change password") || !strings.Contains(string(body), "Sign out everywhere") ||
		!strings.Contains(string(body), "Profile picture") {
		t.Fatalf("a signed-in person: %d %s", status, body)
	}
	stale := &Client{Base: ada.Base, Token: ada.Token, HTTP: NewClient(s.URL()).HTTP}
	var session renewedSession
	ada.MustJSON(t, http.StatusOK, "POST", "/profile/api/me/sessions/revoke", nil, &session)
	if status, _, _ := stale.Do(t, "GET", "/settings", nil); status != http.StatusSeeOther {
		t.Errorf("a session signed out everywhere: %d, want 303 to sign in", status)
	}
}

// A person uploads a picture in their settings: a file that is not an
// image is refused with a readable message; a photo shows in the settings,
// in the nav, and on their tweet's card in place of their initial.
func TestJourneyAvatarOnTweetCard(t *testing.T) {
	s := MustStack(t)
	NewClient(s.URL()).MustSignUp(t, "ada", "analytical-engine", "Ada")
	tab := MustBrowser(t)
	watch := MustWatchPolicy(t, tab)
	signInInBrowser(t, tab, s.URL(), "ada", "analytical-engine")

	notImage := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(notImage, []byte("these are notes, not a picture"), 0o644); err != nil {
		t.Fatal(err)
	}
	square := filepath.Join(t.TempDir(), "me.jpg")
	if err := os.WriteFile(square, tweetstest.WithExif(t, tweetstest.JPEG(t, 400, 300), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	Run(t, tab,
		chromedp.Click(chromedp.CSS("[data-testid=nav-settings]")),
		chromedp.WaitVisible(chromedp.CSS("#settings-avatar")),
		chromedp.SetUploadFiles(chromedp.CSS("#avatar-file"), []string{notImage}),
		chromedp.Click(chromedp.CSS("#avatar-form button[type=submit]")),
		WaitText("#avatar-form .problem", "not an image"),
	)
	if n := Eval[int](t, tab, `document.querySelectorAll("[data-testid=avatar-preview] img").length`); n != 0 {
		t.Errorf("a refused file shows as a picture")
	}
	Run(t, tab,
		chromedp.SetUploadFiles(chromedp.CSS("#avatar-file"), []string{square}),
		chromedp.Click(chromedp.CSS("#avatar-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=avatar-preview] img")),
		// The nav listens for profile-changed and shows it at once.
		chromedp.WaitVisible(chromedp.CSS("[data-testid=nav-me] .avatar img")),
	)
	Screenshot(t, tab, "avatar-settings")
	Run(t, tab, waitFor("the settings' picture to load", `(() => { const i = document.querySelector("[data-testid=avatar-preview] img"); return i && i.complete && i.naturalWidth > 0 })()`))
	if w := Eval[int](t, tab, `document.querySelector("[data-testid=avatar-preview] img").naturalWidth`); w != 256 {
		t.Errorf("the settings show a picture %d pixels wide, want the 256 one", w)
	}

	Run(t, tab,
		chromedp.Navigate(s.URL()+"/"),
		chromedp.WaitVisible(chromedp.CSS("#compose textarea")),
		chromedp.SendKeys(chromedp.CSS("#compose textarea"), "my face now"),
		chromedp.Click(chromedp.CSS("#compose button[type=submit]")),
		chromedp.Navigate(s.URL()+"/u/ada"),
		WaitCount("article.tweet", 1),
		chromedp.WaitVisible(chromedp.CSS("article.tweet .avatar img")),
	)
	Screenshot(t, tab, "avatar-card")
	src := Eval[string](t, tab, `document.querySelector("article.tweet .avatar img").getAttribute("src")`)
	if !strings.HasPrefix(src, "/profile/avatars/") || !strings.HasSuffix(src, "-96.jpg") {
		t.Errorf("the card's picture is %q, want profile's 96-pixel URL", src)
	}
	Run(t, tab, waitFor("the card's picture to load", `(() => { const i = document.querySelector("article.tweet .avatar img"); return i && i.complete && i.naturalWidth > 0 })()`))
	if w := Eval[int](t, tab, `document.querySelector("article.tweet .avatar img").naturalWidth`); w != 96 {
		t.Errorf("the card's picture loaded %d pixels wide, want 96", w)
	}
	if got := Text(t, tab, "article.tweet .avatar"); got != "" {
		t.Errorf("the card's avatar still shows the initial %q beside the picture", got)
	}
	watch.Check(t, tab, "the avatar journey")
}
