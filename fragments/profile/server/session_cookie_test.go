package server_test

import (
	"net/http"
	"strconv"
	"testing"

	"murmur/fragments/internal/auth"
	"murmur/fragments/profile/server"
)

// sessionCookie is the Set-Cookie header of an answer that sets or clears
// the session cookie.
func sessionCookie(t *testing.T, r response) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == auth.CookieName {
			return c
		}
	}
	t.Fatalf("answer %d sets no session cookie: %v", r.status, r.header)
	return nil
}

// The session cookie is Secure exactly when the browser reached murmur
// over HTTPS, as the shell's nginx tells it, or always when so configured.
func TestSessionCookieIsSecureOverHTTPS(t *testing.T) {
	fromNginx := newEnvWith(t, 1000, func(*server.Deps) {})                                                 // the test's loopback client is a trusted proxy
	fromElsewhere := newEnvWith(t, 1000, func(d *server.Deps) { d.TrustedProxies = []string{"192.0.2.1"} }) // it is not
	configured := newEnvWith(t, 1000, func(d *server.Deps) { d.SecureCookies = true })
	for i, tt := range []struct {
		name   string
		e      *env
		proto  string
		secure bool
	}{
		{"plain HTTP", fromNginx, "", false},
		{"nginx says http", fromNginx, "http", false},
		{"nginx says https", fromNginx, "https", true},
		{"an untrusted client says https", fromElsewhere, "https", false},
		{"configured Secure, over plain HTTP", configured, "", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var proto []string
			if tt.proto != "" {
				proto = []string{"X-Forwarded-Proto", tt.proto}
			}
			handle := "person" + strconv.Itoa(i)
			_, tok := tt.e.signUp(t, handle, "password-"+handle, "Someone")

			in := tt.e.do(t, "POST", "/profile/api/sessions", `{"handle":"`+handle+`","password":"password-`+handle+`"}`, proto...)
			if c := sessionCookie(t, in); c.Secure != tt.secure || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
				t.Errorf("sign-in cookie %q: Secure %v, want %v (and HttpOnly, SameSite=Lax)", in.header.Get("Set-Cookie"), c.Secure, tt.secure)
			}
			out := tt.e.do(t, "DELETE", "/profile/api/sessions", "", append(bearer(tok), proto...)...)
			if c := sessionCookie(t, out); c.Secure != tt.secure || c.MaxAge >= 0 {
				t.Errorf("sign-out cookie %q: Secure %v, want %v, cleared", out.header.Get("Set-Cookie"), c.Secure, tt.secure)
			}
			form := tt.e.send(t, "POST", "/profile/frag/signout", "", append([]string{"HX-Request", "true", "Authorization", "Bearer " + tok}, proto...))
			if c := sessionCookie(t, form); c.Secure != tt.secure {
				t.Errorf("sign-out button's cookie %q: Secure %v, want %v", form.header.Get("Set-Cookie"), c.Secure, tt.secure)
			}
		})
	}
}
