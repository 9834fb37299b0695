package server_test

import (
	"archive/zip"
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
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"murmur/fragments/follow"
	followserver "murmur/fragments/follow/server"
	followstore "murmur/fragments/follow/store"
	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/events"
	"murmur/fragments/internal/people"
	"murmur/fragments/internal/telemetry"
	"murmur/fragments/internal/testkit"
	"murmur/fragments/profile/server"
	"murmur/fragments/tweets"
	tweetsserver "murmur/fragments/tweets/server"
	tweetsstore "murmur/fragments/tweets/store"
)

// leavingEnv is profile with the real tweets and follow services its
// export reads, each with its own SQLite file, on the env's Redis.
type leavingEnv struct {
	*env
	tweets, follow *httptest.Server
	// tweetsDown and followDown make a peer drop every connection unanswered.
	tweetsDown, followDown atomic.Bool
}

// downable serves h unless down is set; then it drops the connection
// without an answer, as a service that went away does.
func downable(h http.Handler, down *atomic.Bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			panic(http.ErrAbortHandler)
		}
		h.ServeHTTP(w, r)
	})
}

// newLeavingEnv starts profile, tweets and follow. The peers know profile
// through a front that forwards to it once it is up, since profile is
// told where they are before it starts.
func newLeavingEnv(t *testing.T) *leavingEnv {
	t.Helper()
	ctx := context.Background()
	logger := slog.New(slog.DiscardHandler)
	var profileURL atomic.Value
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := url.Parse(profileURL.Load().(string))
		httputil.NewSingleHostReverseProxy(u).ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	dir := people.New(front.URL, time.Minute)
	le := &leavingEnv{}
	le.env = newEnvWith(t, 100, func(d *server.Deps) {
		verifier := auth.NewVerifier(d.Issuer.PublicKey())
		redis := testkit.MustRedis(t)
		peerBus, err := events.Connect(redis.URL, logger, telemetry.NewMetrics("peers").Registry)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { peerBus.Close() })

		tst, err := tweetsstore.Open(ctx, testkit.DBPath(t, "tweets"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { tst.Close() })
		le.tweets = httptest.NewServer(downable(tweetsserver.New(tweetsserver.Deps{
			Tweets: tweets.NewService(tst, dir, peerBus, tweets.WithLogger(logger)), People: dir,
			Verifier: verifier, Logger: logger, Metrics: telemetry.NewMetrics("tweets"),
		}), &le.tweetsDown))
		t.Cleanup(le.tweets.Close)

		fst, err := followstore.Open(ctx, testkit.DBPath(t, "follow"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { fst.Close() })
		le.follow = httptest.NewServer(downable(followserver.New(followserver.Deps{
			Graph: follow.NewGraph(fst, dir, peerBus), Verifier: verifier, Logger: logger,
			Metrics: telemetry.NewMetrics("follow"),
		}), &le.followDown))
		t.Cleanup(le.follow.Close)

		d.Exports = []server.ExportSource{
			{Name: "tweets", What: "your tweets, likes and boosts", URL: le.tweets.URL},
			{Name: "follow", What: "whom you follow and who follows you", URL: le.follow.URL},
		}
	})
	profileURL.Store(le.srv.URL)
	return le
}

// peerDo sends a request to one of the peers with a bearer token.
func peerDo(t *testing.T, base, method, path, token, body string) response {
	t.Helper()
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, string(data)}
}

func problemDetail(t *testing.T, r response) string {
	t.Helper()
	var p struct{ Detail string }
	r.json(t, &p)
	return p.Detail
}

