package systemtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// problemDetail reads a problem+json answer's detail.
func problemDetail(t *testing.T, body []byte, header http.Header) string {
	t.Helper()
	if ct := header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q, want application/problem+json: %s", ct, body)
	}
	var p struct {
		Detail string `json:"detail"`
	}
	json.Unmarshal(body, &p)
	return p.Detail
}

// Block rules across the real services: a block ends the follows both
// ways; the blocked cannot follow, like, reply to or boost the blocker's
// tweets, each refusal a clear 403; both homes lose the other's tweets and
// boosts of them, on the next read and on an open stream; notifications
// from the blocked stop. A mute hides the muted person's tweets and boosts
// from the muter's home alone, and their notifications.
func TestBlockRulesAcrossServices(t *testing.T) {
	s := MustStack(t)
	ada, bob, cyd := NewClient(s.URL()), NewClient(s.URL()), NewClient(s.URL())
	adaU := ada.MustSignUp(t, "ada", "password-ada", "Ada")
	bobU := bob.MustSignUp(t, "bob", "password-bob", "Bob")
	cydU := cyd.MustSignUp(t, "cyd", "password-cyd", "Cyd")
	mustFollowUser(t, ada, bobU.ID)
	mustFollowUser(t, bob, adaU.ID)
	mustFollowUser(t, ada, cydU.ID)
	mustFollowUser(t, bob, cydU.ID)
	adaTweet := mustTweet(t, ada, "ada speaks")
	mustTweet(t, bob, "bob speaks")
	cydTweet := mustTweet(t, cyd, "cyd speaks")
	// cyd boosts ada's tweet: bob, who follows cyd, would see it that way.
	boost(t, cyd, adaTweet, true)
	// bob likes ada's tweet before the block: with cyd's boost, two
	// notifications for ada.
	bob.MustJSON(t, http.StatusNoContent, "PUT", "/tweets/api/tweets/"+adaTweet+"/like", nil, nil)
	waitNotifications(t, ada, 2)

	live := mustStream(t, s.URL(), bob, "")
	time.Sleep(300 * time.Millisecond) // the stream's sets load on open

	ada.MustJSON(t, http.StatusNoContent, "PUT", "/follow/api/blocks/"+bobU.ID, nil, nil)
	ada.MustJSON(t, http.StatusNoContent, "PUT", "/follow/api/blocks/"+bobU.ID, nil, nil) // idempotent

	t.Run("follows end both ways, counts right", func(t *testing.T) {
		var st struct {
			Followers int  `json:"followers_count"`
			Following int  `json:"following_count"`
			Followed  bool `json:"followed_by_me"`
		}
		ada.MustJSON(t, http.StatusOK, "GET", "/follow/api/users/"+adaU.ID, nil, &st)
		if st.Followers != 0 || st.Following != 1 {
			t.Errorf("ada's counts = %+v, want no follower, following cyd alone", st)
		}
		bob.MustJSON(t, http.StatusOK, "GET", "/follow/api/users/"+bobU.ID, nil, &st)
		if st.Followers != 0 || st.Following != 1 {
			t.Errorf("bob's counts = %+v, want no follower, following cyd alone", st)
		}
	})
	t.Run("the blocked is refused, clearly", func(t *testing.T) {
		for _, r := range []struct{ method, path, want string }{
			{"PUT", "/follow/api/following/" + adaU.ID, "You cannot follow this person."},
			{"PUT", "/tweets/api/tweets/" + adaTweet + "/like", "You cannot like this tweet"},
			{"PUT", "/tweets/api/tweets/" + adaTweet + "/boost", "You cannot boost this tweet"},
			{"POST", "/tweets/api/tweets", "You cannot reply to this tweet"},
		} {
			var body any
			if r.method == "POST" {
				body = map[string]any{"text": "a reply", "in_reply_to_id": adaTweet}
			}
			status, got, h := bob.Do(t, r.method, r.path, body)
			if status != http.StatusForbidden || !strings.Contains(problemDetail(t, got, h), r.want) {
				t.Errorf("%s %s = %d %s, want 403 saying %q", r.method, r.path, status, got, r.want)
			}
		}
		// The blocker is held back the same way.
		status, got, h := ada.Do(t, "PUT", "/follow/api/following/"+bobU.ID, nil)
		if status != http.StatusForbidden || !strings.Contains(problemDetail(t, got, h), "unblock them") {
			t.Errorf("ada following bob = %d %s", status, got)
		}
	})
	t.Run("homes lose each other's tweets, boosts included", func(t *testing.T) {
		for _, sort := range []string{"recent", "popular"} {
			if got := mustHomeEntries(t, ada, sort, 20); slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "bob") }) {
				t.Errorf("ada's %s home = %q, want nothing of bob's", sort, got)
			}
			if got := mustHomeEntries(t, bob, sort, 20); slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "ada") }) {
				t.Errorf("bob's %s home = %q, want nothing of ada's (not even cyd's boost)", sort, got)
			}
		}
	})
	t.Run("an open stream stops carrying them", func(t *testing.T) {
		time.Sleep(500 * time.Millisecond) // the stream's sets reload on block.changed
		for range drain(live) {
		}
		mustTweet(t, ada, "ada after the block")
		boost(t, cyd, mustTweet(t, ada, "ada again"), true)
		marker := mustTweet(t, cyd, "cyd after the block")
		for {
			e := live.next(t, 10*time.Second)
			if e["event"] != "tweet.created" {
				continue
			}
			tw, _ := e["tweet"].(map[string]any)
			if text, _ := tw["text"].(string); strings.HasPrefix(text, "ada") {
				t.Errorf("bob's stream carried %v", e)
			}
			if tw["id"] == marker {
				break
			}
		}
	})
	t.Run("mentions and likes from the blocked stop notifying", func(t *testing.T) {
		// A mention of ada by bob, and cyd's like as a marker that events went by.
		mustTweet(t, bob, "hey @ada")
		cyd.MustJSON(t, http.StatusNoContent, "PUT", "/tweets/api/tweets/"+adaTweet+"/like", nil, nil)
		waitNotifications(t, ada, 3) // cyd's two boosts and like
		time.Sleep(time.Second)      // and bob's mention, had it come through
		var l notificationList
		ada.MustJSON(t, http.StatusOK, "GET", "/notifications/api/notifications?limit=100", nil, &l)
		if len(l.Items) != 3 {
			t.Errorf("ada's notifications = %+v, want cyd's three alone", l.Items)
		}
		for _, n := range l.Items {
			if n.Actor.ID == bobU.ID {
				t.Errorf("ada's notifications hold one from bob: %+v", n)
			}
		}
		var unread struct {
			Count int `json:"count"`
		}
		ada.MustJSON(t, http.StatusOK, "GET", "/notifications/api/unread", nil, &unread)
		if unread.Count != 3 {
			t.Errorf("ada's unread count = %d, want 3 (bob's like and mention left out)", unread.Count)
		}
	})
	t.Run("a mute hides tweets and boosts from the muter's home alone", func(t *testing.T) {
		// dan follows cyd, who boosted ada's tweet; then dan mutes cyd.
		dan := NewClient(s.URL())
		dan.MustSignUp(t, "dan", "password-dan", "Dan")
		mustFollowUser(t, dan, cydU.ID)
		home := mustHomeEntries(t, dan, "recent", 20)
		if !slices.ContainsFunc(home, func(s string) bool { return strings.Contains(s, "Cyd boosted") }) {
			t.Fatalf("dan's home before the mute = %q, want cyd's boost of ada's tweet", home)
		}
		dan.MustJSON(t, http.StatusNoContent, "PUT", "/follow/api/mutes/"+cydU.ID, nil, nil)
		if got := mustHomeEntries(t, dan, "recent", 20); len(got) != 0 {
			t.Errorf("dan's home after muting cyd = %q, want empty", got)
		}
		// Nothing else changes: dan still follows cyd, and may like.
		dan.MustJSON(t, http.StatusNoContent, "PUT", "/tweets/api/tweets/"+cydTweet+"/like", nil, nil)
		var st struct {
			Followed bool `json:"followed_by_me"`
		}
		dan.MustJSON(t, http.StatusOK, "GET", "/follow/api/users/"+cydU.ID, nil, &st)
		if !st.Followed {
			t.Error("muting cyd ended dan's follow")
		}
		// Mentions from a muted person stop notifying too.
		mustTweet(t, cyd, "hello @dan")
		dan.MustJSON(t, http.StatusNoContent, "DELETE", "/follow/api/mutes/"+cydU.ID, nil, nil)
		waitNotifications(t, dan, 1) // shown again once unmuted: the filter is on reading
		dan.MustJSON(t, http.StatusNoContent, "PUT", "/follow/api/mutes/"+cydU.ID, nil, nil)
		var l notificationList
		dan.MustJSON(t, http.StatusOK, "GET", "/notifications/api/notifications?limit=100", nil, &l)
		if len(l.Items) != 0 {
			t.Errorf("dan's notifications while cyd is muted = %+v, want none", l.Items)
		}
	})
}

