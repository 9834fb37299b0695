// Package events carries facts between services over Redis pub/sub
// (tweet.created, follow.deleted, ...). Publishing never fails a request:
// the write it announces is already committed, so a Redis outage is logged
// and counted, and live updates pause until Redis is back.
package events

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

// Topics of the facts services announce.
const (
	UserCreated    = "user.created"
	TweetCreated   = "tweet.created"
	TweetDeleted   = "tweet.deleted"
	LikeChanged    = "like.changed"
	FollowCreated  = "follow.created"
	FollowDeleted  = "follow.deleted"
	publishTimeout = 500 * time.Millisecond
)

// Bus publishes and subscribes to events on Redis.
type Bus struct {
	client   *redis.Client
	logger   *slog.Logger
	failures *prometheus.CounterVec
	sent     *prometheus.CounterVec
}

// Connect returns a Bus on the Redis at url (redis://host:port/db). It does
// not wait for Redis to be reachable: the client reconnects by itself.
func Connect(url string, logger *slog.Logger, reg prometheus.Registerer) (*Bus, error) {
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
	}
	if reg != nil {
		reg.MustRegister(b.failures, b.sent)
	}
	return b, nil
}

// Publish announces a fact as JSON on its topic. Failures are logged and
// counted, never returned: callers publish after their write committed.
func (b *Bus) Publish(ctx context.Context, topic string, payload any) {
	data, err := json.Marshal(payload)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), publishTimeout)
		defer cancel()
		err = b.client.Publish(ctx, topic, data).Err()
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
