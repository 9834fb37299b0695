package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/events"
	"murmur/fragments/profile/server"
)

// otherSession mints a second session of a user, as signing in on another
// device would (tokens issued in the same second by one issuer are the
// same bytes, so it comes from an issuer with another lifetime).
func (e *env) otherSession(t *testing.T, u server.User, version int64) string {
	t.Helper()
	tok, _, err := auth.NewIssuer(e.key, 2*time.Hour).Issue(auth.Viewer{ID: u.ID, Handle: u.Handle, Version: version})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// renewedSession reads the session answered by a password change or a
// sign-out-everywhere, and checks its cookie carries the same token.
func renewedSession(t *testing.T, r response, u server.User) server.Session {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d, want 200; body %s", r.status, r.body)
	}
	var s server.Session
	r.json(t, &s)
	if s.Token == "" || s.User.ID != u.ID {
		t.Fatalf("session %+v, want a token for %s", s, u.Handle)
	}
	if c := r.header.Get("Set-Cookie"); !strings.Contains(c, auth.CookieName+"="+s.Token) || !strings.Contains(c, "HttpOnly") {
		t.Errorf("Set-Cookie %q, want the new token in the HttpOnly session cookie", c)
	}
	return s
}

func TestChangePassword(t *testing.T) {
	e := newEnv(t, 1000)
	u, tok := e.signUp(t, "ada", "analytical", "Ada")
	other := e.otherSession(t, u, 0)

	for _, tt := range []struct {
		name, body string
		status     int
		says       string
	}{
		{"wrong current password", `{"current_password":"not-mine-at-all","new_password":"engine-difference"}`, 401, "not your current password"},
		{"weak new password", `{"current_password":"analytical","new_password":"short"}`, 422, "8 to 128"},
		{"new password too long", `{"current_password":"analytical","new_password":"` + strings.Repeat("x", 129) + `"}`, 422, "8 to 128"},
		{"the same password", `{"current_password":"analytical","new_password":"analytical"}`, 422, "choose another"},
		{"no new password", `{"current_password":"analytical"}`, 422, ""},
		{"no current password", `{"new_password":"engine-difference"}`, 422, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(t, "PUT", "/profile/api/me/password", tt.body, bearer(tok)...)
			checkProblem(t, r, tt.status)
			if !strings.Contains(r.body, tt.says) {
				t.Errorf("body %s, want it to say %q", r.body, tt.says)
			}
			// Nothing changed: both sessions still work.
			for _, s := range []string{tok, other} {
				if r := e.do(t, "GET", "/profile/api/me", "", bearer(s)...); r.status != 200 {
					t.Errorf("a refused change signed a session out: %d", r.status)
				}
			}
		})
	}
	t.Run("signed out", func(t *testing.T) {
		checkProblem(t, e.do(t, "PUT", "/profile/api/me/password", `{"current_password":"analytical","new_password":"engine-difference"}`), 401)
	})

	r := e.do(t, "PUT", "/profile/api/me/password", `{"current_password":"analytical","new_password":"engine-difference"}`, bearer(tok)...)
	s := renewedSession(t, r, u)
	for name, old := range map[string]string{"this session's old token": tok, "another session": other} {
		checkProblem(t, e.do(t, "GET", "/profile/api/me", "", bearer(old)...), 401)
		if r := e.do(t, "GET", "/profile/frag/me", "", "Cookie", auth.CookieName+"="+old); !strings.Contains(r.body, `id="signin"`) {
			t.Errorf("%s: my card still shows me, want the sign-in form", name)
		}
	}
	if r := e.do(t, "GET", "/profile/api/me", "", bearer(s.Token)...); r.status != 200 {
		t.Errorf("the renewed session: %d %s", r.status, r.body)
	}
	checkProblem(t, e.do(t, "POST", "/profile/api/sessions", `{"handle":"ada","password":"analytical"}`), 401)
	if r := e.do(t, "POST", "/profile/api/sessions", `{"handle":"ada","password":"engine-difference"}`); r.status != 201 {
		t.Errorf("sign in with the new password: %d %s", r.status, r.body)
	}
	var tv auth.TokenVersion
	if r := e.do(t, "GET", auth.TokenVersionPath(u.ID), ""); r.status != 200 {
		t.Fatalf("token version: %d %s", r.status, r.body)
	} else if r.json(t, &tv); tv.UserID != u.ID || tv.Version != 1 {
		t.Errorf("token version %+v, want 1 for %s", tv, u.ID)
	}
	checkProblem(t, e.do(t, "GET", auth.TokenVersionPath("999999"), ""), 404)
}

