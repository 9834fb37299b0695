package tweets

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/authorset"
	"murmur/fragments/internal/fault"
)

// The orders a feed can be read in.
const (
	// SortRecent is newest first.
	SortRecent = "recent"
	// SortPopular is most liked first, ties newest first.
	SortPopular = "popular"
)

// MaxFeedAuthors bounds how many authors one feed request may name: a
// person following tens of thousands of accounts still fits, a request
// listing everyone on murmur does not.
const MaxFeedAuthors = 50_000

// FeedGroup is how many authors one store query reads; a feed of more
// authors is read in groups and merged (see feedGroups).
const FeedGroup = 5000

// FeedPosition is a place in a feed's order: the (like count, id) of the
// last entry seen, the id being the tweet's or, for an entry that is a
// boost, the boost's. Recent feeds use only the id. The zero value is the
// top.
type FeedPosition struct {
	Likes int
	ID    int64
}

// FeedQuery selects a page of the tweets of a set of authors, the way a
// home timeline reads them.
type FeedQuery struct {
	Authors []string
	// Home is the feed's whole author list when Authors is a group of it
	// (see feedGroups), nil otherwise: the home rule for replies and the
	// boosts' "never twice" look at the whole home.
	Home    []string
	Popular bool
	// Below continues a feed after the position (exclusive); zero for the top.
	Below FeedPosition
	// Above keeps only tweets with larger ids than it (recent feeds only):
	// what a reconnecting timeline missed. 0 means no bound.
	Above    int64
	Limit    int
	ViewerID string
	// AuthorsKey is the name of Authors (authorset.Name) when the caller
	// gave one: the memo names the query by it instead of hashing the list.
	AuthorsKey string
	// Hidden are people none of whose tweets are entries, as their own or
	// boosted by an author, and whose boosts are none either: the
	// reader's muted and blocked people and those who blocked the reader.
	Hidden []string
}

// FeedRequest is what a caller asks of Feed, in the words of the API.
type FeedRequest struct {
	Authors []string
	// AuthorsKey names Authors (authorset.Name). Sent with Authors, the
	// service checks and remembers the list under it; sent alone, it
	// stands for the list remembered, and a list not (or no longer)
	// remembered is a Precondition fault: send it again with Authors.
	AuthorsKey string
	// Hidden: see FeedQuery.Hidden.
	Hidden []string
	// Sort is SortRecent (the default) or SortPopular.
	Sort string
	// Cursor is the Next of the previous page, "" for the first.
	Cursor string
	// After keeps only tweets newer than this tweet id (recent only).
	After string
	Limit int
}

var errBadCursor = fault.New(fault.Invalid, "The cursor is not one this service gave out.")

// Feed returns a page of the tweets of the given authors, newest first or
// most liked first, as the viewer sees them. Cursors are positions in the
// order (never offsets), so tweets posted while a reader pages through do
// not shift later pages: nothing repeats, nothing is skipped.
//
// Which tweets make up a page is remembered (see feedMemo) until one of
// the authors posts, deletes or, for the popular order, is liked or
// unliked: a home read again and again, as people reloading it do, skips
// the feed query. The tweets themselves, their like counts and whether the
// viewer likes them are read afresh every time.
func (s *Service) Feed(ctx context.Context, r FeedRequest, viewer auth.Viewer) (Page, error) {
	if err := s.resolveAuthors(&r); err != nil {
		return Page{}, err
	}
	q, err := feedQuery(r, viewer)
	if err != nil {
		return Page{}, err
	}
	var page Page
	if s.memo == nil {
		page, err = s.readFeed(ctx, q)
	} else {
		page, err = s.memoFeed(ctx, q)
	}
	if err != nil {
		return Page{}, err
	}
	s.fill(ctx, page.Tweets, viewer)
	return page, nil
}

// AuthorSetIDs bounds the ids of the author lists remembered by name, in
// all: some 2,000 homes of a thousand followees, about 40 MB.
const AuthorSetIDs = 2_000_000

var errUnknownAuthors = fault.New(fault.Precondition,
	"This author list is not known here (any more): send authors with its authors_key.")

// resolveAuthors puts the list r.AuthorsKey names into r.Authors, or
// checks and remembers the list sent with it.
func (s *Service) resolveAuthors(r *FeedRequest) error {
	switch {
	case r.AuthorsKey == "":
		return nil
	case !authorset.Valid(r.AuthorsKey):
		return fault.New(fault.Invalid, "authors_key must be 64 lowercase hexadecimal digits.")
	case r.Authors != nil:
		if len(r.Authors) > MaxFeedAuthors {
			return fault.New(fault.Invalid, "At most %d authors in one feed.", MaxFeedAuthors)
		}
		if !s.sets.Remember(r.AuthorsKey, r.Authors) {
			return fault.New(fault.Invalid, "authors_key is not the name of these authors.")
		}
		return nil
	}
	list, ok := s.sets.Get(r.AuthorsKey)
	if !ok {
		return errUnknownAuthors
	}
	r.Authors = list
	return nil
}

