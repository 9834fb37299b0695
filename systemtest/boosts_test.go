package systemtest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// homeEntry is an entry of a home as the boost tests look at it.
type homeEntry struct {
	ID        string `json:"id"`
	Text      string `json:"text"`
	BoostedBy *struct {
		ID          string `json:"id"`
		Handle      string `json:"handle"`
		DisplayName string `json:"display_name"`
	} `json:"boosted_by"`
	BoostID string `json:"boost_id"`
}

// mustHomeEntries reads c's whole home, pages of limit, in the order given.
func mustHomeEntries(t *testing.T, c *Client, sort string, limit int) []string {
	t.Helper()
	var out []string
	cursor := ""
	for range 50 {
		var p struct {
			Items []homeEntry `json:"items"`
			Next  *string     `json:"next"`
		}
		q := "/timeline/api/home?sort=" + sort + "&limit=" + strconv.Itoa(limit)
		if cursor != "" {
			q += "&cursor=" + cursor
		}
		c.MustJSON(t, http.StatusOK, "GET", q, nil, &p)
		for _, e := range p.Items {
			s := e.Text
			if e.BoostedBy != nil {
				s += " (" + e.BoostedBy.DisplayName + " boosted)"
			}
			out = append(out, s)
		}
		if p.Next == nil {
			return out
		}
		cursor = *p.Next
	}
	t.Fatal("the home never ended")
	return nil
}

func boost(t *testing.T, c *Client, id string, on bool) {
	t.Helper()
	method := "PUT"
	if !on {
		method = "DELETE"
	}
	c.MustJSON(t, http.StatusNoContent, method, "/tweets/api/tweets/"+id+"/boost", nil, nil)
}

// Across the real services behind the shell: a boosted tweet reaches the
// homes of the boosters' followers once, never beside the original, and
// leaves when unboosted or deleted; a boost reaches an open stream live.
func TestBoostsAcrossFollowers(t *testing.T) {
	s := MustStack(t)
	ada, bob, cyd, dan := NewClient(s.URL()), NewClient(s.URL()), NewClient(s.URL()), NewClient(s.URL())
	adaU := ada.MustSignUp(t, "ada", "password-ada", "Ada")
	bobU := bob.MustSignUp(t, "bob", "password-bob", "Bob")
	cyd.MustSignUp(t, "cyd", "password-cyd", "Cyd")
	danU := dan.MustSignUp(t, "dan", "password-dan", "Dan")
	mustFollowUser(t, cyd, bobU.ID) // cyd follows bob and dan
	mustFollowUser(t, cyd, danU.ID)
	tw := mustTweet(t, ada, "ada's tweet worth passing on")
	mustTweet(t, bob, "bob's own")
	live := mustStream(t, s.URL(), cyd, "")
	time.Sleep(300 * time.Millisecond) // the stream's following set loads on open

	boost(t, bob, tw, true)
	e := live.next(t, 10*time.Second)
	for e["event"] != "tweet.created" {
		e = live.next(t, 10*time.Second) // boost counts come first
	}
	entry, _ := e["tweet"].(map[string]any)
	by, _ := entry["boosted_by"].(map[string]any)
	if entry["id"] != tw || by == nil || by["handle"] != "bob" || entry["boost_id"] == nil {
		t.Errorf("cyd's stream: %v, want ada's tweet boosted by bob", e)
	}

	boost(t, dan, tw, true)
	for _, sort := range []string{"recent", "popular"} {
		for _, limit := range []int{1, 20} {
			got := mustHomeEntries(t, cyd, sort, limit)
			want := []string{"ada's tweet worth passing on (Dan boosted)", "bob's own"}
			if !slices.Equal(got, want) {
				t.Errorf("%s, pages of %d: cyd's home = %q, want %q (once, by the newest boost)", sort, limit, got, want)
			}
		}
	}
	for e := range drain(live) {
		if e["event"] == "tweet.created" {
			t.Errorf("cyd's stream got a second entry of the tweet: %v", e)
		}
	}

	t.Run("following the author shows only the original", func(t *testing.T) {
		mustFollowUser(t, cyd, adaU.ID)
		if got, want := mustHomeEntries(t, cyd, "recent", 20), []string{"bob's own", "ada's tweet worth passing on"}; !slices.Equal(got, want) {
			t.Errorf("cyd's home = %q, want %q", got, want)
		}
		mustUnfollowUser(t, cyd, adaU.ID)
	})
	t.Run("unboosting moves it back, then out", func(t *testing.T) {
		boost(t, dan, tw, false)
		if got := mustHomeEntries(t, cyd, "recent", 20); !slices.Equal(got, []string{"ada's tweet worth passing on (Bob boosted)", "bob's own"}) {
			t.Errorf("after dan's unboost cyd's home = %q, want bob's boost", got)
		}
		boost(t, bob, tw, false)
		if got := mustHomeEntries(t, cyd, "recent", 20); !slices.Equal(got, []string{"bob's own"}) {
			t.Errorf("after both unboosts cyd's home = %q", got)
		}
	})
	t.Run("deleting the tweet removes its boosts", func(t *testing.T) {
		boost(t, bob, tw, true)
		ada.MustJSON(t, http.StatusNoContent, "DELETE", "/tweets/api/tweets/"+tw, nil, nil)
		if got := mustHomeEntries(t, cyd, "recent", 20); !slices.Equal(got, []string{"bob's own"}) {
			t.Errorf("after the delete cyd's home = %q", got)
		}
		status, _, _ := bob.Do(t, "PUT", "/tweets/api/tweets/"+tw+"/boost", nil)
		if status != http.StatusNotFound {
			t.Errorf("boost a deleted tweet = %d, want 404", status)
		}
	})
}

