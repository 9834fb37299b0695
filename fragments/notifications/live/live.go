// Package live pushes a person's unread count to their open sockets (the
// bell on every page, and API clients' streams) when it changes. Whichever
// instance of the service applied an event or marked notifications read
// announces the people whose count changed on the service's own Redis
// channel; every instance hears it and asks its store for the new count of
// the sockets it holds.
package live

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"murmur/fragments/internal/auth"
)

// channel is the service's own pub/sub channel between its instances. It
// carries user ids only, and is no fact of the shared event contract:
// nothing outside this service needs it.
const channel = "notifications:unread-changed"

// Counter reads a person's unread count.
type Counter func(ctx context.Context, userID string) (int, error)

// Hub holds this instance's sockets by person.
type Hub struct {
	client *redis.Client
	count  Counter
	logger *slog.Logger

	mu      sync.Mutex
	sockets map[string]map[*Socket]struct{}
}

// NewHub returns a hub announcing and hearing changes on client's Redis.
func NewHub(client *redis.Client, count Counter, logger *slog.Logger) *Hub {
	return &Hub{client: client, count: count, logger: logger, sockets: map[string]map[*Socket]struct{}{}}
}

// Socket is one open socket's mailbox: the latest count, to be written.
type Socket struct {
	UserID string
	// Counts holds at most one count, the newest: a slow socket skips
	// the counts it had no time to show.
	Counts chan int
	// viewer is who opened it, with their token: counts pushed to the
	// socket are read as theirs (leaving out people they hide).
	viewer auth.Viewer
}

// Join adds a socket for the person and queues their count now.
func (h *Hub) Join(ctx context.Context, userID string) (*Socket, error) {
	n, err := h.count(ctx, userID)
	if err != nil {
		return nil, err
	}
	s := &Socket{UserID: userID, Counts: make(chan int, 1)}
	if v, ok := auth.ViewerFrom(ctx); ok && v.ID == userID {
		s.viewer = v
	}
	s.offer(n)
	h.mu.Lock()
	if h.sockets[userID] == nil {
		h.sockets[userID] = map[*Socket]struct{}{}
	}
	h.sockets[userID][s] = struct{}{}
	h.mu.Unlock()
	return s, nil
}

// Leave removes a socket.
func (h *Hub) Leave(s *Socket) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.sockets[s.UserID], s)
	if len(h.sockets[s.UserID]) == 0 {
		delete(h.sockets, s.UserID)
	}
}

// offer replaces whatever count is waiting with n.
func (s *Socket) offer(n int) {
	for {
		select {
		case s.Counts <- n:
			return
		default:
		}
		select {
		case <-s.Counts:
		default:
		}
	}
}

// Changed tells every instance that these people's counts changed. When
// Redis cannot take it, this instance's own sockets are still told.
func (h *Hub) Changed(ctx context.Context, userIDs ...string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 500*time.Millisecond)
	defer cancel()
	_, err := h.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, id := range userIDs {
			p.Publish(ctx, channel, id)
		}
		return nil
	})
	if err != nil {
		h.logger.WarnContext(ctx, "announce unread counts", "err", err)
		for _, id := range userIDs {
			h.push(ctx, id)
		}
	}
}

// push sends the person's count to this instance's sockets of theirs.
func (h *Hub) push(ctx context.Context, userID string) {
	h.mu.Lock()
	socks := make([]*Socket, 0, len(h.sockets[userID]))
	for s := range h.sockets[userID] {
		socks = append(socks, s)
	}
	h.mu.Unlock()
	if len(socks) == 0 {
		return
	}
	// Counted as the socket's viewer would count it on reading the bell.
	if v := socks[0].viewer; v.ID == userID {
		ctx = auth.WithViewer(ctx, v)
	}
	n, err := h.count(ctx, userID)
	if err != nil {
		h.logger.WarnContext(ctx, "read unread count", "user", userID, "err", err)
		return
	}
	for _, s := range socks {
		s.offer(n)
	}
}

// everyone pushes the count of every person with a socket here: after the
// subscription was down, when changes may have gone unheard.
func (h *Hub) everyone(ctx context.Context) {
	h.mu.Lock()
	ids := make([]string, 0, len(h.sockets))
	for id := range h.sockets {
		ids = append(ids, id)
	}
	h.mu.Unlock()
	for _, id := range ids {
		h.push(ctx, id)
	}
}

// Run hears the announcements until ctx ends, subscribing again with
// backoff when Redis goes away.
func (h *Hub) Run(ctx context.Context) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		sub := h.client.Subscribe(ctx, channel)
		if _, err := sub.Receive(ctx); err == nil {
			backoff = 100 * time.Millisecond
			h.everyone(ctx)
			ch := sub.Channel(redis.WithChannelHealthCheckInterval(10 * time.Second))
		read:
			for {
				select {
				case <-ctx.Done():
					break read
				case m, ok := <-ch:
					if !ok {
						break read
					}
					h.push(ctx, m.Payload)
				}
			}
		}
		sub.Close()
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}
