package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gorilla/websocket"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/problem"
	"murmur/fragments/layout"
)

// Socket timings: a write slower than writeWait means the client is gone;
// pings keep the connection (and nginx between) alive.
const (
	writeWait  = 10 * time.Second
	pingEvery  = 30 * time.Second
	readWait   = pingEvery + 15*time.Second
	closeGrace = time.Second
)

var upgrader = websocket.Upgrader{ReadBufferSize: 512, WriteBufferSize: 1024}

// countFormat writes one count as a socket message.
type countFormat func(s *server, n int) ([]byte, error)

// htmlCount is the bell's message for hx-ws: the count in its place.
func htmlCount(s *server, n int) ([]byte, error) {
	out, err := layout.Execute(s.tmpl, "bell-partial", n)
	return []byte(out), err
}

// jsonCount is the API stream's message.
func jsonCount(_ *server, n int) ([]byte, error) {
	return fmt.Appendf(nil, `{"event":"unread","count":%d}`, n), nil
}

// originAllowed keeps other sites' pages from opening a socket with a
// visitor's cookie: an Origin, when sent, must name the host asked.
func originAllowed(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}

// socket serves /notifications/ws (the bell, HTML for hx-ws) and
// /notifications/api/stream (JSON): the viewer's unread count when it
// opens and whenever it changes. Only a signed-in viewer may open one.
func (s *server) socket(format countFormat) gin.HandlerFunc {
	return func(c *gin.Context) {
		v, ok := auth.ViewerFrom(c.Request.Context())
		if !ok {
			refuse(c, http.StatusUnauthorized, "Sign in first: send a valid session token (Authorization: Bearer) or cookie.")
			return
		}
		if !websocket.IsWebSocketUpgrade(c.Request) {
			refuse(c, http.StatusBadRequest, "This is a websocket: connect with an Upgrade: websocket handshake.")
			return
		}
		if !originAllowed(c.Request) {
			refuse(c, http.StatusForbidden, "Cross-origin websocket refused.")
			return
		}
		sock, err := s.Hub.Join(c.Request.Context(), v.ID)
		if err != nil {
			s.Logger.WarnContext(c.Request.Context(), "open notifications socket", "err", err)
			refuse(c, http.StatusServiceUnavailable, "Live notifications are unavailable right now; retry shortly.")
			return
		}
		defer s.Hub.Leave(sock)
		conn, err := upgrader.Upgrade(c.Writer, c.Request, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		gone := make(chan struct{})
		go func() {
			defer close(gone)
			conn.SetReadLimit(1 << 10)
			conn.SetReadDeadline(time.Now().Add(readWait))
			conn.SetPongHandler(func(string) error { return conn.SetReadDeadline(time.Now().Add(readWait)) })
			for {
				if _, _, err := conn.NextReader(); err != nil {
					return
				}
			}
		}()
		ping := time.NewTicker(pingEvery)
		defer ping.Stop()
		var sessionEnds <-chan time.Time
		if !v.Expires.IsZero() {
			end := time.NewTimer(time.Until(v.Expires))
			defer end.Stop()
			sessionEnds = end.C
		}
		closeWith := func(code int, reason string) {
			conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(closeGrace))
		}
		for {
			select {
			case n := <-sock.Counts:
				msg, err := format(s, n)
				if err != nil {
					s.Logger.Error("render unread count", "err", err)
					return
				}
				conn.SetWriteDeadline(time.Now().Add(writeWait))
				if err := conn.WriteMessage(websocket.TextMessage, msg); err != nil {
					return
				}
			case <-ping.C:
				if err := conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait)); err != nil {
					return
				}
			case <-s.Done.Done():
				closeWith(websocket.CloseGoingAway, "server restarting")
				return
			case <-sessionEnds:
				closeWith(websocket.ClosePolicyViolation, "session expired")
				return
			case <-gone:
				return
			}
		}
	}
}

// refuse answers a handshake that opens no socket with a problem.
func refuse(c *gin.Context, status int, detail string) {
	c.Abort()
	problem.Write(c.Writer, status, detail)
}
