package systemtest

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"murmur/stack"
)

// timelineTweet is a Tweet of the JSON API, as far as these tests look.
type timelineTweet struct {
	ID        string `json:"id"`
	Text      string `json:"text"`
	LikeCount int    `json:"like_count"`
	Author    struct {
		Handle string `json:"handle"`
	} `json:"author"`
}

type timelinePage struct {
	Items []timelineTweet `json:"items"`
	Next  *string         `json:"next"`
}

// mustTweet posts a tweet as c and returns its id.
func mustTweet(t *testing.T, c *Client, text string) string {
	t.Helper()
	var tw timelineTweet
	c.MustJSON(t, http.StatusCreated, "POST", "/tweets/api/tweets", map[string]any{"text": text}, &tw)
	return tw.ID
}

func mustFollowUser(t *testing.T, c *Client, id string) {
	t.Helper()
	c.MustJSON(t, http.StatusNoContent, "PUT", "/follow/api/following/"+id, nil, nil)
}

// mustReaderOf signs up "reader" and an author (handle, password
// "password-<handle>", display name name) on the murmur at base, the
// reader following the author.
func mustReaderOf(t *testing.T, base, handle, name string) (reader, author *Client) {
	t.Helper()
	reader, author = NewClient(base), NewClient(base)
	reader.MustSignUp(t, "reader", "password-reader", "Reader")
	mustFollowUser(t, reader, author.MustSignUp(t, handle, "password-"+handle, name).ID)
	return reader, author
}

func mustUnfollowUser(t *testing.T, c *Client, id string) {
	t.Helper()
	c.MustJSON(t, http.StatusNoContent, "DELETE", "/follow/api/following/"+id, nil, nil)
}

func mustHome(t *testing.T, c *Client, query string) timelinePage {
	t.Helper()
	var p timelinePage
	c.MustJSON(t, http.StatusOK, "GET", "/timeline/api/home?"+query, nil, &p)
	return p
}

func texts(p timelinePage) []string {
	out := []string{}
	for _, tw := range p.Items {
		out = append(out, tw.Text)
	}
	return out
}

// stream is an open /timeline/api/stream socket.
type stream struct {
	conn   *websocket.Conn
	events chan map[string]any
}

// mustStream opens the JSON event stream at base (the shell, or an
// instance directly) with c's token.
func mustStream(t *testing.T, base string, c *Client, since string) *stream {
	t.Helper()
	u := "ws" + strings.TrimPrefix(base, "http") + "/timeline/api/stream"
	if since != "" {
		u += "?since=" + url.QueryEscape(since)
	}
	conn, resp, err := websocket.DefaultDialer.Dial(u, http.Header{"Authorization": {"Bearer " + c.Token}})
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("open %s: %v (status %d)", u, err, status)
	}
	s := &stream{conn: conn, events: make(chan map[string]any, 100)}
	go func() {
		defer close(s.events)
		for {
			var e map[string]any
			if err := conn.ReadJSON(&e); err != nil {
				return
			}
			s.events <- e
		}
	}()
	t.Cleanup(func() { conn.Close() })
	return s
}

// next waits for the next event.
func (s *stream) next(t *testing.T, within time.Duration) map[string]any {
	t.Helper()
	select {
	case e, ok := <-s.events:
		if !ok {
			t.Fatal("the stream closed")
		}
		return e
	case <-time.After(within):
		t.Fatalf("no event within %v", within)
	}
	return nil
}

// nextCreated waits for a tweet.created event and returns its tweet's text.
func (s *stream) nextCreated(t *testing.T, within time.Duration) string {
	t.Helper()
	e := s.next(t, within)
	tw, _ := e["tweet"].(map[string]any)
	if e["event"] != "tweet.created" || tw == nil {
		t.Fatalf("event = %v, want tweet.created with a tweet", e)
	}
	text, _ := tw["text"].(string)
	return text
}

// none checks that no event arrives for a while.
func (s *stream) none(t *testing.T, within time.Duration) {
	t.Helper()
	select {
	case e, ok := <-s.events:
		if ok {
			t.Fatalf("unexpected event %v", e)
		}
	case <-time.After(within):
	}
}

// people signs up a reader, two people they follow and a stranger.
func people(t *testing.T, s *stack.Stack) (reader, bob, cyd, stranger *Client, ids map[string]string) {
	t.Helper()
	ids = map[string]string{}
	mk := func(handle string) *Client {
		c := NewClient(s.URL())
		ids[handle] = c.MustSignUp(t, handle, "password-"+handle, strings.ToUpper(handle[:1])+handle[1:]).ID
		return c
	}
	reader, bob, cyd, stranger = mk("reader"), mk("bob"), mk("cyd"), mk("stranger")
	mustFollowUser(t, reader, ids["bob"])
	mustFollowUser(t, reader, ids["cyd"])
	return
}

