package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"murmur/fragments/internal/config"
	"murmur/fragments/internal/events"
	"murmur/fragments/internal/htmx"
	"murmur/fragments/internal/ratelimit"
	"murmur/fragments/tweets"
)

func TestBoosts(t *testing.T) {
	s := mustStack(t)
	ada, bob := s.mustUser(t, "ada", "Ada"), s.mustUser(t, "bob", "Bob")
	tw := s.mustPost(t, ada, "boost this")
	sub := s.mustSubscribe(t, events.BoostChanged)
	path := "/tweets/api/tweets/" + tw.ID + "/boost"

	steps := []struct {
		method      string
		who         user
		wantCount   int
		wantBoosted bool
		event       bool
	}{
		{"PUT", bob, 1, true, true},
		{"PUT", bob, 1, true, false},
		{"PUT", ada, 2, true, true}, // one's own tweet: allowed
		{"DELETE", bob, 1, false, true},
		{"DELETE", bob, 1, false, false},
	}
	for i, st := range steps {
		resp := s.do(t, st.method, path, st.who.Token, nil)
		if resp.Status != http.StatusNoContent {
			t.Fatalf("step %d %s: status = %d %s, want 204", i, st.method, resp.Status, resp)
		}
		var got tweets.Tweet
		json.Unmarshal(s.do(t, "GET", "/tweets/api/tweets/"+tw.ID, st.who.Token, nil).Body, &got)
		if got.BoostCount != st.wantCount || got.BoostedByMe != st.wantBoosted {
			t.Errorf("step %d %s: boost_count=%d boosted_by_me=%v, want %d %v", i, st.method, got.BoostCount, got.BoostedByMe, st.wantCount, st.wantBoosted)
		}
		if st.event {
			var ev events.BoostChangedPayload
			sub.next(t, events.BoostChanged, &ev)
			if ev.TweetID != tw.ID || ev.UserID != st.who.ID || ev.AuthorID != ada.ID || ev.Boosted != st.wantBoosted ||
				ev.BoostCount != st.wantCount || ev.BoostID == "" || ev.Booster.Handle != st.who.Handle {
				t.Errorf("step %d: boost.changed = %+v", i, ev)
			}
			if (ev.Tweet != nil) != st.wantBoosted || (ev.Tweet != nil && ev.Tweet.ID != tw.ID) {
				t.Errorf("step %d: boost.changed carries tweet %+v, want the tweet on a boost only", i, ev.Tweet)
			}
		}
	}
	sub.none(t)

	for _, c := range []struct {
		name, path string
		status     int
	}{
		{"unknown tweet", "/tweets/api/tweets/987654/boost", 404},
		{"not an id", "/tweets/api/tweets/abc/boost", 404},
		{"an id too long", "/tweets/api/tweets/" + strings.Repeat("9", 30) + "/boost", 422},
	} {
		for _, method := range []string{"PUT", "DELETE"} {
			resp := s.do(t, method, c.path, bob.Token, nil)
			if resp.Status != c.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
				t.Errorf("%s %s: %d %s, want %d problem+json", method, c.name, resp.Status, resp.Header.Get("Content-Type"), c.status)
			}
		}
	}
	if resp := s.do(t, "PUT", path, "", nil); resp.Status != 401 {
		t.Errorf("boost signed out = %d, want 401", resp.Status)
	}

	// Deleting the tweet removes its boosts: boosting it is then 404.
	if resp := s.do(t, "DELETE", "/tweets/api/tweets/"+tw.ID, ada.Token, nil); resp.Status != 204 {
		t.Fatalf("delete: %d %s", resp.Status, resp)
	}
	if resp := s.do(t, "PUT", path, bob.Token, nil); resp.Status != 404 {
		t.Errorf("boost a deleted tweet = %d, want 404", resp.Status)
	}
}

