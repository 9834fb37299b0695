package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"murmur/fragments/internal/config"
	"murmur/fragments/internal/ratelimit"
	"murmur/fragments/internal/testkit"
)

// checkRefused asserts a 429 that says when to come back (testkit.CheckRefused).
func checkRefused(t *testing.T, what string, r reply) {
	t.Helper()
	testkit.CheckRefused(t, what, r.Status, r.Header, r.Body, "You have followed a lot of people in a short time. Try again in")
}

// Following is limited per account, through the API, the follow button
// and who-to-follow alike; unfollowing never is; another account follows on.
func TestFollowingIsLimitedPerAccount(t *testing.T) {
	e := mustEnv(t, withLimits(map[string]config.Limit{ratelimit.Follow: {Count: 3, Period: time.Hour}}))
	me, other := e.mustUser(t, "zed", "Zed"), e.mustUser(t, "yan", "Yan")
	var them []user
	for _, h := range []string{"amy", "ben", "cat", "dan"} {
		them = append(them, e.mustUser(t, h, h))
	}
	api := func(u user) string { return "/follow/api/following/" + u.ID }
	button := func(u user) string { return "/follow/frag/button/" + u.ID }
	htmx := map[string]string{"HX-Request": "true"}

	e.mustFollow(t, me, them[0])
	e.mustDo(t, request{Method: http.MethodPut, Path: button(them[1]), As: &me, Header: htmx}, http.StatusOK)
	e.mustDo(t, request{Method: http.MethodPost, Path: "/follow/frag/who-to-follow/" + them[2].ID, As: &me, Header: htmx,
		Form: url.Values{"shown": {them[2].ID}}}, http.StatusOK)

	r := e.do(t, request{Method: http.MethodPut, Path: api(them[3]), As: &me})
	checkRefused(t, "API", r)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Errorf("API refusal Content-Type %q, want problem+json", ct)
	}
	r = e.do(t, request{Method: http.MethodPut, Path: button(them[3]), As: &me, Header: htmx})
	checkRefused(t, "follow button", r)
	r = e.do(t, request{Method: http.MethodPost, Path: "/follow/frag/who-to-follow/" + them[3].ID, As: &me, Header: htmx,
		Form: url.Values{"shown": {them[3].ID}}})
	checkRefused(t, "who-to-follow", r)
	if !strings.Contains(r.Body, `<li class="suggestion">`) {
		t.Errorf("who-to-follow refusal: want it in the suggestion's place, got %s", r.Body)
	}
	if s := e.mustStats(t, me, me); s.FollowingCount != 3 {
		t.Errorf("following %d, want the 3 allowed", s.FollowingCount)
	}

	e.mustDo(t, request{Method: http.MethodDelete, Path: api(them[0]), As: &me}, http.StatusNoContent)
	e.mustDo(t, request{Method: http.MethodDelete, Path: button(them[1]), As: &me, Header: htmx}, http.StatusOK)
	if s := e.mustStats(t, me, me); s.FollowingCount != 1 {
		t.Errorf("following %d after two unfollows past the limit, want 1", s.FollowingCount)
	}
	e.mustFollow(t, other, them[3])
	e.mustDo(t, request{Method: http.MethodPut, Path: button(them[0]), As: &other, Header: htmx}, http.StatusOK)
}
