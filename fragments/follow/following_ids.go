package follow

import "context"

// MaxIDPageSize bounds a page of bare ids: a thousand followees in one answer.
const MaxIDPageSize = 1000

// FollowingVersion identifies one state of whom a person follows. It
// changes whenever they follow or unfollow anyone, and only then: others'
// follows leave it as it is. A list read with a version is still the
// current list while the version is the same, so a reader that kept one can
// ask for the version alone. Zero is the version of someone who has never
// followed anyone (and of an id that names no one): an empty list.
type FollowingVersion int64

// FollowingIDs lists the ids of whom userID follows, most recently followed
// first, without looking anyone up: what the timeline service needs to
// assemble a home feed. An id that names no one follows no one.
func (g *Graph) FollowingIDs(ctx context.Context, userID string, limit int, cursor string) (IDPage, error) {
	if !ValidID(userID) {
		return IDPage{IDs: []string{}}, nil
	}
	if limit <= 0 {
		limit = MaxIDPageSize
	}
	return g.store.Following(ctx, userID, min(limit, MaxIDPageSize), cursor)
}
