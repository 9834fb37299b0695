package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Durable delivery. Pub/sub forgets a fact as soon as it is sent, so a
// service that was down (or not yet deployed) never hears it. Facts that
// must not be lost that way (a notification to make, an account to erase)
// are read from the topic's Redis stream instead, through a consumer
// group: Redis remembers, per group, which facts were handed out and which
// were acknowledged, so a consumer that comes back reads on from where its
// group stopped, and one that crashed while handling a fact has it taken
// over by another member of its group.

// StreamLength is about how many facts each topic's stream keeps (XADD
// MAXLEN ~, trimmed in whole blocks so it stays cheap): how far back a
// consumer that was down, or a service added later, can catch up.
const StreamLength = 10000

// payloadField is the stream entry's field that holds the fact's JSON.
const payloadField = "payload"

// StreamKey is the Redis key of a topic's stream.
func StreamKey(topic string) string { return "events:" + topic }

// entry is the XADD of one fact to its topic's stream.
func (b *Bus) entry(topic string, data []byte) *redis.XAddArgs {
	return &redis.XAddArgs{Stream: StreamKey(topic), MaxLen: b.streamLength, Approx: true, Values: []any{payloadField, data}}
}

// Append adds a fact to its topic's stream only, and returns the entry's id
// or the error: for a publisher that keeps the fact until Redis has it (an
// outbox), where Publish would log the error and move on.
func (b *Bus) Append(ctx context.Context, topic string, payload any) (string, error) {
	data, err := json.Marshal(payload)
	if err != nil {
		return "", err
	}
	return b.client.XAdd(ctx, b.entry(topic, data)).Result()
}

// Entry is one fact read from a stream.
type Entry struct {
	// Topic is which fact it is (tweet.created, ...).
	Topic string
	// ID is the entry's id in its topic's stream, unique there and growing
	// ("1700000000000-0"). Delivery is at least once: a fact whose
	// handling failed, or whose consumer crashed before acknowledging it,
	// is handed out again. A consumer that must not apply a fact twice
	// remembers the topic and id of what it applied.
	ID string
	// Payload is the fact's JSON, the topic's payload type (contract.go).
	Payload []byte
}

// Decode reads the entry's payload into v, a pointer to the topic's payload type.
func (e Entry) Decode(v any) error { return json.Unmarshal(e.Payload, v) }

// Group is how one instance of a service reads topics' streams.
type Group struct {
	// Name is the consumer group: one per service, shared by all its
	// instances, so each fact is handled once by the service, by one of
	// them. A new group starts at the oldest fact the streams still keep.
	Name string
	// Consumer names this instance within the group (default: host name
	// and process id). Facts it was handed are its own until it
	// acknowledges them or another member claims them.
	Consumer string
	// Topics are the topics whose streams are read.
	Topics []string
	// ClaimIdle is how long a fact may wait, handed out but unacknowledged,
	// before a member of the group takes it over (its consumer crashed, or
	// failed to handle it); default one minute.
	ClaimIdle time.Duration
	// Wait is how long one read waits for new facts (default five
	// seconds); claims are looked for between reads.
	Wait time.Duration
	// Batch is how many facts one read takes at most (default 100).
	Batch int64
}

func (g Group) withDefaults() Group {
	if g.Consumer == "" {
		host, _ := os.Hostname()
		g.Consumer = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	if g.ClaimIdle <= 0 {
		g.ClaimIdle = time.Minute
	}
	if g.Wait <= 0 {
		g.Wait = 5 * time.Second
	}
	if g.Batch <= 0 {
		g.Batch = 100
	}
	return g
}

// Consume hands every fact on g's topics to handle, in each topic's order,
// until ctx ends (it returns within g.Wait of that). A fact is acknowledged
// when handle returns nil; after an error it stays pending and is handed
// out again once it has waited g.ClaimIdle. When Redis goes away Consume
// retries with backoff and reads on from where the group stopped.
func (b *Bus) Consume(ctx context.Context, g Group, handle func(context.Context, Entry) error) {
	g = g.withDefaults()
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := b.consume(ctx, g, handle)
		if ctx.Err() != nil {
			return
		}
		b.logger.WarnContext(ctx, "read event streams", "group", g.Name, "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

// consume reads until ctx ends or Redis fails. It (re)creates the group
// first: a Redis that restarted without its data has forgotten it.
func (b *Bus) consume(ctx context.Context, g Group, handle func(context.Context, Entry) error) error {
	streams := make([]string, 0, 2*len(g.Topics))
	for _, topic := range g.Topics {
		err := b.client.XGroupCreateMkStream(ctx, StreamKey(topic), g.Name, "0").Err()
		if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
			return err
		}
		streams = append(streams, StreamKey(topic))
	}
	for range g.Topics {
		streams = append(streams, ">") // facts never handed out to the group
	}
	// Claims are looked for at the start and then every quarter of
	// ClaimIdle, not before every read: a busy stream is read many times a
	// second, and a fact becomes claimable only after ClaimIdle anyway.
	var claimed time.Time
	for ctx.Err() == nil {
		if time.Since(claimed) >= g.ClaimIdle/4 {
			for _, topic := range g.Topics {
				if err := b.claim(ctx, g, topic, handle); err != nil {
					return err
				}
			}
			claimed = time.Now()
		}
		read, err := b.client.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: g.Name, Consumer: g.Consumer, Streams: streams, Count: g.Batch, Block: g.Wait,
		}).Result()
		if errors.Is(err, redis.Nil) {
			continue // nothing new while we waited
		}
		if err != nil {
			return err
		}
		for _, s := range read {
			if err := b.deliver(ctx, g, strings.TrimPrefix(s.Stream, StreamKey("")), s.Messages, handle); err != nil {
				return err
			}
		}
	}
	return nil
}

