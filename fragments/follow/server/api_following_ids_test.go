package server_test

import (
	"encoding/json"
	"net/http"
	"regexp"
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
		r := e.mustDo(t, request{Method: http.MethodGet, Path: path, As: &ada}, http.StatusOK)
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
	t.Run("no one followed, none listed", func(t *testing.T) {
		r := e.mustDo(t, request{Method: http.MethodGet, Path: "/follow/api/users/" + bob.ID + "/following/ids", As: &bob}, http.StatusOK)
		if !regexp.MustCompile(`"items":\[\]`).MatchString(r.Body) {
			t.Errorf("bob's ids = %s, want none", r.Body)
		}
	})
	t.Run("only its owner reads it", func(t *testing.T) {
		// It tells whom its owner muted and blocked, and who blocked them.
		for _, who := range []*user{&bob, &cy} {
			r := e.do(t, request{Method: http.MethodGet, Path: "/follow/api/users/" + ada.ID + "/following/ids", As: who})
			if r.Status != http.StatusForbidden || !regexp.MustCompile(`application/problem\+json`).MatchString(r.Header.Get("Content-Type")) {
				t.Errorf("ada's list read by another: %d %s %s, want 403 problem", r.Status, r.Header.Get("Content-Type"), r.Body)
			}
		}
	})
	t.Run("needs a session", func(t *testing.T) {
		e.mustDo(t, request{Method: http.MethodGet, Path: "/follow/api/users/" + ada.ID + "/following/ids"}, http.StatusUnauthorized)
	})
}

// TestFollowingIDsConditional checks the listing's ETag: sent back in
// If-None-Match it answers 304 without a body while whom the user follows
// is unchanged, whatever others do, and the new list as soon as it changes.
func TestFollowingIDsConditional(t *testing.T) {
	e := mustEnv(t)
	ada, bob, cy, dee := e.mustUser(t, "ada", "Ada"), e.mustUser(t, "bob", "Bob"), e.mustUser(t, "cyd", "Cyd"), e.mustUser(t, "dee", "Dee")
	e.mustFollow(t, ada, bob)
	e.mustFollow(t, ada, cy)
	path := "/follow/api/users/" + ada.ID + "/following/ids"

	// get reads path as ada, sending If-None-Match when tag is not "".
	get := func(t *testing.T, path, tag string, want int) reply {
		t.Helper()
		r := request{Method: http.MethodGet, Path: path, As: &ada}
		if tag != "" {
			r.Header = map[string]string{"If-None-Match": tag}
		}
		return e.mustDo(t, r, want)
	}
	ids := func(t *testing.T, r reply) []string {
		t.Helper()
		var l struct {
			Items []string `json:"items"`
		}
		if err := json.Unmarshal([]byte(r.Body), &l); err != nil {
			t.Fatalf("decode %q: %v", r.Body, err)
		}
		return l.Items
	}
	strong := regexp.MustCompile(`^"[A-Za-z0-9_-]+"$`)

	first := get(t, path, "", http.StatusOK)
	tag := first.Header.Get("ETag")
	if !strong.MatchString(tag) {
		t.Fatalf("ETag = %q, want a strong, quoted tag", tag)
	}

	t.Run("the same tag again is not modified", func(t *testing.T) {
		got := get(t, path, tag, http.StatusNotModified)
		if got.Body != "" || got.Header.Get("Content-Type") != "" {
			t.Errorf("304 with body %q and Content-Type %q, want neither", got.Body, got.Header.Get("Content-Type"))
		}
		if got.Header.Get("ETag") != tag {
			t.Errorf("304's ETag = %q, want %q", got.Header.Get("ETag"), tag)
		}
	})
	t.Run("If-None-Match forms", func(t *testing.T) {
		for _, held := range []string{`"other", ` + tag, "W/" + tag, "*"} {
			get(t, path, held, http.StatusNotModified)
		}
		get(t, path, `"other"`, http.StatusOK)
	})
	t.Run("each page has its own tag", func(t *testing.T) {
		page := get(t, path+"?limit=1", tag, http.StatusOK)
		if got := page.Header.Get("ETag"); got == tag || !strong.MatchString(got) {
			t.Errorf("ETag of the first page of 1 = %q, want its own (the whole list's is %q)", got, tag)
		}
		var l struct {
			Next *string `json:"next"`
		}
		if err := json.Unmarshal([]byte(page.Body), &l); err != nil || l.Next == nil {
			t.Fatalf("first page of 1 = %s, want a cursor", page.Body)
		}
		next := get(t, path+"?limit=1&cursor="+*l.Next, page.Header.Get("ETag"), http.StatusOK)
		get(t, path+"?limit=1&cursor="+*l.Next, next.Header.Get("ETag"), http.StatusNotModified)
	})
	t.Run("others' follows change nothing", func(t *testing.T) {
		e.mustFollow(t, dee, ada) // someone follows ada
		e.mustFollow(t, bob, dee) // someone ada follows follows someone
		e.mustFollow(t, dee, bob) // someone follows whom ada follows
		get(t, path, tag, http.StatusNotModified)
	})
	t.Run("a follow gives the new list and tag", func(t *testing.T) {
		e.mustFollow(t, ada, dee)
		got := get(t, path, tag, http.StatusOK)
		if want := []string{dee.ID, cy.ID, bob.ID}; !slices.Equal(ids(t, got), want) {
			t.Errorf("ids after following dee = %v, want %v", ids(t, got), want)
		}
		newTag := got.Header.Get("ETag")
		if newTag == tag || !strong.MatchString(newTag) {
			t.Fatalf("ETag after following = %q, want a new one (was %q)", newTag, tag)
		}
		get(t, path, newTag, http.StatusNotModified)
		tag = newTag
	})
	t.Run("an unfollow gives the new list and tag", func(t *testing.T) {
		e.mustDo(t, request{Method: http.MethodDelete, Path: "/follow/api/following/" + cy.ID, As: &ada}, http.StatusNoContent)
		got := get(t, path, tag, http.StatusOK)
		if want := []string{dee.ID, bob.ID}; !slices.Equal(ids(t, got), want) {
			t.Errorf("ids after unfollowing cyd = %v, want %v", ids(t, got), want)
		}
		if got.Header.Get("ETag") == tag {
			t.Errorf("ETag after unfollowing = %q, the one from before", tag)
		}
	})
	t.Run("needs a session first", func(t *testing.T) {
		e.mustDo(t, request{Method: http.MethodGet, Path: path, Header: map[string]string{"If-None-Match": "*"}}, http.StatusUnauthorized)
	})
}
