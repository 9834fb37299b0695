package systemtest

import (
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"murmur/stack"
)

// clientAt is a client of the shell whose connections come from ip, a
// loopback address of its own: nginx names it to the services in X-Real-IP.
func clientAt(t *testing.T, s *stack.Stack, ip string) *Client {
	t.Helper()
	c := NewClient(s.URL())
	d := &net.Dialer{Timeout: 5 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	tr := &http.Transport{DialContext: d.DialContext}
	c.HTTP.Transport = tr
	t.Cleanup(tr.CloseIdleConnections)
	return c
}

// mustBeRefused asserts a 429 with a Retry-After in whole seconds and the
// refusal's words in the body.
func mustBeRefused(t *testing.T, what string, status int, body []byte, h http.Header, words string) {
	t.Helper()
	if status != http.StatusTooManyRequests {
		t.Fatalf("%s: %d %s, want 429", what, status, body)
	}
	if secs, err := strconv.Atoi(h.Get("Retry-After")); err != nil || secs < 1 {
		t.Errorf("%s: Retry-After %q, want a positive number of seconds", what, h.Get("Retry-After"))
	}
	if !strings.Contains(string(body), words) {
		t.Errorf("%s: %s, want it to say %q", what, body, words)
	}
}

// Through the shell: sign-in attempts count the address nginx names in
// X-Real-IP, posts the account, through the API and the compose box, and
// the refusals reach the client with their Retry-After. That instances
// share one allowance is ratelimit's own test.
func TestRateLimitsThroughTheShell(t *testing.T) {
	s := MustStack(t, WithEnv("MURMUR_LIMIT_SIGN_IN=4/1h", "MURMUR_LIMIT_POST=3/1h"))
	ada := clientAt(t, s, "127.0.3.1")
	ada.MustSignUp(t, "ada", "password-ada", "Ada")
	bob := clientAt(t, s, "127.0.3.1")
	bob.MustSignUp(t, "bob", "password-bob", "Bob")

	t.Run("sign-in per address", func(t *testing.T) {
		guesser := clientAt(t, s, "127.0.3.2")
		wrong := map[string]string{"handle": "ada", "password": "not-her-password"}
		for i := range 4 {
			if status, body, _ := guesser.Do(t, "POST", "/profile/api/sessions", wrong); status != http.StatusUnauthorized {
				t.Fatalf("guess %d: %d %s, want 401", i+1, status, body)
			}
		}
		status, body, h := guesser.Do(t, "POST", "/profile/api/sessions", map[string]string{"handle": "ada", "password": "password-ada"})
		mustBeRefused(t, "fifth attempt from one address", status, body, h, "Too many sign-in attempts from your address.")
		if !strings.HasPrefix(h.Get("Content-Type"), "application/problem+json") {
			t.Errorf("refusal Content-Type %q, want problem+json", h.Get("Content-Type"))
		}

		// ada's own address made two attempts (sign-up's sign-in and bob's).
		if status, body, _ := clientAt(t, s, "127.0.3.1").Do(t, "POST", "/profile/api/sessions",
			map[string]string{"handle": "ada", "password": "password-ada"}); status != http.StatusCreated {
			t.Errorf("sign-in from another address: %d %s, want 201", status, body)
		}
	})

	t.Run("posts per account", func(t *testing.T) {
		for i := range 3 {
			ada.MustJSON(t, http.StatusCreated, "POST", "/tweets/api/tweets", map[string]any{"text": "post " + strconv.Itoa(i+1)}, nil)
		}
		status, body, h := ada.Do(t, "POST", "/tweets/api/tweets", map[string]any{"text": "one too many"})
		mustBeRefused(t, "fourth post, API", status, body, h, "You have posted a lot in a short time.")
		status, body, h = ada.Do(t, "POST", "/tweets/frag/tweets", url.Values{"text": {"typed in the box"}}.Encode(),
			"Content-Type", "application/x-www-form-urlencoded", "HX-Request", "true")
		mustBeRefused(t, "fourth post, compose box", status, body, h, "You have posted a lot in a short time.")
		if !strings.Contains(string(body), "typed in the box") {
			t.Errorf("the refused compose box lost what was typed: %s", body)
		}
		bob.MustJSON(t, http.StatusCreated, "POST", "/tweets/api/tweets", map[string]any{"text": "bob posts on"}, nil)
	})
}
