package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"murmur/fragments/internal/events"
)

// followStep is one request of TestFollowRules and what must hold after it.
type followStep struct {
	name       string
	method     string
	target     string
	as         *user
	wantStatus int
	// ada's following count and bob's followers count afterwards.
	wantFollowing, wantFollowers int
}

func TestFollowRules(t *testing.T) {
	e := mustEnv(t)
	ada := e.mustUser(t, "ada", "Ada")
	bob := e.mustUser(t, "bob", "Bob")
	cy := e.mustUser(t, "cyd", "Cyd")
	put, del := http.MethodPut, http.MethodDelete
	steps := []followStep{
		{"follow", put, bob.ID, &ada, 204, 1, 1},
		{"double follow", put, bob.ID, &ada, 204, 1, 1},
		{"follow yourself", put, ada.ID, &ada, 422, 1, 1},
		{"unfollow yourself", del, ada.ID, &ada, 422, 1, 1},
		{"follow unknown id", put, "999999", &ada, 404, 1, 1},
		{"unfollow unknown id", del, "999999", &ada, 404, 1, 1},
		{"follow signed out", put, cy.ID, nil, 401, 1, 1},
		{"unfollow signed out", del, bob.ID, nil, 401, 1, 1},
		{"unfollow a stranger", del, cy.ID, &ada, 204, 1, 1},
		{"unfollow", del, bob.ID, &ada, 204, 0, 0},
		{"unfollow again", del, bob.ID, &ada, 204, 0, 0},
		{"follow back", put, bob.ID, &ada, 204, 1, 1},
	}
	for _, bad := range []string{"abc", "0", "-1", "01", "+1", "1.5", "1e3", "99999999999999999999999", "%20"} {
		steps = append(steps,
			followStep{"follow malformed " + bad, put, bad, &ada, 404, 1, 1},
			followStep{"unfollow malformed " + bad, del, bad, &ada, 404, 1, 1})
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			got := e.do(t, request{Method: s.method, Path: "/follow/api/following/" + s.target, As: s.as})
			if got.Status != s.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", got.Status, s.wantStatus, got.Body)
			}
			if s.wantStatus >= 400 {
				if ct := got.Header.Get("Content-Type"); ct != "application/problem+json" {
					t.Errorf("Content-Type = %q, want application/problem+json", ct)
				}
				var p struct {
					Type, Title, Detail string
					Status              int
				}
				if err := json.Unmarshal([]byte(got.Body), &p); err != nil || p.Status != s.wantStatus || p.Type == "" || p.Detail == "" {
					t.Errorf("problem = %+v (%v), want type, title, status %d and detail", p, err, s.wantStatus)
				}
			}
			if st := e.mustStats(t, ada, ada); st.FollowingCount != s.wantFollowing {
				t.Errorf("ada following = %d, want %d", st.FollowingCount, s.wantFollowing)
			}
			st := e.mustStats(t, ada, bob)
			if st.FollowersCount != s.wantFollowers {
				t.Errorf("bob followers = %d, want %d", st.FollowersCount, s.wantFollowers)
			}
			if st.FollowedByMe != (s.wantFollowers == 1) {
				t.Errorf("followed_by_me = %v, want %v", st.FollowedByMe, s.wantFollowers == 1)
			}
		})
	}
}

func TestStats(t *testing.T) {
	e := mustEnv(t)
	ada := e.mustUser(t, "ada", "Ada")
	bob := e.mustUser(t, "bob", "Bob")
	e.mustFollow(t, ada, bob)
	e.mustFollow(t, bob, ada)
	tests := []struct {
		name       string
		path       string
		as         *user
		wantStatus int
		want       stats
	}{
		{"bob seen by ada", "/follow/api/users/" + bob.ID, &ada, 200, stats{ID: bob.ID, FollowersCount: 1, FollowingCount: 1, FollowedByMe: true}},
		{"ada seen by herself", "/follow/api/users/" + ada.ID, &ada, 200, stats{ID: ada.ID, FollowersCount: 1, FollowingCount: 1}},
		{"unknown", "/follow/api/users/424242", &ada, 404, stats{}},
		{"malformed", "/follow/api/users/bob", &ada, 404, stats{}},
		{"signed out", "/follow/api/users/" + bob.ID, nil, 401, stats{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := e.do(t, request{Method: http.MethodGet, Path: tc.path, As: tc.as})
			if got.Status != tc.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", got.Status, tc.wantStatus, got.Body)
			}
			if tc.wantStatus != 200 {
				return
			}
			var s stats
			if err := json.Unmarshal([]byte(got.Body), &s); err != nil {
				t.Fatal(err)
			}
			if s != tc.want {
				t.Errorf("stats = %+v, want %+v", s, tc.want)
			}
			var raw map[string]any
			json.Unmarshal([]byte(got.Body), &raw)
			if len(raw) != 4 {
				t.Errorf("body %s has %d members, want exactly id, followers_count, following_count, followed_by_me", got.Body, len(raw))
			}
		})
	}
}

