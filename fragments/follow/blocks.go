package follow

import (
	"context"

	"murmur/fragments/internal/events"
	"murmur/fragments/internal/fault"
)

// BlockResult is what a block changed: whether it is new, and which of
// the follows between the two it ended.
type BlockResult struct {
	Created bool
	// EndedFollowing is the blocker's follow of the blocked, EndedFollower
	// the blocked's follow of the blocker.
	EndedFollowing, EndedFollower bool
}

// Relation is how one person stands with another.
type Relation struct {
	// Blocked: the person blocked the other. BlockedBy: the other blocked
	// the person. Muted: the person muted the other.
	Blocked, BlockedBy, Muted bool
}

// Either reports a block between the two, whichever way.
func (r Relation) Either() bool { return r.Blocked || r.BlockedBy }

var (
	errBlockSelf = fault.New(fault.Invalid, "You cannot block yourself.")
	errMuteSelf  = fault.New(fault.Invalid, "You cannot mute yourself.")
	// What a follow across a block is told, either way: the blocked person
	// learns no more than that they cannot follow.
	errFollowBlocked = fault.New(fault.Forbidden, "You cannot follow this person.")
	errFollowBlocker = fault.New(fault.Forbidden, "You blocked this person: unblock them to follow them.")
)

// refuseBlocked refuses a follow across a block, with words that say who
// can lift it.
func (g *Graph) refuseBlocked(ctx context.Context, viewerID, userID string) error {
	r, err := g.store.Relation(ctx, viewerID, userID)
	switch {
	case err != nil:
		return err
	case r.Blocked:
		return errFollowBlocker
	case r.BlockedBy:
		return errFollowBlocked
	}
	return nil
}

// target checks the person a block or mute is about: a valid id, not the
// viewer, someone profile knows.
func (g *Graph) target(ctx context.Context, viewerID, userID string, self error) error {
	if !ValidID(userID) {
		return errNoUser
	}
	if userID == viewerID {
		return self
	}
	_, err := g.User(ctx, userID)
	return err
}

// Block makes viewerID block userID: the follows between them end both
// ways (announced as follow.deleted), and block.changed is published.
// Idempotent: blocking someone blocked changes and announces nothing.
func (g *Graph) Block(ctx context.Context, viewerID, userID string) (bool, error) {
	if err := g.target(ctx, viewerID, userID, errBlockSelf); err != nil {
		return false, err
	}
	r, err := g.store.Block(ctx, viewerID, userID)
	if err != nil {
		return false, err
	}
	if r.EndedFollowing {
		g.bus.Publish(ctx, events.FollowDeleted, events.FollowChangedPayload{FollowerID: viewerID, FolloweeID: userID})
	}
	if r.EndedFollower {
		g.bus.Publish(ctx, events.FollowDeleted, events.FollowChangedPayload{FollowerID: userID, FolloweeID: viewerID})
	}
	if r.Created {
		g.bus.Publish(ctx, events.BlockChanged, events.BlockChangedPayload{BlockerID: viewerID, BlockedID: userID, Blocked: true})
	}
	return r.Created, nil
}

// Unblock lifts viewerID's block of userID; the follows it ended stay
// ended. Idempotent.
func (g *Graph) Unblock(ctx context.Context, viewerID, userID string) (bool, error) {
	if err := g.target(ctx, viewerID, userID, errBlockSelf); err != nil {
		return false, err
	}
	deleted, err := g.store.Unblock(ctx, viewerID, userID)
	if err == nil && deleted {
		g.bus.Publish(ctx, events.BlockChanged, events.BlockChangedPayload{BlockerID: viewerID, BlockedID: userID, Blocked: false})
	}
	return deleted, err
}

// Mute makes viewerID mute userID: their tweets and boosts leave viewerID's
// home. Idempotent.
func (g *Graph) Mute(ctx context.Context, viewerID, userID string) (bool, error) {
	if err := g.target(ctx, viewerID, userID, errMuteSelf); err != nil {
		return false, err
	}
	created, err := g.store.Mute(ctx, viewerID, userID)
	if err == nil && created {
		g.bus.Publish(ctx, events.MuteChanged, events.MuteChangedPayload{MuterID: viewerID, MutedID: userID, Muted: true})
	}
	return created, err
}

// Unmute lifts viewerID's mute of userID. Idempotent.
func (g *Graph) Unmute(ctx context.Context, viewerID, userID string) (bool, error) {
	if err := g.target(ctx, viewerID, userID, errMuteSelf); err != nil {
		return false, err
	}
	deleted, err := g.store.Unmute(ctx, viewerID, userID)
	if err == nil && deleted {
		g.bus.Publish(ctx, events.MuteChanged, events.MuteChangedPayload{MuterID: viewerID, MutedID: userID, Muted: false})
	}
	return deleted, err
}

// Relation tells how viewerID stands with userID (nothing for malformed
// ids or oneself).
func (g *Graph) Relation(ctx context.Context, viewerID, userID string) (Relation, error) {
	if !ValidID(viewerID) || !ValidID(userID) || viewerID == userID {
		return Relation{}, nil
	}
	return g.store.Relation(ctx, viewerID, userID)
}

// Blocked lists the people viewerID blocked, most recent first.
func (g *Graph) Blocked(ctx context.Context, viewerID string, limit int, cursor string) (Page, error) {
	return g.ownList(ctx, viewerID, limit, cursor, g.store.Blocked)
}

// Muted lists the people viewerID muted, most recent first.
func (g *Graph) Muted(ctx context.Context, viewerID string, limit int, cursor string) (Page, error) {
	return g.ownList(ctx, viewerID, limit, cursor, g.store.Muted)
}

// ownList is a page of one of viewerID's own lists, its people looked up;
// list serves anyone's lists the same way once it knows the person exists.
func (g *Graph) ownList(ctx context.Context, viewerID string, limit int, cursor string,
	ids func(context.Context, string, int, string) (IDPage, error)) (Page, error) {
	page, err := ids(ctx, viewerID, clampLimit(limit), cursor)
	if err != nil {
		return Page{}, err
	}
	ps, err := g.resolve(ctx, page.IDs)
	if err != nil {
		return Page{}, err
	}
	return Page{People: ps, Next: page.Next}, nil
}
