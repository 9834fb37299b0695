package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"murmur/fragments/internal/auth"
)

// A socket whose opening fails (tweets is down, so what it missed cannot
// be caught up) is refused and leaves nothing registered behind: hx-ws
// retries, and every retry must not leak a socket.
func TestFailedSocketOpensLeaveNothingBehind(t *testing.T) {
	e := mustEnv(t)
	ada := e.profile.MustUser(t, "ada", "Ada")
	e.tweets.Close()
	url := "ws" + strings.TrimPrefix(e.timeline.URL, "http") + "/timeline/ws?since=1"
	h := http.Header{"Cookie": {(&http.Cookie{Name: auth.CookieName, Value: ada.Token}).String()}}
	for i := range 3 {
		_, resp, err := websocket.DefaultDialer.Dial(url, h)
		if err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("attempt %d with tweets down: err %v, response %v; want a refused handshake (503)", i+1, err, resp)
		}
	}
	status, body := call(t, "GET", e.timeline.URL+"/timeline/metrics", nil, nil)
	if status != 200 || !strings.Contains(body, `murmur_timeline_sockets{format="html"} 0`) {
		t.Errorf("after three refused opens the sockets gauge is not 0:\n%s", grepLines(body, "murmur_timeline_sockets"))
	}
}

func grepLines(s, prefix string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