// personList is a page of a followers or following list.
type personList struct {
	Items []struct {
		ID          string `json:"id"`
		Handle      string `json:"handle"`
		DisplayName string `json:"display_name"`
	} `json:"items"`
	Next *string `json:"next"`
}

func (e *env) mustList(t testing.TB, as user, path string) personList {
	t.Helper()
	r := e.mustDo(t, request{Method: http.MethodGet, Path: path, As: &as}, http.StatusOK)
	var l personList
	if err := json.Unmarshal([]byte(r.Body), &l); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
	if !strings.Contains(r.Body, `"next":`) {
		t.Errorf("body %s has no next member", r.Body)
	}
	return l
}

// readAll reads a list to its end with the given page size and returns the handles.
func (e *env) readAll(t testing.TB, as user, path string, limit int) []string {
	t.Helper()
	var handles []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 100 {
			t.Fatal("paging does not end")
		}
		p := fmt.Sprintf("%s?limit=%d", path, limit)
		if cursor != "" {
			p += "&cursor=" + cursor
		}
		l := e.mustList(t, as, p)
		if len(l.Items) > limit {
			t.Fatalf("page of %d items, limit %d", len(l.Items), limit)
		}
		for _, it := range l.Items {
			if it.ID == "" || it.Handle == "" || it.DisplayName == "" {
				t.Errorf("entry %+v lacks id, handle or display_name", it)
			}
			handles = append(handles, it.Handle)
		}
		if l.Next == nil {
			return handles
		}
		cursor = *l.Next
	}
}

func TestLists(t *testing.T) {
	e := mustEnv(t)
	star := e.mustUser(t, "star", "Star")
	const n = 25
	var fans []user
	var newestFirst []string
	for i := range n {
		u := e.mustUser(t, fmt.Sprintf("fan%02d", i), fmt.Sprintf("Fan %d", i))
		fans = append(fans, u)
		e.mustFollow(t, u, star)
		e.mustFollow(t, star, u)
		newestFirst = append([]string{u.Handle}, newestFirst...)
	}
	for _, kind := range []string{"followers", "following"} {
		for _, limit := range []int{1, 10, 20, 25, 100} {
			t.Run(fmt.Sprintf("%s limit %d", kind, limit), func(t *testing.T) {
				got := e.readAll(t, fans[0], "/follow/api/users/"+star.ID+"/"+kind, limit)
				if !slices.Equal(got, newestFirst) {
					t.Errorf("handles = %v, want newest first %v", got, newestFirst)
				}
			})
		}
	}
	t.Run("default limit is 20", func(t *testing.T) {
		l := e.mustList(t, star, "/follow/api/users/"+star.ID+"/followers")
		if len(l.Items) != 20 || l.Next == nil {
			t.Errorf("items = %d, next %v; want 20 and a cursor", len(l.Items), l.Next)
		}
	})
	t.Run("last page has null next", func(t *testing.T) {
		l := e.mustList(t, star, "/follow/api/users/"+fans[0].ID+"/followers")
		if len(l.Items) != 1 || l.Next != nil {
			t.Errorf("items = %d, next %v; want 1 and null", len(l.Items), l.Next)
		}
	})
	errs := []struct {
		name, path string
		as         *user
		want       int
	}{
		{"limit over 100", "/follow/api/users/" + star.ID + "/followers?limit=101", &star, 422},
		{"limit 0", "/follow/api/users/" + star.ID + "/following?limit=0", &star, 422},
		{"bad cursor", "/follow/api/users/" + star.ID + "/followers?cursor=nonsense", &star, 422},
		{"unknown user", "/follow/api/users/9999/followers", &star, 404},
		{"malformed user", "/follow/api/users/star/following", &star, 404},
		{"signed out", "/follow/api/users/" + star.ID + "/followers", nil, 401},
	}
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) {
			if got := e.do(t, request{Method: http.MethodGet, Path: tc.path, As: tc.as}); got.Status != tc.want {
				t.Errorf("status = %d, want %d; body %s", got.Status, tc.want, got.Body)
			}
		})
	}
}

// TestConcurrentCounts has many people follow and unfollow at once through
// the API and checks the counts are exact.
func TestConcurrentCounts(t *testing.T) {
	e := mustEnv(t)
	star := e.mustUser(t, "star", "Star")
	const n = 30
	fans := make([]user, n)
	for i := range fans {
		fans[i] = e.mustUser(t, fmt.Sprintf("fan%02d", i), "Fan")
	}
	var wg sync.WaitGroup
	for i, u := range fans {
		wg.Go(func() {
			// Everyone follows twice (idempotent); the star follows everyone
			// back; even ones then unfollow, twice. (No t.Fatal off the
			// test goroutine: failures are reported and counted at the end.)
			send := func(method string, as, whom user) {
				r := e.do(t, request{Method: method, Path: "/follow/api/following/" + whom.ID, As: &as})
				if r.Status != http.StatusNoContent {
					t.Errorf("%s %s -> %s: status %d, want 204; %s", method, as.Handle, whom.Handle, r.Status, r.Body)
				}
			}
			send(http.MethodPut, u, star)
			send(http.MethodPut, u, star)
			send(http.MethodPut, star, u)
			if i%2 == 0 {
				send(http.MethodDelete, u, star)
				send(http.MethodDelete, u, star)
			}
		})
	}
	wg.Wait()
	got := e.mustStats(t, star, star)
	if got.FollowersCount != n/2 || got.FollowingCount != n {
		t.Errorf("star: %d followers, %d following; want %d and %d", got.FollowersCount, got.FollowingCount, n/2, n)
	}
	if listed := e.readAll(t, star, "/follow/api/users/"+star.ID+"/followers", 100); len(listed) != n/2 {
		t.Errorf("followers listed = %d, want %d", len(listed), n/2)
	}
	for i, u := range fans {
		want := 1
		if i%2 == 0 {
			want = 0
		}
		if s := e.mustStats(t, star, u); s.FollowingCount != want || s.FollowersCount != 1 {
			t.Errorf("%s: following %d, followers %d; want %d and 1", u.Handle, s.FollowingCount, s.FollowersCount, want)
		}
	}
}

