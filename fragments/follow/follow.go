// Package follow is murmur's follow graph: who follows whom, how many
// followers and followees each person has, and whom to suggest following.
// Storage and HTTP live in the store and server packages, which depend on
// this one.
//
// People themselves belong to the profile service. This service keeps only
// user ids and asks profile (through people.Client, which caches) whether an
// id names someone and what their handle and display name are.
package follow

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"

	"murmur/fragments/internal/events"
	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/people"
)

// Limits of the lists this service answers.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
	// SuggestionCount is how many people the who-to-follow widget shows.
	SuggestionCount = 5
)

// Edge is one person following another, as of a moment.
type Edge struct {
	FollowerID string
	FolloweeID string
	CreatedAt  time.Time
}

// Counts are how many followers a person has and how many they follow.
type Counts struct {
	Followers int
	Following int
}

// Stats are a person's counts, and whether the viewer follows them.
type Stats struct {
	ID string
	Counts
	FollowedByMe bool
}

// IDPage is one page of user ids and the cursor of the next ("" at the end).
type IDPage struct {
	IDs  []string
	Next string
	// Hidden is set on a page of FollowingIDs only: the people whose tweets
	// and boosts stay out of the home (see Graph.FollowingIDs).
	Hidden []string
}

// Page is one page of people and the cursor of the next ("" at the end).
type Page struct {
	People []people.Person
	Next   string
}

// Store keeps the follow graph. Follow and Unfollow report whether they
// changed anything, so repeating one is harmless and announces nothing.
// Ids reaching the store are valid (see ValidID). Errors carry fault kinds:
// Invalid for a cursor the store did not give out.
type Store interface {
	Follow(ctx context.Context, followerID, followeeID string) (created bool, err error)
	Unfollow(ctx context.Context, followerID, followeeID string) (deleted bool, err error)
	Counts(ctx context.Context, userID string) (Counts, error)
	// FollowedAmong returns which of ids followerID follows.
	FollowedAmong(ctx context.Context, followerID string, ids []string) (map[string]bool, error)
	// Followers and Following list a person's followers and followees, most
	// recent first, limit at a time.
	Followers(ctx context.Context, userID string, limit int, cursor string) (IDPage, error)
	Following(ctx context.Context, userID string, limit int, cursor string) (IDPage, error)
	// FollowingIDs is Following with the version of the list it read, the
	// two read together so that the version names exactly those ids.
	FollowingIDs(ctx context.Context, userID string, limit int, cursor string) (IDPage, FollowingVersion, error)
	// FollowingVersion returns the version of whom userID follows.
	FollowingVersion(ctx context.Context, userID string) (FollowingVersion, error)
	// FollowedByFollowees ranks the people followed by those userID
	// followed most recently (a bounded number) by how many of them follow
	// each, leaving out userID, whom userID already follows and skip.
	FollowedByFollowees(ctx context.Context, userID string, limit int, skip []string) ([]string, error)
	// MostFollowed lists people with followers, most followed first, leaving
	// out userID (may be ""), whom userID already follows and skip.
	MostFollowed(ctx context.Context, userID string, limit int, skip []string) ([]string, error)

	// Block records a block and ends the follows between the two both
	// ways, in one transaction; Unblock lifts it. Mute and Unmute likewise.
	// Each reports whether it changed anything.
	Block(ctx context.Context, blocker, blocked string) (BlockResult, error)
	Unblock(ctx context.Context, blocker, blocked string) (bool, error)
	Mute(ctx context.Context, muter, muted string) (bool, error)
	Unmute(ctx context.Context, muter, muted string) (bool, error)
	// Relation tells how userID stands with other.
	Relation(ctx context.Context, userID, other string) (Relation, error)
	// Blocked and Muted list whom userID blocked and muted, newest first.
	Blocked(ctx context.Context, userID string, limit int, cursor string) (IDPage, error)
	Muted(ctx context.Context, userID string, limit int, cursor string) (IDPage, error)

	// EraseUser removes everything the graph keeps of a deleted account
	// (follows both ways, counts, versions) and returns how many rows
	// went: 0 when nothing was left.
	EraseUser(ctx context.Context, userID string) (int64, error)
	// Export lists everything the graph keeps of a person (Export).
	Export(ctx context.Context, userID string) (Export, error)
}

// People tells who user ids and handles are; people.Client asks profile.
type People interface {
	ByHandle(ctx context.Context, handle string) (people.Person, error)
	ByIDs(ctx context.Context, ids []string) (map[string]people.Person, error)
	Directory(ctx context.Context, limit int) ([]people.Person, error)
}

// Publisher announces facts to the other services. It never fails: the
// change it announces is already committed.
type Publisher interface {
	Publish(ctx context.Context, topic string, payload any)
}

