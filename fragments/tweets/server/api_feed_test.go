package server_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"
)

func TestFeedAPI(t *testing.T) {
	s := mustStack(t)
	ada, bob, cyd := s.mustUser(t, "ada", "Ada"), s.mustUser(t, "bob", "Bob"), s.mustUser(t, "cyd", "Cyd")
	var ids []string
	for _, p := range []struct{ by user }{{ada}, {bob}, {cyd}, {ada}, {bob}} {
		s.Clock.Advance(time.Second)
		ids = append(ids, s.mustPost(t, p.by, "by "+p.by.Handle).ID)
	}
	// ids: 0 ada, 1 bob, 2 cyd, 3 ada, 4 bob
	if r := s.do(t, "PUT", "/tweets/api/tweets/"+ids[0]+"/like", cyd.Token, nil); r.Status != http.StatusNoContent {
		t.Fatalf("like: %d %s", r.Status, r)
	}

	type list struct {
		Items []struct {
			ID        string `json:"id"`
			LikedByMe bool   `json:"liked_by_me"`
			Author    struct {
				Handle string `json:"handle"`
			} `json:"author"`
		} `json:"items"`
		Next *string `json:"next"`
	}
	feed := func(t *testing.T, body map[string]any, want int) list {
		t.Helper()
		r := s.do(t, "POST", "/tweets/api/feed", cyd.Token, body)
		if r.Status != want {
			t.Fatalf("feed %v: %d %s, want %d", body, r.Status, r, want)
		}
		var l list
		json.Unmarshal(r.Body, &l)
		return l
	}
	idsOf := func(l list) []string {
		var out []string
		for _, it := range l.Items {
			out = append(out, it.ID)
		}
		return out
	}
	authors := []string{ada.ID, bob.ID}

	t.Run("recent, paged", func(t *testing.T) {
		first := feed(t, map[string]any{"authors": authors, "limit": 3}, http.StatusOK)
		if first.Next == nil {
			t.Fatal("no next cursor after a full page")
		}
		second := feed(t, map[string]any{"authors": authors, "limit": 3, "cursor": *first.Next}, http.StatusOK)
		got := append(idsOf(first), idsOf(second)...)
		if want := []string{ids[4], ids[3], ids[1], ids[0]}; !slices.Equal(got, want) {
			t.Errorf("feed = %v, want %v (cyd's tweet left out)", got, want)
		}
		if first.Items[0].Author.Handle != "bob" {
			t.Errorf("author = %q, want bob filled in", first.Items[0].Author.Handle)
		}
	})
	t.Run("popular puts the liked first", func(t *testing.T) {
		got := feed(t, map[string]any{"authors": authors, "sort": "popular"}, http.StatusOK)
		if want := []string{ids[0], ids[4], ids[3], ids[1]}; !slices.Equal(idsOf(got), want) {
			t.Errorf("popular = %v, want %v", idsOf(got), want)
		}
		if !got.Items[0].LikedByMe {
			t.Error("liked_by_me is false for the tweet cyd liked")
		}
	})
	t.Run("after", func(t *testing.T) {
		got := feed(t, map[string]any{"authors": authors, "after": ids[1]}, http.StatusOK)
		if want := []string{ids[4], ids[3]}; !slices.Equal(idsOf(got), want) {
			t.Errorf("after = %v, want %v", idsOf(got), want)
		}
	})
	t.Run("refusals", func(t *testing.T) {
		feed(t, map[string]any{"authors": authors, "cursor": "nonsense"}, http.StatusUnprocessableEntity)
		feed(t, map[string]any{"authors": authors, "sort": "popular", "after": ids[1]}, http.StatusUnprocessableEntity)
		feed(t, map[string]any{"authors": authors, "sort": "oldest"}, http.StatusUnprocessableEntity)
		if r := s.do(t, "POST", "/tweets/api/feed", "", map[string]any{"authors": authors}); r.Status != http.StatusUnauthorized {
			t.Errorf("feed without a session: %d, want 401", r.Status)
		}
	})
}