// TestEvents checks follow.created and follow.deleted are published once
// per actual change, with the ids, and never for a repeat.
func TestEvents(t *testing.T) {
	e := mustEnv(t)
	ada := e.mustUser(t, "ada", "Ada")
	bob := e.mustUser(t, "bob", "Bob")
	cy := e.mustUser(t, "cyd", "Cyd")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sub := e.bus.Client().Subscribe(ctx, events.FollowCreated, events.FollowDeleted)
	defer sub.Close()
	if _, err := sub.Receive(ctx); err != nil { // the subscription is confirmed
		t.Fatalf("subscribe: %v", err)
	}
	ops := []struct {
		method string
		as     user
		whom   user
	}{
		{http.MethodPut, ada, bob},
		{http.MethodPut, ada, bob},    // repeat: nothing
		{http.MethodDelete, ada, cy},  // stranger: nothing
		{http.MethodPut, ada, ada},    // refused: nothing
		{http.MethodDelete, ada, bob}, // change
		{http.MethodDelete, ada, bob}, // repeat: nothing
		{http.MethodPut, cy, ada},     // change, the last one
	}
	for _, op := range ops {
		e.do(t, request{Method: op.method, Path: "/follow/api/following/" + op.whom.ID, As: &op.as})
	}
	want := []string{
		fmt.Sprintf(`follow.created {"follower_id":"%s","followee_id":"%s"}`, ada.ID, bob.ID),
		fmt.Sprintf(`follow.deleted {"follower_id":"%s","followee_id":"%s"}`, ada.ID, bob.ID),
		fmt.Sprintf(`follow.created {"follower_id":"%s","followee_id":"%s"}`, cy.ID, ada.ID),
	}
	ch := sub.Channel()
	for i, w := range want {
		select {
		case m := <-ch:
			if got := m.Channel + " " + m.Payload; got != w {
				t.Errorf("event %d = %s, want %s", i, got, w)
			}
		case <-ctx.Done():
			t.Fatalf("event %d never came, want %s", i, w)
		}
	}
	// The fragments publish as the API does.
	e.mustDo(t, request{Method: http.MethodPut, Path: "/follow/frag/button/" + bob.ID, As: &cy}, http.StatusOK)
	e.mustDo(t, request{Method: http.MethodPut, Path: "/follow/frag/button/" + bob.ID, As: &cy}, http.StatusOK)
	e.mustDo(t, request{Method: http.MethodDelete, Path: "/follow/frag/button/" + bob.ID, As: &cy}, http.StatusOK)
	for i, w := range []string{
		fmt.Sprintf(`follow.created {"follower_id":"%s","followee_id":"%s"}`, cy.ID, bob.ID),
		fmt.Sprintf(`follow.deleted {"follower_id":"%s","followee_id":"%s"}`, cy.ID, bob.ID),
	} {
		select {
		case m := <-ch:
			if got := m.Channel + " " + m.Payload; got != w {
				t.Errorf("fragment event %d = %s, want %s", i, got, w)
			}
		case <-ctx.Done():
			t.Fatalf("fragment event %d never came, want %s", i, w)
		}
	}
}

// TestRedisDown checks following works while Redis is down.
func TestRedisDown(t *testing.T) {
	e := mustEnv(t)
	ada := e.mustUser(t, "ada", "Ada")
	bob := e.mustUser(t, "bob", "Bob")
	e.redis.Stop()
	e.mustFollow(t, ada, bob)
	if s := e.mustStats(t, ada, bob); s.FollowersCount != 1 || !s.FollowedByMe {
		t.Errorf("after follow with Redis down: %+v, want 1 follower, followed by me", s)
	}
	r := e.mustDo(t, request{Method: http.MethodDelete, Path: "/follow/frag/button/" + bob.ID, As: &ada}, http.StatusOK)
	if !strings.Contains(r.Body, ">Follow<") {
		t.Errorf("button after unfollow = %s, want a Follow button", r.Body)
	}
	if s := e.mustStats(t, ada, bob); s.FollowersCount != 0 {
		t.Errorf("after unfollow with Redis down: %d followers, want 0", s.FollowersCount)
	}
	e.redis.Start(t)
	e.mustFollow(t, ada, bob)
}