// Graph is the follow domain's operations.
type Graph struct {
	store  Store
	people People
	bus    Publisher
	// suggested remembers the who-to-follow widget's picks (see WhoToFollow).
	suggested *expirable.LRU[string, suggestion]
}

// NewGraph returns the follow operations over a store, a directory of
// people and an event bus.
func NewGraph(store Store, people People, bus Publisher) *Graph {
	return &Graph{store: store, people: people, bus: bus,
		suggested: expirable.NewLRU[string, suggestion](suggestionsKept, nil, suggestionsFor)}
}

var (
	errNoUser = fault.New(fault.NotFound, "No such user.")
	errSelf   = fault.New(fault.Invalid, "You cannot follow yourself.")
)

// ValidID reports whether id has the form of a user id: a positive decimal
// number without sign or leading zeros. Anything else names no one.
func ValidID(id string) bool {
	n, err := strconv.ParseInt(id, 10, 64)
	return err == nil && n > 0 && strconv.FormatInt(n, 10) == id
}

// User returns the person with the given id; NotFound when the id is
// malformed or names no one.
func (g *Graph) User(ctx context.Context, id string) (people.Person, error) {
	if !ValidID(id) {
		return people.Person{}, errNoUser
	}
	found, err := g.people.ByIDs(ctx, []string{id})
	if err != nil {
		return people.Person{}, err
	}
	p, ok := found[id]
	if !ok {
		return people.Person{}, errNoUser
	}
	return p, nil
}

// UserByHandle returns the person with the given handle (any case).
func (g *Graph) UserByHandle(ctx context.Context, handle string) (people.Person, error) {
	return g.people.ByHandle(ctx, handle)
}

// checkTarget refuses a follow or unfollow of oneself or of a malformed id,
// in that order of questions a person would ask.
func checkTarget(viewerID, userID string) error {
	if !ValidID(userID) {
		return errNoUser
	}
	if userID == viewerID {
		return errSelf
	}
	return nil
}

// Follow makes viewerID follow userID. It is idempotent: following someone
// already followed changes nothing and announces nothing. It reports whether
// the graph changed.
func (g *Graph) Follow(ctx context.Context, viewerID, userID string) (bool, error) {
	if err := checkTarget(viewerID, userID); err != nil {
		return false, err
	}
	// An existing edge proves the person exists: only people profile knew
	// were ever followed. Otherwise ask profile before writing.
	followed, err := g.store.FollowedAmong(ctx, viewerID, []string{userID})
	if err != nil {
		return false, err
	}
	if followed[userID] {
		return false, nil
	}
	if _, err := g.User(ctx, userID); err != nil {
		return false, err
	}
	if err := g.refuseBlocked(ctx, viewerID, userID); err != nil {
		return false, err
	}
	created, err := g.store.Follow(ctx, viewerID, userID)
	if err != nil {
		return false, err
	}
	if created {
		g.bus.Publish(ctx, events.FollowCreated, events.FollowChangedPayload{FollowerID: viewerID, FolloweeID: userID})
	}
	return created, nil
}

// Unfollow makes viewerID stop following userID. It is idempotent:
// unfollowing someone not followed changes nothing and announces nothing,
// but an id that names no one is still NotFound.
func (g *Graph) Unfollow(ctx context.Context, viewerID, userID string) (bool, error) {
	if err := checkTarget(viewerID, userID); err != nil {
		return false, err
	}
	deleted, err := g.store.Unfollow(ctx, viewerID, userID)
	if err != nil {
		return false, err
	}
	if deleted {
		g.bus.Publish(ctx, events.FollowDeleted, events.FollowChangedPayload{FollowerID: viewerID, FolloweeID: userID})
		return true, nil
	}
	if _, err := g.User(ctx, userID); err != nil {
		return false, err
	}
	return false, nil
}

// IsFollowing reports whether viewerID follows userID (false for malformed ids).
func (g *Graph) IsFollowing(ctx context.Context, viewerID, userID string) (bool, error) {
	if !ValidID(userID) || !ValidID(viewerID) {
		return false, nil
	}
	m, err := g.store.FollowedAmong(ctx, viewerID, []string{userID})
	return m[userID], err
}

// FollowedAmong returns which of ids viewerID follows; an anonymous viewer
// ("") follows no one.
func (g *Graph) FollowedAmong(ctx context.Context, viewerID string, ids []string) (map[string]bool, error) {
	if viewerID == "" || len(ids) == 0 {
		return map[string]bool{}, nil
	}
	return g.store.FollowedAmong(ctx, viewerID, ids)
}

// Stats returns a person's counts and whether viewerID ("" when signed
// out) follows them.
func (g *Graph) Stats(ctx context.Context, viewerID, userID string) (Stats, error) {
	if _, err := g.User(ctx, userID); err != nil {
		return Stats{}, err
	}
	return g.knownStats(ctx, viewerID, userID)
}

