package store

import (
	"context"
	"encoding/json"

	"murmur/fragments/tweets"
)

// Feed reads a page of a home timeline: the tweets of q.Authors in the
// recent or popular order, starting below q.Below.
//
// It is a merge of per-author top-N lists. For each author (read from a JSON
// array, so a thousand authors are one bound parameter) a correlated
// subquery takes at most q.Limit of their tweets from the author's index
// (tweets_author or tweets_author_popular), already in order; the outer
// query sorts that union and keeps q.Limit. The work is bounded by
// authors × limit index entries, whatever the size of the table or how
// prolific anyone is, and needs no per-follower copy of anything.
func (s *Store) Feed(ctx context.Context, q tweets.FeedQuery) ([]tweets.Tweet, error) {
	authors, err := json.Marshal(q.Authors)
	if err != nil {
		return nil, err
	}
	if q.Popular {
		likes, id := q.Below.Likes, q.Below.ID
		if id == 0 {
			likes, id = 1<<62, 0
		}
		return s.queryTweets(ctx, `SELECT `+tweetColumns+`
			FROM json_each(?2) a JOIN tweets t ON t.id IN (
				SELECT z.id FROM tweets z
				WHERE z.author_id = a.value AND (z.like_count, z.id) < (?3, ?4)
				ORDER BY z.like_count DESC, z.id DESC LIMIT ?5)
			ORDER BY t.like_count DESC, t.id DESC LIMIT ?5`,
			q.ViewerID, string(authors), likes, id, q.Limit)
	}
	below := q.Below.ID
	if below == 0 {
		below = 1<<63 - 1
	}
	return s.queryTweets(ctx, `SELECT `+tweetColumns+`
		FROM json_each(?2) a JOIN tweets t ON t.id IN (
			SELECT z.id FROM tweets z
			WHERE z.author_id = a.value AND z.id < ?3 AND z.id > ?4
			ORDER BY z.id DESC LIMIT ?5)
		ORDER BY t.id DESC LIMIT ?5`,
		q.ViewerID, string(authors), below, q.Above, q.Limit)
}
