package server_test

import (
	"errors"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"murmur/fragments/internal/auth"
)

// A socket lasts as long as the session that opened it.
func TestSocketClosesWhenItsSessionEnds(t *testing.T) {
	e := mustEnv(t)
	ada := e.profile.MustUser(t, "ada", "Ada")
	short, _, err := auth.NewIssuer(e.sessions.Key, 3*time.Second).Issue(auth.Viewer{ID: ada.ID, Handle: ada.Handle})
	if err != nil {
		t.Fatal(err)
	}
	ada.Token = short
	conn := e.socket(t, "/timeline/api/stream", ada)
	opened := time.Now()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, _, err := conn.ReadMessage()
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != websocket.ClosePolicyViolation {
			t.Fatalf("socket ended with %v, want a close for the expired session (1008)", err)
		}
		if d := time.Since(opened); d < 1500*time.Millisecond || d > 5*time.Second {
			t.Errorf("closed after %v, want about when the session ended (2 to 3 s: expiry times are whole seconds)", d)
		}
		return
	}
}
