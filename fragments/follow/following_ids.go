package follow

import "context"

// MaxIDPageSize bounds a page of bare ids: a thousand followees in one answer.
const MaxIDPageSize = 1000

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
