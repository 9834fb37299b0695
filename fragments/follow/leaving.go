package follow

import (
	"context"
	"log/slog"
	"time"

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

// ExportedEdge is one follow in an export: the other person, and when.
type ExportedEdge struct {
	UserID string `json:"user_id"`
	// Handle and DisplayName are who UserID is now; empty when profile
	// no longer knows them.
	Handle      string    `json:"handle"`
	DisplayName string    `json:"display_name"`
	At          time.Time `json:"at"`
}

// Export is everything the graph keeps of one person, for them to take
// away. It is the one place that lists what follow keeps. Who blocked or
// muted them is the others' to keep, and not in it.
type Export struct {
	Following []ExportedEdge `json:"following"`
	Followers []ExportedEdge `json:"followers"`
	// Blocked and Muted are whom they blocked and muted.
	Blocked []ExportedEdge `json:"blocked"`
	Muted   []ExportedEdge `json:"muted"`
}

// Export gathers whom the user follows, who follows them, and whom they
// blocked and muted, oldest first, with who each person is now.
func (g *Graph) Export(ctx context.Context, userID string) (Export, error) {
	e, err := g.store.Export(ctx, userID)
	if err != nil {
		return Export{}, err
	}
	var ids []string
	for _, l := range [][]ExportedEdge{e.Following, e.Followers, e.Blocked, e.Muted} {
		for _, x := range l {
			ids = append(ids, x.UserID)
		}
	}
	known, err := g.people.ByIDs(ctx, ids)
	if err != nil {
		return Export{}, err
	}
	for _, l := range [][]ExportedEdge{e.Following, e.Followers, e.Blocked, e.Muted} {
		for i := range l {
			if p, ok := known[l[i].UserID]; ok {
				l[i].Handle, l[i].DisplayName = p.Handle, p.DisplayName
			}
		}
	}
	return e, nil
}
