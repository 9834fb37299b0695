package live

import (
	"context"
	"errors"
	"net"
	"time"

	"github.com/redis/go-redis/v9"
)

// Topics the hub listens to.
var Topics = []string{"tweet.created", "tweet.deleted", "follow.created", "follow.deleted"}

// healthEvery is how long a quiet subscription waits before it pings Redis,
// so a dead connection is noticed even when nothing is published.
const healthEvery = 10 * time.Second

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
	refresh := time.NewTicker(refreshEvery)
	defer refresh.Stop()
	for ctx.Err() == nil {
		sub := client.Subscribe(ctx, Topics...)
		if err := confirm(ctx, sub); err != nil {
			sub.Close()
			h.busUp.Set(0)
			h.logger.DebugContext(ctx, "subscribe to events", "err", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(backoff*2, 2*time.Second)
			continue
		}
		backoff = 100 * time.Millisecond
		h.busUp.Set(1)
		if !first {
			h.logger.InfoContext(ctx, "event subscription restored; resyncing live sockets")
			go h.Resync(ctx)
		}
		first = false
		h.receive(ctx, sub, refresh.C)
		sub.Close()
		h.busUp.Set(0)
		if ctx.Err() == nil {
			h.logger.WarnContext(ctx, "event subscription lost; live push paused until Redis is back")
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

// receive handles messages until the connection fails.
func (h *Hub) receive(ctx context.Context, sub *redis.PubSub, refresh <-chan time.Time) {
	pinged := false
	for {
		select {
		case <-refresh:
			go h.Refresh(ctx)
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
			h.Handle(ctx, m.Channel, []byte(m.Payload))
		}
	}
}
