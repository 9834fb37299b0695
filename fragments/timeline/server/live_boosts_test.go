package server_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// silent fails if a socket gets anything within a moment.
func silent(t *testing.T, conn *websocket.Conn, who string) {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	if _, msg, err := conn.ReadMessage(); err == nil {
		t.Errorf("%s got %s, want nothing", who, msg)
	}
}

type streamed struct {
	Event      string `json:"event"`
	ID         string `json:"id"`
	BoostCount int    `json:"boost_count"`
	Tweet      struct {
		ID        string `json:"id"`
		BoostedBy *struct {
			ID     string `json:"id"`
			Handle string `json:"handle"`
		} `json:"boosted_by"`
		BoostID string `json:"boost_id"`
	} `json:"tweet"`
}

func readStreamed(t *testing.T, conn *websocket.Conn) streamed {
	t.Helper()
	var m streamed
	raw := read(t, conn)
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatalf("stream sent %s: %v", raw, err)
	}
	return m
}

// A boost reaches the open homes of the booster's followers as the entry
// it makes there (tweet.created with boosted_by), except homes that hold
// the tweet itself; the count changes on the homes that show it.
func TestBoostsArePushed(t *testing.T) {
	e := mustEnv(t)
	ada, bob, cyd, dan := e.profile.MustUser(t, "ada", "Ada"), e.profile.MustUser(t, "bob", "Bob"),
		e.profile.MustUser(t, "cyd", "Cyd"), e.profile.MustUser(t, "dan", "Dan")
	e.mustFollow(t, cyd, bob, true) // cyd follows bob only
	e.mustFollow(t, dan, bob, true) // dan follows bob and ada
	e.mustFollow(t, dan, ada, true)
	id := e.mustPost(t, ada, "pass it on")
	cydStream, cydPage := e.socket(t, "/timeline/api/stream", cyd), e.socket(t, "/timeline/ws", cyd)
	danStream := e.socket(t, "/timeline/api/stream", dan)
	time.Sleep(200 * time.Millisecond) // the sockets' following sets are loaded on open

	if status, body := call(t, "PUT", e.tweets.URL+"/tweets/api/tweets/"+id+"/boost", &bob, nil); status != http.StatusNoContent {
		t.Fatalf("boost: %d %s", status, body)
	}
	// cyd: the count (bob's home holds it now) and the entry.
	got := []streamed{readStreamed(t, cydStream), readStreamed(t, cydStream)}
	if got[0].Event != "boost.changed" || got[0].ID != id || got[0].BoostCount != 1 {
		t.Errorf("cyd's stream first got %+v, want the new boost count", got[0])
	}
	if m := got[1]; m.Event != "tweet.created" || m.Tweet.ID != id || m.Tweet.BoostedBy == nil || m.Tweet.BoostedBy.Handle != "bob" || m.Tweet.BoostID == "" {
		t.Errorf("cyd's stream then got %+v, want ada's tweet boosted by bob", m)
	}
	page := read(t, cydPage) + read(t, cydPage)
	if !strings.Contains(page, `data-boost-count-for='`+id+`'`) || !strings.Contains(page, `>Bob</a> boosted`) {
		t.Errorf("cyd's page socket got %s, want the count and the boosted card", page)
	}
	// dan follows ada: the original is in his home, so only the count.
	if m := readStreamed(t, danStream); m.Event != "boost.changed" || m.BoostCount != 1 {
		t.Errorf("dan's stream got %+v, want the count only", m)
	}
	silent(t, danStream, "dan, who holds the original")

	// Unboosting changes the count; the entry waits for the next read.
	if status, body := call(t, "DELETE", e.tweets.URL+"/tweets/api/tweets/"+id+"/boost", &bob, nil); status != http.StatusNoContent {
		t.Fatalf("unboost: %d %s", status, body)
	}
	if m := readStreamed(t, cydStream); m.Event != "boost.changed" || m.BoostCount != 0 {
		t.Errorf("cyd's stream got %+v after the unboost, want count 0", m)
	}
	// A boost again, then the tweet is deleted: the homes that held it
	// through the boost are told.
	call(t, "PUT", e.tweets.URL+"/tweets/api/tweets/"+id+"/boost", &bob, nil)
	readStreamed(t, cydStream) // the count
	if status, body := call(t, "DELETE", e.tweets.URL+"/tweets/api/tweets/"+id, &ada, nil); status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", status, body)
	}
	for {
		m := readStreamed(t, cydStream)
		if m.Event == "tweet.deleted" {
			if m.ID != id {
				t.Errorf("tweet.deleted of %s, want %s", m.ID, id)
			}
			break
		}
	}
}

// The live path keeps the home rule for replies: a reply reaches an open
// home whose reader follows its author only when it answers the author
// themself, the reader, or someone the reader follows.
func TestRepliesArePushedByTheHomeRule(t *testing.T) {
	e := mustEnv(t)
	ada, bob, cyd, zed := e.profile.MustUser(t, "ada", "Ada"), e.profile.MustUser(t, "bob", "Bob"),
		e.profile.MustUser(t, "cyd", "Cyd"), e.profile.MustUser(t, "zed", "Zed")
	e.mustFollow(t, cyd, ada, true)
	e.mustFollow(t, cyd, bob, true)
	byBob, byZed, byCyd, byAda := e.mustPost(t, bob, "bob asks"), e.mustPost(t, zed, "zed asks"), e.mustPost(t, cyd, "cyd asks"), e.mustPost(t, ada, "ada asks")
	before := []string{byBob, byZed, byCyd, byAda}
	stream := e.socket(t, "/timeline/api/stream", cyd)
	time.Sleep(200 * time.Millisecond)

	reply := func(to, text string) string {
		status, body := call(t, "POST", e.tweets.URL+"/tweets/api/tweets", &ada, map[string]any{"text": text, "in_reply_to_id": to})
		if status != http.StatusCreated {
			t.Fatalf("reply: %d %s", status, body)
		}
		var tw struct {
			ID string `json:"id"`
		}
		json.Unmarshal([]byte(body), &tw)
		return tw.ID
	}
	reply(byZed, "to a stranger") // cyd does not follow zed: not pushed
	for _, c := range []struct{ to, text string }{{byBob, "to bob"}, {byCyd, "to cyd"}, {byAda, "to herself"}} {
		want := reply(c.to, c.text)
		m := readStreamed(t, stream)
		// Skipped: the count of the answered tweet, when cyd sees it, and
		// the news of the tweets posted before the socket opened, should
		// it come late.
		for m.Event == "replies.changed" || m.Event == "tweet.created" && slices.Contains(before, m.Tweet.ID) {
			m = readStreamed(t, stream)
		}
		if m.Event != "tweet.created" || m.Tweet.ID != want {
			t.Errorf("reply %s: stream got %+v, want tweet.created of %s (the reply to zed must not come)", c.text, m, want)
		}
	}
	// The home reads the same.
	status, body := call(t, "GET", e.timeline.URL+"/timeline/api/home", &cyd, nil)
	if status != 200 || strings.Contains(body, "to a stranger") || !strings.Contains(body, "to bob") {
		t.Errorf("home: %d %s, want ada's replies but the one to zed", status, body)
	}
}