// A home's entry that is there as a boost says so in the feed API, and
// its card in the feed fragment.
func TestFeedShowsBoosts(t *testing.T) {
	s := mustStack(t)
	ada, bob, cyd := s.mustUser(t, "ada", "Ada"), s.mustUser(t, "bob", "Bob"), s.mustUser(t, "cyd", "Cyd")
	tw := s.mustPost(t, ada, "worth passing on")
	if resp := s.do(t, "PUT", "/tweets/api/tweets/"+tw.ID+"/boost", bob.Token, nil); resp.Status != 204 {
		t.Fatal(resp.Status)
	}
	body := map[string]any{"authors": []string{bob.ID, cyd.ID}}
	var page struct {
		Items []tweets.Tweet `json:"items"`
	}
	resp := s.do(t, "POST", "/tweets/api/feed", cyd.Token, body)
	if err := json.Unmarshal(resp.Body, &page); err != nil || len(page.Items) != 1 {
		t.Fatalf("feed = %s, %v; want the boost", resp, err)
	}
	got := page.Items[0]
	if got.ID != tw.ID || got.BoostedBy == nil || *got.BoostedBy != (tweets.Author{ID: bob.ID, Handle: "bob", DisplayName: "Bob"}) || got.BoostID == "" || got.BoostCount != 1 {
		t.Errorf("entry = %+v, want ada's tweet boosted by bob", got)
	}
	html := s.do(t, "POST", "/tweets/frag/feed", "", body, cookie(cyd.Token)...)
	if !strings.Contains(html.String(), `data-boost-id="`+got.BoostID+`"><p class="boosted-by"`) || !strings.Contains(html.String(), `>Bob</a> boosted`) {
		t.Errorf("feed fragment = %s, want the card marked as bob's boost", html)
	}
	if html.Header.Get("X-Murmur-Feed-Newest") != got.BoostID {
		t.Errorf("newest = %q, want the boost's place %s", html.Header.Get("X-Murmur-Feed-Newest"), got.BoostID)
	}
	// The cards of live entries name the boost the same way.
	cards := s.do(t, "GET", "/tweets/frag/cards?ids="+tw.ID+":"+got.BoostID, "", nil, cookie(cyd.Token)...)
	if !strings.Contains(cards.String(), `>Bob</a> boosted`) {
		t.Errorf("cards = %s, want the boost's card", cards)
	}
	for _, bad := range []string{tw.ID + ":" + tw.ID, tw.ID + ":x", tw.ID + ":1"} {
		cards := s.do(t, "GET", "/tweets/frag/cards?ids="+bad, "", nil, cookie(cyd.Token)...)
		if cards.Status != 200 || strings.Contains(cards.String(), "boosted") {
			t.Errorf("cards?ids=%s = %d %s, want no boost card", bad, cards.Status, cards)
		}
	}
}

func TestBoostFragment(t *testing.T) {
	s := mustStack(t)
	ada, bob := s.mustUser(t, "ada", "Ada"), s.mustUser(t, "bob", "Bob")
	tw := s.mustPost(t, ada, "boost me")
	path := "/tweets/frag/tweets/" + tw.ID + "/boost"
	for i, st := range []struct{ method, want, count string }{
		{"PUT", `class="boost boosted" aria-pressed="true"`, "1"},
		{"PUT", `class="boost boosted" aria-pressed="true"`, "1"},
		{"DELETE", `class="boost" aria-pressed="false"`, "0"},
	} {
		resp := s.do(t, st.method, path, "", nil, cookie(bob.Token)...)
		if resp.Status != 200 || resp.Header.Get("HX-Trigger") != htmx.BoostChanged {
			t.Fatalf("step %d: %d HX-Trigger %q, want 200 boost-changed", i, resp.Status, resp.Header.Get("HX-Trigger"))
		}
		body := resp.String()
		if !strings.Contains(body, st.want) || !strings.Contains(body, `data-boost-count-for="`+tw.ID+`">`+st.count+`</span>`) || !strings.Contains(body, `="`+path+`"`) {
			t.Errorf("step %d: button = %s, want %s with count %s toggling at %s", i, body, st.want, st.count, path)
		}
	}
	if resp := s.do(t, "PUT", path, "", nil); resp.Status != 401 {
		t.Errorf("boost signed out = %d, want 401", resp.Status)
	}
	if resp := s.do(t, "PUT", "/tweets/frag/tweets/987654/boost", "", nil, cookie(bob.Token)...); resp.Status != 404 || !strings.Contains(resp.String(), `class="problem"`) {
		t.Errorf("boost of an unknown tweet = %d %s, want 404 with the problem partial", resp.Status, resp)
	}
	signedOut := s.do(t, "GET", "/tweets/frag/tweets/"+tw.ID, "", nil).String()
	if !strings.Contains(signedOut, `class="boost static"`) || strings.Contains(signedOut, "/boost\"") {
		t.Errorf("signed-out card = %s, want the count only", signedOut)
	}
}

func TestBoostingIsLimitedPerAccount(t *testing.T) {
	s := mustStack(t, withLimits(map[string]config.Limit{ratelimit.Boost: {Count: 1, Period: time.Hour}}))
	ada, bob := s.mustUser(t, "ada", "Ada"), s.mustUser(t, "bob", "Bob")
	one, two := s.mustPost(t, bob, "one"), s.mustPost(t, bob, "two")
	const words = "You have boosted a lot in a short time."
	if r := s.do(t, "PUT", "/tweets/api/tweets/"+one.ID+"/boost", ada.Token, nil); r.Status != 204 {
		t.Fatalf("first boost: %d %s", r.Status, r)
	}
	checkRefused(t, "API", s.do(t, "PUT", "/tweets/api/tweets/"+two.ID+"/boost", ada.Token, nil), words)
	checkRefused(t, "boost button", s.do(t, "PUT", "/tweets/frag/tweets/"+two.ID+"/boost", "", nil, cookie(ada.Token)...), words)
	if r := s.do(t, "DELETE", "/tweets/api/tweets/"+one.ID+"/boost", ada.Token, nil); r.Status != 204 {
		t.Errorf("taking a boost back past the limit: %d %s, want 204", r.Status, r)
	}
}
