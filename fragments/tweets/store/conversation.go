package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"

	"murmur/fragments/tweets"
)

// Ancestors walks up a conversation from parent, the tweet a tweet
// answers: parent, the tweet parent answers, and so on, nearest first, at
// most max places. A deleted tweet is there as its tombstone, which still
// says what it answered, so the walk goes on through it; one the store has
// no trace of ends the walk as a deleted place answering nothing known.
// Every step is a primary-key read.
func (s *Store) Ancestors(ctx context.Context, parent int64, max int) ([]tweets.ThreadNode, error) {
	var out []tweets.ThreadNode
	for id := parent; id != 0 && len(out) < max; {
		node := tweets.ThreadNode{ID: id}
		var up sql.NullInt64
		err := s.DB.QueryRowContext(ctx, `SELECT in_reply_to_id, author_id, 0 FROM tweets WHERE id = ?1
			UNION ALL SELECT in_reply_to_id, author_id, 1 FROM deleted_tweets WHERE id = ?1 LIMIT 1`, id).
			Scan(&up, &node.AuthorID, &node.Deleted)
		if errors.Is(err, sql.ErrNoRows) {
			node.Deleted = true
		} else if err != nil {
			return nil, err
		}
		node.InReplyTo = up.Int64
		out = append(out, node)
		id = node.InReplyTo
	}
	return out, nil
}

// Replies reads the conversation below tweet id a level at a time: the
// replies to id, then the replies to those, and so on, tombstones of
// deleted replies included (their replies are part of it too). It stops
// after maxDepth levels or maxNodes places in all. Within a level, replies
// come oldest first under each parent, parents in the order of the level
// above; cut short, a level keeps its first places in that order.
//
// Each level is one query of living replies and one of tombstones, each
// an index range per parent (tweets_replies, deleted_tweets_replies) that
// stops once the places still allowed are read: a conversation of any size
// costs at most maxNodes index entries.
func (s *Store) Replies(ctx context.Context, id int64, maxDepth, maxNodes int) ([]tweets.ThreadNode, error) {
	var out []tweets.ThreadNode
	level := []int64{id}
	for depth := 1; depth <= maxDepth && len(level) > 0 && len(out) < maxNodes; depth++ {
		budget := maxNodes - len(out)
		parents, err := json.Marshal(level)
		if err != nil {
			return nil, err
		}
		// CROSS JOIN keeps the parents as the outer loop, in their order.
		living, err := s.threadNodes(ctx, `SELECT y.id, y.in_reply_to_id, y.author_id, 0
			FROM json_each(?1) p CROSS JOIN tweets y ON y.in_reply_to_id = p.value LIMIT ?2`, string(parents), budget)
		if err != nil {
			return nil, err
		}
		gone, err := s.threadNodes(ctx, `SELECT y.id, y.in_reply_to_id, y.author_id, 1
			FROM json_each(?1) p CROSS JOIN deleted_tweets y ON y.in_reply_to_id = p.value LIMIT ?2`, string(parents), budget)
		if err != nil {
			return nil, err
		}
		place := make(map[int64]int, len(level))
		for i, p := range level {
			place[p] = i
		}
		next := append(living, gone...)
		slices.SortFunc(next, func(a, b tweets.ThreadNode) int {
			return cmp.Or(cmp.Compare(place[a.InReplyTo], place[b.InReplyTo]), cmp.Compare(a.ID, b.ID))
		})
		next = next[:min(len(next), budget)]
		out = append(out, next...)
		level = level[:0]
		for _, n := range next {
			level = append(level, n.ID)
		}
	}
	return out, nil
}

// threadNodes runs a query of (id, in_reply_to_id, author_id, deleted).
func (s *Store) threadNodes(ctx context.Context, query string, args ...any) ([]tweets.ThreadNode, error) {
	rows, err := s.DB.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []tweets.ThreadNode
	for rows.Next() {
		var n tweets.ThreadNode
		if err := rows.Scan(&n.ID, &n.InReplyTo, &n.AuthorID, &n.Deleted); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