// feedQuery checks a request and turns it into a query, its authors as
// given (readFeed drops repeats and empty ids).
func feedQuery(r FeedRequest, viewer auth.Viewer) (FeedQuery, error) {
	q := FeedQuery{Authors: r.Authors, Limit: max(1, min(r.Limit, 100)), ViewerID: viewer.ID, AuthorsKey: r.AuthorsKey,
		Hidden: uniqueAuthors(r.Hidden)}
	if len(r.Hidden) > MaxFeedAuthors {
		return q, fault.New(fault.Invalid, "At most %d hidden people in one feed.", MaxFeedAuthors)
	}
	switch r.Sort {
	case "", SortRecent:
	case SortPopular:
		q.Popular = true
	default:
		return q, fault.New(fault.Invalid, "sort must be %q or %q.", SortRecent, SortPopular)
	}
	if len(r.Authors) > MaxFeedAuthors {
		return q, fault.New(fault.Invalid, "At most %d authors in one feed.", MaxFeedAuthors)
	}
	if r.Cursor != "" {
		pos, ok := parseFeedCursor(r.Cursor, q.Popular)
		if !ok {
			return q, errBadCursor
		}
		q.Below = pos
	}
	if r.After != "" {
		if q.Popular {
			return q, fault.New(fault.Invalid, "after applies to the recent order only.")
		}
		var ok bool
		if q.Above, ok = ParseID(r.After); !ok {
			return q, fault.New(fault.Invalid, "after must be a tweet id.")
		}
	}
	return q, nil
}

// readFeed reads a page of a feed from the store, authors not filled in.
func (s *Service) readFeed(ctx context.Context, q FeedQuery) (Page, error) {
	q.Authors = uniqueAuthors(q.Authors)
	if len(q.Hidden) > 0 {
		// Their own tweets stay out too, whoever listed them.
		q.Authors = slices.DeleteFunc(q.Authors, func(a string) bool { return slices.Contains(q.Hidden, a) })
	}
	if len(q.Authors) == 0 {
		return Page{Tweets: []Tweet{}}, nil
	}
	want := q.Limit
	q.Limit = want + 1 // one more tells whether there is a next page
	list, err := s.feedGroups(ctx, q)
	if err != nil {
		return Page{}, err
	}
	page := Page{Tweets: list}
	if len(list) > want {
		page.Tweets = list[:want]
		last := page.Tweets[want-1]
		page.Next = feedCursor(last, q.Popular)
	}
	return page, nil
}

// uniqueAuthors is list without repeats or empty ids, in its order.
func uniqueAuthors(list []string) []string {
	seen := make(map[string]bool, len(list))
	out := make([]string, 0, len(list))
	for _, a := range list {
		if a != "" && !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	return out
}

// memoFeed answers a page of a feed from the memo when it holds one that is
// still true, reading only the page's tweets; otherwise it reads the page
// and remembers it.
func (s *Service) memoFeed(ctx context.Context, q FeedQuery) (Page, error) {
	key := q.key()
	if a, ok := s.memo.lookup(key); ok {
		list, err := s.store.Tweets(ctx, a.ids, q.ViewerID)
		if err != nil {
			return Page{}, err
		}
		if a.boosts != nil {
			// Entries are distinct tweets, so the rows come back one per
			// entry, in order, leaving out only tweets deleted since.
			byTweet := make(map[string]boostEntry, len(a.boosts))
			for _, b := range a.boosts {
				byTweet[b.tweetID] = b
			}
			for i := range list {
				if b, ok := byTweet[list[i].ID]; ok {
					list[i].BoostedBy, list[i].BoostID = &Author{ID: b.booster}, b.boostID
				}
			}
		}
		return Page{Tweets: list, Next: a.next}, nil
	}
	// Taken before the query: a change that commits from here on is
	// numbered above seq and marks this answer stale (see feedChanges).
	seq := s.memo.changes.now()
	page, err := s.readFeed(ctx, q)
	if err != nil {
		return Page{}, err
	}
	s.memo.keep(key, seq, q, page)
	return page, nil
}

// feedGroups reads a feed of more authors than one store query should name
// a group at a time: every group answers its best q.Limit tweets below the
// same position, and the best q.Limit of those, in the feed's order, are
// the page. The next page continues every group from the position of the
// page's last tweet, so nothing repeats and nothing is skipped.
func (s *Service) feedGroups(ctx context.Context, q FeedQuery) ([]Tweet, error) {
	if len(q.Authors) <= s.feedGroup {
		return s.store.Feed(ctx, q)
	}
	var all []Tweet
	for group := range slices.Chunk(q.Authors, s.feedGroup) {
		gq := q
		gq.Authors, gq.Home = group, q.Authors
		list, err := s.store.Feed(ctx, gq)
		if err != nil {
			return nil, err
		}
		all = append(all, list...)
	}
	slices.SortFunc(all, func(a, b Tweet) int {
		if q.Popular && a.LikeCount != b.LikeCount {
			return cmp.Compare(b.LikeCount, a.LikeCount)
		}
		ai, _ := ParseID(a.FeedPosition())
		bi, _ := ParseID(b.FeedPosition())
		return cmp.Compare(bi, ai)
	})
	return all[:min(len(all), q.Limit)], nil
}

// feedCursor is the position of t: its id (its boost's, for an entry
// that is a boost) for the recent order, "<likes>_<id>" for the popular
// one.
func feedCursor(t Tweet, popular bool) string {
	if popular {
		return strconv.Itoa(t.LikeCount) + "_" + t.FeedPosition()
	}
	return t.FeedPosition()
}

func parseFeedCursor(c string, popular bool) (FeedPosition, bool) {
	if !popular {
		id, ok := ParseID(c)
		return FeedPosition{ID: id}, ok
	}
	likes, id, ok := strings.Cut(c, "_")
	if !ok {
		return FeedPosition{}, false
	}
	n, err := strconv.Atoi(likes)
	if err != nil || n < 0 || strconv.Itoa(n) != likes {
		return FeedPosition{}, false
	}
	pos := FeedPosition{Likes: n}
	pos.ID, ok = ParseID(id)
	return pos, ok
}
