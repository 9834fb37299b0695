package server_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/telemetry"
	"murmur/fragments/internal/testkit"
	"murmur/fragments/profile/profiletest"
	"murmur/fragments/timeline"
	"murmur/fragments/timeline/live"
	"murmur/fragments/timeline/server"
	"murmur/fragments/timeline/timelinetest"
)

// env is a timeline service with everything it reads from running for
// real in the test process: profile, tweets and follow on their own SQLite
// files, and a Redis server carrying their events.
type env struct {
	*timelinetest.Sources
	timeline *httptest.Server
	tweets   *httptest.Server
	follow   *httptest.Server
	profile  *profiletest.Server
	redis    *testkit.Redis
	hub      *live.Hub
	homes    *timeline.Homes
	sessions *testkit.Sessions
}

type user = profiletest.User

func mustEnv(t *testing.T) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	logger := slog.New(slog.DiscardHandler)
	src := timelinetest.MustSources(t)
	e := &env{Sources: src, tweets: src.Tweets, follow: src.Follow, profile: src.Profile, redis: src.Redis, sessions: src.Sessions}
	e.homes = timeline.NewHomes(src.TweetsClient, src.FollowClient)
	metrics := telemetry.NewMetrics("timeline")
	e.hub = live.NewHub(live.Deps{
		Homes: e.homes, Graph: src.FollowClient, Cards: src.TweetsClient, Markup: server.LiveMarkup(),
		Logger: logger, Metrics: metrics.Registry,
	})
	go e.hub.Run(ctx, src.MustBus(t).Client())
	e.timeline = httptest.NewServer(server.New(server.Deps{
		Homes: e.homes, Hub: e.hub, Verifier: src.Sessions.Verifier, Logger: logger, Metrics: metrics, Done: ctx,
		SignInURL: e.profile.URL + "/profile/", FollowURL: e.follow.URL,
	}))
	t.Cleanup(e.timeline.Close)
	return e
}

// call sends a request to base+path as u (nil for nobody) and returns the
// status and body.
func call(t *testing.T, method, url string, u *user, body any, header ...string) (int, string) {
	t.Helper()
	return timelinetest.Call(t, method, url, u, body, header...)
}

func (e *env) mustPost(t *testing.T, u user, text string) string {
	t.Helper()
	return e.MustPost(t, u, text)
}

func (e *env) mustFollow(t *testing.T, who, whom user, follows bool) {
	t.Helper()
	e.MustFollow(t, who, whom, follows)
}

// socket opens /timeline/ws (or the JSON stream) as u.
func (e *env) socket(t *testing.T, path string, u user, header ...string) *websocket.Conn {
	t.Helper()
	h := http.Header{"Cookie": {(&http.Cookie{Name: auth.CookieName, Value: u.Token}).String()}}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	conn, resp, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(e.timeline.URL, "http")+path, h)
	if err != nil {
		t.Fatalf("open %s: %v (%v)", path, err, resp)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// read waits for the next message on a socket.
func read(t *testing.T, conn *websocket.Conn) string {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, msg, err := conn.ReadMessage()
	if err != nil {
		t.Fatalf("read socket: %v", err)
	}
	return string(msg)
}
