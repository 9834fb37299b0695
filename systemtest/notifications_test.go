package systemtest

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// notificationList is GET /notifications/api/notifications.
type notificationList struct {
	Items []struct {
		ID      string `json:"id"`
		Kind    string `json:"kind"`
		TweetID string `json:"tweet_id"`
		Actor   struct {
			ID     string `json:"id"`
			Handle string `json:"handle"`
		} `json:"actor"`
		Read bool `json:"read"`
	} `json:"items"`
	Next *string `json:"next"`
}

// waitNotifications reads c's notifications until there are want of them
// (or the time is up) and returns the last read.
func waitNotifications(t *testing.T, c *Client, want int) notificationList {
	t.Helper()
	var l notificationList
	deadline := time.Now().Add(20 * time.Second)
	for {
		l = notificationList{}
		status, _, _ := c.Do(t, "GET", "/notifications/api/unread", nil)
		if status == http.StatusOK {
			c.MustJSON(t, http.StatusOK, "GET", "/notifications/api/notifications?limit=100", nil, &l)
			if len(l.Items) >= want {
				return l
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d notifications after 20 s, want %d: %+v", len(l.Items), want, l.Items)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Stop notifications, let ten likes and a follow happen, start it: all
// eleven appear, none twice, and my own like of my tweet is none of them.
// A second crash and start later changes nothing.
func TestNotificationsDeliveredAcrossARestart(t *testing.T) {
	s := MustStack(t)
	ann, bob, cyd := NewClient(s.URL()), NewClient(s.URL()), NewClient(s.URL())
	annU := ann.MustSignUp(t, "ann", "password-ann", "Ann")
	bob.MustSignUp(t, "bob", "password-bob", "Bob")
	cyd.MustSignUp(t, "cyd", "password-cyd", "Cyd")
	var tweets []string
	for i := range 10 {
		tweets = append(tweets, mustTweet(t, ann, fmt.Sprintf("tweet number %d", i)))
	}
	if err := s.Kill("notifications"); err != nil {
		t.Fatal(err)
	}
	for _, id := range tweets {
		if status, body, _ := bob.Do(t, "PUT", "/tweets/api/tweets/"+id+"/like", nil); status != http.StatusNoContent {
			t.Fatalf("like: %d %s", status, body)
		}
	}
	if status, body, _ := cyd.Do(t, "PUT", "/follow/api/following/"+annU.ID, nil); status != http.StatusNoContent {
		t.Fatalf("follow: %d %s", status, body)
	}
	if status, _, _ := ann.Do(t, "PUT", "/tweets/api/tweets/"+tweets[0]+"/like", nil); status != http.StatusNoContent {
		t.Fatal("ann cannot like her own tweet")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Restart(ctx, "notifications"); err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T) {
		t.Helper()
		l := waitNotifications(t, ann, 11)
		time.Sleep(time.Second) // anything delivered twice would be here by now
		l = notificationList{}
		ann.MustJSON(t, http.StatusOK, "GET", "/notifications/api/notifications?limit=100", nil, &l)
		likes, follows, seen := 0, 0, map[string]bool{}
		for _, it := range l.Items {
			key := it.Kind + "/" + it.Actor.Handle + "/" + it.TweetID
			if seen[key] {
				t.Errorf("notified twice: %s", key)
			}
			seen[key] = true
			switch {
			case it.Kind == "like" && it.Actor.Handle == "bob":
				likes++
			case it.Kind == "follow" && it.Actor.Handle == "cyd":
				follows++
			default:
				t.Errorf("unexpected notification %+v", it)
			}
		}
		if likes != 10 || follows != 1 || len(l.Items) != 11 {
			t.Errorf("%d likes by bob and %d follows by cyd in %d items, want 10, 1 and 11", likes, follows, len(l.Items))
		}
		var unread struct{ Count int }
		ann.MustJSON(t, http.StatusOK, "GET", "/notifications/api/unread", nil, &unread)
		if unread.Count != 11 {
			t.Errorf("unread = %d, want 11", unread.Count)
		}
	}
	check(t)
	t.Run("a crash and a start again add nothing", func(t *testing.T) {
		if err := s.Kill("notifications"); err != nil {
			t.Fatal(err)
		}
		if err := s.Restart(ctx, "notifications"); err != nil {
			t.Fatal(err)
		}
		check(t)
	})
}

// Taken out of the list, notifications is neither started nor proxied:
// the bell's slot is empty and everything else works.
func TestSystemRunsWithoutNotificationsInTheList(t *testing.T) {
	s := MustStack(t, WithoutListing("notifications"))
	if p := s.Process("notifications"); p != nil {
		t.Fatal("a service out of the list was started")
	}
	ann, bob := NewClient(s.URL()), NewClient(s.URL())
	annU := ann.MustSignUp(t, "ann", "password-ann", "Ann")
	bob.MustSignUp(t, "bob", "password-bob", "Bob")
	id := mustTweet(t, ann, "hello from ann")
	if status, _, _ := bob.Do(t, "PUT", "/follow/api/following/"+annU.ID, nil); status != http.StatusNoContent {
		t.Fatal("follow failed")
	}
	if status, _, _ := bob.Do(t, "PUT", "/tweets/api/tweets/"+id+"/like", nil); status != http.StatusNoContent {
		t.Fatal("like failed")
	}
	status, body, _ := bob.Do(t, "GET", "/", nil, "Cookie", "murmur_session="+bob.Token)
	page := string(body)
	if status != http.StatusOK || !strings.Contains(page, "hello from ann") || !strings.Contains(page, `data-testid="nav-me"`) {
		t.Fatalf("home page: %d, want the nav and ann's tweet:\n%.2000s", status, page)
	}
	for _, bad := range []string{`data-testid="bell"`, "/notifications", "can’t be shown"} {
		if strings.Contains(page, bad) {
			t.Errorf("without notifications, the home page shows %q:\n%s", bad, page)
		}
	}
	for _, path := range []string{"/notifications", "/notifications/", "/notifications/api/unread"} {
		if status, _, _ := bob.Do(t, "GET", path, nil); status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404 (nothing serves it)", path, status)
		}
	}
}

// B follows A and likes A's tweet; A's open page shows the bell's count
// rise live; A opens the notifications and sees both; the count goes to 0.
func TestJourneyNotificationsBell(t *testing.T) {
	s := MustStack(t)
	ann, bob := NewClient(s.URL()), NewClient(s.URL())
	annU := ann.MustSignUp(t, "ann", "password-ann", "Ann Example")
	bob.MustSignUp(t, "bob", "password-bob", "Bob Builder")
	id := mustTweet(t, ann, "a tweet worth a like")

	tab := MustBrowser(t)
	signInInBrowser(t, tab, s.URL(), "ann", "password-ann")
	Run(t, tab,
		chromedp.WaitVisible(chromedp.CSS("[data-testid=bell]")),
		waitFor("the bell at 0", `document.querySelector("#bell-count").dataset.count === "0"`),
	)
	if status, _, _ := bob.Do(t, "PUT", "/follow/api/following/"+annU.ID, nil); status != http.StatusNoContent {
		t.Fatal("follow failed")
	}
	Run(t, tab, waitFor("the bell at 1", `document.querySelector("#bell-count").dataset.count === "1"`))
	if status, _, _ := bob.Do(t, "PUT", "/tweets/api/tweets/"+id+"/like", nil); status != http.StatusNoContent {
		t.Fatal("like failed")
	}
	Run(t, tab,
		waitFor("the bell at 2", `document.querySelector("#bell-count").dataset.count === "2"`),
		WaitText("[data-testid=bell-count]", "2"),
	)
	Screenshot(t, tab, "bell-two")
	Run(t, tab,
		chromedp.Click(chromedp.CSS("[data-testid=bell]")),
		WaitCount("[data-testid=notification]", 2),
		WaitText("[data-testid=notifications]", "Bob Builder followed you"),
		WaitText("[data-testid=notifications]", "Bob Builder liked your tweet"),
		WaitCount("[data-testid=notification].unread", 2),
		waitFor("the bell at 0", `document.querySelector("#bell-count").dataset.count === "0"`),
	)
	Screenshot(t, tab, "notifications-page")
	if href := Eval[string](t, tab, `document.querySelector("[data-kind=like] a[href*='/status/']").getAttribute("href")`); href != "/u/ann/status/"+id {
		t.Errorf("the like links to %q, want the tweet's page", href)
	}
	var unread struct{ Count int }
	ann.MustJSON(t, http.StatusOK, "GET", "/notifications/api/unread", nil, &unread)
	if unread.Count != 0 {
		t.Errorf("unread after opening the page = %d, want 0", unread.Count)
	}
	Run(t, tab,
		chromedp.Click(chromedp.CSS("[data-testid=mark-all-read]")),
		WaitCount("[data-testid=notification].unread", 0),
		WaitCount("[data-testid=notification]", 2),
	)
}