func TestSignOutEverywhere(t *testing.T) {
	e := newEnv(t, 1000)
	u, tok := e.signUp(t, "ada", "analytical", "Ada")
	other := e.otherSession(t, u, 0)
	_, bobs := e.signUp(t, "bob", "analytical", "Bob")

	checkProblem(t, e.do(t, "POST", "/profile/api/me/sessions/revoke", ""), 401)
	s := renewedSession(t, e.do(t, "POST", "/profile/api/me/sessions/revoke", "", bearer(tok)...), u)
	checkProblem(t, e.do(t, "GET", "/profile/api/me", "", bearer(tok)...), 401)
	checkProblem(t, e.do(t, "GET", "/profile/api/me", "", bearer(other)...), 401)
	if r := e.do(t, "GET", "/profile/api/me", "", bearer(s.Token)...); r.status != 200 {
		t.Errorf("the renewed session: %d %s", r.status, r.body)
	}
	if r := e.do(t, "GET", "/profile/api/me", "", bearer(bobs)...); r.status != 200 {
		t.Errorf("someone else's session was signed out: %d", r.status)
	}
	// The password did not change.
	if r := e.do(t, "POST", "/profile/api/sessions", `{"handle":"ada","password":"analytical"}`); r.status != 201 {
		t.Errorf("sign in after signing out everywhere: %d %s", r.status, r.body)
	}
	// Twice: the second renewal signs out the first.
	s2 := renewedSession(t, e.do(t, "POST", "/profile/api/me/sessions/revoke", "", bearer(s.Token)...), u)
	checkProblem(t, e.do(t, "GET", "/profile/api/me", "", bearer(s.Token)...), 401)
	if r := e.do(t, "GET", "/profile/api/me", "", bearer(s2.Token)...); r.status != 200 {
		t.Errorf("the second renewed session: %d", r.status)
	}

	// Each revocation is on the sessions.revoked stream, for every service.
	opts, _ := redis.ParseURL(e.redis.URL)
	raw := redis.NewClient(opts)
	defer raw.Close()
	entries, err := raw.XRange(context.Background(), events.StreamKey(events.SessionsRevoked), "-", "+").Result()
	if err != nil || len(entries) != 2 {
		t.Fatalf("stream holds %d entries (%v), want 2", len(entries), err)
	}
	for i, entry := range entries {
		var p events.SessionsRevokedPayload
		dec := json.NewDecoder(bytes.NewReader([]byte(entry.Values["payload"].(string))))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&p); err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		if p.UserID != u.ID || p.TokenVersion != int64(i+1) || p.Reason != "sign-out" || time.Since(p.RevokedAt) > time.Minute {
			t.Errorf("entry %d: %+v, want %s at version %d", i, p, u.ID, i+1)
		}
	}
}

// With Redis down, signing out everywhere still works and holds in
// profile at once; the fact reaches the stream once Redis is back.
func TestSignOutEverywhereWithRedisDown(t *testing.T) {
	e := newEnv(t, 1000)
	u, tok := e.signUp(t, "ada", "analytical", "Ada")
	e.redis.Stop()
	s := renewedSession(t, e.do(t, "POST", "/profile/api/me/sessions/revoke", "", bearer(tok)...), u)
	checkProblem(t, e.do(t, "GET", "/profile/api/me", "", bearer(tok)...), 401)
	if r := e.do(t, "GET", "/profile/api/me", "", bearer(s.Token)...); r.status != 200 {
		t.Errorf("the renewed session with Redis down: %d", r.status)
	}
	e.redis.Start(t)
	opts, _ := redis.ParseURL(e.redis.URL)
	raw := redis.NewClient(opts)
	defer raw.Close()
	deadline := time.Now().Add(15 * time.Second)
	for {
		n, err := raw.XLen(context.Background(), events.StreamKey(events.SessionsRevoked)).Result()
		if err == nil && n == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the revocation never reached the stream after Redis came back (%d, %v)", n, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
