// Package events carries facts between services over Redis (tweet.created,
// follow.deleted, ...): contract.go defines every topic and its payload,
// the one definition publishers and consumers share.
//
// Publish sends every fact two ways in one round trip: on pub/sub, to
// whoever listens right now (the timeline's live push), and onto the
// topic's stream (see stream.go), from which a consumer group gets every
// fact at least once even when it was down as the fact went by, and a
// service added later starts from the oldest fact still kept. Publishing
// never fails a request: the write it announces is already committed, so
// a Redis outage is logged and counted, live updates pause until Redis is
// back, and what was published meanwhile is lost to both ways. A fact that
// must survive a Redis outage too needs its owner to keep it until Append
// succeeds (an outbox); Append reports the error Publish swallows.
package events

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

// publishTimeout bounds what a Redis outage adds to the request that publishes.
const publishTimeout = 500 * time.Millisecond

// Bus publishes and subscribes to events on Redis.
type Bus struct {
	client   *redis.Client
	logger   *slog.Logger
	failures *prometheus.CounterVec
	sent     *prometheus.CounterVec
	// streamLength is about how many facts each topic's stream keeps.
	streamLength int64
}

// Option changes how a Bus is set up.
type Option func(*Bus)

// WithStreamLength keeps about n facts in each topic's stream instead of
// StreamLength (tests use a short one).
func WithStreamLength(n int64) Option { return func(b *Bus) { b.streamLength = max(1, n) } }

// Connect returns a Bus on the Redis at url (redis://host:port/db). It does
// not wait for Redis to be reachable: the client reconnects by itself.
func Connect(url string, logger *slog.Logger, reg prometheus.Registerer, options ...Option) (*Bus, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, err
	}
	opts.DialTimeout = time.Second
	opts.ReadTimeout = time.Second
	opts.WriteTimeout = time.Second
	opts.MaxRetries = 1
	b := &Bus{
		client: redis.NewClient(opts),
		logger: logger,
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "murmur_events_publish_failures_total", Help: "Events that could not be published to Redis.",
		}, []string{"topic"}),
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "murmur_events_published_total", Help: "Events published to Redis.",
		}, []string{"topic"}),
		streamLength: StreamLength,
	}
	for _, o := range options {
		o(b)
	}
	if reg != nil {
		reg.MustRegister(b.failures, b.sent)
	}
	return b, nil
}

// Publish announces a fact as JSON on its topic, to listeners and to the
// topic's stream. Failures are logged and counted, never returned: callers
// publish after their write committed.
func (b *Bus) Publish(ctx context.Context, topic string, payload any) {
	data, err := json.Marshal(payload)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), publishTimeout)
		defer cancel()
		_, err = b.client.Pipelined(ctx, func(p redis.Pipeliner) error {
			p.XAdd(ctx, b.entry(topic, data))
			p.Publish(ctx, topic, data)
			return nil
		})
	}
	if err != nil {
		b.failures.WithLabelValues(topic).Inc()
		b.logger.WarnContext(ctx, "publish event failed", "topic", topic, "err", err)
		return
	}
	b.sent.WithLabelValues(topic).Inc()
}

// Client is the underlying Redis client, for subscribers.
func (b *Bus) Client() *redis.Client { return b.client }

// Close closes the connection pool.
func (b *Bus) Close() error { return b.client.Close() }
