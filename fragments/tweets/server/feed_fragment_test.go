package server_test

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"murmur/fragments/internal/render"
)

// TestFeedFragment reads a home feed the way the timeline does, as cards
// in one call, and checks it against the order, the cursors and the
// newest tweet the JSON feed gives.
func TestFeedFragment(t *testing.T) {
	s := mustStack(t)
	ada, bob, cyd := s.mustUser(t, "ada", "Ada"), s.mustUser(t, "bob", "Bob"), s.mustUser(t, "cyd", "Cyd")
	var ids []string
	for _, by := range []user{ada, bob, cyd, ada, bob} {
		s.Clock.Advance(time.Second)
		ids = append(ids, s.mustPost(t, by, "by "+by.Handle).ID)
	}
	// ids: 0 ada, 1 bob, 2 cyd, 3 ada, 4 bob; two likes make ids[1] the most liked.
	for _, by := range []user{ada, cyd} {
		if r := s.do(t, "PUT", "/tweets/api/tweets/"+ids[1]+"/like", by.Token, nil); r.Status != http.StatusNoContent {
			t.Fatalf("like: %d %s", r.Status, r)
		}
	}
	authors := []string{ada.ID, bob.ID}
	feed := func(t *testing.T, body any, want int) response {
		t.Helper()
		r := s.do(t, "POST", "/tweets/frag/feed", "", body, cookie(cyd.Token)...)
		if r.Status != want {
			t.Fatalf("feed %v: %d %s, want %d", body, r.Status, r, want)
		}
		return r
	}
	check := func(t *testing.T, r response, cards []string, next bool, newest string) {
		t.Helper()
		if got := idsInOrder(r.String()); !slices.Equal(got, cards) {
			t.Errorf("cards %v, want %v", got, cards)
		}
		if got := r.Header.Get(render.FeedCountHeader); got != strconv.Itoa(len(cards)) {
			t.Errorf("count header %q, want %d", got, len(cards))
		}
		if got := r.Header.Get(render.FeedNextHeader) != ""; got != next {
			t.Errorf("next cursor given: %t, want %t", got, next)
		}
		if got := r.Header.Get(render.FeedNewestHeader); got != newest {
			t.Errorf("newest header %q, want %q", got, newest)
		}
	}

	t.Run("recent, paged", func(t *testing.T) {
		first := feed(t, map[string]any{"authors": authors, "limit": 3}, http.StatusOK)
		check(t, first, []string{ids[4], ids[3], ids[1]}, true, ids[4])
		second := feed(t, map[string]any{"authors": authors, "limit": 3, "cursor": first.Header.Get(render.FeedNextHeader)}, http.StatusOK)
		check(t, second, []string{ids[0]}, false, "") // no newest after the first page
	})
	t.Run("popular: newest is still the newest tweet", func(t *testing.T) {
		r := feed(t, map[string]any{"authors": authors, "sort": "popular", "limit": 2}, http.StatusOK)
		check(t, r, []string{ids[1], ids[4]}, true, ids[4])
	})
	t.Run("liked state is the reader's", func(t *testing.T) {
		r := feed(t, map[string]any{"authors": []string{bob.ID}, "limit": 1, "cursor": ids[4]}, http.StatusOK)
		check(t, r, []string{ids[1]}, false, "")
		if got := strings.Count(r.String(), `aria-pressed="true"`); got != 1 {
			t.Errorf("%d liked buttons, want the reader's like shown once", got)
		}
	})
	t.Run("no tweets", func(t *testing.T) {
		check(t, feed(t, map[string]any{"authors": []string{cyd.ID + "0"}}, http.StatusOK), nil, false, "0")
	})
	t.Run("bad input is a problem", func(t *testing.T) {
		for name, body := range map[string]any{
			"bad cursor": map[string]any{"authors": authors, "cursor": "nope"},
			"bad sort":   map[string]any{"authors": authors, "sort": "random"},
			"not JSON":   []byte("authors=1"),
		} {
			r := feed(t, body, http.StatusUnprocessableEntity)
			if _, detail := r.problem(t); detail == "" {
				t.Errorf("%s: a problem without a detail", name)
			}
		}
	})
	t.Run("signed out", func(t *testing.T) {
		if r := s.do(t, "POST", "/tweets/frag/feed", "", map[string]any{"authors": authors}); r.Status != http.StatusUnauthorized {
			t.Errorf("signed out: %d, want 401", r.Status)
		}
	})
}