func TestTimelineOrdering(t *testing.T) {
	s := MustStack(t)
	reader, bob, cyd, stranger, _ := people(t, s)

	b1 := mustTweet(t, bob, "b1")
	mustTweet(t, stranger, "s1")
	c1 := mustTweet(t, cyd, "c1")
	mustTweet(t, reader, "r1")
	b2 := mustTweet(t, bob, "b2")
	// Likes: c1 and b1 tie at two, b2 has one, r1 none.
	for _, like := range []struct {
		by *Client
		id string
	}{{stranger, c1}, {reader, c1}, {stranger, b1}, {cyd, b1}, {reader, b2}} {
		like.by.MustJSON(t, http.StatusNoContent, "PUT", "/tweets/api/tweets/"+like.id+"/like", nil, nil)
	}

	cases := []struct {
		query string
		want  []string
	}{
		{"", []string{"b2", "r1", "c1", "b1"}},
		{"sort=recent", []string{"b2", "r1", "c1", "b1"}},
		{"sort=popular", []string{"c1", "b1", "b2", "r1"}},
		{"sort=popular&limit=1", []string{"c1"}},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			if got := texts(mustHome(t, reader, c.query)); !slices.Equal(got, c.want) {
				t.Errorf("home?%s = %v, want %v (the stranger's never)", c.query, got, c.want)
			}
		})
	}

	t.Run("popular pages in order, ties newest first", func(t *testing.T) {
		var got []string
		cursor := ""
		for range 10 {
			p := mustHome(t, reader, "sort=popular&limit=1&cursor="+url.QueryEscape(cursor))
			got = append(got, texts(p)...)
			if p.Next == nil {
				break
			}
			cursor = *p.Next
		}
		if want := []string{"c1", "b1", "b2", "r1"}; !slices.Equal(got, want) {
			t.Errorf("popular pages = %v, want %v", got, want)
		}
	})

	t.Run("refusals", func(t *testing.T) {
		if status, _, _ := NewClient(s.URL()).Do(t, "GET", "/timeline/api/home", nil); status != http.StatusUnauthorized {
			t.Errorf("home without a session: %d, want 401", status)
		}
		if status, _, _ := reader.Do(t, "GET", "/timeline/api/home?sort=oldest", nil); status != http.StatusUnprocessableEntity {
			t.Errorf("home?sort=oldest: %d, want 422", status)
		}
		if status, _, _ := reader.Do(t, "GET", "/timeline/api/home?cursor=nonsense", nil); status != http.StatusUnprocessableEntity {
			t.Errorf("home?cursor=nonsense: %d, want 422", status)
		}
	})
}

func TestTimelinePaginationAcrossInserts(t *testing.T) {
	s := MustStack(t)
	reader, bob, cyd, _, _ := people(t, s)
	var want []string
	for i := range 7 {
		by := bob
		if i%2 == 1 {
			by = cyd
		}
		text := fmt.Sprintf("old %d", i)
		mustTweet(t, by, text)
		want = append([]string{text}, want...)
	}
	var got []string
	cursor := ""
	for page := 0; page < 20; page++ {
		p := mustHome(t, reader, "limit=3&cursor="+url.QueryEscape(cursor))
		got = append(got, texts(p)...)
		// New tweets arrive while the reader scrolls: they belong above
		// the first page and must not shift the pages below.
		mustTweet(t, bob, fmt.Sprintf("new %d", page))
		if p.Next == nil {
			break
		}
		cursor = *p.Next
	}
	if !slices.Equal(got, want) {
		t.Errorf("pages read while tweets arrived = %v, want every old tweet once, in order: %v", got, want)
	}
}

func TestTimelineUnfollow(t *testing.T) {
	s := MustStack(t)
	reader, bob, cyd, stranger, ids := people(t, s)
	mustTweet(t, bob, "bob before")
	mustTweet(t, cyd, "cyd before")
	live := mustStream(t, s.URL(), reader, "")

	mustTweet(t, bob, "bob live")
	if got := live.nextCreated(t, 5*time.Second); got != "bob live" {
		t.Fatalf("first live tweet = %q, want bob's", got)
	}
	mustTweet(t, stranger, "stranger live")

	mustUnfollowUser(t, reader, ids["bob"])
	if got := texts(mustHome(t, reader, "")); !slices.Equal(got, []string{"cyd before"}) {
		t.Errorf("home right after unfollowing bob = %v, want only cyd's", got)
	}
	mustTweet(t, bob, "bob after unfollow")
	mustTweet(t, cyd, "cyd live")
	if got := live.nextCreated(t, 5*time.Second); got != "cyd live" {
		t.Errorf("open socket got %q after the unfollow, want cyd's tweet and nothing of bob's or the stranger's", got)
	}
	live.none(t, 500*time.Millisecond)

	t.Run("deleted tweets are announced", func(t *testing.T) {
		id := mustTweet(t, cyd, "cyd short-lived")
		if got := live.nextCreated(t, 5*time.Second); got != "cyd short-lived" {
			t.Fatalf("got %q", got)
		}
		cyd.MustJSON(t, http.StatusNoContent, "DELETE", "/tweets/api/tweets/"+id, nil, nil)
		if e := live.next(t, 5*time.Second); e["event"] != "tweet.deleted" || e["id"] != id {
			t.Errorf("event = %v, want tweet.deleted %s", e, id)
		}
	})
}

