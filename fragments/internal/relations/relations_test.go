package relations_test

import (
	"net/http"
	"slices"
	"testing"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/relations"
	"murmur/fragments/timeline/timelinetest"
)

// TestHiddenSetKeptOnlyWhileFollowSaysSo checks that the hidden set read
// last is used again only on follow's 304, and that every change to it —
// a mute, a block either way, an unmute — shows on the very next read.
func TestHiddenSetKeptOnlyWhileFollowSaysSo(t *testing.T) {
	s := timelinetest.MustSources(t)
	ann, bob, cyd := s.Profile.MustUser(t, "ann", "Ann"), s.Profile.MustUser(t, "bob", "Bob"), s.Profile.MustUser(t, "cyd", "Cyd")
	rec := timelinetest.MustRecorder(t, s.Follow.URL)
	c := relations.New(rec.URL)
	v := auth.Viewer{ID: ann.ID, Handle: "ann", Token: ann.Token}

	hidden := func(want []string, statuses ...int) {
		t.Helper()
		n := rec.Count()
		got, err := c.Hidden(t.Context(), v)
		if err != nil {
			t.Fatalf("hidden: %v", err)
		}
		slices.Sort(got)
		want = slices.Sorted(slices.Values(want))
		if !slices.Equal(got, want) {
			t.Errorf("hidden = %v, want %v", got, want)
		}
		var st []int
		for _, e := range rec.Since(n) {
			st = append(st, e.Status)
		}
		if !slices.Equal(st, statuses) {
			t.Errorf("follow answered %v, want %v", st, statuses)
		}
	}
	put := func(who timelinetest.User, path string, method string) {
		t.Helper()
		if status, body := timelinetest.Call(t, method, s.Follow.URL+path, &who, nil); status != http.StatusNoContent {
			t.Fatalf("%s %s: %d %s", method, path, status, body)
		}
	}

	hidden(nil, 200)
	hidden(nil, 304) // unchanged: no body, the set kept
	put(ann, "/follow/api/mutes/"+bob.ID, http.MethodPut)
	hidden([]string{bob.ID}, 200)
	hidden([]string{bob.ID}, 304)
	put(cyd, "/follow/api/blocks/"+ann.ID, http.MethodPut) // cyd's block changes ann's set too
	hidden([]string{bob.ID, cyd.ID}, 200)
	put(ann, "/follow/api/mutes/"+bob.ID, http.MethodDelete)
	hidden([]string{cyd.ID}, 200)

	// What a caller does with the answer never changes the kept set.
	got, _ := c.Hidden(t.Context(), v)
	got[0] = "spoiled"
	hidden([]string{cyd.ID}, 304)
}
