package server_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestBlockRows checks every block and mute row with its bad input, and
// what a block does to the follows between the two.
func TestBlockRows(t *testing.T) {
	e := mustEnv(t)
	ada := e.mustUser(t, "ada", "Ada")
	bob := e.mustUser(t, "bob", "Bob")
	cyd := e.mustUser(t, "cyd", "Cyd")
	e.mustFollow(t, ada, bob)
	e.mustFollow(t, bob, ada)
	e.mustFollow(t, cyd, bob)
	put, del := http.MethodPut, http.MethodDelete
	for _, kind := range []string{"blocks", "mutes"} {
		for _, c := range []struct {
			name, method, target string
			as                   *user
			want                 int
		}{
			{"yourself", put, ada.ID, &ada, 422},
			{"yourself undone", del, ada.ID, &ada, 422},
			{"unknown", put, "999999", &ada, 404},
			{"unknown undone", del, "999999", &ada, 404},
			{"malformed", put, "01", &ada, 404},
			{"signed out", put, bob.ID, nil, 401},
		} {
			t.Run(kind+" "+c.name, func(t *testing.T) {
				got := e.do(t, request{Method: c.method, Path: "/follow/api/" + kind + "/" + c.target, As: c.as})
				if got.Status != c.want || got.Header.Get("Content-Type") != "application/problem+json" {
					t.Fatalf("status %d (%s), want %d problem+json", got.Status, got.Body, c.want)
				}
			})
		}
	}

	// A block, twice: the follows end both ways, counts right.
	for range 2 {
		e.mustDo(t, request{Method: put, Path: "/follow/api/blocks/" + bob.ID, As: &ada}, 204)
	}
	if st := e.mustStats(t, ada, bob); st.FollowersCount != 1 || st.FollowingCount != 0 || st.FollowedByMe {
		t.Errorf("bob after ada blocked him = %+v, want 1 follower (cyd), following no one", st)
	}
	if st := e.mustStats(t, ada, ada); st.FollowersCount != 0 || st.FollowingCount != 0 {
		t.Errorf("ada after blocking bob = %+v, want no follows", st)
	}
	// Neither can follow the other, each told why in their own words.
	got := e.mustDo(t, request{Method: put, Path: "/follow/api/following/" + ada.ID, As: &bob}, 403)
	if !strings.Contains(got.Body, "You cannot follow this person.") {
		t.Errorf("blocked person following: %s", got.Body)
	}
	got = e.mustDo(t, request{Method: put, Path: "/follow/api/following/" + bob.ID, As: &ada}, 403)
	if !strings.Contains(got.Body, "unblock them to follow") {
		t.Errorf("blocker following: %s", got.Body)
	}
	// The relation, as each sees it.
	var r struct {
		Blocked   bool `json:"blocked"`
		BlockedBy bool `json:"blocked_by"`
		Muted     bool `json:"muted"`
	}
	json.Unmarshal([]byte(e.mustDo(t, request{Method: http.MethodGet, Path: "/follow/api/relations/" + ada.ID, As: &bob}, 200).Body), &r)
	if r.Blocked || !r.BlockedBy || r.Muted {
		t.Errorf("bob's relation to ada = %+v, want blocked by", r)
	}

	// A mute, twice, and the lists.
	for range 2 {
		e.mustDo(t, request{Method: put, Path: "/follow/api/mutes/" + cyd.ID, As: &ada}, 204)
	}
	if l := e.mustList(t, ada, "/follow/api/blocks"); len(l.Items) != 1 || l.Items[0].ID != bob.ID {
		t.Errorf("ada's blocks = %+v, want bob", l.Items)
	}
	if l := e.mustList(t, ada, "/follow/api/mutes"); len(l.Items) != 1 || l.Items[0].Handle != "cyd" {
		t.Errorf("ada's mutes = %+v, want cyd", l.Items)
	}
	if l := e.mustList(t, bob, "/follow/api/blocks"); len(l.Items) != 0 {
		t.Errorf("bob's blocks = %+v, want none", l.Items)
	}

	// Unblock, twice: the follows stay ended, following works again.
	for range 2 {
		e.mustDo(t, request{Method: del, Path: "/follow/api/blocks/" + bob.ID, As: &ada}, 204)
		e.mustDo(t, request{Method: del, Path: "/follow/api/mutes/" + cyd.ID, As: &ada}, 204)
	}
	if st := e.mustStats(t, ada, ada); st.FollowingCount != 0 {
		t.Errorf("ada after unblocking = %+v, want the follows still ended", st)
	}
	e.mustFollow(t, bob, ada)
	if l := e.mustList(t, ada, "/follow/api/mutes"); len(l.Items) != 0 {
		t.Errorf("ada's mutes after unmuting = %+v", l.Items)
	}
}

// TestHomeListHidesMutedAndBlocked checks the home's followee ids: whom
// one muted leaves the list, the hidden set names the muted, blocked and
// blockers, and the ETag changes with each.
func TestHomeListHidesMutedAndBlocked(t *testing.T) {
	e := mustEnv(t)
	ada := e.mustUser(t, "ada", "Ada")
	bob := e.mustUser(t, "bob", "Bob")
	cyd := e.mustUser(t, "cyd", "Cyd")
	dan := e.mustUser(t, "dan", "Dan")
	e.mustFollow(t, ada, bob)
	e.mustFollow(t, ada, cyd)
	path := "/follow/api/users/" + ada.ID + "/following/ids"
	read := func() (ids, hidden []string, etag string) {
		got := e.mustDo(t, request{Method: http.MethodGet, Path: path, As: &ada}, 200)
		var body struct{ Items, Hidden []string }
		if err := json.Unmarshal([]byte(got.Body), &body); err != nil || body.Hidden == nil {
			t.Fatalf("%s: %v, want items and hidden", got.Body, err)
		}
		slices.Sort(body.Items)
		slices.Sort(body.Hidden)
		return body.Items, body.Hidden, got.Header.Get("ETag")
	}
	_, _, first := read()
	e.mustDo(t, request{Method: http.MethodPut, Path: "/follow/api/mutes/" + cyd.ID, As: &ada}, 204)
	e.mustDo(t, request{Method: http.MethodPut, Path: "/follow/api/blocks/" + ada.ID, As: &dan}, 204)
	ids, hidden, second := read()
	if !slices.Equal(ids, []string{bob.ID}) || !slices.Equal(hidden, sorted(cyd.ID, dan.ID)) {
		t.Errorf("ids %v hidden %v, want [bob] and [cyd dan]", ids, hidden)
	}
	if second == first {
		t.Error("the ETag did not change with a mute and a block")
	}
	got := e.do(t, request{Method: http.MethodGet, Path: path, As: &ada, Header: map[string]string{"If-None-Match": first}})
	if got.Status != 200 {
		t.Errorf("the tag from before the mute answered %d, want 200", got.Status)
	}
	e.mustDo(t, request{Method: http.MethodDelete, Path: "/follow/api/blocks/" + ada.ID, As: &dan}, 204)
	if _, hidden, third := read(); third == second || !slices.Equal(hidden, []string{cyd.ID}) {
		t.Errorf("after dan's unblock: hidden %v, tag changed %v", hidden, third != second)
	}
}

func sorted(ids ...string) []string { slices.Sort(ids); return ids }
