package store

import (
	"context"
	"encoding/json"
	"strings"

	"murmur/fragments/tweets"
)

// Feed reads a page of a home timeline: the tweets of q.Authors in the
// recent or popular order, starting below q.Below.
//
// A page is found in one of two ways, both answering exactly the page the
// order defines:
//
//   - A window: the next feedWindow tweets of everyone, in the feed's order
//     (from the primary key for recent, from tweets_popular for popular),
//     filtered to q.Authors. When the window holds a whole page, that is the
//     page: the window is a prefix of the order, so nothing above the page's
//     last tweet can be missing. Someone who follows many people fills a
//     page within a few hundred entries, however many they follow.
//   - Per author: for each author a correlated subquery takes at most
//     q.Limit of their tweets from their own index (tweets_author or
//     tweets_author_popular), and the union is sorted. This costs
//     authors × limit index entries, cheap for someone who follows few
//     people, and is the answer whenever the window falls short.
//
// Either way only ids are read and sorted; the page's q.Limit tweets are
// read whole at the end.
func (s *Store) Feed(ctx context.Context, q tweets.FeedQuery) ([]tweets.Tweet, error) {
	authors, err := json.Marshal(q.Authors)
	if err != nil {
		return nil, err
	}
	likes, below := q.Below.Likes, q.Below.ID
	if below == 0 {
		likes, below = 1<<62, 1<<63-1
	}
	order := `t.id DESC`
	window, perAuthor := `SELECT id FROM (SELECT id, author_id FROM tweets
			WHERE id < ?2 AND id > ?3 ORDER BY id DESC LIMIT ?5)
		WHERE author_id IN (SELECT value FROM json_each(?1)) ORDER BY id DESC LIMIT ?4`,
		`SELECT z.id FROM json_each(?1) a JOIN tweets z ON z.id IN (
			SELECT y.id FROM tweets y WHERE y.author_id = a.value AND y.id < ?2 AND y.id > ?3
			ORDER BY y.id DESC LIMIT ?4)
		ORDER BY z.id DESC LIMIT ?4`
	args := []any{string(authors), below, q.Above, q.Limit, feedWindow}
	if q.Popular {
		order = `t.like_count DESC, t.id DESC`
		window, perAuthor = `SELECT id FROM (SELECT id, author_id, like_count FROM tweets
				WHERE (like_count, id) < (?2, ?3) ORDER BY like_count DESC, id DESC LIMIT ?5)
			WHERE author_id IN (SELECT value FROM json_each(?1)) ORDER BY like_count DESC, id DESC LIMIT ?4`,
			`SELECT z.id FROM json_each(?1) a JOIN tweets z ON z.id IN (
				SELECT y.id FROM tweets y WHERE y.author_id = a.value AND (y.like_count, y.id) < (?2, ?3)
				ORDER BY y.like_count DESC, y.id DESC LIMIT ?4)
			ORDER BY z.like_count DESC, z.id DESC LIMIT ?4`
		args = []any{string(authors), likes, below, q.Limit, feedWindow}
	}
	var ids []any
	if len(q.Authors) >= feedWindowAuthors {
		if ids, err = s.ids(ctx, window, args...); err != nil {
			return nil, err
		}
	}
	if len(ids) < q.Limit {
		if ids, err = s.ids(ctx, perAuthor, args[:4]...); err != nil {
			return nil, err
		}
	}
	if len(ids) == 0 {
		return []tweets.Tweet{}, nil
	}
	return s.queryTweets(ctx, `SELECT `+tweetColumns+` FROM tweets t
		WHERE t.id IN (?`+strings.Repeat(",?", len(ids)-1)+`) ORDER BY `+order,
		append([]any{q.ViewerID}, ids...)...)
}

// feedWindow is how many tweets of everyone a page looks through before it
// asks each author instead, and feedWindowAuthors how many authors a feed
// must name before the window is worth trying: below that, authors' tweets
// are too sparse among everyone's to fill a page in the window.
const feedWindow, feedWindowAuthors = 2000, 50

// ids runs a query of tweet ids.
func (s *Store) ids(ctx context.Context, query string, args ...any) ([]any, error) {
	rows, err := s.DB.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []any
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
