package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"murmur/fragments/follow"
	followserver "murmur/fragments/follow/server"
	followstore "murmur/fragments/follow/store"
	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/events"
	"murmur/fragments/internal/people"
	"murmur/fragments/internal/telemetry"
	"murmur/fragments/internal/testkit"
	"murmur/fragments/profile/profiletest"
	"murmur/fragments/timeline"
	"murmur/fragments/timeline/live"
	"murmur/fragments/timeline/server"
	"murmur/fragments/timeline/sources"
	"murmur/fragments/tweets"
	tweetsserver "murmur/fragments/tweets/server"
	tweetsstore "murmur/fragments/tweets/store"
)

// env is a timeline service with everything it reads from running for
// real in the test process: profile, tweets and follow on their own SQLite
// files, and a Redis server carrying their events.
type env struct {
	timeline, tweets, follow *httptest.Server
	profile                  *profiletest.Server
	redis                    *testkit.Redis
	hub                      *live.Hub
	homes                    *timeline.Homes
	sessions                 *testkit.Sessions
}

type user = profiletest.User

func mustEnv(t *testing.T) *env {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	logger := slog.New(slog.DiscardHandler)
	sessions := testkit.MustSessions(t)
	e := &env{redis: testkit.MustRedis(t), profile: profiletest.MustServer(t, sessions), sessions: sessions}
	bus := func() *events.Bus {
		b, err := events.Connect(e.redis.URL, logger, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		return b
	}
	dir := people.New(e.profile.URL, time.Minute)

	tst, err := tweetsstore.Open(ctx, testkit.DBPath(t, "tweets"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tst.Close() })
	e.tweets = httptest.NewServer(tweetsserver.New(tweetsserver.Deps{
		Tweets: tweets.NewService(tst, dir, bus(), tweets.WithLogger(logger)), People: dir,
		Verifier: sessions.Verifier, Logger: logger, Metrics: telemetry.NewMetrics("tweets"),
	}))
	t.Cleanup(e.tweets.Close)

	fst, err := followstore.Open(ctx, testkit.DBPath(t, "follow"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fst.Close() })
	e.follow = httptest.NewServer(followserver.New(followserver.Deps{
		Graph: follow.NewGraph(fst, dir, bus()), Verifier: sessions.Verifier, Logger: logger, Metrics: telemetry.NewMetrics("follow"),
	}))
	t.Cleanup(e.follow.Close)

	e.homes = timeline.NewHomes(sources.NewTweets(e.tweets.URL), sources.NewFollow(e.follow.URL))
	metrics := telemetry.NewMetrics("timeline")
	e.hub = live.NewHub(e.homes, logger, metrics.Registry)
	go e.hub.Run(ctx, bus().Client())
	e.timeline = httptest.NewServer(server.New(server.Deps{
		Homes: e.homes, Hub: e.hub, Verifier: sessions.Verifier, Logger: logger, Metrics: metrics, Done: ctx,
		SignInURL: e.profile.URL + "/profile/", FollowURL: e.follow.URL,
	}))
	t.Cleanup(e.timeline.Close)
	return e
}

// call sends a request to base+path as u (nil for nobody) and returns the
// status and body.
func call(t *testing.T, method, url string, u *user, body any, header ...string) (int, string) {
	t.Helper()
	var r io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if u != nil {
		req.Header.Set("Authorization", "Bearer "+u.Token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

func (e *env) mustPost(t *testing.T, u user, text string) string {
	t.Helper()
	status, body := call(t, "POST", e.tweets.URL+"/tweets/api/tweets", &u, map[string]any{"text": text})
	if status != http.StatusCreated {
		t.Fatalf("post: %d %s", status, body)
	}
	var tw struct {
		ID string `json:"id"`
	}
	json.Unmarshal([]byte(body), &tw)
	return tw.ID
}

func (e *env) mustFollow(t *testing.T, who, whom user, follows bool) {
	t.Helper()
	method := "PUT"
	if !follows {
		method = "DELETE"
	}
	if status, body := call(t, method, e.follow.URL+"/follow/api/following/"+whom.ID, &who, nil); status != http.StatusNoContent {
		t.Fatalf("%s following: %d %s", method, status, body)
	}
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
