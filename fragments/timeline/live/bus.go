package live

import (
	"context"
	"errors"
	"net"
	"time"

	"github.com/redis/go-redis/v9"

	"murmur/fragments/internal/events"
)

// Topics the hub listens to.
var Topics = []string{events.TweetCreated, events.TweetDeleted, events.LikeChanged, events.BoostChanged, events.FollowCreated, events.FollowDeleted, events.BlockChanged, events.MuteChanged}

// healthEvery is how long a quiet subscription waits before it pings Redis,
// so a dead connection is noticed even when nothing is published.
const healthEvery = 10 * time.Second

// inboxSize is how many received events may wait for routing. Routing can
// be slow (it asks tweets for cards); reading from Redis must not be, or
// Redis drops a subscriber whose output buffer grows too large.
const inboxSize = 4096

// busEvent is one message received from Redis.
type busEvent struct {
	topic   string
	payload []byte
}

// refreshEvery bounds how stale a following set may get if a follow event
// is ever lost while the subscription looks healthy.
const refreshEvery = 2 * time.Minute

// Run subscribes to the events on Redis and routes them until ctx ends.
// When Redis goes away it retries with backoff; when the subscription comes
// back it resyncs (reloads following sets, sends sockets what they missed),
// so live push resumes by itself and nothing of the gap is lost for good.
func (h *Hub) Run(ctx context.Context, client *redis.Client) {
	backoff := 100 * time.Millisecond
	first := true
	inbox := make(chan busEvent, h.InboxSize)
	go h.route(ctx, inbox)
	for ctx.Err() == nil {
		sub := client.Subscribe(ctx, Topics...)
		if err := confirm(ctx, sub); err != nil {
			sub.Close()
			h.busUp.Set(0)
			h.Logger.DebugContext(ctx, "subscribe to events", "err", err)
			select {
			case <-ctx.Done():
				return
			case <-h.Clock.After(backoff):
			}
			backoff = min(backoff*2, 2*time.Second)
			continue
		}
		backoff = 100 * time.Millisecond
		h.busUp.Set(1)
		// Marked before the first live event moves any socket past what
		// the gap (the whole outage, and the moments before this
		// subscription) missed. The first subscription has a gap too:
		// sockets that reconnected to a freshly started instance before it
		// was subscribed were caught up at once, and what was posted
		// between then and now reached no one.
		h.noteGap()
		if !first {
			h.Logger.InfoContext(ctx, "event subscription restored; resyncing live sockets")
		}
		go h.Resync(ctx)
		first = false
		h.receive(ctx, sub, inbox)
		sub.Close()
		h.busUp.Set(0)
		if ctx.Err() == nil {
			h.Logger.WarnContext(ctx, "event subscription lost; live push paused until Redis is back")
		}
	}
}

// confirm waits for Redis to acknowledge every topic.
func confirm(ctx context.Context, sub *redis.PubSub) error {
	for range Topics {
		msg, err := sub.ReceiveTimeout(ctx, 2*time.Second)
		if err != nil {
			return err
		}
		if _, ok := msg.(*redis.Subscription); !ok {
			return errors.New("unexpected reply to SUBSCRIBE")
		}
	}
	return nil
}

// route handles received events one after another, in the order they came.
func (h *Hub) route(ctx context.Context, inbox <-chan busEvent) {
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-inbox:
			h.Handle(ctx, ev.topic, ev.payload)
		}
	}
}

// receive reads messages until the connection fails and passes them to
// route. If routing falls so far behind that the inbox is full, the event
// is dropped and open sockets are resynced, as after a Redis outage.
func (h *Hub) receive(ctx context.Context, sub *redis.PubSub, inbox chan<- busEvent) {
	pinged := false
	refresh := h.Clock.After(refreshEvery)
	for {
		select {
		case <-refresh:
			go h.Refresh(ctx)
			refresh = h.Clock.After(refreshEvery)
		default:
		}
		msg, err := sub.ReceiveTimeout(ctx, healthEvery)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() && !pinged && ctx.Err() == nil {
				// Quiet for a while: ask Redis for a pong, and give up if
				// that does not come back either.
				if err := sub.Ping(ctx); err != nil {
					return
				}
				pinged = true
				continue
			}
			return
		}
		pinged = false
		if m, ok := msg.(*redis.Message); ok {
			select {
			case inbox <- busEvent{topic: m.Channel, payload: []byte(m.Payload)}:
			default:
				h.Logger.WarnContext(ctx, "live routing is behind; dropping an event and resyncing sockets", "topic", m.Channel)
				h.noteGap()
				h.resyncAfterDrop(ctx)
			}
		}
	}
}

// resyncAfterDrop resyncs the sockets after an event was dropped. A resync
// reads what homes hold at that moment, so an event dropped while one runs
// may be newer than its read: then another follows, until a resync starts
// after the last drop. One runs at a time.
func (h *Hub) resyncAfterDrop(ctx context.Context) {
	h.resyncAgain.Store(true)
	if !h.resyncing.CompareAndSwap(false, true) {
		return // the running one will go round again
	}
	go func() {
		for {
			for h.resyncAgain.Swap(false) {
				h.Resync(ctx)
			}
			h.resyncing.Store(false)
			// A drop between the last check and the line above found the
			// flag still set and left the work to this loop: take it.
			if !h.resyncAgain.Load() || !h.resyncing.CompareAndSwap(false, true) {
				return
			}
		}
	}()
}
