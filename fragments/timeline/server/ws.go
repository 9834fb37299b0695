package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/gorilla/websocket"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/livesocket"
	"murmur/fragments/timeline/live"
)

// readLimit bounds a message from a client, who has nothing to say.
const readLimit = 4 << 10

// upgrader accepts websocket handshakes; origins are checked before
// (livesocket.Handshake), with the same rule as its default check.
var upgrader = websocket.Upgrader{ReadBufferSize: 1024, WriteBufferSize: 8192}

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
		v, ok := livesocket.Handshake(c)
		if !ok {
			return
		}
		since := c.Query("since")
		if since != "" && !validSince(since) {
			livesocket.Refuse(c, http.StatusUnprocessableEntity, "since must be a tweet id.")
			return
		}
		// Join before the upgrade: once the client sees its socket open,
		// every later tweet of its home reaches it, and what it missed
		// since ?since= is already queued. A failed join fails the
		// handshake, and hx-ws retries with backoff.
		sock := live.NewSocket(callerFrom(c.Request.Context(), v), format, since)
		if err := s.Hub.Join(c.Request.Context(), sock); err != nil {
			s.Logger.WarnContext(c.Request.Context(), "open live timeline", "err", err)
			livesocket.Refuse(c, http.StatusServiceUnavailable, "The live timeline is unavailable right now; retry shortly.")
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

// serveSocket runs one connection until either side ends it (see
// livesocket.Serve); the socket leaves the hub with it.
func (s *server) serveSocket(conn *websocket.Conn, sock *live.Socket, v auth.Viewer) {
	defer s.Hub.Leave(sock)
	livesocket.Serve(livesocket.Session[[]byte]{Conn: conn, Viewer: v, Verifier: s.Verifier, Done: s.Done,
		ReadLimit: readLimit, Out: sock.Out(), Encode: livesocket.Bytes, Dropped: sock.Dropped()})
}

// conversationSocket serves /timeline/ws/conversation?id=<tweet>&watch=<ids>,
// the socket of a tweet's page: it is sent the replies to the tweets the
// page shows (watch, the tweet itself always among them), whoever wrote
// them, and those tweets' deletions. Signed in only, like the home's.
func (s *server) conversationSocket(c *gin.Context) {
	v, ok := livesocket.Handshake(c)
	if !ok {
		return
	}
	id := c.Query("id")
	if !validTweetID(id) {
		livesocket.Refuse(c, http.StatusUnprocessableEntity, "id must be a tweet id.")
		return
	}
	ids := []string{id}
	if w := c.Query("watch"); w != "" {
		for _, one := range strings.Split(w, ",") {
			if !validTweetID(one) {
				livesocket.Refuse(c, http.StatusUnprocessableEntity, "watch must be tweet ids separated by commas.")
				return
			}
			if one != id && len(ids) < live.MaxWatchedAtOpen {
				ids = append(ids, one)
			}
		}
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
