package server_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"murmur/fragments/timeline"
	"murmur/fragments/timeline/live"
)

func TestHomeFragment(t *testing.T) {
	e := mustEnv(t)
	ada, bob, cyd := e.profile.MustUser(t, "ada", "Ada"), e.profile.MustUser(t, "bob", "Bob"), e.profile.MustUser(t, "cyd", "Cyd")

	t.Run("signed out: a sign-in prompt, never an empty body", func(t *testing.T) {
		status, body := call(t, "GET", e.timeline.URL+"/timeline/frag/home", nil, nil)
		if status != http.StatusOK || !strings.Contains(body, "Sign in") {
			t.Errorf("signed out: %d %q, want 200 and a sign-in prompt", status, body)
		}
	})
	t.Run("empty timeline points to who-to-follow", func(t *testing.T) {
		_, body := call(t, "GET", e.timeline.URL+"/timeline/frag/home", &ada, nil, "X-Murmur-Shell", "1")
		if !strings.Contains(body, "Your timeline is empty") || !strings.Contains(body, `href="#who-to-follow"`) {
			t.Errorf("empty home = %s", body)
		}
	})

	e.mustFollow(t, ada, bob, true)
	bobs := e.mustPost(t, bob, "bob <b>says</b> hi")
	e.mustPost(t, cyd, "cyd, not followed")
	mine := e.mustPost(t, ada, "ada's own")

	t.Run("my tweets and my followees', as tweets' own cards", func(t *testing.T) {
		status, body := call(t, "GET", e.timeline.URL+"/timeline/frag/home", &ada, nil, "X-Murmur-Shell", "1")
		if status != http.StatusOK {
			t.Fatalf("home: %d %s", status, body)
		}
		iMine, iBobs := strings.Index(body, `id="tweet-`+mine+`"`), strings.Index(body, `id="tweet-`+bobs+`"`)
		if iMine < 0 || iBobs < 0 || iMine > iBobs {
			t.Errorf("home should show ada's tweet, then bob's older one: %s", body)
		}
		if strings.Contains(body, "not followed") {
			t.Error("home shows a tweet of someone ada does not follow")
		}
		if !strings.Contains(body, "bob &lt;b&gt;says&lt;/b&gt; hi") {
			t.Error("tweet text is not escaped")
		}
		if !strings.Contains(body, `href="/u/bob"`) {
			t.Error("through the shell, cards should link to the shell's /u/ pages")
		}
		if !strings.Contains(body, `hx-ws:connect="/timeline/ws"`) || !strings.Contains(body, `data-since="`+mine+`"`) {
			t.Error("home lacks its live socket or the id it starts from")
		}
		if !strings.Contains(body, "tweet-created from:body") || !strings.Contains(body, "follow-changed from:body") {
			t.Error("home does not refresh itself on tweet-created and follow-changed")
		}
	})

	t.Run("pages by cursor", func(t *testing.T) {
		for i := range timeline.DefaultPageSize {
			e.mustPost(t, bob, "filler "+string(rune('a'+i)))
		}
		_, first := call(t, "GET", e.timeline.URL+"/timeline/frag/feed?sort=recent", &ada, nil)
		i := strings.Index(first, "cursor=")
		if i < 0 {
			t.Fatalf("a full page has no next-page link: %s", first)
		}
		cursor := first[i+len("cursor=") : i+strings.IndexByte(first[i:], '"')]
		_, rest := call(t, "GET", e.timeline.URL+"/timeline/frag/feed?sort=recent&cursor="+cursor, &ada, nil)
		if !strings.Contains(rest, `id="tweet-`+bobs+`"`) || strings.Contains(rest, "timeline-tabs") {
			t.Errorf("next page should be just the remaining cards: %s", rest)
		}
	})

	t.Run("the service on its own", func(t *testing.T) {
		status, body := call(t, "GET", e.timeline.URL+"/timeline/", &ada, nil)
		if status != http.StatusOK || !strings.Contains(body, "<!doctype html>") || !strings.Contains(body, "@ada") ||
			!strings.Contains(body, "filler ") || !strings.Contains(body, "timeline-tabs") {
			t.Errorf("standalone page: %d %s", status, body)
		}
	})
}