// knownStats is Stats for a person already known to exist.
func (g *Graph) knownStats(ctx context.Context, viewerID, userID string) (Stats, error) {
	c, err := g.store.Counts(ctx, userID)
	if err != nil {
		return Stats{}, err
	}
	st := Stats{ID: userID, Counts: c}
	if viewerID != "" && viewerID != userID {
		if st.FollowedByMe, err = g.IsFollowing(ctx, viewerID, userID); err != nil {
			return Stats{}, err
		}
	}
	return st, nil
}

// PersonStats returns the stats of a person already looked up.
func (g *Graph) PersonStats(ctx context.Context, viewerID string, p people.Person) (Stats, error) {
	return g.knownStats(ctx, viewerID, p.ID)
}

// Followers lists the people who follow userID, most recent first.
func (g *Graph) Followers(ctx context.Context, userID string, limit int, cursor string) (Page, error) {
	return g.list(ctx, userID, limit, cursor, g.store.Followers)
}

// Following lists the people userID follows, most recently followed first.
func (g *Graph) Following(ctx context.Context, userID string, limit int, cursor string) (Page, error) {
	return g.list(ctx, userID, limit, cursor, g.store.Following)
}

func (g *Graph) list(ctx context.Context, userID string, limit int, cursor string,
	ids func(context.Context, string, int, string) (IDPage, error)) (Page, error) {
	if _, err := g.User(ctx, userID); err != nil {
		return Page{}, err
	}
	return g.ownList(ctx, userID, limit, cursor, ids)
}

func clampLimit(limit int) int {
	if limit <= 0 {
		return DefaultPageSize
	}
	return min(limit, MaxPageSize)
}

// resolve looks the ids up in profile, keeping their order and leaving out
// any profile does not know.
func (g *Graph) resolve(ctx context.Context, ids []string) ([]people.Person, error) {
	out := make([]people.Person, 0, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	found, err := g.people.ByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if p, ok := found[id]; ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// Suggest picks up to limit people for viewerID ("" when signed out) to
// follow, best first, never viewerID, nobody viewerID already follows and
// nobody in skip (those already on screen):
//  1. people followed by the people viewerID follows, ranked by how many of
//     them follow each;
//  2. then the most-followed people;
//  3. then anyone else on murmur, so a new person on a young network still
//     sees someone to follow.
func (g *Graph) Suggest(ctx context.Context, viewerID string, limit int, skip []string) ([]people.Person, error) {
	ids, err := g.suggest(ctx, viewerID, limit, skip)
	if err != nil {
		return nil, err
	}
	return g.resolve(ctx, ids)
}

// suggest is Suggest's choice, as ids.
func (g *Graph) suggest(ctx context.Context, viewerID string, limit int, skip []string) ([]string, error) {
	if limit <= 0 {
		return []string{}, nil
	}
	skip = slices.DeleteFunc(slices.Clone(skip), func(id string) bool { return !ValidID(id) })
	var ids []string
	if viewerID != "" {
		// Nobody the viewer hides (muted, blocked, blocking them) is
		// suggested: the hidden set comes with a one-id page of the home list.
		page, _, err := g.store.FollowingIDs(ctx, viewerID, 1, "")
		if err != nil {
			return nil, err
		}
		skip = append(skip, page.Hidden...)
		fof, err := g.store.FollowedByFollowees(ctx, viewerID, limit, skip)
		if err != nil {
			return nil, err
		}
		ids = fof
	}
	if len(ids) < limit {
		popular, err := g.store.MostFollowed(ctx, viewerID, limit-len(ids), append(skip, ids...))
		if err != nil {
			return nil, err
		}
		ids = append(ids, popular...)
	}
	if len(ids) < limit {
		more, err := g.others(ctx, viewerID, limit-len(ids), append(skip, ids...))
		if err != nil {
			return nil, err
		}
		ids = append(ids, more...)
	}
	return ids, nil
}

// others picks people from profile's directory who are not viewerID, not
// followed by viewerID and not in skip.
func (g *Graph) others(ctx context.Context, viewerID string, limit int, skip []string) ([]string, error) {
	dir, err := g.people.Directory(ctx, MaxPageSize)
	if err != nil {
		return nil, err
	}
	var candidates []string
	for _, p := range dir {
		if p.ID != viewerID && !slices.Contains(skip, p.ID) {
			candidates = append(candidates, p.ID)
		}
	}
	followed, err := g.FollowedAmong(ctx, viewerID, candidates)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, id := range candidates {
		if len(out) == limit {
			break
		}
		if !followed[id] {
			out = append(out, id)
		}
	}
	return out, nil
}
