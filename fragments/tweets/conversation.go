package tweets

import (
	"cmp"
	"context"
	"slices"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/fault"
)

// Bounds of a conversation read at once (see Service.Conversation).
const (
	// MaxAncestors is how many tweets above a tweet its conversation shows.
	MaxAncestors = 100
	// MaxReplyDepth is how many levels of replies below a tweet its
	// conversation reads.
	MaxReplyDepth = 50
	// MaxConversation is how many replies below a tweet (at any depth,
	// deleted ones included) its conversation reads.
	MaxConversation = 2000
	// DefaultConversationPage and MaxConversationPage bound how many
	// replies one answer lists.
	DefaultConversationPage, MaxConversationPage = 100, 200
)

// ThreadNode is a place in a conversation as the store keeps it: a tweet,
// or the tombstone of a deleted one.
type ThreadNode struct {
	ID int64
	// InReplyTo is the tweet it answers; 0 for none, or for a tweet gone
	// without a trace of what it answered.
	InReplyTo int64
	// AuthorID wrote it (tombstones remember); "" when nothing is known.
	AuthorID string
	Deleted  bool
}

// ConversationEntry is one place of a conversation as a viewer sees it: a
// tweet, or where a deleted tweet was.
type ConversationEntry struct {
	ID string
	// Tweet is nil when the tweet was deleted.
	Tweet *Tweet
	// InReplyToID is the tweet it answers, nil for none.
	InReplyToID *string
	// Depth is 1 for a reply to the conversation's tweet, 2 for a reply
	// to that, and so on; 0 for the tweets above it.
	Depth int
	// Thread is set on the replies that continue the conversation's tweet
	// as a thread: its author's first reply to it, that author's first
	// reply to that, and so on. They lead the descendants, in order.
	Thread bool
	// Level is how far a reply is indented below the conversation's tweet
	// when the thread reads as one with it: 1 for the thread's replies and
	// the direct replies, one more for each reply below; 0 above.
	Level int
}

// Conversation is what surrounds a tweet: the chain of tweets it answers
// and the replies below it.
type Conversation struct {
	// Ancestors are the tweets the tweet answers, oldest first, ending with
	// the one it replies to; at most MaxAncestors of the nearest. When the
	// first still answers another (InReplyToID set), the chain goes on:
	// that tweet's own conversation shows the rest.
	Ancestors []ConversationEntry
	// Descendants are the replies below it, depth first: each reply is
	// followed by the replies to it before its next sibling. Siblings come
	// oldest first, except that the replied-to tweet's author's own replies
	// come before everyone else's, so a thread (an author answering
	// themselves) reads in order. A deleted reply keeps its place when
	// replies to it remain.
	Descendants []ConversationEntry
	// Next continues Descendants after its last entry ("" at the end).
	Next string
}

// Conversation reads what surrounds a tweet, as the viewer sees it: the
// tweets above it and a page of the replies below. The replies read are
// bounded (MaxReplyDepth levels, MaxConversation places): a reply at the
// last level shows its reply_count, and its own conversation lists them.
// cursor is the Next of the previous page ("" for the first) and limit
// how many replies to list.
func (s *Service) Conversation(ctx context.Context, id string, viewer auth.Viewer, cursor string, limit int) (Conversation, error) {
	n, ok := ParseID(id)
	if !ok {
		return Conversation{}, errNoTweet
	}
	found, err := s.store.Tweets(ctx, []string{id}, viewer.ID)
	if err != nil {
		return Conversation{}, err
	}
	if len(found) == 0 {
		return Conversation{}, errNoTweet
	}
	tweet := found[0]
	var above []ThreadNode
	if tweet.InReplyToID != nil {
		parent, _ := ParseID(*tweet.InReplyToID)
		if above, err = s.store.Ancestors(ctx, parent, MaxAncestors); err != nil {
			return Conversation{}, err
		}
		slices.Reverse(above)
	}
	below, err := s.store.Replies(ctx, n, MaxReplyDepth, MaxConversation)
	if err != nil {
		return Conversation{}, err
	}
	page, next, err := pageOfReplies(threadOrder(n, tweet.Author.ID, below), cursor, max(1, min(limit, MaxConversationPage)))
	if err != nil {
		return Conversation{}, err
	}
	// The living tweets of both lists, read whole in one go.
	var ids []string
	for _, node := range above {
		if !node.Deleted {
			ids = append(ids, FormatID(node.ID))
		}
	}
	for _, r := range page {
		if !r.Deleted {
			ids = append(ids, FormatID(r.ID))
		}
	}
	found, err = s.Tweets(ctx, ids, viewer)
	if err != nil {
		return Conversation{}, err
	}
	byID := make(map[string]*Tweet, len(found))
	for i := range found {
		byID[found[i].ID] = &found[i]
	}
	c := Conversation{Ancestors: make([]ConversationEntry, len(above)), Descendants: make([]ConversationEntry, len(page)), Next: next}
	for i, node := range above {
		c.Ancestors[i] = entryOf(node, 0, byID)
	}
	for i, r := range page {
		c.Descendants[i] = entryOf(r.ThreadNode, r.depth, byID)
		c.Descendants[i].Thread, c.Descendants[i].Level = r.thread, r.level
	}
	return c, nil
}

