package server_test

import (
	"strings"
	"testing"

	"murmur/fragments/timeline/live"
)

// A socket that reconnects after missing more tweets than a catch-up
// carries gets the newest of them and then a resync: read the home afresh.
func TestReconnectAfterMissingMuchAsksForResync(t *testing.T) {
	e := mustEnv(t)
	ada := e.profile.MustUser(t, "ada", "Ada")
	since := e.mustPost(t, ada, "seen before the socket dropped")
	for range live.CatchUpLimit + 2 {
		e.mustPost(t, ada, "missed")
	}
	for _, tt := range []struct{ path, created, resync string }{
		{"/timeline/api/stream", `"event":"tweet.created"`, `{"event":"resync"}`},
		{"/timeline/ws", `hx-target="#timeline-incoming"`, `class="timeline-resync"`},
	} {
		t.Run(tt.path, func(t *testing.T) {
			conn := e.socket(t, tt.path+"?since="+since, ada)
			created := 0
			for i := 0; i < live.CatchUpLimit+5; i++ {
				msg := read(t, conn)
				if strings.Contains(msg, tt.resync) {
					if tt.path == "/timeline/api/stream" && created != live.CatchUpLimit {
						t.Errorf("resync after %d caught-up tweets, want %d first", created, live.CatchUpLimit)
					}
					return
				}
				if strings.Contains(msg, tt.created) {
					created++
				}
			}
			t.Fatalf("no resync after %d messages", live.CatchUpLimit+5)
		})
	}
}
