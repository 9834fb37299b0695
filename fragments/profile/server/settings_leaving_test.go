package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"murmur/fragments/internal/auth"
)

// The settings form deletes the account once the password and the typed
// handle say so; its fields travel in the body, never in the address.
func TestDeleteAccountForm(t *testing.T) {
	e := newEnv(t, 100)
	_, tok := e.signUp(t, "ann", "correct horse", "Ann")
	cookie := []string{"Cookie", auth.CookieName + "=" + tok}

	r := e.do(t, "GET", "/profile/frag/settings/account", "", cookie...)
	if r.status != http.StatusOK || !strings.Contains(r.body, `hx-post="/profile/frag/me/delete"`) {
		t.Fatalf("account settings = %d, want the delete form posting its fields: %s", r.status, r.body)
	}
	for _, c := range []struct {
		name, password, handle string
		status                 int
		says                   string
	}{
		{"wrong handle", "correct horse", "bob", http.StatusUnprocessableEntity, "Type your handle, ann, to confirm"},
		{"wrong password", "wrong horse", "ann", http.StatusUnauthorized, "password"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.form(t, "POST", "/profile/frag/me/delete", url.Values{"password": {c.password}, "confirm_handle": {c.handle}}, cookie...)
			if r.status != c.status || !strings.Contains(r.body, c.says) || !strings.Contains(r.body, `id="delete-form"`) {
				t.Errorf("= %d %s, want %d and the form saying %q", r.status, r.body, c.status, c.says)
			}
			if r := e.do(t, "GET", "/profile/api/me", "", bearer(tok)...); r.status != http.StatusOK {
				t.Errorf("the account after a refusal: %d, want still there", r.status)
			}
		})
	}
	r = e.form(t, "POST", "/profile/frag/me/delete", url.Values{"password": {"correct horse"}, "confirm_handle": {"@Ann "}}, cookie...)
	if r.status != http.StatusNoContent || r.header.Get("HX-Redirect") != "/" || !strings.Contains(r.header.Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("delete = %d (HX-Redirect %q, Set-Cookie %q) %s, want 204, home, the cookie cleared", r.status, r.header.Get("HX-Redirect"), r.header.Get("Set-Cookie"), r.body)
	}
	checkProblem(t, e.do(t, "GET", "/profile/api/me", "", bearer(tok)...), http.StatusUnauthorized)
}
