package tweets

import (
	"crypto/sha256"
	"encoding/binary"
	"hash/maphash"
	"sync/atomic"

	lru "github.com/hashicorp/golang-lru/v2"
)

// DefaultFeedMemo is how many feed pages a Service remembers unless told
// otherwise (WithFeedMemo). An entry of a home of a thousand authors takes
// about 3 KB (the page's ids and the authors' change slots), so the memo
// stays near 12 MB at most.
const DefaultFeedMemo = 4096

// changeSlots is the size of the change table (a power of two): how many
// last-change sequences each order keeps. See feedChanges.
const changeSlots = 1 << 16

// feedMemo remembers the answers of recent feed queries — which tweets make
// up the page, in order, and the next page's cursor, never the tweets
// themselves — and knows exactly when one has gone stale.
//
// It is exact because this process makes every write to its database: each
// write that can change a feed's answer tells the memo once it has
// committed (Service.Post, Delete, SetLike, SetBoost, ImportTweets,
// ImportLikes). A
// second process writing the same SQLite file would change answers without
// telling this one, and its memo would serve stale pages; running more than
// one tweets process on one database would need the change sequences shared
// between them, which murmur does not do today (run it with the memo off,
// WithFeedMemo(0) or MURMUR_FEED_MEMO=0, if you must).
type feedMemo struct {
	pages   *lru.Cache[feedKey, *feedAnswer]
	changes feedChanges
	hits    atomic.Uint64
	misses  atomic.Uint64
}

// feedKey names a feed query: a SHA-256 of its order, position, bounds,
// page size and authors (see FeedQuery.key). A cryptographic hash, because
// two queries sharing a key would share an answer.
type feedKey [sha256.Size]byte

// feedAnswer is a remembered page of a feed.
type feedAnswer struct {
	// seq is the change sequence taken before the page was read: the answer
	// holds as long as none of its authors changed after it.
	seq uint64
	// popular tells which of the change table's orders applies.
	popular bool
	// slots are the authors' places in the change table (see feedChanges).
	slots []uint16
	// ids are the page's tweets in the feed's order, boosts which of them
	// are there as boosts (nil when none); next is the cursor of the page
	// after, "" at the end.
	ids    []string
	boosts []boostEntry
	next   string
}

// boostEntry is an entry of a remembered page that is a boost.
type boostEntry struct {
	tweetID, booster, boostID string
}

func newFeedMemo(size int) *feedMemo {
	pages, err := lru.New[feedKey, *feedAnswer](size)
	if err != nil {
		panic(err) // only for a size below 1, and NewService makes no memo then
	}
	m := &feedMemo{pages: pages}
	m.changes.seed = maphash.MakeSeed()
	return m
}

// feedChanges numbers the changes that can alter a feed's answer. Every
// change takes the next number of one global sequence, and each author
// keeps the number of their last change: a tweet created or deleted (which
// moves both orders), a boost or unboost by them or the deletion of a
// tweet they boosted (both orders: their boosts are entries of the homes
// holding them), or a like or unlike of one of their tweets or of a tweet
// they boosted (which moves only the popular order, so it is kept apart in
// its own table). A boost changes no page of the boosted tweet's author's
// followers but through the booster: whether a home holds the original is
// fixed by its author list, which names the page.
//
// A remembered answer read at sequence S still holds when no author of its
// feed has a change numbered above S. Authors share the table's slots by a
// hash of their id rather than each having an entry of a map that would
// grow with everyone who ever posted: a slot holds the largest number of
// any of its authors, so sharing can only make an answer look stale when it
// is not (a page read again, never a wrong page), memory stays fixed, and
// checking a thousand authors is a thousand atomic loads with no lock.
//
// Changes are numbered AFTER their write has committed, never before. A
// reader takes the sequence before it queries (now), so:
//   - a change committed before the reader took its number S is numbered
//     either at most S, and the reader's query, which started later, saw
//     it; or above S, which marks the answer stale: a needless
//     recomputation at worst;
//   - a change committing while the query runs is numbered after it
//     commits, so above S: the answer, which may or may not include it, is
//     stale at once.
//
// Numbering before the commit would break the first case: a reader could
// take S after the number was handed out yet query before the commit
// landed, and keep a page without the change as valid for good. A read
// running alongside a write may or may not see it, as without the memo;
// once the write has returned, every read sees it.
type feedChanges struct {
	seq  atomic.Uint64
	seed maphash.Seed
	// recent and popular hold, per slot, the number of the last change that
	// can alter that order.
	recent, popular [changeSlots]atomic.Uint64
	// all is the number of the last change that may have touched anyone's
	// feed (a bulk import of likes, whose authors are not at hand).
	all atomic.Uint64
}

// now is the sequence a reader takes before it reads a feed.
func (c *feedChanges) now() uint64 { return c.seq.Load() }

func (c *feedChanges) slot(author string) uint16 {
	return uint16(maphash.String(c.seed, author) & (changeSlots - 1))
}

// tweetChanged records that one of author's tweets was created or deleted.
func (c *feedChanges) tweetChanged(author string) {
	seq, i := c.seq.Add(1), c.slot(author)
	raise(&c.recent[i], seq)
	raise(&c.popular[i], seq)
}

// likesChanged records that a tweet of author gained or lost a like.
func (c *feedChanges) likesChanged(author string) {
	raise(&c.popular[c.slot(author)], c.seq.Add(1))
}

