package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"murmur/fragments/internal/auth"
)

// A socket's since is a tweet id or nothing: anything else, including
// digits past a tweet id's 63 bits (which would silently skip the
// catch-up), is refused at the handshake.
func TestSocketSinceIsATweetID(t *testing.T) {
	e := mustEnv(t)
	ada := e.profile.MustUser(t, "ada", "Ada")
	base := "ws" + strings.TrimPrefix(e.timeline.URL, "http") + "/timeline/api/stream?since="
	h := http.Header{"Cookie": {(&http.Cookie{Name: auth.CookieName, Value: ada.Token}).String()}}
	for since, want := range map[string]int{
		"9223372036854775807":  http.StatusSwitchingProtocols,
		"0":                    http.StatusSwitchingProtocols,
		"9223372036854775808":  http.StatusUnprocessableEntity,
		"9999999999999999999":  http.StatusUnprocessableEntity,
		"99999999999999999999": http.StatusUnprocessableEntity,
		"-1":                   http.StatusUnprocessableEntity,
		"%2B1":                 http.StatusUnprocessableEntity,
		"1e5":                  http.StatusUnprocessableEntity,
	} {
		conn, resp, _ := websocket.DefaultDialer.Dial(base+since, h)
		if conn != nil {
			conn.Close()
		}
		if resp == nil || resp.StatusCode != want {
			got := 0
			if resp != nil {
				got = resp.StatusCode
			}
			t.Errorf("since=%s: status %d, want %d", since, got, want)
		}
	}
}
