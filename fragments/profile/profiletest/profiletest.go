// Package profiletest runs a real profile service in the test process, for
// the tests of services that look people up through profile's API.
package profiletest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"murmur/fragments/internal/telemetry"
	"murmur/fragments/internal/testkit"
	"murmur/fragments/profile"
	"murmur/fragments/profile/server"
	"murmur/fragments/profile/store"
)

// Server is a profile service on a loopback port, with its own SQLite file,
// signing sessions with the test's key.
type Server struct {
	URL      string
	srv      *httptest.Server
	sessions *testkit.Sessions
}

// Close stops the service, as an outage would.
func (s *Server) Close() { s.srv.Close() }

// User is a person signed up on the test's profile service, with a token.
type User struct {
	ID, Handle, DisplayName, Token string
}

type nopPublisher struct{}

func (nopPublisher) Publish(context.Context, string, any) {}

func (nopPublisher) Append(context.Context, string, any) (string, error) { return "0-1", nil }

// cheapPasswords keep sign-ups fast; password cost is profile's own test's concern.
var cheapPasswords = profile.Passwords{Memory: 64, Time: 1, Threads: 1}

// MustServer starts a profile service signing with sessions' key; it stops
// when the test ends.
func MustServer(tb testing.TB, sessions *testkit.Sessions) *Server {
	tb.Helper()
	st, err := store.Open(context.Background(), testkit.DBPath(tb, "profile"))
	if err != nil {
		tb.Fatalf("open profile store: %v", err)
	}
	tb.Cleanup(func() { st.Close() })
	srv := httptest.NewServer(server.New(server.Deps{
		Accounts: profile.NewAccounts(st, cheapPasswords, nopPublisher{}),
		Issuer:   sessions.Issuer, Logger: slog.New(slog.DiscardHandler), Metrics: telemetry.NewMetrics("profile"),
	}))
	tb.Cleanup(srv.Close)
	return &Server{URL: srv.URL, srv: srv, sessions: sessions}
}

// MustUser signs a person up through profile's JSON API and mints a token.
func (s *Server) MustUser(tb testing.TB, handle, displayName string) User {
	tb.Helper()
	body, _ := json.Marshal(map[string]string{"handle": handle, "password": "correct horse", "display_name": displayName})
	resp, err := http.Post(s.URL+"/profile/api/users", "application/json", bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(resp.Body)
		tb.Fatalf("sign up %s: %s %s", handle, resp.Status, b)
	}
	var u struct {
		ID     string `json:"id"`
		Handle string `json:"handle"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&u); err != nil {
		tb.Fatal(err)
	}
	return User{ID: u.ID, Handle: u.Handle, DisplayName: displayName, Token: s.sessions.Token(tb, u.ID, u.Handle)}
}
