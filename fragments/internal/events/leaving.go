package events

import (
	"context"
	"time"
)

// ConsumeUserDeleted hands every user.deleted fact to erase, through the
// consumer group named group (one per service, shared by its instances),
// until ctx ends: a deletion made while the service was down is erased
// when it is back. Delivery is at least once, so erase must change nothing
// more when a fact comes again. A payload that does not decode (never
// will) is acknowledged and skipped; an error from erase leaves the fact
// pending, to be handed out again.
func (b *Bus) ConsumeUserDeleted(ctx context.Context, group string, erase func(context.Context, UserDeletedPayload) error) {
	b.Consume(ctx, Group{Name: group, Topics: []string{UserDeleted}, Wait: 2 * time.Second, ClaimIdle: 15 * time.Second},
		func(ctx context.Context, e Entry) error {
			var p UserDeletedPayload
			if err := e.Decode(&p); err != nil || p.UserID == "" {
				b.logger.WarnContext(ctx, "a user.deleted fact that does not decode is skipped", "id", e.ID, "err", err)
				return nil
			}
			return erase(ctx, p)
		})
}
