package server_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/config"
	"murmur/fragments/internal/events"
	"murmur/fragments/internal/ratelimit"
	"murmur/fragments/internal/render"
	"murmur/fragments/internal/telemetry"
	"murmur/fragments/internal/testkit"
	"murmur/fragments/profile"
	"murmur/fragments/profile/server"
	"murmur/fragments/profile/store"
)

type env struct {
	srv    *httptest.Server
	key    ed25519.PrivateKey
	issuer *auth.Issuer
	redis  *testkit.Redis
}

// newEnv starts a profile server allowing burst sign-ins and sign-ups per
// address and hour.
func newEnv(t *testing.T, burst int) *env { return newEnvWith(t, burst, nil) }

// newEnvWith is newEnv whose dependencies adjust (when not nil) changes.
func newEnvWith(t *testing.T, burst int, adjust func(*server.Deps)) *env {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, testkit.DBPath(t, "profile"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	redis := testkit.MustRedis(t)
	logger := telemetry.NewLogger("error")
	metrics := telemetry.NewMetrics("profile")
	bus, err := events.Connect(redis.URL, logger, metrics.Registry)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Close() })
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	iss := auth.NewIssuer(key, time.Hour)
	// Sign-in and sign-up attempts: burst of each per address and hour.
	limits := ratelimit.New(redisClient(t, redis.URL), map[string]config.Limit{
		ratelimit.SignIn: {Count: burst, Period: time.Hour},
		ratelimit.SignUp: {Count: burst, Period: time.Hour},
	})
	d := server.Deps{
		Accounts: profile.NewAccounts(st, profile.DefaultPasswords, bus),
		Issuer:   iss, Logger: logger, Metrics: metrics, Limits: limits,
	}
	if adjust != nil {
		adjust(&d)
	}
	srv := httptest.NewServer(server.New(d))
	t.Cleanup(srv.Close)
	return &env{srv: srv, key: key, issuer: iss, redis: redis}
}

type response struct {
	status int
	header http.Header
	body   string
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
}

func (e *env) do(t *testing.T, method, path, body string, header ...string) response {
	t.Helper()
	if body != "" {
		header = append([]string{"Content-Type", "application/json"}, header...)
	}
	return e.send(t, method, path, body, header)
}

// form sends an htmx form request, as the fragments' forms do.
func (e *env) form(t *testing.T, method, path string, values url.Values, header ...string) response {
	t.Helper()
	return e.send(t, method, path, values.Encode(),
		append([]string{"Content-Type", "application/x-www-form-urlencoded", "HX-Request", "true"}, header...))
}

func (e *env) send(t *testing.T, method, path, body string, header []string) response {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, string(data)}
}

func (e *env) signUp(t *testing.T, handle, password, name string) (server.User, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"handle": handle, "password": password, "display_name": name})
	r := e.do(t, "POST", "/profile/api/users", string(body))
	if r.status != http.StatusCreated {
		t.Fatalf("sign up %s: %d %s", handle, r.status, r.body)
	}
	var u server.User
	r.json(t, &u)
	body, _ = json.Marshal(map[string]string{"handle": handle, "password": password})
	r = e.do(t, "POST", "/profile/api/sessions", string(body))
	if r.status != http.StatusCreated {
		t.Fatalf("sign in %s: %d %s", handle, r.status, r.body)
	}
	var s server.Session
	r.json(t, &s)
	return u, s.Token
}

func bearer(tok string) []string { return []string{"Authorization", "Bearer " + tok} }

// checkProblem asserts an RFC 9457 problem body with the given status.
func checkProblem(t *testing.T, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Errorf("content type %q, want application/problem+json", ct)
	}
	var p struct {
		Type   string `json:"type"`
		Title  string `json:"title"`
		Status int    `json:"status"`
		Detail string `json:"detail"`
	}
	r.json(t, &p)
	if p.Type == "" || p.Title == "" || p.Status != status || p.Detail == "" {
		t.Errorf("problem %+v lacks type, title, status or detail", p)
	}
}

