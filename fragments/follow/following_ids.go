package follow

import "context"

// MaxIDPageSize bounds a page of bare ids: five thousand followees in one answer.
const MaxIDPageSize = 5000

// FollowingVersion identifies one state of whom a person follows. It
// changes whenever they follow or unfollow anyone, and only then: others'
// follows leave it as it is. A list read with a version is still the
// current list while the version is the same, so a reader that kept one can
// ask for the version alone. Zero is the version of someone who has never
// followed anyone (and of an id that names no one): an empty list.
type FollowingVersion int64

// FollowingIDs lists the ids of whom userID follows, most recently followed
// first, without looking anyone up: what the timeline service needs to
// assemble a home feed. It is the home's list: whom userID muted is left
// out (whom they blocked, or who blocked them, they no longer follow), and
// each page carries the hidden set, everyone whose tweets and boosts stay
// out of the home: muted, blocked, or blocking userID. It also returns the
// version of the list it read, which blocks and mutes change too. An id
// that names no one follows no one.
func (g *Graph) FollowingIDs(ctx context.Context, userID string, limit int, cursor string) (IDPage, FollowingVersion, error) {
	if !ValidID(userID) {
		return IDPage{IDs: []string{}, Hidden: []string{}}, 0, nil
	}
	if limit <= 0 {
		limit = MaxIDPageSize
	}
	return g.store.FollowingIDs(ctx, userID, min(limit, MaxIDPageSize), cursor)
}

// FollowingVersion returns the current version of whom userID follows, in
// one lookup: whether a list FollowingIDs gave before is still the list.
func (g *Graph) FollowingVersion(ctx context.Context, userID string) (FollowingVersion, error) {
	if !ValidID(userID) {
		return 0, nil
	}
	return g.store.FollowingVersion(ctx, userID)
}
