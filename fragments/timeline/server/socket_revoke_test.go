package server_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/events"
	"murmur/fragments/internal/telemetry"
	"murmur/fragments/timeline/server"
)

// A socket closes as soon as its user signs out everywhere (the fact
// arrives on the sessions.revoked stream); a socket opened with the new
// token stays, and the old token cannot open another.
func TestSocketClosesWhenItsUserSignsOutEverywhere(t *testing.T) {
	e := mustEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	bus := e.MustBus(t)
	versions := auth.NewVersions(auth.ProfileVersions(e.profile.URL, http.DefaultClient))
	tailing := make(chan bool, 10)
	go bus.Tail(ctx, events.SessionsRevoked, func(entry events.Entry) {
		var p events.SessionsRevokedPayload
		if entry.Decode(&p) == nil {
			versions.Learn(p.UserID, p.TokenVersion)
		}
	}, func(up bool) { versions.SetLive(up); tailing <- up })
	if !<-tailing {
		t.Fatal("the stream is not read")
	}
	tl := httptest.NewServer(server.New(server.Deps{
		Homes: e.homes, Hub: e.hub, Verifier: auth.NewVerifier(e.sessions.Issuer.PublicKey()).WithSessions(versions),
		Logger: slog.New(slog.DiscardHandler), Metrics: telemetry.NewMetrics("timeline"), Done: ctx,
		SignInURL: e.profile.URL + "/profile/", FollowURL: e.follow.URL,
	}))
	t.Cleanup(tl.Close)
	e.timeline = tl

	ada := e.profile.MustUser(t, "ada", "Ada")
	renewed := ada
	tok, _, err := auth.NewIssuer(e.sessions.Key, 2*time.Hour).Issue(auth.Viewer{ID: ada.ID, Handle: ada.Handle, Version: 1})
	if err != nil {
		t.Fatal(err)
	}
	renewed.Token = tok
	old := e.socket(t, "/timeline/api/stream", ada)
	kept := e.socket(t, "/timeline/api/stream", renewed)

	if _, err := bus.Append(ctx, events.SessionsRevoked, events.SessionsRevokedPayload{UserID: ada.ID, TokenVersion: 1, Reason: "sign-out", RevokedAt: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	old.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		_, _, err := old.ReadMessage()
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != websocket.ClosePolicyViolation || ce.Text != "signed out" {
			t.Fatalf("the old socket ended with %v, want a 1008 close saying it was signed out", err)
		}
		break
	}
	// The renewed one goes on: it still receives the home's tweets.
	e.mustPost(t, ada, "still here")
	if msg := read(t, kept); !strings.Contains(msg, "still here") {
		t.Errorf("the renewed socket got %s, want the new tweet", msg)
	}
	// And the old token opens nothing any more.
	_, resp, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(tl.URL, "http")+"/timeline/api/stream",
		http.Header{"Authorization": {"Bearer " + ada.Token}})
	if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the old token opened a socket: %v (%v)", err, resp)
	}
}
