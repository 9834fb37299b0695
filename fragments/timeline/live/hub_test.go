package live_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"murmur/fragments/timeline"
	"murmur/fragments/timeline/live"
	"murmur/fragments/timeline/server"
	"murmur/fragments/timeline/timelinetest"
)

// clock is the hub's clock, moved by the test: every wait the hub starts
// is announced on waits, and ends when the test fires it.
type clock struct{ waits chan wait }

type wait struct {
	d    time.Duration
	fire chan time.Time
}

func (c *clock) After(d time.Duration) <-chan time.Time {
	w := wait{d: d, fire: make(chan time.Time, 1)}
	c.waits <- w
	return w.fire
}

// isRefresh tells the periodic reload of following sets, which the hub
// starts once its subscription is confirmed, from a retry's backoff.
func (w wait) isRefresh() bool { return w.d >= time.Minute }

// bed is a hub subscribed to the test's Redis, reading from real tweets
// and follow services; the test reads the sockets' queues itself, as the
// websocket writer would.
type bed struct {
	*timelinetest.Sources
	hub   *live.Hub
	clock *clock
	ctx   context.Context
}

func mustBed(t *testing.T) *bed {
	t.Helper()
	src := timelinetest.MustSources(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	b := &bed{Sources: src, clock: &clock{waits: make(chan wait, 1000)}, ctx: ctx}
	b.hub = live.NewHub(live.Deps{
		Homes: timeline.NewHomes(src.TweetsClient, src.FollowClient), Graph: src.FollowClient, Cards: src.TweetsClient,
		Markup: server.LiveMarkup(), Clock: b.clock, Logger: slog.New(slog.DiscardHandler),
	})
	go b.hub.Run(ctx, src.MustBus(t).Client())
	b.waitSubscribed(t)
	return b
}

// waitSubscribed waits until the hub's subscription is confirmed (it then
// starts its refresh wait), firing any retry on the way.
func (b *bed) waitSubscribed(t *testing.T) {
	t.Helper()
	for {
		w := b.nextWait(t)
		if w.isRefresh() {
			return
		}
		w.fire <- time.Now()
	}
}

func (b *bed) nextWait(t *testing.T) wait {
	t.Helper()
	select {
	case w := <-b.clock.waits:
		return w
	case <-time.After(10 * time.Second):
		t.Fatal("the hub started no wait")
		return wait{}
	}
}

func (b *bed) join(t *testing.T, u timelinetest.User, f live.Format, since string) *live.Socket {
	t.Helper()
	s := live.NewSocket(timeline.Caller{ViewerID: u.ID, Handle: u.Handle, Token: u.Token}, f, since)
	if err := b.hub.Join(b.ctx, s); err != nil {
		t.Fatalf("join %s: %v", u.Handle, err)
	}
	t.Cleanup(func() { b.hub.Leave(s) })
	return s
}

// next waits for the next message queued to a socket.
func next(t *testing.T, s *live.Socket) string {
	t.Helper()
	select {
	case m := <-s.Out():
		return string(m)
	case <-time.After(10 * time.Second):
		t.Fatalf("nothing reached %s's socket", s.Caller.Handle)
		return ""
	}
}

// created is the id of the tweet a JSON tweet.created message carries.
func created(t *testing.T, msg string) string {
	t.Helper()
	var m struct {
		Event string `json:"event"`
		Tweet struct {
			ID string `json:"id"`
		} `json:"tweet"`
	}
	if err := json.Unmarshal([]byte(msg), &m); err != nil || m.Event != "tweet.created" {
		t.Fatalf("got %s, want a tweet.created message", msg)
	}
	return m.Tweet.ID
}

// A new tweet reaches the sockets of its author and of their followers,
// in each socket's format, and no one else's.
func TestNewTweetsReachTheHomesThatHoldThem(t *testing.T) {
	b := mustBed(t)
	ada, bob, cyd := b.Profile.MustUser(t, "ada", "Ada"), b.Profile.MustUser(t, "bob", "Bob"), b.Profile.MustUser(t, "cyd", "Cyd")
	b.MustFollow(t, ada, bob, true)
	adaStream, adaPage := b.join(t, ada, live.JSON, ""), b.join(t, ada, live.HTML, "")
	bobStream, cydStream := b.join(t, bob, live.JSON, ""), b.join(t, cyd, live.JSON, "")

	id := b.MustPost(t, bob, "hello followers")
	for _, s := range []*live.Socket{adaStream, bobStream} {
		if got := created(t, next(t, s)); got != id {
			t.Errorf("%s's stream got tweet %s, want %s", s.Caller.Handle, got, id)
		}
	}
	if got := next(t, adaPage); !strings.Contains(got, `hx-target="#timeline-incoming"`) || !strings.Contains(got, `data-tweet-id="`+id+`"`) {
		t.Errorf("ada's page got %s, want bob's card for the incoming list", got)
	}
	// Events are routed in order: had cyd been sent bob's tweet, it would
	// come before her own.
	own := b.MustPost(t, cyd, "talking to myself")
	if got := created(t, next(t, cydStream)); got != own {
		t.Errorf("cyd, who follows nobody, got tweet %s first, want only her own %s", got, own)
	}
}

// A follow starts, and an unfollow stops, delivery on sockets already open.
func TestFollowsChangeDeliveryOnOpenSockets(t *testing.T) {
	b := mustBed(t)
	ada, bob := b.Profile.MustUser(t, "ada", "Ada"), b.Profile.MustUser(t, "bob", "Bob")
	stream := b.join(t, ada, live.JSON, "")

	b.MustFollow(t, ada, bob, true)
	id := b.MustPost(t, bob, "now you see me")
	if got := created(t, next(t, stream)); got != id {
		t.Errorf("after following bob, ada got tweet %s, want %s", got, id)
	}

	b.MustFollow(t, ada, bob, false)
	b.MustPost(t, bob, "now you don't")
	own := b.MustPost(t, ada, "mine")
	if got := created(t, next(t, stream)); got != own {
		t.Errorf("after unfollowing bob, ada got tweet %s first, want only her own %s", got, own)
	}
}

// A socket that does not keep up is dropped once its queue is full, while
// the others get every message.
func TestSlowSocketIsDroppedWithoutStallingOthers(t *testing.T) {
	b := mustBed(t)
	ada, bob, cyd := b.Profile.MustUser(t, "ada", "Ada"), b.Profile.MustUser(t, "bob", "Bob"), b.Profile.MustUser(t, "cyd", "Cyd")
	b.MustFollow(t, ada, bob, true)
	b.MustFollow(t, cyd, bob, true)
	slow, fast := b.join(t, ada, live.JSON, ""), b.join(t, cyd, live.JSON, "")

	for i := range live.QueueSize + 1 {
		id := b.MustPost(t, bob, "one more")
		if got := created(t, next(t, fast)); got != id {
			t.Fatalf("message %d to the fast socket is tweet %s, want %s", i, got, id)
		}
	}
	select {
	case <-slow.Dropped():
	case <-time.After(10 * time.Second):
		t.Fatal("the slow socket was not dropped")
	}
}

// A socket that comes back having missed more than a catch-up carries gets
// the newest CatchUpLimit tweets, oldest first, then a resync.
func TestCatchUpPastTheLimitAsksForResync(t *testing.T) {
	b := mustBed(t)
	ada, bob := b.Profile.MustUser(t, "ada", "Ada"), b.Profile.MustUser(t, "bob", "Bob")
	// bob's socket, open all along, tells when the hub has handled every
	// post's event: one arriving late would reach ada's socket live, in
	// the middle of its catch-up.
	b.MustFollow(t, bob, ada, true)
	watcher := b.join(t, bob, live.JSON, "")
	since := b.MustPost(t, ada, "seen")
	var ids []string
	for range live.CatchUpLimit + 2 {
		ids = append(ids, b.MustPost(t, ada, "missed"))
	}
	for created(t, next(t, watcher)) != ids[len(ids)-1] {
	}
	s := b.join(t, ada, live.JSON, since)
	for _, want := range ids[2:] {
		if got := created(t, next(t, s)); got != want {
			t.Fatalf("caught up with tweet %s, want %s", got, want)
		}
	}
	if got := next(t, s); got != `{"event":"resync"}` {
		t.Errorf("after the catch-up got %s, want a resync", got)
	}
}

// When Redis comes back after an outage, the hub subscribes again and
// sends open sockets what their homes gained meanwhile, without the
// client reconnecting.
func TestSocketsCatchUpWhenRedisReturns(t *testing.T) {
	b := mustBed(t)
	ada, bob := b.Profile.MustUser(t, "ada", "Ada"), b.Profile.MustUser(t, "bob", "Bob")
	b.MustFollow(t, ada, bob, true)
	stream := b.join(t, ada, live.JSON, "")

	b.Redis.Stop()
	if w := b.nextWait(t); w.isRefresh() {
		t.Fatalf("the hub waits %v, want a retry of its lost subscription", w.d)
	} else {
		id := b.MustPost(t, bob, "while Redis was away")
		b.Redis.Start(t)
		w.fire <- time.Now()
		for {
			select {
			case msg := <-stream.Out():
				if got := created(t, string(msg)); got != id {
					t.Errorf("caught up with tweet %s, want %s", got, id)
				}
				return
			case w := <-b.clock.waits:
				if !w.isRefresh() {
					w.fire <- time.Now()
				}
			case <-time.After(10 * time.Second):
				t.Fatal("no catch-up after Redis returned")
			}
		}
	}
}

// A tweet that arrives live right after Redis returns, before the resync
// has caught a socket up, must not hide what the socket missed during the
// outage: the catch-up starts where the socket stood when events began to
// go missing, not at the newest tweet it got since.
func TestCatchUpAfterRedisReturnsCoversTheGapDespiteLiveTweets(t *testing.T) {
	src := timelinetest.MustSources(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	graph := &gatedGraph{follow: src.FollowClient}
	b := &bed{Sources: src, clock: &clock{waits: make(chan wait, 1000)}, ctx: ctx}
	b.hub = live.NewHub(live.Deps{
		Homes: timeline.NewHomes(src.TweetsClient, src.FollowClient), Graph: graph, Cards: src.TweetsClient,
		Markup: server.LiveMarkup(), Clock: b.clock, Logger: slog.New(slog.DiscardHandler),
	})
	go b.hub.Run(ctx, src.MustBus(t).Client())
	b.waitSubscribed(t)
	ada, bob := b.Profile.MustUser(t, "ada", "Ada"), b.Profile.MustUser(t, "bob", "Bob")
	b.MustFollow(t, ada, bob, true)
	stream := b.join(t, ada, live.JSON, "")

	b.Redis.Stop()
	w := b.nextWait(t)
	if w.isRefresh() {
		t.Fatalf("the hub waits %v, want a retry of its lost subscription", w.d)
	}
	missed := b.MustPost(t, bob, "while Redis was away")
	b.Redis.Start(t)
	// The resync that follows the new subscription stalls before its
	// catch-up, while a new tweet arrives live.
	graph.mu.Lock()
	w.fire <- time.Now()
	b.waitSubscribed(t)
	arrived := b.MustPost(t, bob, "just after Redis came back")
	if got := created(t, next(t, stream)); got != arrived {
		t.Fatalf("live after Redis came back: tweet %s, want %s", got, arrived)
	}
	graph.mu.Unlock()
	if got := created(t, next(t, stream)); got != missed {
		t.Errorf("the catch-up sent tweet %s, want %s, missed during the outage", got, missed)
	}
}

// gatedGraph is the real follow client behind a lock: while the test holds
// mu, reading whom someone follows waits.
type gatedGraph struct {
	follow timeline.Graph
	mu     sync.RWMutex
}

func (g *gatedGraph) Following(ctx context.Context, c timeline.Caller) (timeline.Followees, error) {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.follow.Following(ctx, c)
}

// gatedCards is the real tweets client with a gate in front: while the
// gate is shut, rendering a card waits, as when tweets is slow.
type gatedCards struct {
	tweets live.Cards
	gate   chan struct{}
}

func (g gatedCards) Cards(ctx context.Context, c timeline.Caller, ids []string) (string, error) {
	select {
	case <-g.gate:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	return g.tweets.Cards(ctx, c, ids)
}

// When routing falls so far behind that received events overflow the
// inbox, the events that did not fit are dropped and the sockets are
// resynced: once routing catches up, every tweet still arrives, once.
func TestOverflowingInboxResyncsSockets(t *testing.T) {
	src := timelinetest.MustSources(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	gate := make(chan struct{})
	b := &bed{Sources: src, clock: &clock{waits: make(chan wait, 1000)}, ctx: ctx}
	b.hub = live.NewHub(live.Deps{
		Homes: timeline.NewHomes(src.TweetsClient, src.FollowClient), Graph: src.FollowClient,
		Cards: gatedCards{tweets: src.TweetsClient, gate: gate}, Markup: server.LiveMarkup(), Clock: b.clock,
		Logger: slog.New(slog.DiscardHandler), InboxSize: 2,
	})
	go b.hub.Run(ctx, src.MustBus(t).Client())
	b.waitSubscribed(t)

	ada, bob := b.Profile.MustUser(t, "ada", "Ada"), b.Profile.MustUser(t, "bob", "Bob")
	b.MustFollow(t, ada, bob, true)
	// The page was opened having seen ada's own tweet and nothing of bob's.
	// Her page's socket (HTML) needs cards, so routing waits on the gate;
	// her stream (JSON) is what the test reads.
	before := b.MustPost(t, ada, "before")
	stream := b.join(t, ada, live.JSON, before)
	b.join(t, ada, live.HTML, before)

	// Routing stalls on the first tweet's card; two more wait in the
	// inbox and the rest overflow it.
	want := map[string]bool{}
	for range 8 {
		want[b.MustPost(t, bob, "while routing is stuck")] = true
	}
	close(gate)
	got := map[string]bool{}
	for len(got) < len(want) {
		msg := next(t, stream)
		if msg == `{"event":"resync"}` {
			continue
		}
		id := created(t, msg)
		if id == before {
			continue // routed after the page opened: no matter
		}
		if !want[id] {
			t.Fatalf("got tweet %s, not one of bob's", id)
		}
		if got[id] {
			t.Fatalf("got tweet %s twice", id)
		}
		got[id] = true
	}
}
