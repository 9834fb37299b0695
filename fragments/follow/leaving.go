package follow

import (
	"context"
	"log/slog"

	"murmur/fragments/internal/events"
)

// DeletionGroup is the consumer group follow reads user.deleted in.
const DeletionGroup = "follow"

// EraseUser removes a deleted account from the graph: whom they followed
// and who followed them (everyone's counts follow), and their own counts.
// Idempotent. Who-to-follow picks that named them leave at once: they are
// people profile no longer knows.
func (g *Graph) EraseUser(ctx context.Context, userID string) (int64, error) {
	if !ValidID(userID) {
		return 0, nil
	}
	return g.store.EraseUser(ctx, userID)
}

// ConsumeDeletions erases each deleted account from the graph, from the
// user.deleted stream, until ctx ends (events.Bus.ConsumeUserDeleted).
func (g *Graph) ConsumeDeletions(ctx context.Context, bus *events.Bus, logger *slog.Logger) {
	bus.ConsumeUserDeleted(ctx, DeletionGroup, func(ctx context.Context, p events.UserDeletedPayload) error {
		n, err := g.EraseUser(ctx, p.UserID)
		if err == nil && n > 0 {
			logger.InfoContext(ctx, "erased a deleted account", "user_id", p.UserID, "rows", n)
		}
		return err
	})
}