func TestTimelineStreamRefusesStrangers(t *testing.T) {
	s := MustStack(t)
	reader := NewClient(s.URL())
	reader.MustSignUp(t, "reader", "password-reader", "Reader")
	u := "ws" + strings.TrimPrefix(s.URL(), "http")
	cases := []struct {
		name   string
		path   string
		header http.Header
		want   int
	}{
		{"no session, html", "/timeline/ws", nil, http.StatusUnauthorized},
		{"no session, json", "/timeline/api/stream", nil, http.StatusUnauthorized},
		{"bad token", "/timeline/api/stream", http.Header{"Authorization": {"Bearer nonsense"}}, http.StatusUnauthorized},
		{"foreign origin", "/timeline/ws", http.Header{"Cookie": {"murmur_session=" + reader.Token}, "Origin": {"https://evil.example"}}, http.StatusForbidden},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conn, resp, err := websocket.DefaultDialer.Dial(u+c.path, c.header)
			if err == nil {
				conn.Close()
				t.Fatalf("upgrade accepted, want %d", c.want)
			}
			if resp == nil || resp.StatusCode != c.want {
				t.Errorf("handshake answered %v, want %d", resp, c.want)
			}
		})
	}
	t.Run("own origin", func(t *testing.T) {
		conn, _, err := websocket.DefaultDialer.Dial(u+"/timeline/ws",
			http.Header{"Cookie": {"murmur_session=" + reader.Token}, "Origin": {s.URL()}})
		if err != nil {
			t.Fatalf("same-origin upgrade with the cookie refused: %v", err)
		}
		conn.Close()
	})
}

func TestTimelineTwoInstancesBothDeliver(t *testing.T) {
	s := MustStack(t, WithInstances("timeline", 2))
	reader, bob, _, _, _ := people(t, s)
	other := NewClient(s.URL())
	other.MustSignUp(t, "other", "password-other", "Other")
	mustFollowUser(t, other, reader.mustID(t))
	mustFollowUser(t, other, bob.mustID(t))

	first := mustStream(t, fmt.Sprintf("http://127.0.0.1:%d", s.Opts.Ports["timeline"][0]), reader, "")
	second := mustStream(t, fmt.Sprintf("http://127.0.0.1:%d", s.Opts.Ports["timeline"][1]), other, "")
	mustTweet(t, bob, "to both")
	if got := first.nextCreated(t, 5*time.Second); got != "to both" {
		t.Errorf("instance 1 delivered %q", got)
	}
	if got := second.nextCreated(t, 5*time.Second); got != "to both" {
		t.Errorf("instance 2 delivered %q", got)
	}
}

// mustID is the id of the signed-in user of c.
func (c *Client) mustID(t *testing.T) string {
	t.Helper()
	var u User
	c.MustJSON(t, http.StatusOK, "GET", "/profile/api/me", nil, &u)
	return u.ID
}

func TestTimelineSurvivesRedisRestart(t *testing.T) {
	s := MustStack(t)
	reader, bob, _, _, _ := people(t, s)
	mustTweet(t, bob, "before the outage")
	live := mustStream(t, s.URL(), reader, "")

	if err := s.Kill("redis"); err != nil {
		t.Fatal(err)
	}
	t.Run("reading works without redis", func(t *testing.T) {
		mustTweet(t, bob, "during the outage")
		p := mustHome(t, reader, "limit=1")
		if got := texts(p); !slices.Equal(got, []string{"during the outage"}) || p.Next == nil {
			t.Fatalf("home without redis = %v (next %v), want the newest and a next page", got, p.Next)
		}
		if got := texts(mustHome(t, reader, "limit=1&cursor="+url.QueryEscape(*p.Next))); !slices.Equal(got, []string{"before the outage"}) {
			t.Errorf("second page without redis = %v", got)
		}
		status, body, _ := reader.Do(t, "GET", "/timeline/frag/home", nil)
		if status != http.StatusOK || !strings.Contains(string(body), "during the outage") {
			t.Errorf("home fragment without redis: %d %s", status, body)
		}
	})

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Restart(ctx, "redis"); err != nil {
		t.Fatal(err)
	}
	// The socket opened before the outage is still the same one: what was
	// posted during the outage is caught up, and live push resumes.
	if got := live.nextCreated(t, 15*time.Second); got != "during the outage" {
		t.Errorf("after redis returned the socket got %q, want the tweet it missed", got)
	}
	deadline := time.Now().Add(15 * time.Second)
	for i := 0; ; i++ {
		text := fmt.Sprintf("after the outage %d", i)
		mustTweet(t, bob, text)
		select {
		case e := <-live.events:
			if tw, _ := e["tweet"].(map[string]any); tw == nil || tw["text"] != text {
				t.Fatalf("event after redis returned = %v, want %q", e, text)
			}
			return
		case <-time.After(time.Second):
		}
		if time.Now().After(deadline) {
			t.Fatal("live push did not resume after redis came back")
		}
	}
}
