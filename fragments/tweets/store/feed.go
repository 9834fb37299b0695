package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"

	"murmur/fragments/tweets"
)

// Feed reads a page of a home timeline: the entries of q.Authors in the
// recent or popular order, starting below q.Below. An entry is one of
// their tweets that the home rule lets in, or a tweet one of them boosted.
//
// The home rule for replies: a reply by an author of the home is in it
// when it answers the author themself (a thread), someone else of the home
// (everyone in q.Home, or q.Authors when it is not set: the reader and
// whom they follow), or the reader; or when the reader wrote it. A reply to
// someone the reader does not follow stays out of their home.
//
// Boosts: a tweet boosted by authors of the home is one entry, placed by
// the newest of those boosts (its id, from the sequence tweet ids come
// from, is the entry's place and cursor), and only when the home does not
// hold the tweet itself (the reader follows its author, or wrote it, and
// the home rule lets it in): never twice.
//
// Tweets are found in one of two ways, both answering exactly the entries
// the order defines:
//
//   - A window: the next feedWindow tweets of everyone, in the feed's order
//     (from the primary key for recent, from tweets_popular for popular),
//     filtered to q.Authors and the home rule. When the window holds a
//     whole page, that is the page: the window is a prefix of the order,
//     so nothing above the page's last tweet can be missing. Someone who
//     follows many people fills a page within a few hundred entries,
//     however many they follow.
//   - Per author: for each author a correlated subquery takes at most
//     q.Limit of their tweets from their own index (tweets_author or
//     tweets_author_popular), and the union is sorted. This costs
//     authors × limit index entries, cheap for someone who follows few
//     people, and is the answer whenever the window falls short.
//
// The indexes hold the replied-to author, so the home rule is checked on
// index entries. Boosts are found the same two ways from their own indexes
// (a window of everyone's boosts, or each booster's), a boost counting
// only when it is the newest of its tweet's boosts in the home and the
// home does not hold the tweet itself; when the window reaches the end of
// all boosts it is whole even if short. The best q.Limit of both, in the
// feed's order, are the page; only ids are read and sorted, and the page's
// tweets are read whole at the end.
func (s *Store) Feed(ctx context.Context, q tweets.FeedQuery) ([]tweets.Tweet, error) {
	authors, err := json.Marshal(q.Authors)
	if err != nil {
		return nil, err
	}
	home := authors
	if q.Home != nil {
		if home, err = json.Marshal(q.Home); err != nil {
			return nil, err
		}
	}
	likes, below := q.Below.Likes, q.Below.ID
	if below == 0 {
		likes, below = 1<<62, 1<<63-1
	}
	args := []any{
		sql.Named("authors", string(authors)), sql.Named("home", string(home)), sql.Named("viewer", q.ViewerID),
		sql.Named("likes", likes), sql.Named("below", below), sql.Named("above", q.Above),
		sql.Named("limit", q.Limit), sql.Named("window", feedWindow),
	}
	args = append(args, sql.Named("hidden", "[]"))
	order := feedRecent
	if q.Popular {
		order = feedPopular
	}
	if len(q.Hidden) > 0 {
		data, err := json.Marshal(q.Hidden)
		if err != nil {
			return nil, err
		}
		args[len(args)-1] = sql.Named("hidden", string(data))
		order = feedRecentHiding
		if q.Popular {
			order = feedPopularHiding
		}
	}
	windowFirst := len(q.Authors) >= feedWindowAuthors
	var own []feedEntry
	if windowFirst {
		if own, err = s.entries(ctx, order.window, args); err != nil {
			return nil, err
		}
	}
	if len(own) < q.Limit {
		if own, err = s.entries(ctx, order.perAuthor, args); err != nil {
			return nil, err
		}
	}
	var boosted []feedEntry
	whole := false
	if windowFirst {
		if boosted, err = s.entries(ctx, order.boostWindow, args); err != nil {
			return nil, err
		}
		whole = len(boosted) >= q.Limit
		if !whole {
			var seen int
			if err := s.DB.QueryRowContext(ctx, order.boostWindowSize, args...).Scan(&seen); err != nil {
				return nil, err
			}
			whole = seen < feedWindow
		}
	}
	if !whole {
		if boosted, err = s.entries(ctx, order.perBooster, args); err != nil {
			return nil, err
		}
	}
	all := append(own, boosted...)
	slices.SortFunc(all, func(a, b feedEntry) int {
		if q.Popular && a.likes != b.likes {
			return cmp.Compare(b.likes, a.likes)
		}
		return cmp.Compare(b.pos, a.pos)
	})
	all = all[:min(len(all), q.Limit)]
	if len(all) == 0 {
		return []tweets.Tweet{}, nil
	}
	ids := make([]any, 0, len(all)+1)
	ids = append(ids, q.ViewerID)
	for _, e := range all {
		ids = append(ids, e.tweet)
	}
	rows, err := s.queryTweets(ctx, `SELECT `+tweetColumns+` FROM tweets t
		WHERE t.id IN (?2`+strings.Repeat(",?", len(ids)-2)+`)`, ids...)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]tweets.Tweet, len(rows))
	for _, t := range rows {
		byID[t.ID] = t
	}
	out := make([]tweets.Tweet, 0, len(all))
	for _, e := range all {
		t, ok := byID[tweets.FormatID(e.tweet)]
		if !ok {
			continue // deleted since the ids were read
		}
		if e.booster != "" {
			t.BoostedBy = &tweets.Author{ID: e.booster}
			t.BoostID = tweets.FormatID(e.pos)
		}
		out = append(out, t)
	}
	return out, nil
}