// claim takes over the facts of topic that have waited unacknowledged for
// g.ClaimIdle (XAUTOCLAIM) and hands them to handle.
func (b *Bus) claim(ctx context.Context, g Group, topic string, handle func(context.Context, Entry) error) error {
	start := "0-0"
	for {
		msgs, next, err := b.client.XAutoClaim(ctx, &redis.XAutoClaimArgs{
			Stream: StreamKey(topic), Group: g.Name, Consumer: g.Consumer, MinIdle: g.ClaimIdle, Start: start, Count: g.Batch,
		}).Result()
		if err != nil {
			return err
		}
		if err := b.deliver(ctx, g, topic, msgs, handle); err != nil {
			return err
		}
		if next == "0-0" {
			return nil
		}
		start = next
	}
}

// deliver hands facts of topic to handle, in order, and acknowledges the
// ones handled in one XACK. Only Redis errors are returned; a failed
// handling leaves its fact pending.
func (b *Bus) deliver(ctx context.Context, g Group, topic string, msgs []redis.XMessage, handle func(context.Context, Entry) error) error {
	done := make([]string, 0, len(msgs))
	for _, m := range msgs {
		payload, ok := m.Values[payloadField].(string)
		if ok {
			if err := handle(ctx, Entry{Topic: topic, ID: m.ID, Payload: []byte(payload)}); err != nil {
				b.logger.WarnContext(ctx, "handle an event; it will be handed out again", "group", g.Name, "topic", topic, "id", m.ID, "err", err)
				continue
			}
		}
		// An entry without a payload is none of ours: acknowledged, so it
		// does not come back.
		done = append(done, m.ID)
	}
	if len(done) == 0 {
		return nil
	}
	// Facts handled as the consumer stops are still acknowledged, or they
	// would be handled twice.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), publishTimeout)
	defer cancel()
	return b.client.XAck(ctx, StreamKey(topic), g.Name, done...).Err()
}

// Tail hands every fact appended to topic's stream from the moment it
// starts to handle, in order, until ctx ends. Unlike Consume there is no
// consumer group: every instance that tails a topic sees every fact (the
// facts that change what each instance keeps in memory). live is told
// true once Redis answers and false when it stopped answering: facts may
// then go by unseen. When Redis is back, reading goes on after the last
// fact handled, so none still in the stream is missed.
func (b *Bus) Tail(ctx context.Context, topic string, handle func(Entry), live func(bool)) {
	key, last, up := StreamKey(topic), "", false
	backoff := 100 * time.Millisecond
	down := func(err error) {
		if up {
			up = false
			live(false)
		}
		b.logger.WarnContext(ctx, "read event stream", "topic", topic, "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
	for ctx.Err() == nil {
		if !up {
			if err := b.client.Ping(ctx).Err(); err != nil {
				down(err)
				continue
			}
			if last == "" {
				// Start at the newest fact: what was appended before this
				// process was here, it learns some other way.
				newest, err := b.client.XRevRangeN(ctx, key, "+", "-", 1).Result()
				if err != nil {
					down(err)
					continue
				}
				last = "0-0"
				if len(newest) == 1 {
					last = newest[0].ID
				}
			}
			up, backoff = true, 100*time.Millisecond
			live(true)
		}
		read, err := b.client.XRead(ctx, &redis.XReadArgs{Streams: []string{key, last}, Count: 100, Block: 5 * time.Second}).Result()
		if errors.Is(err, redis.Nil) {
			continue
		}
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			down(err)
			continue
		}
		for _, s := range read {
			for _, m := range s.Messages {
				if payload, ok := m.Values[payloadField].(string); ok {
					handle(Entry{Topic: topic, ID: m.ID, Payload: []byte(payload)})
				}
				last = m.ID
			}
		}
	}
	if up {
		live(false)
	}
}