// A block made while Redis is down, its block.changed lost: nothing of the
// rule depends on the event. The next reads are exact at once (follow's
// list and its ETag, tweets' check, notifications' filter all ask follow),
// and an open stream, whose sets are the only kept copy, reads them again
// when the events resume, so the lost event is not missed there either.
func TestBlockWhileRedisIsDown(t *testing.T) {
	s := MustStack(t)
	ada, bob, cyd := NewClient(s.URL()), NewClient(s.URL()), NewClient(s.URL())
	adaU := ada.MustSignUp(t, "ada", "password-ada", "Ada")
	bobU := bob.MustSignUp(t, "bob", "password-bob", "Bob")
	cydU := cyd.MustSignUp(t, "cyd", "password-cyd", "Cyd")
	mustFollowUser(t, bob, adaU.ID)
	mustFollowUser(t, bob, cydU.ID)
	adaTweet := mustTweet(t, ada, "ada before")
	boost(t, cyd, adaTweet, true)
	if got := mustHomeEntries(t, bob, "recent", 20); len(got) != 1 || got[0] != "ada before" {
		t.Fatalf("bob's home before = %q, want ada's tweet (once: he follows her)", got)
	}
	live := mustStream(t, s.URL(), bob, "")
	time.Sleep(300 * time.Millisecond)

	if err := s.Kill("redis"); err != nil {
		t.Fatal(err)
	}
	ada.MustJSON(t, http.StatusNoContent, "PUT", "/follow/api/blocks/"+bobU.ID, nil, nil)
	if got := mustHomeEntries(t, bob, "recent", 20); len(got) != 0 {
		t.Errorf("bob's home right after the block, Redis down = %q, want empty (not even cyd's boost)", got)
	}
	if status, body, _ := bob.Do(t, "PUT", "/tweets/api/tweets/"+adaTweet+"/like", nil); status != http.StatusForbidden {
		t.Errorf("bob liking ada's tweet, Redis down = %d %s, want 403", status, body)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Restart(ctx, "redis"); err != nil {
		t.Fatal(err)
	}
	// Once live push is back (a tweet of cyd's arrives), a new boost of
	// ada's by cyd must not reach bob's stream: its sets were read again.
	deadline := time.Now().Add(20 * time.Second)
	for i := 0; ; i++ {
		text := fmt.Sprintf("cyd is back %d", i)
		mustTweet(t, cyd, text)
		got := ""
		select {
		case e := <-live.events:
			if tw, _ := e["tweet"].(map[string]any); tw != nil {
				got, _ = tw["text"].(string)
			}
		case <-time.After(time.Second):
		}
		if got == text {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("live push did not resume after Redis came back")
		}
	}
	time.Sleep(500 * time.Millisecond) // the reload after the gap
	for range drain(live) {
	}
	boost(t, cyd, mustTweet(t, ada, "ada after"), true)
	marker := mustTweet(t, cyd, "cyd's marker")
	for {
		e := live.next(t, 10*time.Second)
		tw, _ := e["tweet"].(map[string]any)
		if tw == nil {
			continue
		}
		if text, _ := tw["text"].(string); strings.HasPrefix(text, "ada") {
			t.Errorf("bob's stream carried ada's tweet after the lost block event: %v", e)
		}
		if tw["id"] == marker {
			break
		}
	}
}
