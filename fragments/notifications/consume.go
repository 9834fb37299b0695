package notifications

import (
	"context"
	"log/slog"
	"time"

	"murmur/fragments/internal/events"
)

// Group is the consumer group every instance of the service reads the
// streams in: each fact is handed to one instance, and a fact not
// acknowledged (the instance was down or crashed) is handed out again.
const Group = "notifications"

// keepApplied is how long the record of an applied entry is kept. An
// entry is handed out again only while it is pending (unacknowledged,
// within minutes); a month covers that with room to spare, and a group
// Redis forgot and made anew reads the streams again from their oldest
// kept fact — which a month of records still recognises on a quiet system.
const keepApplied = 30 * 24 * time.Hour

// Consume applies the facts of every topic with a handler, from the
// streams, until ctx ends: what happened while the service was down is
// applied when it comes back. Now and then it forgets old records of
// applied entries.
func (in *Inbox) Consume(ctx context.Context, bus *events.Bus, logger *slog.Logger) {
	go func() {
		tick := time.NewTicker(time.Hour)
		defer tick.Stop()
		for {
			if err := in.store.Forget(ctx, time.Now().Add(-keepApplied)); err != nil && ctx.Err() == nil {
				logger.WarnContext(ctx, "forget applied entries", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	bus.Consume(ctx, events.Group{Name: Group, Topics: Topics(), Wait: 2 * time.Second}, in.Handle)
}
