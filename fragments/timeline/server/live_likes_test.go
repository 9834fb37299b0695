package server_test

import (
	"strings"
	"testing"
	"time"
)

// A like reaches the open homes holding the tweet as its new count, and
// no one else's.
func TestLikeCountsArePushed(t *testing.T) {
	e := mustEnv(t)
	ada := e.profile.MustUser(t, "ada", "Ada")
	bob := e.profile.MustUser(t, "bob", "Bob")
	cyd := e.profile.MustUser(t, "cyd", "Cyd")
	e.mustFollow(t, ada, bob, true)
	id := e.mustPost(t, bob, "like me")
	adaStream := e.socket(t, "/timeline/api/stream", ada)
	adaPage := e.socket(t, "/timeline/ws", ada)
	cydStream := e.socket(t, "/timeline/api/stream", cyd)
	time.Sleep(200 * time.Millisecond) // the sockets' following sets are loaded on open

	if status, body := call(t, "PUT", e.tweets.URL+"/tweets/api/tweets/"+id+"/like", &cyd, nil); status != 204 {
		t.Fatalf("like: %d %s", status, body)
	}
	if got, want := read(t, adaStream), `{"event":"like.changed","id":"`+id+`","like_count":1}`; got != want {
		t.Errorf("stream got %s, want %s", got, want)
	}
	if got := read(t, adaPage); !strings.Contains(got, `hx-target="[data-like-count-for='`+id+`']"`) || !strings.Contains(got, ">1<") {
		t.Errorf("page socket got %s, want the new count for the tweet's card", got)
	}
	cydStream.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	if _, msg, err := cydStream.ReadMessage(); err == nil {
		t.Errorf("cyd, who does not follow bob, got %s", msg)
	}
}
