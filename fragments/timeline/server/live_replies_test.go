package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// mustReply replies to a tweet through tweets' API and returns the reply's id.
func (e *env) mustReply(t *testing.T, u user, text, to string) string {
	t.Helper()
	status, body := call(t, "POST", e.tweets.URL+"/tweets/api/tweets", &u, map[string]any{"text": text, "in_reply_to_id": to})
	var reply struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(body), &reply); status != http.StatusCreated || err != nil {
		t.Fatalf("reply: %d %s", status, body)
	}
	return reply.ID
}

// A reply reaches the open homes holding the replied-to tweet as its new
// reply count, on the page (data-reply-count-for) and on the stream.
func TestReplyCountsArePushed(t *testing.T) {
	e := mustEnv(t)
	ada, bob, cyd := e.profile.MustUser(t, "ada", "Ada"), e.profile.MustUser(t, "bob", "Bob"), e.profile.MustUser(t, "cyd", "Cyd")
	e.mustFollow(t, ada, bob, true)
	root := e.mustPost(t, bob, "ask me")
	adaStream := e.socket(t, "/timeline/api/stream", ada)
	adaPage := e.socket(t, "/timeline/ws", ada)
	dan := e.profile.MustUser(t, "dan", "Dan")
	danStream := e.socket(t, "/timeline/api/stream", dan)
	time.Sleep(200 * time.Millisecond) // the sockets' following sets are loaded on open

	e.mustReply(t, cyd, "an answer", root)
	if got, want := read(t, adaStream), `{"event":"replies.changed","id":"`+root+`","reply_count":1}`; got != want {
		t.Errorf("stream got %s, want %s", got, want)
	}
	if got := read(t, adaPage); !strings.Contains(got, `hx-target="[data-reply-count-for='`+root+`']"`) || !strings.Contains(got, ">1<") {
		t.Errorf("page socket got %s, want the new count for the tweet's cards", got)
	}
	silent(t, danStream, "dan, who follows no one in the conversation,")
}

// A tweet's page has a socket of its own: whoever its viewer follows, it
// is sent every reply to the tweets it shows, and to those replies.
func TestConversationSocket(t *testing.T) {
	e := mustEnv(t)
	ada, bob, cyd := e.profile.MustUser(t, "ada", "Ada"), e.profile.MustUser(t, "bob", "Bob"), e.profile.MustUser(t, "cyd", "Cyd")
	root := e.mustPost(t, bob, "a tweet with a page")
	shown := e.mustReply(t, bob, "a reply already shown", root)
	other := e.mustPost(t, bob, "another conversation")
	page := e.socket(t, "/timeline/ws/conversation?id="+root+"&watch="+root+","+shown, ada)
	time.Sleep(100 * time.Millisecond)

	first := e.mustReply(t, cyd, "to the tweet", root)
	msg := read(t, page)
	for _, want := range []string{`hx-target="#conversation-incoming"`, `data-reply-id="` + first + `"`, `data-in-reply-to="` + root + `"`, `data-reply-count="2"`} {
		if !strings.Contains(msg, want) {
			t.Errorf("the page's socket got %s, want %s", msg, want)
		}
	}
	second := e.mustReply(t, cyd, "to the shown reply", shown)
	if msg := read(t, page); !strings.Contains(msg, `data-reply-id="`+second+`"`) || !strings.Contains(msg, `data-in-reply-to="`+shown+`"`) {
		t.Errorf("a reply to a reply the page shows: got %s", msg)
	}
	third := e.mustReply(t, bob, "to the new reply", first)
	if msg := read(t, page); !strings.Contains(msg, `data-reply-id="`+third+`"`) {
		t.Errorf("a reply to a reply that arrived live: got %s", msg)
	}
	status, _ := call(t, "DELETE", e.tweets.URL+"/tweets/api/tweets/"+second, &cyd, nil)
	if status != http.StatusNoContent {
		t.Fatalf("delete: %d", status)
	}
	if msg := read(t, page); !strings.Contains(msg, `data-deleted-id="`+second+`"`) {
		t.Errorf("a deleted reply of the page: got %s", msg)
	}
	// Last: a read that times out leaves the connection unusable.
	e.mustReply(t, cyd, "elsewhere", other)
	silent(t, page, "the page's socket, for a reply in another conversation,")

	t.Run("the fragment", func(t *testing.T) {
		status, body := call(t, "GET", e.timeline.URL+"/timeline/frag/conversation/"+root, &ada, nil)
		if status != 200 || !strings.Contains(body, `hx-ws:connect="/timeline/ws/conversation?id=`+root+`"`) ||
			!strings.Contains(body, `id="conversation-incoming"`) || !strings.Contains(body, "/timeline/assets/conversation.") {
			t.Errorf("conversation fragment = %d %s", status, body)
		}
		status, body = call(t, "GET", e.timeline.URL+"/timeline/frag/conversation/"+root, nil, nil)
		if status != 200 || strings.Contains(body, "hx-ws") || strings.TrimSpace(body) == "" {
			t.Errorf("signed out = %d %q, want a marker without a socket (not an empty body)", status, body)
		}
		if status, _ := call(t, "GET", e.timeline.URL+"/timeline/frag/conversation/x1", &ada, nil); status != 404 {
			t.Errorf("a fragment for no tweet id = %d, want 404", status)
		}
	})
	t.Run("refusals", func(t *testing.T) {
		for path, want := range map[string]int{
			"/timeline/ws/conversation":                            http.StatusUnprocessableEntity,
			"/timeline/ws/conversation?id=01":                      http.StatusUnprocessableEntity,
			"/timeline/ws/conversation?id=1&watch=2,x":             http.StatusUnprocessableEntity,
			"/timeline/ws/conversation?id=1&watch=" + root + ",,3": http.StatusUnprocessableEntity,
		} {
			h := http.Header{"Cookie": {"murmur_session=" + ada.Token}}
			_, resp, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(e.timeline.URL, "http")+path, h)
			if err == nil || resp == nil || resp.StatusCode != want {
				t.Errorf("%s: %v %v, want %d", path, err, resp, want)
			}
		}
		_, resp, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(e.timeline.URL, "http")+"/timeline/ws/conversation?id=1", nil)
		if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("signed out: %v %v, want 401", err, resp)
		}
	})
}
