package server_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"murmur/fragments/internal/authorset"
)

// TestFeedByAuthorsKey reads a feed naming its authors by their list's
// name: unknown at first (412), then sent with the list, then alone.
func TestFeedByAuthorsKey(t *testing.T) {
	s := mustStack(t)
	ada, bob, cyd := s.mustUser(t, "ada", "Ada"), s.mustUser(t, "bob", "Bob"), s.mustUser(t, "cyd", "Cyd")
	var ids []string
	for _, by := range []user{ada, bob, cyd} {
		s.Clock.Advance(time.Second)
		ids = append(ids, s.mustPost(t, by, "by "+by.Handle).ID)
	}
	authors := []string{ada.ID, bob.ID}
	key := authorset.Name(authors)
	feed := func(t *testing.T, body map[string]any, want int) []string {
		t.Helper()
		r := s.do(t, "POST", "/tweets/api/feed", cyd.Token, body)
		if r.Status != want {
			t.Fatalf("feed %v: %d %s, want %d", body, r.Status, r, want)
		}
		if want != http.StatusOK {
			if _, detail := r.problem(t); detail == "" {
				t.Error("a refusal without a detail")
			}
			return nil
		}
		var l struct{ Items []struct{ ID string } }
		json.Unmarshal(r.Body, &l)
		var got []string
		for _, it := range l.Items {
			got = append(got, it.ID)
		}
		return got
	}
	want := []string{ids[1], ids[0]}

	feed(t, map[string]any{"authors_key": key}, http.StatusPreconditionFailed)
	feed(t, map[string]any{"authors": []string{ada.ID}, "authors_key": key}, http.StatusUnprocessableEntity)
	if got := feed(t, map[string]any{"authors": authors, "authors_key": key}, http.StatusOK); !slices.Equal(got, want) {
		t.Errorf("with authors and their key: %v, want %v", got, want)
	}
	if got := feed(t, map[string]any{"authors_key": key}, http.StatusOK); !slices.Equal(got, want) {
		t.Errorf("by the key alone: %v, want %v", got, want)
	}
	// A new tweet shows through the name as through the list.
	s.Clock.Advance(time.Second)
	newer := s.mustPost(t, bob, "newer").ID
	if got := feed(t, map[string]any{"authors_key": key, "limit": 1}, http.StatusOK); !slices.Equal(got, []string{newer}) {
		t.Errorf("after bob posted, by the key: %v, want [%s]", got, newer)
	}
	// The cards fragment the timeline reads takes the key the same way.
	r := s.do(t, "POST", "/tweets/frag/feed", "", map[string]any{"authors_key": authorset.Name([]string{cyd.ID})}, cookie(cyd.Token)...)
	if r.Status != http.StatusPreconditionFailed {
		t.Errorf("feed fragment by an unknown key: %d %s, want 412", r.Status, r)
	}
}
