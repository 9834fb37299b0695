// Package timelinetest runs, in the test process, everything the timeline
// reads from: profile, tweets and follow on their own SQLite files, and a
// Redis server carrying their events. The timeline's packages test against
// it instead of stand-ins.
package timelinetest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	"murmur/fragments/follow"
	followserver "murmur/fragments/follow/server"
	followstore "murmur/fragments/follow/store"
	"murmur/fragments/internal/events"
	"murmur/fragments/internal/people"
	"murmur/fragments/internal/telemetry"
	"murmur/fragments/internal/testkit"
	"murmur/fragments/profile/profiletest"
	"murmur/fragments/timeline/sources"
	"murmur/fragments/tweets"
	tweetsserver "murmur/fragments/tweets/server"
	tweetsstore "murmur/fragments/tweets/store"
)

// User is a person signed up on the test's profile service, with a token.
type User = profiletest.User

// Sources are the services the timeline reads, running for one test.
type Sources struct {
	Tweets, Follow *httptest.Server
	Profile        *profiletest.Server
	Redis          *testkit.Redis
	Sessions       *testkit.Sessions
	// TweetsClient and FollowClient are how the timeline reaches them.
	TweetsClient *sources.Tweets
	FollowClient *sources.Follow
	logger       *slog.Logger
}

// MustSources starts the sources; they stop when the test ends.
func MustSources(tb testing.TB) *Sources {
	tb.Helper()
	ctx := context.Background()
	sessions := testkit.MustSessions(tb)
	s := &Sources{
		Redis: testkit.MustRedis(tb), Profile: profiletest.MustServer(tb, sessions), Sessions: sessions,
		logger: slog.New(slog.DiscardHandler),
	}
	dir := people.New(s.Profile.URL, time.Minute)

	tst, err := tweetsstore.Open(ctx, testkit.DBPath(tb, "tweets"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { tst.Close() })
	s.Tweets = httptest.NewServer(tweetsserver.New(tweetsserver.Deps{
		Tweets: tweets.NewService(tst, dir, s.MustBus(tb), tweets.WithLogger(s.logger)), People: dir,
		Verifier: sessions.Verifier, Logger: s.logger, Metrics: telemetry.NewMetrics("tweets"),
	}))
	tb.Cleanup(s.Tweets.Close)

	fst, err := followstore.Open(ctx, testkit.DBPath(tb, "follow"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { fst.Close() })
	s.Follow = httptest.NewServer(followserver.New(followserver.Deps{
		Graph: follow.NewGraph(fst, dir, s.MustBus(tb)), Verifier: sessions.Verifier, Logger: s.logger, Metrics: telemetry.NewMetrics("follow"),
	}))
	tb.Cleanup(s.Follow.Close)
	s.TweetsClient, s.FollowClient = sources.NewTweets(s.Tweets.URL), sources.NewFollow(s.Follow.URL)
	return s
}

// MustBus connects to the test's Redis; the connection closes when the test ends.
func (s *Sources) MustBus(tb testing.TB) *events.Bus {
	tb.Helper()
	b, err := events.Connect(s.Redis.URL, s.logger, nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { b.Close() })
	return b
}

// Call sends a request to url as u (nil for nobody) and returns the
// status and body; header holds name, value pairs.
func Call(tb testing.TB, method, url string, u *User, body any, header ...string) (int, string) {
	tb.Helper()
	var r io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		tb.Fatal(err)
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
		tb.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// MustPost posts a tweet as u through tweets' API and returns its id.
func (s *Sources) MustPost(tb testing.TB, u User, text string) string {
	tb.Helper()
	status, body := Call(tb, "POST", s.Tweets.URL+"/tweets/api/tweets", &u, map[string]any{"text": text})
	if status != http.StatusCreated {
		tb.Fatalf("post: %d %s", status, body)
	}
	var tw struct {
		ID string `json:"id"`
	}
	json.Unmarshal([]byte(body), &tw)
	return tw.ID
}

// MustFollow makes who follow (or stop following) whom through follow's API.
func (s *Sources) MustFollow(tb testing.TB, who, whom User, follows bool) {
	tb.Helper()
	method := "PUT"
	if !follows {
		method = "DELETE"
	}
	if status, body := Call(tb, method, s.Follow.URL+"/follow/api/following/"+whom.ID, &who, nil); status != http.StatusNoContent {
		tb.Fatalf("%s following: %d %s", method, status, body)
	}
}

// Exchange is one request a Recorder forwarded: the If-None-Match it
// carried and the answer's ETag and status.
type Exchange struct {
	IfNoneMatch, ETag string
	Status            int
}

// Recorder is a reverse proxy in front of a real service that notes what
// passes, so a test sees what its client asked and was told.
type Recorder struct {
	*httptest.Server
	mu   sync.Mutex
	seen []Exchange
}

// MustRecorder starts a Recorder in front of target; it stops when the
// test ends.
func MustRecorder(tb testing.TB, target string) *Recorder {
	tb.Helper()
	u, err := url.Parse(target)
	if err != nil {
		tb.Fatal(err)
	}
	r := &Recorder{}
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.ModifyResponse = func(resp *http.Response) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.seen = append(r.seen, Exchange{
			IfNoneMatch: resp.Request.Header.Get("If-None-Match"), ETag: resp.Header.Get("ETag"), Status: resp.StatusCode,
		})
		return nil
	}
	r.Server = httptest.NewServer(proxy)
	tb.Cleanup(r.Close)
	return r
}

// Since returns the exchanges after the first n.
func (r *Recorder) Since(n int) []Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.seen[n:])
}

// Count is how many exchanges passed.
func (r *Recorder) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.seen)
}
