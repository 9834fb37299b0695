// Package livesocket serves the websockets services push to open pages and
// API clients through (the timeline's home and tweet-page sockets, the
// notifications bell): the handshake's checks and one connection's life,
// written once.
package livesocket

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gorilla/websocket"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/problem"
)

// Socket timings: a write that takes longer than WriteWait means the
// client is gone or hopelessly slow; pings keep idle connections (and the
// proxies between) alive and prove the client still reads.
const (
	WriteWait  = 10 * time.Second
	PingEvery  = 30 * time.Second
	ReadWait   = PingEvery + 15*time.Second
	CloseGrace = time.Second
)

// Handshake checks a socket's opening request before any upgrade and
// answers a refusal itself (problem+json), reporting false: only a
// signed-in viewer may open one, with a websocket handshake, and a
// browser's page only on its own host (an Origin, when sent, must name the
// host asked, so other sites' pages cannot open a socket with a visitor's
// cookie; API clients send none and carry a bearer token).
func Handshake(c *gin.Context) (auth.Viewer, bool) {
	v, ok := auth.ViewerFrom(c.Request.Context())
	switch {
	case !ok:
		Refuse(c, http.StatusUnauthorized, "Sign in first: send a valid session token (Authorization: Bearer) or cookie.")
	case !websocket.IsWebSocketUpgrade(c.Request):
		Refuse(c, http.StatusBadRequest, "This is a websocket: connect with an Upgrade: websocket handshake.")
	case !originAllowed(c.Request):
		Refuse(c, http.StatusForbidden, "Cross-origin websocket refused.")
	default:
		return v, true
	}
	return auth.Viewer{}, false
}

// originAllowed tells whether a request's Origin, when it has one, names
// the host the request was sent to.
func originAllowed(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}

// Refuse answers a handshake that opens no socket with a problem.
func Refuse(c *gin.Context, status int, detail string) {
	c.Abort()
	problem.Write(c.Writer, status, detail)
}

// Session is one open connection and what it carries.
type Session[T any] struct {
	Conn   *websocket.Conn
	Viewer auth.Viewer
	// Verifier, when set, closes the socket as soon as its viewer signs
	// out everywhere, and checks the token again at every ping in case
	// that news was lost.
	Verifier *auth.Verifier
	// Done ends the socket with 1001 "going away": the server is stopping,
	// and the client reconnects elsewhere.
	Done context.Context
	// ReadLimit bounds a message from the client, who has nothing to say.
	ReadLimit int64
	// Out is what to send, written as Encode makes it.
	Out    <-chan T
	Encode func(T) ([]byte, error)
	// Dropped, when it fires, closes the socket with 1013 "try again
	// later": the client fell too far behind, and on reconnecting catches
	// up. nil for a socket that is never dropped.
	Dropped <-chan struct{}
}

// Serve runs a connection until either side ends it: a reader that only
// watches for the client leaving (and answers pings), and a writer of Out.
// The socket lasts as long as the session that opened it (then the client
// reconnects and its handshake is checked again), and not beyond its
// viewer signing out everywhere.
func Serve[T any](s Session[T]) {
	conn := s.Conn
	defer conn.Close()
	gone := make(chan struct{})
	go func() {
		defer close(gone)
		conn.SetReadLimit(s.ReadLimit)
		conn.SetReadDeadline(time.Now().Add(ReadWait))
		conn.SetPongHandler(func(string) error { return conn.SetReadDeadline(time.Now().Add(ReadWait)) })
		for {
			if _, _, err := conn.NextReader(); err != nil {
				return
			}
		}
	}()
	closeWith := func(code int, reason string) {
		conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(CloseGrace))
	}
	ping := time.NewTicker(PingEvery)
	defer ping.Stop()
	var sessionEnds <-chan time.Time
	if !s.Viewer.Expires.IsZero() {
		end := time.NewTimer(time.Until(s.Viewer.Expires))
		defer end.Stop()
		sessionEnds = end.C
	}
	var revoked <-chan struct{}
	if s.Verifier != nil {
		var unwatch func()
		revoked, unwatch = s.Verifier.Watch(s.Viewer)
		defer unwatch()
	}
	for {
		select {
		case v := <-s.Out:
			msg, err := s.Encode(v)
			if err != nil {
				closeWith(websocket.CloseInternalServerErr, "cannot write")
				return
			}
			conn.SetWriteDeadline(time.Now().Add(WriteWait))
			if err := conn.WriteMessage(websocket.TextMessage, msg); err != nil {
				return
			}
		case <-ping.C:
			if s.Verifier != nil && !s.Verifier.Still(s.Done, s.Viewer) {
				closeWith(websocket.ClosePolicyViolation, "signed out")
				return
			}
			if err := conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(WriteWait)); err != nil {
				return
			}
		case <-s.Dropped:
			closeWith(websocket.CloseTryAgainLater, "too slow, reconnect")
			return
		case <-s.Done.Done():
			closeWith(websocket.CloseGoingAway, "server restarting")
			return
		case <-sessionEnds:
			closeWith(websocket.ClosePolicyViolation, "session expired")
			return
		case <-revoked:
			closeWith(websocket.ClosePolicyViolation, "signed out")
			return
		case <-gone:
			return
		}
	}
}

// Bytes is the Encode of a socket whose messages are written already.
func Bytes(b []byte) ([]byte, error) { return b, nil }
