package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"murmur/fragments/follow"
	"murmur/fragments/follow/server"
	"murmur/fragments/follow/store"
	"murmur/fragments/internal/config"
	"murmur/fragments/internal/events"
	"murmur/fragments/internal/people"
	"murmur/fragments/internal/ratelimit"
	"murmur/fragments/internal/telemetry"
	"murmur/fragments/internal/testkit"
	"murmur/fragments/profile/profiletest"
)

// env is a follow service under test with the real things around it: its
// SQLite file, a Redis server, and a profile service of its own.
type env struct {
	follow   *httptest.Server
	profile  *profiletest.Server
	sessions *testkit.Sessions
	redis    *testkit.Redis
	bus      *events.Bus
}

// envOption changes the follow service an env runs.
type envOption func(t *testing.T, e *env, d *server.Deps)

// withLimits limits actions per account, shared through the env's Redis.
func withLimits(limits map[string]config.Limit) envOption {
	return func(t *testing.T, e *env, d *server.Deps) {
		l, err := ratelimit.Connect(e.redis.URL, limits)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		d.Limits = l
	}
}

func mustEnv(t *testing.T, options ...envOption) *env {
	t.Helper()
	ctx := context.Background()
	logger := slog.New(slog.DiscardHandler)
	e := &env{redis: testkit.MustRedis(t), sessions: testkit.MustSessions(t)}

	e.profile = profiletest.MustServer(t, e.sessions)

	fst, err := store.Open(ctx, testkit.DBPath(t, "follow"))
	if err != nil {
		t.Fatalf("open follow store: %v", err)
	}
	t.Cleanup(func() { fst.Close() })
	e.bus = mustBus(t, e.redis.URL)
	deps := server.Deps{
		Graph:    follow.NewGraph(fst, people.New(e.profile.URL, time.Minute), e.bus),
		Verifier: e.sessions.Verifier, Logger: logger, Metrics: telemetry.NewMetrics("follow"),
		SignInURL: e.profile.URL + "/profile/#signin",
	}
	for _, o := range options {
		o(t, e, &deps)
	}
	e.follow = httptest.NewServer(server.New(deps))
	t.Cleanup(e.follow.Close)
	return e
}

func mustBus(tb testing.TB, url string) *events.Bus {
	tb.Helper()
	b, err := events.Connect(url, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		tb.Fatalf("connect to redis: %v", err)
	}
	tb.Cleanup(func() { b.Close() })
	return b
}

// user is a person signed up through profile's API, with a session token.
type user = profiletest.User

// mustUser signs a person up through profile's JSON API.
func (e *env) mustUser(t testing.TB, handle, name string) user {
	t.Helper()
	return e.profile.MustUser(t, handle, name)
}

// reply is an answer of the follow service.
type reply struct {
	Status int
	Header http.Header
	Body   string
}

// request is what a test sends: a method and path, and optionally who
// sends it, a form, and headers.
type request struct {
	Method, Path string
	As           *user
	Form         url.Values
	Header       map[string]string
}

func (e *env) do(t testing.TB, r request) reply {
	t.Helper()
	var body io.Reader
	if r.Form != nil {
		body = strings.NewReader(r.Form.Encode())
	}
	req, err := http.NewRequest(r.Method, e.follow.URL+r.Path, body)
	if err != nil {
		t.Fatal(err)
	}
	if r.Form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if r.As != nil {
		req.Header.Set("Authorization", "Bearer "+r.As.Token)
	}
	for k, v := range r.Header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", r.Method, r.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

// mustDo sends a request and fails the test unless the status is want.
func (e *env) mustDo(t testing.TB, r request, want int) reply {
	t.Helper()
	got := e.do(t, r)
	if got.Status != want {
		t.Fatalf("%s %s: status %d, want %d; body: %s", r.Method, r.Path, got.Status, want, got.Body)
	}
	return got
}

// mustFollow follows through the JSON API.
func (e *env) mustFollow(t testing.TB, who user, whom user) {
	t.Helper()
	e.mustDo(t, request{Method: http.MethodPut, Path: "/follow/api/following/" + whom.ID, As: &who}, http.StatusNoContent)
}

// stats is the JSON of GET /follow/api/users/{id}.
type stats struct {
	ID             string `json:"id"`
	FollowersCount int    `json:"followers_count"`
	FollowingCount int    `json:"following_count"`
	FollowedByMe   bool   `json:"followed_by_me"`
}

func (e *env) mustStats(t testing.TB, as user, of user) stats {
	t.Helper()
	r := e.mustDo(t, request{Method: http.MethodGet, Path: "/follow/api/users/" + of.ID, As: &as}, http.StatusOK)
	var s stats
	if err := json.Unmarshal([]byte(r.Body), &s); err != nil {
		t.Fatalf("decode stats %s: %v", r.Body, err)
	}
	return s
}

// inOrder reports whether each of subs occurs in s, in that order.
func inOrder(s string, subs ...string) bool {
	for _, sub := range subs {
		i := strings.Index(s, sub)
		if i < 0 {
			return false
		}
		s = s[i+len(sub):]
	}
	return true
}
