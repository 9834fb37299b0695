package events_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"murmur/fragments/internal/events"
	"murmur/fragments/internal/testkit"
)

// consumer is one running Consume whose handled facts arrive on got.
type consumer struct {
	got    chan events.Entry
	cancel context.CancelFunc
	done   chan struct{}
}

// startConsumer runs bus.Consume for g; handle (may be nil) decides each
// fact's fate after it was passed on to got.
func startConsumer(tb testing.TB, bus *events.Bus, g events.Group, handle func(context.Context, events.Entry) error) *consumer {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c := &consumer{got: make(chan events.Entry, 100), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		bus.Consume(ctx, g, func(ctx context.Context, e events.Entry) error {
			c.got <- e
			if handle != nil {
				return handle(ctx, e)
			}
			return nil
		})
	}()
	tb.Cleanup(c.stop)
	return c
}

// stop ends the consumer and waits until it has returned.
func (c *consumer) stop() {
	c.cancel()
	<-c.done
}

// next waits for the next handled fact.
func (c *consumer) next(tb testing.TB) events.Entry {
	tb.Helper()
	select {
	case e := <-c.got:
		return e
	case <-time.After(10 * time.Second):
		tb.Fatal("no fact handed to the consumer")
		return events.Entry{}
	}
}

func follows(tb testing.TB, e events.Entry) events.FollowChangedPayload {
	tb.Helper()
	var p events.FollowChangedPayload
	if err := e.Decode(&p); err != nil {
		tb.Fatalf("decode %s %s: %v", e.Topic, e.Payload, err)
	}
	return p
}

func pending(tb testing.TB, url, topic, group string) int64 {
	tb.Helper()
	client := redis.NewClient(mustOptions(tb, url))
	defer client.Close()
	p, err := client.XPending(context.Background(), events.StreamKey(topic), group).Result()
	if err != nil {
		tb.Fatal(err)
	}
	return p.Count
}

// A group that did not exist when facts were published still reads them
// (a service added later catches up), in order; what it acknowledged is
// not handed out again, and what was published while it was away is.
func TestStreamGroupCatchesUp(t *testing.T) {
	ctx := context.Background()
	rd := testkit.MustRedis(t)
	bus := mustBus(t, rd.URL)
	for _, who := range []string{"1", "2", "3"} {
		bus.Publish(ctx, events.FollowCreated, events.FollowChangedPayload{FollowerID: who, FolloweeID: "9"})
	}
	g := events.Group{Name: "notifications", Consumer: "n1", Topics: []string{events.FollowCreated, events.FollowDeleted}, Wait: 50 * time.Millisecond}

	c := startConsumer(t, bus, g, nil)
	for _, want := range []string{"1", "2", "3"} {
		e := c.next(t)
		if got := follows(t, e); e.Topic != events.FollowCreated || got.FollowerID != want {
			t.Errorf("got %s %+v, want follower %s (in publishing order)", e.Topic, got, want)
		}
	}
	c.stop()
	if n := pending(t, rd.URL, events.FollowCreated, g.Name); n != 0 {
		t.Errorf("%d facts pending after they were handled, want 0", n)
	}

	bus.Publish(ctx, events.FollowDeleted, events.FollowChangedPayload{FollowerID: "4", FolloweeID: "9"})
	c = startConsumer(t, bus, g, nil)
	e := c.next(t)
	if got := follows(t, e); e.Topic != events.FollowDeleted || got.FollowerID != "4" {
		t.Errorf("after coming back got %s %+v, want the follow.deleted published meanwhile and nothing before", e.Topic, got)
	}
}

// A fact whose consumer crashed before acknowledging it is taken over by
// another member of its group (XAUTOCLAIM), with the same id, so the
// consumer can tell it applied it already.
func TestStreamCrashedConsumersFactIsClaimed(t *testing.T) {
	ctx := context.Background()
	rd := testkit.MustRedis(t)
	bus := mustBus(t, rd.URL)
	g := events.Group{Name: "erasure", Topics: []string{events.UserCreated}, ClaimIdle: time.Millisecond, Wait: 50 * time.Millisecond}

	crashing := g
	crashing.Consumer = "a"
	crashed := make(chan struct{})
	var a *consumer
	a = startConsumer(t, bus, crashing, func(context.Context, events.Entry) error {
		a.cancel() // the instance dies while handling the fact
		close(crashed)
		return errors.New("crashed")
	})
	id, err := bus.Append(ctx, events.UserCreated, events.UserCreatedPayload{ID: "7", Handle: "gus"})
	if err != nil {
		t.Fatal(err)
	}
	first := a.next(t)
	<-crashed
	a.stop()
	if n := pending(t, rd.URL, events.UserCreated, g.Name); n != 1 {
		t.Fatalf("%d facts pending after the crash, want 1", n)
	}

	taking := g
	taking.Consumer = "b"
	b := startConsumer(t, bus, taking, nil)
	again := b.next(t)
	if first.ID != id || again.ID != id || string(again.Payload) != string(first.Payload) {
		t.Errorf("handed out %s then %s (%s), want entry %s both times", first.ID, again.ID, again.Payload, id)
	}
	b.stop()
	if n := pending(t, rd.URL, events.UserCreated, g.Name); n != 0 {
		t.Errorf("%d facts pending after b handled it, want 0", n)
	}
}

// Streams are capped: about StreamLength facts are kept, not all.
func TestStreamIsTrimmed(t *testing.T) {
	ctx := context.Background()
	rd := testkit.MustRedis(t)
	bus := mustBus(t, rd.URL, events.WithStreamLength(10))
	for range 1000 {
		bus.Publish(ctx, events.TweetDeleted, events.TweetDeletedPayload{ID: "1", AuthorID: "2"})
	}
	client := redis.NewClient(mustOptions(t, rd.URL))
	defer client.Close()
	n, err := client.XLen(ctx, events.StreamKey(events.TweetDeleted)).Result()
	if err != nil || n < 10 || n >= 1000 {
		t.Errorf("stream holds %d facts (%v), want about 10 of the 1000 published", n, err)
	}
}

// A consumer keeps going through a Redis outage: once Redis is back (here
// without its data, as after a restart) it recreates its group and reads
// what is published then.
func TestStreamConsumerSurvivesRedisRestart(t *testing.T) {
	ctx := context.Background()
	rd := testkit.MustRedis(t)
	bus := mustBus(t, rd.URL)
	c := startConsumer(t, bus, events.Group{Name: "notifications", Topics: []string{events.LikeChanged}, Wait: 50 * time.Millisecond}, nil)
	bus.Publish(ctx, events.LikeChanged, events.LikeChangedPayload{TweetID: "1"})
	c.next(t)

	rd.Stop()
	rd.Start(t)
	bus.Publish(ctx, events.LikeChanged, events.LikeChangedPayload{TweetID: "2"})
	var p events.LikeChangedPayload
	if e := c.next(t); e.Decode(&p) != nil || p.TweetID != "2" {
		t.Errorf("after the restart got %s, want the like of tweet 2", e.Payload)
	}
}