func TestCreateUser(t *testing.T) {
	e := newEnv(t, 1000)
	long := strings.Repeat("x", 300)
	tests := []struct {
		name, body string
		status     int
	}{
		{"valid", `{"handle":"ada","password":"analytical","display_name":"Ada Lovelace"}`, 201},
		{"name defaults to the handle", `{"handle":"bob_1","password":"analytical"}`, 201},
		{"duplicate in another case", `{"handle":"ADA","password":"analytical"}`, 409},
		{"missing handle", `{"password":"analytical"}`, 422},
		{"missing password", `{"handle":"carl"}`, 422},
		{"empty body", `{}`, 422},
		{"handle of wrong type", `{"handle":5,"password":"analytical"}`, 422},
		{"password of wrong type", `{"handle":"dora","password":["a"]}`, 422},
		{"handle with a space", `{"handle":"a b c","password":"analytical"}`, 422},
		{"unicode handle", `{"handle":"ädäm","password":"analytical"}`, 422},
		{"SQL in the handle", `{"handle":"x'; DROP TABLE users; --","password":"analytical"}`, 422},
		{"handle too short", `{"handle":"ab","password":"analytical"}`, 422},
		{"handle too long", `{"handle":"abcdefghijklmnopqrstu","password":"analytical"}`, 422},
		{"very long handle", `{"handle":"` + long + `","password":"analytical"}`, 422},
		{"password too short", `{"handle":"erin","password":"short"}`, 422},
		{"display name too long", `{"handle":"fay","password":"analytical","display_name":"` + long[:51] + `"}`, 422},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(t, "POST", "/profile/api/users", tt.body)
			if tt.status == 201 {
				if r.status != 201 {
					t.Fatalf("status %d, want 201: %s", r.status, r.body)
				}
				var u server.User
				r.json(t, &u)
				if u.ID == "" || u.Handle == "" || u.DisplayName == "" || u.CreatedAt.IsZero() {
					t.Errorf("user %+v lacks fields", u)
				}
				return
			}
			checkProblem(t, r, tt.status)
		})
	}
	t.Run("malformed JSON", func(t *testing.T) {
		r := e.do(t, "POST", "/profile/api/users", `{"handle":`)
		if r.status < 400 || r.status > 422 {
			t.Errorf("status %d, want a 4xx problem", r.status)
		}
	})
	t.Run("the SQL handle did no harm", func(t *testing.T) {
		if r := e.do(t, "GET", "/profile/api/users/ada", ""); r.status != 200 {
			t.Errorf("ada after the SQL attempt: %d", r.status)
		}
	})
}