func TestLiveSocket(t *testing.T) {
	e := mustEnv(t)
	ada, bob, cyd := e.profile.MustUser(t, "ada", "Ada"), e.profile.MustUser(t, "bob", "Bob"), e.profile.MustUser(t, "cyd", "Cyd")
	e.mustFollow(t, ada, bob, true)

	t.Run("refused without a session", func(t *testing.T) {
		status, _ := call(t, "GET", e.timeline.URL+"/timeline/ws", nil, nil,
			"Connection", "Upgrade", "Upgrade", "websocket", "Sec-WebSocket-Version", "13", "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
		if status != http.StatusUnauthorized {
			t.Errorf("anonymous upgrade: %d, want 401", status)
		}
	})

	html := e.socket(t, "/timeline/ws", ada)
	stream := e.socket(t, "/timeline/api/stream", ada)
	e.mustPost(t, cyd, "not for ada")
	id := e.mustPost(t, bob, "bob live")
	if msg := read(t, html); !strings.Contains(msg, `<hx-partial hx-target="#timeline-incoming"`) ||
		!strings.Contains(msg, `id="tweet-`+id+`"`) || !strings.Contains(msg, "bob live") {
		t.Errorf("html socket got %s, want bob's card in a partial", msg)
	}
	if msg := read(t, stream); !strings.Contains(msg, `"event":"tweet.created"`) || !strings.Contains(msg, `"text":"bob live"`) {
		t.Errorf("json stream got %s", msg)
	}

	call(t, "DELETE", e.tweets.URL+"/tweets/api/tweets/"+id, &bob, nil)
	if msg := read(t, html); msg != `<div id="tweet-`+id+`" hx-swap-oob="delete"></div>` {
		t.Errorf("html socket got %s, want an out-of-band delete of the card", msg)
	}
	if msg := read(t, stream); msg != `{"event":"tweet.deleted","id":"`+id+`"}` {
		t.Errorf("json stream got %s", msg)
	}

	e.mustFollow(t, ada, bob, false)
	e.mustFollow(t, ada, cyd, true)
	time.Sleep(100 * time.Millisecond) // the follow events travel through Redis
	e.mustPost(t, bob, "bob, unfollowed")
	e.mustPost(t, cyd, "cyd, followed")
	if msg := read(t, stream); !strings.Contains(msg, "cyd, followed") {
		t.Errorf("after unfollowing bob and following cyd the stream got %s", msg)
	}
}

// A socket whose client stops reading is dropped once its queue is full;
// the others keep receiving everything.
func TestSlowSocketIsDropped(t *testing.T) {
	e := mustEnv(t)
	ada, bob, cyd := e.profile.MustUser(t, "ada", "Ada"), e.profile.MustUser(t, "bob", "Bob"), e.profile.MustUser(t, "cyd", "Cyd")
	e.mustFollow(t, ada, bob, true)
	e.mustFollow(t, cyd, bob, true)
	ctx := context.Background()
	slow := live.NewSocket(timeline.Caller{ViewerID: ada.ID, Token: ada.Token}, live.JSON, "0")
	fast := live.NewSocket(timeline.Caller{ViewerID: cyd.ID, Token: cyd.Token}, live.JSON, "0")
	for _, s := range []*live.Socket{slow, fast} {
		if err := e.hub.Join(ctx, s); err != nil {
			t.Fatal(err)
		}
		defer e.hub.Leave(s)
	}
	got := 0
	for i := range live.QueueSize + 10 {
		e.hub.Handle(ctx, "tweet.created", []byte(`{"id":"`+strconv.Itoa(1000+i)+`","author_id":"`+bob.ID+`","text":"x"}`))
		select {
		case <-fast.Out():
			got++
		case <-time.After(time.Second):
			t.Fatalf("the fast socket stalled at message %d", i)
		}
	}
	select {
	case <-slow.Dropped():
	default:
		t.Error("the socket that never read was not dropped")
	}
	if got != live.QueueSize+10 {
		t.Errorf("fast socket got %d messages, want all %d", got, live.QueueSize+10)
	}
}