func TestDeleteMe(t *testing.T) {
	e := newEnv(t, 100)
	ann, tok := e.signUp(t, "ann", "correct horse", "Ann")
	_, bobTok := e.signUp(t, "bob", "battery staple", "Bob")

	t.Run("wrong password", func(t *testing.T) {
		r := e.do(t, "DELETE", "/profile/api/me", `{"password":"wrong horse"}`, bearer(tok)...)
		checkProblem(t, r, http.StatusUnauthorized)
		if r := e.do(t, "GET", "/profile/api/me", "", bearer(tok)...); r.status != http.StatusOK {
			t.Errorf("after a wrong password, /me = %d, want the account still there", r.status)
		}
	})
	t.Run("no password", func(t *testing.T) {
		for _, body := range []string{`{}`, `{"password":""}`} {
			checkProblem(t, e.do(t, "DELETE", "/profile/api/me", body, bearer(tok)...), http.StatusUnprocessableEntity)
		}
	})
	t.Run("someone else's password", func(t *testing.T) {
		checkProblem(t, e.do(t, "DELETE", "/profile/api/me", `{"password":"battery staple"}`, bearer(tok)...), http.StatusUnauthorized)
	})
	t.Run("signed out", func(t *testing.T) {
		checkProblem(t, e.do(t, "DELETE", "/profile/api/me", `{"password":"correct horse"}`), http.StatusUnauthorized)
	})

	r := e.do(t, "DELETE", "/profile/api/me", `{"password":"correct horse"}`, bearer(tok)...)
	if r.status != http.StatusNoContent {
		t.Fatalf("delete with the right password: %d %s, want 204", r.status, r.body)
	}
	if c := r.header.Get("Set-Cookie"); !strings.HasPrefix(c, auth.CookieName+"=;") || !strings.Contains(c, "Max-Age=0") {
		t.Errorf("Set-Cookie = %q, want the session cookie cleared", c)
	}

	t.Run("the token is refused", func(t *testing.T) {
		checkProblem(t, e.do(t, "GET", "/profile/api/me", "", bearer(tok)...), http.StatusUnauthorized)
		checkProblem(t, e.do(t, "DELETE", "/profile/api/me", `{"password":"correct horse"}`, bearer(tok)...), http.StatusUnauthorized)
	})
	t.Run("the account is gone", func(t *testing.T) {
		if r := e.do(t, "GET", "/profile/api/users/"+ann.ID, ""); r.status != http.StatusNotFound {
			t.Errorf("GET the user = %d, want 404", r.status)
		}
		checkProblem(t, e.do(t, "POST", "/profile/api/sessions", `{"handle":"ann","password":"correct horse"}`), http.StatusUnauthorized)
	})
	t.Run("the handle is reserved", func(t *testing.T) {
		r := e.do(t, "POST", "/profile/api/users", `{"handle":"ann","password":"another horse","display_name":"Not Ann"}`)
		checkProblem(t, r, http.StatusConflict)
		if d := problemDetail(t, r); !strings.Contains(d, "belonged to an account that was deleted") || !strings.Contains(d, "reserved until") {
			t.Errorf("detail = %q, want it to say the handle belonged to a deleted account and is reserved until a date", d)
		}
	})
	t.Run("others are untouched", func(t *testing.T) {
		if r := e.do(t, "GET", "/profile/api/me", "", bearer(bobTok)...); r.status != http.StatusOK {
			t.Errorf("bob's /me = %d, want 200", r.status)
		}
	})
}