// feedEntry is one entry of a home found by a feed query: its place (the
// tweet's id, or the boost's), its tweet's like count (popular order
// only), the tweet, and who boosted it ("" for the tweet itself).
type feedEntry struct {
	pos     int64
	likes   int
	tweet   int64
	booster string
}

// homeRule is the home rule for replies on the tweet x (see Feed), checked
// on the columns the feed's indexes hold.
func homeRule(x string) string {
	return `(` + x + `.in_reply_to_author_id IS NULL OR ` + x + `.in_reply_to_author_id = ` + x + `.author_id
		OR ` + x + `.author_id = @viewer OR ` + x + `.in_reply_to_author_id = @viewer
		OR ` + x + `.in_reply_to_author_id IN (SELECT value FROM json_each(@home)))`
}

// boostCounts is whether boost y is an entry of the home: the newest boost
// of its tweet by anyone of the home (the + keeps SQLite walking the
// tweet's boosts newest first rather than probing every author), of a
// tweet the home does not hold itself.
const boostCounts = `NOT EXISTS (SELECT 1 FROM boosts n WHERE n.tweet_id = y.tweet_id AND n.id > y.id
		AND +n.booster_id IN (SELECT value FROM json_each(@home)))
	AND NOT EXISTS (SELECT 1 FROM tweets o WHERE o.id = y.tweet_id
		AND o.author_id IN (SELECT value FROM json_each(@home)) AND ` + "%RULE%" + `)`

// feedOrder is the queries of one order. Each selects (place, likes,
// tweet, booster) with the named arguments Feed gives.
type feedOrder struct {
	window, perAuthor, boostWindow, boostWindowSize, perBooster string
}

var boostEntry = strings.ReplaceAll(boostCounts, "%RULE%", homeRule("o"))

// notHidden keeps out boost y of a tweet whose author the reader hides
// (FeedQuery.Hidden): one primary-key lookup per boost looked at, paid
// only by feeds with a hidden set (the *Hiding orders).
const notHidden = ` AND NOT EXISTS (SELECT 1 FROM tweets h WHERE h.id = y.tweet_id
		AND h.author_id IN (SELECT value FROM json_each(@hidden)))`

// hiding is order with boosts of hidden people's tweets left out.
func hiding(o feedOrder) feedOrder {
	o.boostWindow = strings.Replace(o.boostWindow, boostEntry, boostEntry+notHidden, 1)
	o.perBooster = strings.Replace(o.perBooster, boostEntry, boostEntry+notHidden, 1)
	return o
}

var feedRecentHiding, feedPopularHiding = hiding(feedRecent), hiding(feedPopular)