// drain returns what a stream holds within a moment.
func drain(s *stream) <-chan map[string]any {
	out := make(chan map[string]any, 100)
	go func() {
		defer close(out)
		for {
			select {
			case e, ok := <-s.events:
				if !ok {
					return
				}
				out <- e
			case <-time.After(700 * time.Millisecond):
				return
			}
		}
	}()
	return out
}

// The home rule for replies across the real services: a reply by someone
// I follow reaches my home when it answers themself, me, or someone I
// follow; not when it answers a stranger.
func TestHomeRuleForReplies(t *testing.T) {
	s := MustStack(t)
	ada, bob, cyd, zed := NewClient(s.URL()), NewClient(s.URL()), NewClient(s.URL()), NewClient(s.URL())
	adaU := ada.MustSignUp(t, "ada", "password-ada", "Ada")
	bobU := bob.MustSignUp(t, "bob", "password-bob", "Bob")
	cyd.MustSignUp(t, "cyd", "password-cyd", "Cyd")
	zed.MustSignUp(t, "zed", "password-zed", "Zed")
	mustFollowUser(t, cyd, adaU.ID)
	mustFollowUser(t, cyd, bobU.ID)
	reply := func(c *Client, to, text string) {
		t.Helper()
		c.MustJSON(t, http.StatusCreated, "POST", "/tweets/api/tweets", map[string]any{"text": text, "in_reply_to_id": to}, nil)
	}
	byAda, byBob, byCyd, byZed := mustTweet(t, ada, "ada asks"), mustTweet(t, bob, "bob asks"), mustTweet(t, cyd, "cyd asks"), mustTweet(t, zed, "zed asks")
	live := mustStream(t, s.URL(), cyd, "")
	time.Sleep(300 * time.Millisecond)
	reply(ada, byAda, "ada to herself")
	reply(ada, byBob, "ada to bob")
	reply(ada, byCyd, "ada to cyd")
	reply(ada, byZed, "ada to zed")
	reply(cyd, byZed, "cyd to zed")
	reply(zed, byAda, "zed to ada")

	want := []string{"cyd to zed", "ada to cyd", "ada to bob", "ada to herself", "cyd asks", "bob asks", "ada asks"}
	for _, sort := range []string{"recent", "popular"} {
		got := mustHomeEntries(t, cyd, sort, 3)
		if !slices.Equal(got, want) {
			t.Errorf("%s: cyd's home = %q, want %q", sort, got, want)
		}
	}
	// Between the tweets, the new reply counts of tweets cyd's home holds
	// (replies.changed) come too; they are not tweets.
	var pushed []string
	for len(pushed) < 4 {
		e := live.next(t, 10*time.Second)
		if e["event"] == "replies.changed" {
			continue
		}
		tw, _ := e["tweet"].(map[string]any)
		if e["event"] != "tweet.created" || tw == nil {
			t.Fatalf("event = %v, want tweet.created with a tweet", e)
		}
		text, _ := tw["text"].(string)
		pushed = append(pushed, text)
	}
	if w := []string{"ada to herself", "ada to bob", "ada to cyd", "cyd to zed"}; !slices.Equal(pushed, w) {
		t.Errorf("cyd's stream pushed %q, want %q", pushed, w)
	}
	for e := range drain(live) {
		if e["event"] != "replies.changed" {
			t.Errorf("cyd's stream also got %v", e)
		}
	}
}