func TestExportMe(t *testing.T) {
	e := newLeavingEnv(t)
	ann, tok := e.signUp(t, "ann", "correct horse", "Ann")
	bob, bobTok := e.signUp(t, "bob", "battery staple", "Bob")
	if r := peerDo(t, e.tweets.URL, "POST", "/tweets/api/tweets", tok, `{"text":"ann was here","media_ids":[]}`); r.status != http.StatusCreated {
		t.Fatalf("post: %d %s", r.status, r.body)
	}
	if r := peerDo(t, e.follow.URL, "PUT", "/follow/api/following/"+ann.ID, bobTok, ""); r.status != http.StatusNoContent {
		t.Fatalf("bob follows ann: %d %s", r.status, r.body)
	}

	t.Run("wrong password", func(t *testing.T) {
		checkProblem(t, e.do(t, "POST", "/profile/api/me/export", `{"password":"wrong horse"}`, bearer(tok)...), http.StatusUnauthorized)
	})
	t.Run("no password", func(t *testing.T) {
		checkProblem(t, e.do(t, "POST", "/profile/api/me/export", `{}`, bearer(tok)...), http.StatusUnprocessableEntity)
	})
	t.Run("signed out", func(t *testing.T) {
		checkProblem(t, e.do(t, "POST", "/profile/api/me/export", `{"password":"correct horse"}`), http.StatusUnauthorized)
	})

	t.Run("the zip", func(t *testing.T) {
		r := e.do(t, "POST", "/profile/api/me/export", `{"password":"correct horse"}`, bearer(tok)...)
		if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/zip" {
			t.Fatalf("export = %d %s, want 200 application/zip (%.300s)", r.status, r.header.Get("Content-Type"), r.body)
		}
		if cd := r.header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="murmur-ann-`) {
			t.Errorf("Content-Disposition = %q, want an attachment named for ann", cd)
		}
		z, err := zip.NewReader(bytes.NewReader([]byte(r.body)), int64(len(r.body)))
		if err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{}
		for _, f := range z.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			files[f.Name], _ = io.ReadAll(rc)
			rc.Close()
		}
		var names []string
		for n := range files {
			names = append(names, n)
		}
		slices.Sort(names)
		want := []string{"murmur-ann/README.txt", "murmur-ann/follow.json", "murmur-ann/profile.json", "murmur-ann/tweets.json"}
		if !slices.Equal(names, want) {
			t.Fatalf("files = %v, want %v", names, want)
		}
		var tw tweets.Export
		if err := json.Unmarshal(files["murmur-ann/tweets.json"], &tw); err != nil || len(tw.Tweets) != 1 || tw.Tweets[0].Text != "ann was here" {
			t.Errorf("tweets.json = %s (%v), want ann's tweet", files["murmur-ann/tweets.json"], err)
		}
		var fo follow.Export
		if err := json.Unmarshal(files["murmur-ann/follow.json"], &fo); err != nil || len(fo.Followers) != 1 || fo.Followers[0].UserID != bob.ID || fo.Followers[0].Handle != "bob" {
			t.Errorf("follow.json = %s (%v), want bob as a follower", files["murmur-ann/follow.json"], err)
		}
		var me server.User
		if err := json.Unmarshal(files["murmur-ann/profile.json"], &me); err != nil || me.ID != ann.ID || me.Handle != "ann" {
			t.Errorf("profile.json = %s (%v), want ann", files["murmur-ann/profile.json"], err)
		}
	})

	// A part that cannot be read refuses the whole export, naming it and
	// only it.
	const tweetsPart, followPart = "your tweets, likes and boosts", "whom you follow and who follows you"
	for _, c := range []struct {
		name     string
		down     []*atomic.Bool
		named    []string
		notNamed []string
	}{
		{"tweets down", []*atomic.Bool{&e.tweetsDown}, []string{tweetsPart}, []string{followPart}},
		{"follow down", []*atomic.Bool{&e.followDown}, []string{followPart}, []string{tweetsPart}},
		{"both down", []*atomic.Bool{&e.tweetsDown, &e.followDown}, []string{tweetsPart, followPart}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, d := range c.down {
				d.Store(true)
				defer d.Store(false)
			}
			r := e.do(t, "POST", "/profile/api/me/export", `{"password":"correct horse"}`, bearer(tok)...)
			checkProblem(t, r, http.StatusServiceUnavailable)
			d := problemDetail(t, r)
			for _, w := range c.named {
				if !strings.Contains(d, w) {
					t.Errorf("detail = %q, want it to name %q", d, w)
				}
			}
			for _, w := range c.notNamed {
				if strings.Contains(d, w) {
					t.Errorf("detail = %q, names %q, which is there", d, w)
				}
			}
		})
	}
	t.Run("back up", func(t *testing.T) {
		if r := e.do(t, "POST", "/profile/api/me/export", `{"password":"correct horse"}`, bearer(tok)...); r.status != http.StatusOK {
			t.Errorf("export with both back = %d %.300s, want 200", r.status, r.body)
		}
	})
}
