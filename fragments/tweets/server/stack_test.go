package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/config"
	"murmur/fragments/internal/events"
	"murmur/fragments/internal/people"
	"murmur/fragments/internal/ratelimit"
	"murmur/fragments/internal/telemetry"
	"murmur/fragments/internal/testkit"
	"murmur/fragments/profile/profiletest"
	"murmur/fragments/tweets"
	"murmur/fragments/tweets/server"
	"murmur/fragments/tweets/store"
)

// stack is a real tweets service with its own SQLite file, a real Redis,
// and a real profile service for author lookups.
type stack struct {
	URL      string
	Redis    *testkit.Redis
	Bus      *events.Bus
	Tweets   *tweets.Service
	Store    *store.Store
	People   *people.Client
	Clock    *testkit.Clock
	profile  *profiletest.Server
	sessions *testkit.Sessions
}

// stackOption changes the tweets service a stack runs.
type stackOption func(t *testing.T, s *stack, d *server.Deps)

// withLimits limits actions per account, shared through the stack's Redis.
func withLimits(limits map[string]config.Limit) stackOption {
	return func(t *testing.T, s *stack, d *server.Deps) {
		l, err := ratelimit.Connect(s.Redis.URL, limits)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		d.Limits = l
	}
}

func mustStack(t *testing.T, options ...stackOption) *stack {
	t.Helper()
	ctx := context.Background()
	logger := slog.New(slog.DiscardHandler)
	s := &stack{Redis: testkit.MustRedis(t), sessions: testkit.MustSessions(t),
		Clock: testkit.NewClock(time.Now().UTC())}

	s.profile = profiletest.MustServer(t, s.sessions)

	st, err := store.Open(ctx, testkit.DBPath(t, "tweets"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	metrics := telemetry.NewMetrics("tweets")
	s.Bus, err = events.Connect(s.Redis.URL, logger, metrics.Registry)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Bus.Close() })
	dir := people.New(s.profile.URL, time.Minute)
	s.Store, s.People = st, dir
	s.Tweets = tweets.NewService(st, dir, s.Bus, tweets.WithClock(s.Clock.Now), tweets.WithLogger(logger))
	deps := server.Deps{
		Tweets: s.Tweets, People: dir, Verifier: s.sessions.Verifier, Logger: logger, Metrics: metrics,
		SignInURL: s.profile.URL + "/profile/",
	}
	for _, o := range options {
		o(t, s, &deps)
	}
	srv := httptest.NewServer(server.New(deps))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// user is a person signed up on the test's profile service.
type user = profiletest.User

func (s *stack) mustUser(t *testing.T, handle, displayName string) user {
	t.Helper()
	return s.profile.MustUser(t, handle, displayName)
}

// response is an answer read in full.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) String() string { return string(r.Body) }

// problem decodes a problem+json body.
func (r response) problem(t *testing.T) (title, detail string) {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Errorf("Content-Type = %q, want application/problem+json (body %s)", ct, r.Body)
	}
	var p struct {
		Type, Title, Detail string
		Status              int
	}
	if err := json.Unmarshal(r.Body, &p); err != nil {
		t.Fatalf("problem body %s: %v", r.Body, err)
	}
	if p.Status != r.Status || p.Type == "" || p.Title == "" {
		t.Errorf("problem = %+v, want type, title and status %d", p, r.Status)
	}
	return p.Title, p.Detail
}

// do sends a request with an optional bearer token; a body of type
// url.Values is sent as a form, []byte as is, anything else as JSON.
func (s *stack) do(t *testing.T, method, path, token string, body any, header ...string) response {
	t.Helper()
	var r io.Reader
	contentType := ""
	switch b := body.(type) {
	case nil:
	case url.Values:
		r, contentType = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	case multipartBody:
		r, contentType = bytes.NewReader(b.data), b.contentType
	case []byte:
		r = bytes.NewReader(b)
	default:
		data, _ := json.Marshal(b)
		r, contentType = bytes.NewReader(data), "application/json"
	}
	req, err := http.NewRequest(method, s.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Header: resp.Header, Body: data}
}

// cookie sends the token the way a browser does, in the session cookie.
func cookie(token string) []string {
	return []string{"Cookie", (&http.Cookie{Name: auth.CookieName, Value: token}).String()}
}

type multipartBody struct {
	data        []byte
	contentType string
}

// upload builds a multipart body with files under the given part name and
// extra fields.
func upload(t *testing.T, part string, files [][]byte, fields ...string) multipartBody {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for i := 0; i+1 < len(fields); i += 2 {
		w.WriteField(fields[i], fields[i+1])
	}
	for i, f := range files {
		// The declared name and type lie on purpose: only the bytes count.
		h := make(map[string][]string)
		h["Content-Disposition"] = []string{`form-data; name="` + part + `"; filename="photo` + string(rune('0'+i)) + `.txt"`}
		h["Content-Type"] = []string{"text/plain"}
		pw, err := w.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		pw.Write(f)
	}
	w.Close()
	return multipartBody{data: buf.Bytes(), contentType: w.FormDataContentType()}
}

// mustUpload uploads an image through the API and returns its Media.
func (s *stack) mustUpload(t *testing.T, u user, img []byte) tweets.Media {
	t.Helper()
	resp := s.do(t, "POST", "/tweets/api/media", u.Token, upload(t, "file", [][]byte{img}))
	if resp.Status != http.StatusCreated {
		t.Fatalf("upload: %d %s", resp.Status, resp)
	}
	var m tweets.Media
	json.Unmarshal(resp.Body, &m)
	return m
}

// mustPost posts a tweet through the API.
func (s *stack) mustPost(t *testing.T, u user, text string, mediaIDs ...string) tweets.Tweet {
	t.Helper()
	if mediaIDs == nil {
		mediaIDs = []string{}
	}
	resp := s.do(t, "POST", "/tweets/api/tweets", u.Token, map[string]any{"text": text, "media_ids": mediaIDs})
	if resp.Status != http.StatusCreated {
		t.Fatalf("post %q: %d %s", text, resp.Status, resp)
	}
	var tw tweets.Tweet
	if err := json.Unmarshal(resp.Body, &tw); err != nil {
		t.Fatal(err)
	}
	return tw
}

// subscription listens to Redis topics from before the call returns.
type subscription struct {
	ch  <-chan *redis.Message
	sub *redis.PubSub
}

func (s *stack) mustSubscribe(t *testing.T, topics ...string) *subscription {
	t.Helper()
	ctx := context.Background()
	sub := s.Bus.Client().Subscribe(ctx, topics...)
	for range topics {
		if _, err := sub.Receive(ctx); err != nil {
			t.Fatalf("subscribe: %v", err)
		}
	}
	t.Cleanup(func() { sub.Close() })
	return &subscription{ch: sub.Channel(), sub: sub}
}

// next waits for the next event and decodes its payload.
func (sub *subscription) next(t *testing.T, wantTopic string, into any) {
	t.Helper()
	select {
	case m := <-sub.ch:
		if m.Channel != wantTopic {
			t.Fatalf("event on %s (%s), want %s", m.Channel, m.Payload, wantTopic)
		}
		if err := json.Unmarshal([]byte(m.Payload), into); err != nil {
			t.Fatalf("event payload %s: %v", m.Payload, err)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("no %s event within 5s", wantTopic)
	}
}

// none checks no further event arrives for a moment.
func (sub *subscription) none(t *testing.T) {
	t.Helper()
	select {
	case m := <-sub.ch:
		t.Fatalf("unexpected event on %s: %s", m.Channel, m.Payload)
	case <-time.After(200 * time.Millisecond):
	}
}
