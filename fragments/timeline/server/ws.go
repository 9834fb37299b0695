package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gorilla/websocket"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/problem"
	"murmur/fragments/timeline/live"
)

// Socket timings: a write that takes longer than writeWait means the client
// is gone or hopelessly slow; pings keep idle connections (and the proxies
// between) alive and prove the client still reads.
const (
	writeWait  = 10 * time.Second
	pingEvery  = 30 * time.Second
	readWait   = pingEvery + 15*time.Second
	readLimit  = 4 << 10
	closeGrace = time.Second
)

// upgrader accepts websocket handshakes; origins are checked before
// (originAllowed), with the same rule as its default check.
var upgrader = websocket.Upgrader{ReadBufferSize: 1024, WriteBufferSize: 8192}

// originAllowed keeps other sites' pages from opening a socket with a
// visitor's cookie: an Origin header, when present, must name the host the
// request was sent to. API clients that send no Origin are let through;
// they carry a bearer token.
func originAllowed(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}

// validSince reports whether since is a tweet id ("0" for none): digits
// that fit a tweet id's 63 bits, so the catch-up can start from it.
func validSince(since string) bool {
	_, err := strconv.ParseUint(since, 10, 63)
	return err == nil
}

// socket serves /timeline/ws (HTML for hx-ws) and /timeline/api/stream
// (JSON events). Only a signed-in viewer may open one: the handshake of
// anyone else is refused with 401 before any upgrade.
func (s *server) socket(format live.Format) gin.HandlerFunc {
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
		since := c.Query("since")
		if since != "" && !validSince(since) {
			refuse(c, http.StatusUnprocessableEntity, "since must be a tweet id.")
			return
		}
		if !originAllowed(c.Request) {
			refuse(c, http.StatusForbidden, "Cross-origin websocket refused.")
			return
		}
		// Join before the upgrade: once the client sees its socket open,
		// every later tweet of its home reaches it, and what it missed
		// since ?since= is already queued. A failed join fails the
		// handshake, and hx-ws retries with backoff.
		sock := live.NewSocket(callerFrom(c.Request.Context(), v), format, since)
		if err := s.Hub.Join(c.Request.Context(), sock); err != nil {
			s.Logger.WarnContext(c.Request.Context(), "open live timeline", "err", err)
			refuse(c, http.StatusServiceUnavailable, "The live timeline is unavailable right now; retry shortly.")
			return
		}
		conn, err := upgrader.Upgrade(c.Writer, c.Request, nil)
		if err != nil {
			s.Hub.Leave(sock)
			return
		}
		s.serveSocket(conn, sock, v)
	}
}

// refuse answers a handshake that opens no socket with a problem.
func refuse(c *gin.Context, status int, detail string) {
	c.Abort()
	problem.Write(c.Writer, status, detail)
}

// serveSocket runs one connection: a reader that only watches for the
// client leaving (and answers pings), and a writer that drains the
// socket's queue. It returns when either side ends.
func (s *server) serveSocket(conn *websocket.Conn, sock *live.Socket, v auth.Viewer) {
	defer conn.Close()
	ctx := s.Done
	gone := make(chan struct{})
	go func() {
		defer close(gone)
		conn.SetReadLimit(readLimit)
		conn.SetReadDeadline(time.Now().Add(readWait))
		conn.SetPongHandler(func(string) error { return conn.SetReadDeadline(time.Now().Add(readWait)) })
		for {
			if _, _, err := conn.NextReader(); err != nil {
				return
			}
		}
	}()
	defer s.Hub.Leave(sock)

	closeWith := func(code int, reason string) {
		conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(closeGrace))
	}
	ping := time.NewTicker(pingEvery)
	defer ping.Stop()
	// The socket lasts as long as the session that opened it: then the
	// client reconnects, and its handshake is checked again (a signed-out
	// or expired viewer is refused).
	var sessionEnds <-chan time.Time
	if !v.Expires.IsZero() {
		end := time.NewTimer(time.Until(v.Expires))
		defer end.Stop()
		sessionEnds = end.C
	}
	// Nor beyond its user signing out everywhere: the news closes the
	// socket at once; should it be lost, each ping checks the token again
	// (auth.Versions: it asks profile once what it knows is too old).
	revoked, unwatch := s.Verifier.Watch(v)
	defer unwatch()
	for {
		select {
		case msg := <-sock.Out():
			conn.SetWriteDeadline(time.Now().Add(writeWait))
			if err := conn.WriteMessage(websocket.TextMessage, msg); err != nil {
				return
			}
		case <-ping.C:
			if !s.Verifier.Still(ctx, v) {
				closeWith(websocket.ClosePolicyViolation, "signed out")
				return
			}
			if err := conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait)); err != nil {
				return
			}
		case <-sock.Dropped():
			// 1013 "try again later": the client reconnects and catches up
			// from the newest tweet it has.
			closeWith(websocket.CloseTryAgainLater, "too slow, reconnect")
			return
		case <-ctx.Done():
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

// conversationSocket serves /timeline/ws/conversation?id=<tweet>&watch=<ids>,
// the socket of a tweet's page: it is sent the replies to the tweets the
// page shows (watch, the tweet itself always among them), whoever wrote
// them, and those tweets' deletions. Signed in only, like the home's.
func (s *server) conversationSocket(c *gin.Context) {
	v, ok := auth.ViewerFrom(c.Request.Context())
	if !ok {
		refuse(c, http.StatusUnauthorized, "Sign in first: send a valid session token (Authorization: Bearer) or cookie.")
		return
	}
	if !websocket.IsWebSocketUpgrade(c.Request) {
		refuse(c, http.StatusBadRequest, "This is a websocket: connect with an Upgrade: websocket handshake.")
		return
	}
	id := c.Query("id")
	if !validTweetID(id) {
		refuse(c, http.StatusUnprocessableEntity, "id must be a tweet id.")
		return
	}
	ids := []string{id}
	if w := c.Query("watch"); w != "" {
		for _, one := range strings.Split(w, ",") {
			if !validTweetID(one) {
				refuse(c, http.StatusUnprocessableEntity, "watch must be tweet ids separated by commas.")
				return
			}
			if one != id && len(ids) < live.MaxWatchedAtOpen {
				ids = append(ids, one)
			}
		}
	}
	if !originAllowed(c.Request) {
		refuse(c, http.StatusForbidden, "Cross-origin websocket refused.")
		return
	}
	sock := live.NewSocket(callerFrom(c.Request.Context(), v), live.HTML, "")
	s.Hub.JoinConversation(c.Request.Context(), sock, ids)
	conn, err := upgrader.Upgrade(c.Writer, c.Request, nil)
	if err != nil {
		s.Hub.Leave(sock)
		return
	}
	s.serveSocket(conn, sock, v)
}

// validTweetID reports whether id is a tweet id as the tweets service
// writes them: digits without a leading zero that fit 63 bits.
func validTweetID(id string) bool {
	n, err := strconv.ParseUint(id, 10, 63)
	return err == nil && n > 0 && strconv.FormatUint(n, 10) == id
}