func TestUserCreatedEventAndRedisDown(t *testing.T) {
	e := newEnv(t, 1000)
	rdb := redisClient(t, e.redis.URL)
	sub := rdb.Subscribe(context.Background(), events.UserCreated)
	defer sub.Close()
	if _, err := sub.Receive(context.Background()); err != nil {
		t.Fatal(err)
	}
	u, _ := e.signUp(t, "eve", "password1", "Eve")
	select {
	case msg := <-sub.Channel():
		var got events.UserCreatedPayload
		if err := json.Unmarshal([]byte(msg.Payload), &got); err != nil || got.ID != u.ID || got.Handle != "eve" {
			t.Errorf("user.created = %s (%v), want id %s and handle eve", msg.Payload, err, u.ID)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("no user.created event")
	}

	e.redis.Stop()
	r := e.do(t, "POST", "/profile/api/users", `{"handle":"frank","password":"password1"}`)
	if r.status != http.StatusCreated {
		t.Fatalf("sign-up with Redis down: %d %s, want 201", r.status, r.body)
	}
	if m := e.do(t, "GET", "/profile/metrics", ""); !strings.Contains(m.body, `murmur_events_publish_failures_total{topic="user.created"} 1`) {
		t.Errorf("metrics do not count the failed publish")
	}
}

func TestSessions(t *testing.T) {
	e := newEnv(t, 1000)
	u, _ := e.signUp(t, "ada", "analytical", "Ada")

	t.Run("sign in sets an HttpOnly SameSite=Lax cookie", func(t *testing.T) {
		r := e.do(t, "POST", "/profile/api/sessions", `{"handle":"Ada","password":"analytical"}`)
		if r.status != 201 {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		c := r.header.Get("Set-Cookie")
		for _, want := range []string{auth.CookieName + "=", "HttpOnly", "SameSite=Lax", "Path=/"} {
			if !strings.Contains(c, want) {
				t.Errorf("Set-Cookie %q lacks %s", c, want)
			}
		}
		var s server.Session
		r.json(t, &s)
		if s.Token == "" || s.User.ID != u.ID || !s.ExpiresAt.After(time.Now()) {
			t.Errorf("session %+v", s)
		}
	})
	for _, tt := range []struct{ name, body string }{
		{"wrong password", `{"handle":"ada","password":"wrong-password"}`},
		{"unknown handle", `{"handle":"nobody","password":"analytical"}`},
		{"invalid handle", `{"handle":"no body!","password":"analytical"}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do(t, "POST", "/profile/api/sessions", tt.body)
			checkProblem(t, r, 401)
			if !strings.Contains(r.body, "do not match") {
				t.Errorf("body %s: every failed sign-in should say the same thing", r.body)
			}
		})
	}
	t.Run("sign out clears the cookie", func(t *testing.T) {
		_, tok := e.signUp(t, "gone", "password1", "Gone")
		r := e.do(t, "DELETE", "/profile/api/sessions", "", bearer(tok)...)
		if r.status != 204 || !strings.Contains(r.header.Get("Set-Cookie"), "Max-Age=0") {
			t.Errorf("sign out: %d, Set-Cookie %q", r.status, r.header.Get("Set-Cookie"))
		}
		checkProblem(t, e.do(t, "DELETE", "/profile/api/sessions", ""), 401)
	})
}

// checkRefused asserts a 429 that says when to come back (testkit.CheckRefused).
func checkRefused(t *testing.T, r response, message string) {
	t.Helper()
	testkit.CheckRefused(t, "refusal", r.status, r.header, r.body, message, "Try again in")
}

// Sign-in and sign-up attempts are limited per client address, through
// the API and the forms alike, each action on its own; another address
// keeps its allowance. The address is X-Real-IP, which the test server
// believes because the request comes from loopback, as from nginx.
func TestSignInAndSignUpAreLimitedPerAddress(t *testing.T) {
	e := newEnv(t, 3)
	e.signUp(t, "ada", "analytical", "Ada") // from 127.0.0.1: one of its sign-ups and sign-ins
	from := func(addr string) []string { return []string{"X-Real-IP", addr} }
	const a, b = "203.0.113.7", "198.51.100.9"

	t.Run("sign-in", func(t *testing.T) {
		wrong := `{"handle":"ada","password":"wrong-password"}`
		for i := range 3 {
			if r := e.do(t, "POST", "/profile/api/sessions", wrong, from(a)...); r.status != 401 {
				t.Fatalf("attempt %d from %s: %d, want 401", i+1, a, r.status)
			}
		}
		r := e.do(t, "POST", "/profile/api/sessions", `{"handle":"ada","password":"analytical"}`, from(a)...)
		checkProblem(t, r, 429)
		checkRefused(t, r, "Too many sign-in attempts from your address.")
		r = e.form(t, "POST", "/profile/frag/sessions", url.Values{"handle": {"ada"}, "password": {"analytical"}}, from(a)...)
		checkRefused(t, r, "Too many sign-in attempts from your address.")
		if !strings.Contains(r.body, `id="signin"`) || !strings.Contains(r.body, `value="ada"`) || r.header.Get("Set-Cookie") != "" {
			t.Errorf("refused sign-in form: want the form with the handle as typed and no session; got %s", r.body)
		}

		if r := e.do(t, "POST", "/profile/api/sessions", `{"handle":"ada","password":"analytical"}`, from(b)...); r.status != 201 {
			t.Errorf("sign-in from another address: %d %s, want 201", r.status, r.body)
		}
		if r := e.form(t, "POST", "/profile/frag/sessions", url.Values{"handle": {"ada"}, "password": {"analytical"}}, from(b)...); r.status != 200 {
			t.Errorf("sign-in form from another address: %d %s, want 200", r.status, r.body)
		}
	})

	t.Run("sign-up", func(t *testing.T) {
		// Sign-in attempts used up a's sign-ins, not its sign-ups.
		for i, handle := range []string{"bea", "cleo", "bea"} {
			want := http.StatusCreated
			if i == 2 {
				want = http.StatusConflict
			}
			if r := e.do(t, "POST", "/profile/api/users", `{"handle":"`+handle+`","password":"password1"}`, from(a)...); r.status != want {
				t.Fatalf("sign-up %d from %s: %d, want %d", i+1, a, r.status, want)
			}
		}
		r := e.do(t, "POST", "/profile/api/users", `{"handle":"dora","password":"password1"}`, from(a)...)
		checkProblem(t, r, 429)
		checkRefused(t, r, "Too many sign-ups from your address.")
		r = e.form(t, "POST", "/profile/frag/users", url.Values{"handle": {"dora"}, "password": {"password1"}, "display_name": {"Dora"}}, from(a)...)
		checkRefused(t, r, "Too many sign-ups from your address.")
		if !strings.Contains(r.body, `id="signup"`) || !strings.Contains(r.body, `value="Dora"`) {
			t.Errorf("refused sign-up form: want the form as typed; got %s", r.body)
		}
		if r := e.do(t, "GET", "/profile/api/users/dora", ""); r.status != 404 {
			t.Errorf("a refused sign-up made an account: GET dora %d", r.status)
		}

		if r := e.form(t, "POST", "/profile/frag/users", url.Values{"handle": {"dora"}, "password": {"password1"}}, from(b)...); r.status != 200 {
			t.Errorf("sign-up form from another address: %d %s, want 200", r.status, r.body)
		}
	})
}

// token signs claims with a method and key, for forged tokens.
func token(t *testing.T, method jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestMeRejectsBadTokens(t *testing.T) {
	e := newEnv(t, 1000)
	u, good := e.signUp(t, "ada", "analytical", "Ada")
	now := time.Now()
	valid := jwt.MapClaims{"iss": "murmur", "sub": u.ID, "handle": "ada", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	_, otherKey, _ := ed25519.GenerateKey(rand.Reader)
	expired := jwt.MapClaims{"iss": "murmur", "sub": u.ID, "iat": now.Add(-2 * time.Hour).Unix(), "exp": now.Add(-time.Hour).Unix()}
	noExp := jwt.MapClaims{"iss": "murmur", "sub": u.ID}
	header := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	payload, _ := json.Marshal(valid)
	algNone := header + "." + base64.RawURLEncoding.EncodeToString(payload) + "."
	pub := e.key.Public().(ed25519.PublicKey)

	if r := e.do(t, "GET", "/profile/api/me", "", bearer(good)...); r.status != 200 {
		t.Fatalf("good token: %d %s", r.status, r.body)
	}
	for _, tt := range []struct{ name, tok string }{
		{"no token", ""},
		{"garbage", "not.a.token"},
		{"expired", token(t, jwt.SigningMethodEdDSA, e.key, expired)},
		{"without expiry", token(t, jwt.SigningMethodEdDSA, e.key, noExp)},
		{"signed with another key", token(t, jwt.SigningMethodEdDSA, otherKey, valid)},
		{"alg none", algNone},
		{"HS256 keyed with the public key", token(t, jwt.SigningMethodHS256, []byte(pub), valid)},
		{"wrong issuer", token(t, jwt.SigningMethodEdDSA, e.key, jwt.MapClaims{"iss": "elsewhere", "sub": u.ID, "exp": now.Add(time.Hour).Unix()})},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var h []string
			if tt.tok != "" {
				h = bearer(tt.tok)
			}
			checkProblem(t, e.do(t, "GET", "/profile/api/me", "", h...), 401)
			// The same token in the cookie is refused too.
			if tt.tok != "" {
				checkProblem(t, e.do(t, "GET", "/profile/api/me", "", "Cookie", auth.CookieName+"="+tt.tok), 401)
			}
		})
	}
}

func TestUpdateMe(t *testing.T) {
	e := newEnv(t, 1000)
	_, tok := e.signUp(t, "ada", "analytical", "Ada")
	r := e.do(t, "PATCH", "/profile/api/me", `{"bio":"  Poet of science  "}`, bearer(tok)...)
	var u server.User
	r.json(t, &u)
	if r.status != 200 || u.Bio != "Poet of science" || u.DisplayName != "Ada" {
		t.Fatalf("patch bio: %d %+v; want bio trimmed and name kept", r.status, u)
	}
	for _, tt := range []struct{ name, body string }{
		{"blank name", `{"display_name":"  "}`},
		{"bio too long", `{"bio":"` + strings.Repeat("b", 161) + `"}`},
		{"name of wrong type", `{"display_name":7}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			checkProblem(t, e.do(t, "PATCH", "/profile/api/me", tt.body, bearer(tok)...), 422)
		})
	}
	checkProblem(t, e.do(t, "PATCH", "/profile/api/me", `{"bio":"x"}`), 401)
	r = e.do(t, "GET", "/profile/api/users/ADA", "")
	r.json(t, &u)
	if u.Bio != "Poet of science" {
		t.Errorf("after refused edits bio = %q, want it unchanged", u.Bio)
	}
}

func TestReadAndSearchUsers(t *testing.T) {
	e := newEnv(t, 1000)
	a, _ := e.signUp(t, "grace", "password1", "Grace Hopper")
	b, _ := e.signUp(t, "alan", "password1", "Alan Turing")
	checkProblem(t, e.do(t, "GET", "/profile/api/users/nobody", ""), 404)
	checkProblem(t, e.do(t, "GET", "/profile/api/users/a%20b", ""), 404)

	var list server.UserList
	e.do(t, "GET", "/profile/api/users?q=GR", "").json(t, &list)
	if len(list.Items) != 1 || list.Items[0].Handle != "grace" || list.Next != nil {
		t.Errorf("search GR = %+v", list)
	}
	e.do(t, "GET", "/profile/api/users?q=alan+t", "").json(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != b.ID {
		t.Errorf("search by name prefix 'alan t' = %+v", list)
	}
	e.do(t, "GET", "/profile/api/users?ids="+b.ID+",x,"+a.ID, "").json(t, &list)
	if len(list.Items) != 2 || list.Items[0].ID != b.ID || list.Items[1].ID != a.ID {
		t.Errorf("ids lookup = %+v, want alan then grace", list)
	}
	checkProblem(t, e.do(t, "GET", "/profile/api/users?limit=101", ""), 422)
	e.do(t, "GET", "/profile/api/users?limit=1", "").json(t, &list)
	if len(list.Items) != 1 || list.Next == nil {
		t.Fatalf("limit 1 = %+v, want one user and a next cursor", list)
	}
	e.do(t, "GET", "/profile/api/users?limit=1&cursor="+*list.Next, "").json(t, &list)
	if len(list.Items) != 1 || list.Items[0].Handle != "grace" {
		t.Errorf("second page = %+v, want grace", list)
	}
}

func TestCrossOriginWritesAreRefused(t *testing.T) {
	e := newEnv(t, 1000)
	r := e.do(t, "POST", "/profile/api/users", `{"handle":"mallory","password":"password1"}`,
		"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
	checkProblem(t, r, http.StatusForbidden)
	r = e.form(t, "POST", "/profile/frag/signout", url.Values{}, "Origin", "https://evil.example")
	if r.status != http.StatusForbidden {
		t.Errorf("cross-origin sign-out form: %d, want 403", r.status)
	}
	if r := e.do(t, "POST", "/profile/api/users", `{"handle":"sameorigin","password":"password1"}`, "Sec-Fetch-Site", "same-origin"); r.status != 201 {
		t.Errorf("same-origin sign-up: %d %s", r.status, r.body)
	}
}

func TestJWKSVerifiesIssuedTokens(t *testing.T) {
	e := newEnv(t, 1000)
	u, tok := e.signUp(t, "ada", "analytical", "Ada")
	v := auth.NewJWKSVerifier(e.srv.URL+"/profile/.well-known/jwks.json", nil)
	got, err := v.Verify(context.Background(), tok)
	if err != nil || got.ID != u.ID || got.Handle != "ada" {
		t.Errorf("verify through JWKS = %+v, %v; want ada", got, err)
	}
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	forged, _, _ := auth.NewIssuer(other, time.Hour).Issue(auth.Viewer{ID: u.ID, Handle: "ada"})
	if _, err := v.Verify(context.Background(), forged); err == nil {
		t.Error("a token from another key verified through JWKS")
	}
}

func TestFragments(t *testing.T) {
	e := newEnv(t, 1000)
	evil := `<script>alert(1)</script><!--# include virtual="/profile/api/me" -->`
	_, tok := e.signUp(t, "mal", "password1", "Mal")
	cookie := []string{"Cookie", auth.CookieName + "=" + tok}
	r := e.do(t, "PATCH", "/profile/api/me", `{"display_name":"x<b>y","bio":`+mustJSON(evil)+`}`, bearer(tok)...)
	if r.status != 200 {
		t.Fatalf("store evil text: %d %s", r.status, r.body)
	}

	t.Run("signed out nav offers sign in", func(t *testing.T) {
		r := e.do(t, "GET", "/profile/frag/nav", "")
		if r.status != 200 || !strings.Contains(r.body, "Sign in") {
			t.Errorf("nav: %d %s", r.status, r.body)
		}
	})
	t.Run("signed-out me shows the forms", func(t *testing.T) {
		r := e.do(t, "GET", "/profile/frag/me", "")
		if r.status != 200 || !strings.Contains(r.body, `id="signin"`) || !strings.Contains(r.body, `id="signup"`) {
			t.Errorf("me signed out: %d %s", r.status, r.body)
		}
	})
	for _, path := range []string{"/profile/frag/nav", "/profile/frag/me", "/profile/frag/users/mal", "/profile/frag/search?q=ma", "/profile/", "/profile/u/mal", "/profile/frag/me/edit"} {
		t.Run("escapes user text in "+path, func(t *testing.T) {
			r := e.do(t, "GET", path, "", cookie...)
			if r.status != 200 {
				t.Fatalf("status %d", r.status)
			}
			for _, raw := range []string{"<script>alert", "<!--#", "x<b>y"} {
				if strings.Contains(r.body, raw) {
					t.Errorf("%s contains unescaped %q", path, raw)
				}
			}
			if !strings.Contains(r.body, "x&lt;b&gt;y") {
				t.Errorf("%s does not show the escaped display name", path)
			}
		})
	}
	t.Run("sign-up form: success sets the cookie and reloads the page", func(t *testing.T) {
		r := e.form(t, "POST", "/profile/frag/users", url.Values{"handle": {"newbie"}, "password": {"password1"}, "display_name": {"New"}})
		if r.status != 200 || r.header.Get("HX-Refresh") != "true" || !strings.Contains(r.header.Get("HX-Trigger"), "session-changed") ||
			!strings.Contains(r.header.Get("Set-Cookie"), auth.CookieName) {
			t.Errorf("sign-up form: %d %v", r.status, r.header)
		}
	})
	t.Run("sign-up form: a taken handle keeps what was typed", func(t *testing.T) {
		r := e.form(t, "POST", "/profile/frag/users", url.Values{"handle": {"NEWBIE"}, "password": {"password1"}, "display_name": {"Again <i>"}})
		if r.status != 409 || !strings.Contains(r.body, "taken") || !strings.Contains(r.body, `value="NEWBIE"`) || !strings.Contains(r.body, "Again &lt;i&gt;") {
			t.Errorf("taken handle form: %d %s", r.status, r.body)
		}
	})
	t.Run("sign-in form: wrong password", func(t *testing.T) {
		r := e.form(t, "POST", "/profile/frag/sessions", url.Values{"handle": {"mal"}, "password": {"nope-nope"}})
		if r.status != 401 || !strings.Contains(r.body, "do not match") || r.header.Get("Set-Cookie") != "" {
			t.Errorf("wrong password form: %d %s", r.status, r.body)
		}
	})
	t.Run("edit form saves and tells the nav", func(t *testing.T) {
		r := e.form(t, "PATCH", "/profile/frag/me", url.Values{"display_name": {"Mallory"}, "bio": {"hi"}}, cookie...)
		if r.status != 200 || !strings.Contains(r.body, "Mallory") || r.header.Get("HX-Trigger") != "profile-changed" {
			t.Errorf("save: %d %v %s", r.status, r.header, r.body)
		}
		r = e.form(t, "PATCH", "/profile/frag/me", url.Values{"display_name": {"Mallory"}, "bio": {strings.Repeat("é", 161)}}, cookie...)
		if r.status != 422 || !strings.Contains(r.body, "at most 160") {
			t.Errorf("too-long bio: %d %s", r.status, r.body)
		}
	})
	t.Run("unknown user card is a 404 with a message", func(t *testing.T) {
		r := e.do(t, "GET", "/profile/frag/users/nobody", "")
		if r.status != 404 || !strings.Contains(r.body, "doesn’t exist") {
			t.Errorf("unknown user: %d %s", r.status, r.body)
		}
	})
	t.Run("behind the shell links lead to shell pages", func(t *testing.T) {
		r := e.do(t, "GET", "/profile/frag/search?q=mal", "", render.ShellHeader, "1")
		if !strings.Contains(r.body, `href="/u/mal"`) || !strings.Contains(r.body, `hx-get="/follow/frag/button/`) {
			t.Errorf("search behind the shell lacks the shell link or the follow button: %s", r.body)
		}
		r = e.do(t, "GET", "/profile/frag/search?q=mal", "")
		if !strings.Contains(r.body, `href="/profile/u/mal"`) || strings.Contains(r.body, "/follow/frag/") {
			t.Errorf("search on the service's own should link its own page and load no follow button: %s", r.body)
		}
	})
}

func TestOperationalEndpoints(t *testing.T) {
	e := newEnv(t, 1000)
	for _, tt := range []struct{ path, want string }{
		{"/profile/healthz", `"status":"ok"`},
		{"/profile/api/openapi.json", `"/profile/api/sessions"`},
		{"/profile/api/docs", "/profile/static/vendor/swagger-ui/swagger-ui-bundle."},
		{"/profile/.well-known/jwks.json", `"kty":"OKP"`},
	} {
		r := e.do(t, "GET", tt.path, "")
		if r.status != 200 || !strings.Contains(r.body, tt.want) {
			t.Errorf("GET %s: %d, body lacks %s", tt.path, r.status, tt.want)
		}
	}
	if r := e.do(t, "GET", "/profile/metrics", ""); !strings.Contains(r.body, `murmur_http_requests_total{method="GET",route="/profile/healthz",service="profile",status="200"} 1`) {
		t.Errorf("metrics lack the health request:\n%s", r.body)
	}
	if r := e.do(t, "GET", "/profile/healthz", "", "X-Request-ID", "abc123"); r.header.Get("X-Request-ID") != "abc123" {
		t.Errorf("request id not kept: %q", r.header.Get("X-Request-ID"))
	}
}

func mustJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