// TestJourneyBoost: bob boosts ada's tweet from its card; cyd, who follows
// bob only, sees it arrive on her open home once, marked "Bob boosted",
// and once again after a reload.
func TestJourneyBoost(t *testing.T) {
	s := MustStack(t)
	ada, bob, cyd := NewClient(s.URL()), NewClient(s.URL()), NewClient(s.URL())
	ada.MustSignUp(t, "ada", "password-ada", "Ada")
	bobU := bob.MustSignUp(t, "bob", "password-bob", "Bob Builder")
	cyd.MustSignUp(t, "cyd", "password-cyd", "Cyd")
	mustFollowUser(t, cyd, bobU.ID)
	tw := mustTweet(t, ada, "Ada's tweet to pass on")
	mustTweet(t, bob, "Bob's own tweet")

	cydTab, bobTab := MustBrowser(t), MustBrowser(t)
	signInInBrowser(t, cydTab, s.URL(), "cyd", "password-cyd")
	signInInBrowser(t, bobTab, s.URL(), "bob", "password-bob")
	Run(t, cydTab,
		WaitText("#timeline-items", "Bob's own tweet"),
		waitFor("the live socket", `!!document.querySelector(".timeline-live")`),
	)
	time.Sleep(500 * time.Millisecond) // the socket opens and loads whom cyd follows

	card := "#tweet-" + tw
	Run(t, bobTab,
		chromedp.Navigate(s.URL()+"/u/ada"),
		chromedp.WaitVisible(chromedp.CSS(card+" button.boost")),
		chromedp.Click(chromedp.CSS(card+" button.boost")),
		WaitText(card+" .boost-count", "1"),
	)
	if pressed := Eval[string](t, bobTab, `document.querySelector("`+card+` button.boost").getAttribute("aria-pressed")`); pressed != "true" {
		t.Errorf("bob's boost button aria-pressed = %q after the click, want true", pressed)
	}

	check := func(when string) {
		t.Helper()
		Run(t, cydTab, WaitText("#timeline-items", "Bob Builder boosted"))
		if n := Eval[int](t, cydTab, `[...document.querySelectorAll("#timeline-items article.tweet")].filter(a => a.innerText.includes("Ada's tweet to pass on")).length`); n != 1 {
			t.Errorf("%s: cyd's home shows ada's tweet %d times, want once", when, n)
		}
		if got := Text(t, cydTab, "#timeline-items article.tweet:first-of-type .boosted-by"); !strings.Contains(got, "Bob Builder boosted") {
			t.Errorf("%s: the top entry says %q, want \"Bob Builder boosted\"", when, got)
		}
		if got := Text(t, cydTab, "#timeline-items article.tweet:first-of-type .tweet-text"); got != "Ada's tweet to pass on" {
			t.Errorf("%s: the top entry is %q, want ada's tweet", when, got)
		}
	}
	check("live")
	Screenshot(t, cydTab, "boost-live")
	Run(t, cydTab, chromedp.Reload(), WaitText("#timeline-items", "Bob's own tweet"))
	check("after a reload")
}