var feedRecent = feedOrder{
	window: `SELECT id, 0, id, '' FROM (SELECT id, author_id, in_reply_to_author_id FROM tweets
			WHERE id < @below AND id > @above ORDER BY id DESC LIMIT @window) x
		WHERE author_id IN (SELECT value FROM json_each(@authors)) AND ` + homeRule("x") + `
		ORDER BY id DESC LIMIT @limit`,
	perAuthor: `SELECT z.id, 0, z.id, '' FROM json_each(@authors) a JOIN tweets z ON z.id IN (
			SELECT y.id FROM tweets y WHERE y.author_id = a.value AND y.id < @below AND y.id > @above
				AND ` + homeRule("y") + `
			ORDER BY y.id DESC LIMIT @limit)
		ORDER BY z.id DESC LIMIT @limit`,
	boostWindow: `SELECT id, 0, tweet_id, booster_id FROM (SELECT id, tweet_id, booster_id FROM boosts
			WHERE id < @below AND id > @above ORDER BY id DESC LIMIT @window) y
		WHERE booster_id IN (SELECT value FROM json_each(@authors)) AND ` + boostEntry + `
		ORDER BY id DESC LIMIT @limit`,
	boostWindowSize: `SELECT count(*) FROM (SELECT 1 FROM boosts WHERE id < @below AND id > @above LIMIT @window)`,
	perBooster: `SELECT z.id, 0, z.tweet_id, z.booster_id FROM json_each(@authors) a JOIN boosts z ON z.id IN (
			SELECT y.id FROM boosts y WHERE y.booster_id = a.value AND y.id < @below AND y.id > @above
				AND ` + boostEntry + `
			ORDER BY y.id DESC LIMIT @limit)
		ORDER BY z.id DESC LIMIT @limit`,
}

var feedPopular = feedOrder{
	window: `SELECT id, like_count, id, '' FROM (SELECT id, author_id, like_count, in_reply_to_author_id FROM tweets
			WHERE (like_count, id) < (@likes, @below) ORDER BY like_count DESC, id DESC LIMIT @window) x
		WHERE author_id IN (SELECT value FROM json_each(@authors)) AND ` + homeRule("x") + `
		ORDER BY like_count DESC, id DESC LIMIT @limit`,
	perAuthor: `SELECT z.id, z.like_count, z.id, '' FROM json_each(@authors) a JOIN tweets z ON z.id IN (
			SELECT y.id FROM tweets y WHERE y.author_id = a.value AND (y.like_count, y.id) < (@likes, @below)
				AND ` + homeRule("y") + `
			ORDER BY y.like_count DESC, y.id DESC LIMIT @limit)
		ORDER BY z.like_count DESC, z.id DESC LIMIT @limit`,
	boostWindow: `SELECT id, like_count, tweet_id, booster_id FROM (SELECT id, like_count, tweet_id, booster_id FROM boosts
			WHERE (like_count, id) < (@likes, @below) ORDER BY like_count DESC, id DESC LIMIT @window) y
		WHERE booster_id IN (SELECT value FROM json_each(@authors)) AND ` + boostEntry + `
		ORDER BY like_count DESC, id DESC LIMIT @limit`,
	boostWindowSize: `SELECT count(*) FROM (SELECT 1 FROM boosts WHERE (like_count, id) < (@likes, @below) LIMIT @window)`,
	perBooster: `SELECT z.id, z.like_count, z.tweet_id, z.booster_id FROM json_each(@authors) a JOIN boosts z ON z.id IN (
			SELECT y.id FROM boosts y WHERE y.booster_id = a.value AND (y.like_count, y.id) < (@likes, @below)
				AND ` + boostEntry + `
			ORDER BY y.like_count DESC, y.id DESC LIMIT @limit)
		ORDER BY z.like_count DESC, z.id DESC LIMIT @limit`,
}

// feedWindow is how many tweets of everyone a page looks through before it
// asks each author instead, and feedWindowAuthors how many authors a feed
// must name before the window is worth trying: below that, authors' tweets
// are too sparse among everyone's to fill a page in the window.
const feedWindow, feedWindowAuthors = 2000, 50

// entries runs a query of feed entries.
func (s *Store) entries(ctx context.Context, query string, args []any) ([]feedEntry, error) {
	rows, err := s.DB.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []feedEntry
	for rows.Next() {
		var e feedEntry
		if err := rows.Scan(&e.pos, &e.likes, &e.tweet, &e.booster); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