// everythingChanged records a change that may touch any author's feed.
func (c *feedChanges) everythingChanged() { raise(&c.all, c.seq.Add(1)) }

// holds reports whether nothing that can alter a's answer happened after
// it was read.
func (c *feedChanges) holds(a *feedAnswer) bool {
	if c.all.Load() > a.seq {
		return false
	}
	table := &c.recent
	if a.popular {
		table = &c.popular
	}
	for _, i := range a.slots {
		if table[i].Load() > a.seq {
			return false
		}
	}
	return true
}

// raise sets v to n unless it already holds more: changes of authors
// sharing a slot can finish in any order.
func raise(v *atomic.Uint64, n uint64) {
	for {
		old := v.Load()
		if old >= n || v.CompareAndSwap(old, n) {
			return
		}
	}
}

// key is the memo's name for q: its order, position, bounds, page size,
// reader, hidden set and authors. The hidden set is named as listed, like
// the authors: a block or mute changes it and so the key. It names the authors as the request lists
// them, repeats and order included, rather than as a set: the timeline
// lists a home's authors in the same order on every read (follow's order,
// then the reader), and sorting a thousand ids to name the set would cost
// every read more than the rest of a remembered page. The same set in
// another order is another key: a page read once more, never a wrong one.
func (q FeedQuery) key() feedKey {
	size := 1 + 6*binary.MaxVarintLen64 + len(q.ViewerID)
	for _, h := range q.Hidden {
		size += binary.MaxVarintLen64 + len(h)
	}
	for _, a := range q.Authors {
		size += binary.MaxVarintLen64 + len(a)
	}
	b := make([]byte, 0, size)
	if q.Popular {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	b = binary.AppendVarint(b, int64(q.Below.Likes))
	b = binary.AppendVarint(b, q.Below.ID)
	b = binary.AppendVarint(b, q.Above)
	b = binary.AppendVarint(b, int64(q.Limit))
	// The reader: the home rule lets their own replies in.
	b = binary.AppendUvarint(b, uint64(len(q.ViewerID)))
	b = append(b, q.ViewerID...)
	b = binary.AppendUvarint(b, uint64(len(q.Hidden)))
	for _, h := range q.Hidden {
		b = binary.AppendUvarint(b, uint64(len(h)))
		b = append(b, h...)
	}
	if q.AuthorsKey != "" {
		// The list's own name: a hash of it, in the same order.
		b = append(b, 1)
		b = append(b, q.AuthorsKey...)
		return sha256.Sum256(b)
	}
	b = append(b, 0)
	for _, a := range q.Authors {
		b = binary.AppendUvarint(b, uint64(len(a)))
		b = append(b, a...)
	}
	return sha256.Sum256(b)
}

// lookup returns the remembered answer of key if it still holds.
func (m *feedMemo) lookup(key feedKey) (*feedAnswer, bool) {
	a, ok := m.pages.Get(key)
	if ok && m.changes.holds(a) {
		m.hits.Add(1)
		return a, true
	}
	m.misses.Add(1)
	return nil, false
}

// keep remembers the page read for q at sequence seq.
func (m *feedMemo) keep(key feedKey, seq uint64, q FeedQuery, page Page) {
	if old, ok := m.pages.Peek(key); ok && old.seq > seq {
		return // a newer reading of the same page is already there
	}
	a := &feedAnswer{seq: seq, popular: q.Popular, slots: make([]uint16, len(q.Authors)),
		ids: make([]string, len(page.Tweets)), next: page.Next}
	for i, author := range q.Authors {
		a.slots[i] = m.changes.slot(author)
	}
	for i, t := range page.Tweets {
		a.ids[i] = t.ID
		if t.BoostedBy != nil {
			a.boosts = append(a.boosts, boostEntry{tweetID: t.ID, booster: t.BoostedBy.ID, boostID: t.BoostID})
		}
	}
	m.pages.Add(key, a)
}

// tweetChanged tells the memo, once the write has returned, that a tweet of
// author was created or deleted. The memo may be nil (off); author may be
// "" (a failed write that found no tweet).
func (m *feedMemo) tweetChanged(author string) {
	if m != nil && author != "" {
		m.changes.tweetChanged(author)
	}
}

// likesChanged tells the memo, once the write has returned, that a tweet
// of author gained or lost a like.
func (m *feedMemo) likesChanged(author string) {
	if m != nil && author != "" {
		m.changes.likesChanged(author)
	}
}

// boostsChanged tells the memo, once the write has returned, that booster
// boosted or unboosted a tweet, or that a tweet they boosted is gone: a
// boost is an entry of the homes holding the booster's tweets, in both
// orders, as a tweet of theirs is.
func (m *feedMemo) boostsChanged(booster string) { m.tweetChanged(booster) }

// everythingChanged tells the memo that any feed may have changed.
func (m *feedMemo) everythingChanged() {
	if m != nil {
		m.changes.everythingChanged()
	}
}

// FeedMemoStats counts the feed reads answered from the memo (hits) and
// those read from the database because no answer was remembered or it had
// gone stale (misses).
type FeedMemoStats struct {
	Hits, Misses uint64
}

// FeedMemoStats tells how the feed memo has fared since the service began;
// zero when it is off.
func (s *Service) FeedMemoStats() FeedMemoStats {
	if s.memo == nil {
		return FeedMemoStats{}
	}
	return FeedMemoStats{Hits: s.memo.hits.Load(), Misses: s.memo.misses.Load()}
}
