package livesocket_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gorilla/websocket"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/livesocket"
)

// serve starts a socket endpoint whose viewer is "ada" when the request
// says X-Signed-In, and whose messages come from out.
func serve(t *testing.T, done context.Context, out <-chan int, dropped <-chan struct{}) *httptest.Server {
	t.Helper()
	gin.SetMode(gin.TestMode)
	r := gin.New()
	r.GET("/ws", func(c *gin.Context) {
		if c.GetHeader("X-Signed-In") != "" {
			c.Request = c.Request.WithContext(auth.WithViewer(c.Request.Context(), auth.Viewer{ID: "1", Handle: "ada"}))
		}
		v, ok := livesocket.Handshake(c)
		if !ok {
			return
		}
		conn, err := (&websocket.Upgrader{}).Upgrade(c.Writer, c.Request, nil)
		if err != nil {
			return
		}
		livesocket.Serve(livesocket.Session[int]{Conn: conn, Viewer: v, Done: done, ReadLimit: 512, Out: out,
			Encode: func(n int) ([]byte, error) { return json.Marshal(map[string]int{"count": n}) }, Dropped: dropped})
	})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv
}

func dial(t *testing.T, srv *httptest.Server, header http.Header) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	conn, resp, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http")+"/ws", header)
	if conn != nil {
		t.Cleanup(func() { conn.Close() })
	}
	return conn, resp, err
}

// A handshake that may not open a socket is refused with a problem before
// any upgrade: signed out, not a websocket, another site's page.
func TestHandshakeRefusals(t *testing.T) {
	srv := serve(t, context.Background(), nil, nil)
	for _, c := range []struct {
		name   string
		header http.Header
		plain  bool
		status int
	}{
		{"signed out", http.Header{}, false, http.StatusUnauthorized},
		{"not a websocket", http.Header{"X-Signed-In": {"1"}}, true, http.StatusBadRequest},
		{"another site", http.Header{"X-Signed-In": {"1"}, "Origin": {"https://elsewhere.example"}}, false, http.StatusForbidden},
	} {
		var status int
		var ctype string
		if c.plain {
			req, _ := http.NewRequest("GET", srv.URL+"/ws", nil)
			req.Header = c.header
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			status, ctype = resp.StatusCode, resp.Header.Get("Content-Type")
		} else {
			_, resp, err := dial(t, srv, c.header)
			if err == nil || resp == nil {
				t.Fatalf("%s: the socket opened", c.name)
			}
			status, ctype = resp.StatusCode, resp.Header.Get("Content-Type")
		}
		if status != c.status || !strings.HasPrefix(ctype, "application/problem+json") {
			t.Errorf("%s: %d %s, want %d problem+json", c.name, status, ctype, c.status)
		}
	}
}

// What is sent arrives encoded; a dropped socket closes with 1013 and a
// stopping server with 1001, so clients know to reconnect.
func TestServeWritesAndCloses(t *testing.T) {
	for _, c := range []struct {
		name string
		code int
		end  func(stop context.CancelFunc, dropped chan struct{})
	}{
		{"dropped", websocket.CloseTryAgainLater, func(_ context.CancelFunc, d chan struct{}) { close(d) }},
		{"server stopping", websocket.CloseGoingAway, func(stop context.CancelFunc, _ chan struct{}) { stop() }},
	} {
		t.Run(c.name, func(t *testing.T) {
			done, stop := context.WithCancel(context.Background())
			defer stop()
			out, dropped := make(chan int, 1), make(chan struct{})
			conn, _, err := dial(t, serve(t, done, out, dropped), http.Header{"X-Signed-In": {"1"}})
			if err != nil {
				t.Fatal(err)
			}
			out <- 7
			conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, msg, err := conn.ReadMessage(); err != nil || string(msg) != `{"count":7}` {
				t.Fatalf("got %s (%v), want the count", msg, err)
			}
			c.end(stop, dropped)
			_, _, err = conn.ReadMessage()
			var ce *websocket.CloseError
			if !errors.As(err, &ce) || ce.Code != c.code {
				t.Errorf("closed with %v, want code %d", err, c.code)
			}
		})
	}
}
