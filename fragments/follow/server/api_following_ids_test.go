package server_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
)

func TestFollowingIDs(t *testing.T) {
	e := mustEnv(t)
	ada, bob, cy, dee := e.mustUser(t, "ada", "Ada"), e.mustUser(t, "bob", "Bob"), e.mustUser(t, "cyd", "Cyd"), e.mustUser(t, "dee", "Dee")
	e.mustFollow(t, ada, bob)
	e.mustFollow(t, ada, cy)
	e.mustFollow(t, ada, dee)

	type list struct {
		Items []string `json:"items"`
		Next  *string  `json:"next"`
	}
	read := func(t *testing.T, path string) list {
		t.Helper()
		r := e.mustDo(t, request{Method: http.MethodGet, Path: path, As: &bob}, http.StatusOK)
		var l list
		if err := json.Unmarshal([]byte(r.Body), &l); err != nil {
			t.Fatalf("decode %s: %v", r.Body, err)
		}
		return l
	}

	t.Run("all at once, most recent first", func(t *testing.T) {
		got := read(t, "/follow/api/users/"+ada.ID+"/following/ids")
		if want := []string{dee.ID, cy.ID, bob.ID}; !slices.Equal(got.Items, want) || got.Next != nil {
			t.Errorf("ids = %v next %v, want %v and no next page", got.Items, got.Next, want)
		}
	})
	t.Run("paged", func(t *testing.T) {
		first := read(t, "/follow/api/users/"+ada.ID+"/following/ids?limit=2")
		if first.Next == nil || len(first.Items) != 2 {
			t.Fatalf("first page = %+v, want 2 ids and a cursor", first)
		}
		second := read(t, "/follow/api/users/"+ada.ID+"/following/ids?limit=2&cursor="+*first.Next)
		if all := append(first.Items, second.Items...); !slices.Equal(all, []string{dee.ID, cy.ID, bob.ID}) || second.Next != nil {
			t.Errorf("pages = %v then %v, want every followee once", first.Items, second.Items)
		}
	})
	t.Run("unfollowed leave the list", func(t *testing.T) {
		e.mustDo(t, request{Method: http.MethodDelete, Path: "/follow/api/following/" + cy.ID, As: &ada}, http.StatusNoContent)
		if got := read(t, "/follow/api/users/"+ada.ID+"/following/ids"); !slices.Equal(got.Items, []string{dee.ID, bob.ID}) {
			t.Errorf("ids after unfollowing cy = %v", got.Items)
		}
	})
	t.Run("no one follows no one", func(t *testing.T) {
		if got := read(t, "/follow/api/users/999999/following/ids"); len(got.Items) != 0 {
			t.Errorf("ids of an unknown id = %v, want none", got.Items)
		}
	})
	t.Run("needs a session", func(t *testing.T) {
		e.mustDo(t, request{Method: http.MethodGet, Path: "/follow/api/users/" + ada.ID + "/following/ids"}, http.StatusUnauthorized)
	})
}
