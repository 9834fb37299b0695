package server

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/gorilla/websocket"

	"murmur/fragments/internal/livesocket"
	"murmur/fragments/layout"
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

// socket serves /notifications/ws (the bell, HTML for hx-ws) and
// /notifications/api/stream (JSON): the viewer's unread count when it
// opens and whenever it changes. Only a signed-in viewer may open one.
func (s *server) socket(format countFormat) gin.HandlerFunc {
	return func(c *gin.Context) {
		v, ok := livesocket.Handshake(c)
		if !ok {
			return
		}
		sock, err := s.Hub.Join(c.Request.Context(), v.ID)
		if err != nil {
			s.Logger.WarnContext(c.Request.Context(), "open notifications socket", "err", err)
			livesocket.Refuse(c, http.StatusServiceUnavailable, "Live notifications are unavailable right now; retry shortly.")
			return
		}
		defer s.Hub.Leave(sock)
		conn, err := upgrader.Upgrade(c.Writer, c.Request, nil)
		if err != nil {
			return
		}
		livesocket.Serve(livesocket.Session[int]{Conn: conn, Viewer: v, Verifier: s.Verifier, Done: s.Done,
			ReadLimit: 1 << 10, Out: sock.Counts, Encode: func(n int) ([]byte, error) { return format(s, n) }})
	}
}