// entryOf is a place of a conversation with its tweet, when it was read:
// a tweet deleted since its place was read shows as deleted.
func entryOf(n ThreadNode, depth int, tweets map[string]*Tweet) ConversationEntry {
	e := ConversationEntry{ID: FormatID(n.ID), Depth: depth, Tweet: tweets[FormatID(n.ID)]}
	if n.InReplyTo != 0 {
		parent := FormatID(n.InReplyTo)
		e.InReplyToID = &parent
	}
	return e
}

// threaded is a reply in the conversation's order.
type threaded struct {
	ThreadNode
	depth int
	// thread and level are ConversationEntry's Thread and Level.
	thread bool
	level  int
	// shown is false for a deleted reply with no living reply below it:
	// it has its place in the order (a cursor may name it) but is not
	// listed.
	shown bool
}

// threadOrder puts the replies below tweet root, by rootAuthor, in the
// conversation's order (see Conversation.Descendants).
func threadOrder(root int64, rootAuthor string, replies []ThreadNode) []threaded {
	children := map[int64][]ThreadNode{}
	author := map[int64]string{root: rootAuthor}
	for _, r := range replies {
		children[r.InReplyTo] = append(children[r.InReplyTo], r)
		author[r.ID] = r.AuthorID
	}
	for parent, list := range children {
		by := author[parent]
		slices.SortFunc(list, func(a, b ThreadNode) int {
			// false (the parent's author) before true (anyone else).
			return cmp.Or(compareBool(a.AuthorID != by, b.AuthorID != by), cmp.Compare(a.ID, b.ID))
		})
	}
	out := make([]threaded, 0, len(replies))
	// A parent in the thread (the root among them) passes the thread on to
	// its first reply, when that is the root author's own and not deleted.
	var walk func(parent int64, depth, level int, inThread bool) (living bool)
	walk = func(parent int64, depth, level int, inThread bool) bool {
		living := false
		for k, c := range children[parent] {
			i := len(out)
			thread := inThread && k == 0 && c.AuthorID == rootAuthor && !c.Deleted
			lvl := level
			if thread {
				lvl = 1
			}
			out = append(out, threaded{ThreadNode: c, depth: depth, thread: thread, level: lvl})
			below := walk(c.ID, depth+1, lvl+1, thread)
			out[i].shown = !c.Deleted || below
			living = living || out[i].shown
		}
		return living
	}
	walk(root, 1, 1, true)
	return out
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// pageOfReplies takes the limit shown replies that follow the one cursor
// names (from the start when cursor is ""), and the cursor of the rest.
func pageOfReplies(order []threaded, cursor string, limit int) ([]threaded, string, error) {
	start := 0
	if cursor != "" {
		id, ok := ParseID(cursor)
		i := slices.IndexFunc(order, func(t threaded) bool { return t.ID == id })
		if !ok || i < 0 {
			return nil, "", fault.New(fault.Invalid, "The cursor is not one this conversation gave out.")
		}
		start = i + 1
	}
	var page []threaded
	for i := start; i < len(order); i++ {
		if !order[i].shown {
			continue
		}
		if len(page) == limit {
			return page, FormatID(page[len(page)-1].ID), nil
		}
		page = append(page, order[i])
	}
	return page, "", nil
}
