// Package store keeps the tweets service's tweets, likes, images, replies,
// hashtags, mentions and search index in its own SQLite file.
package store

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/sqlite"
	"murmur/fragments/tweets"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is the tweets service's SQLite store.
type Store struct{ sqlite.Store }

var _ tweets.Store = (*Store)(nil)

// Open opens the SQLite file at path, migrates it, and finds the hashtags
// and mentions of tweets written before they were kept (once).
func Open(ctx context.Context, path string) (*Store, error) {
	s, err := sqlite.OpenStore(ctx, path, migrations, func(db sqlite.Store) *Store { return &Store{db} })
	if err != nil {
		if strings.Contains(err.Error(), "no such module: fts5") {
			err = fmt.Errorf("%w: this program was built without SQLite's full-text search; build it with -tags sqlite_fts5 (as make does)", err)
		}
		return nil, err
	}
	if err := s.backfillEntities(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("find the hashtags and mentions of earlier tweets: %w", err)
	}
	return s, nil
}

var (
	errNoTweet  = fault.New(fault.NotFound, "This tweet does not exist or was deleted.")
	errNoParent = fault.New(fault.NotFound, "The tweet you are replying to does not exist or was deleted.")
	errNoMedia  = fault.New(fault.NotFound, "No such image.")
)

// CreateMedia keeps an uploaded image, not yet attached to any tweet.
func (s *Store) CreateMedia(ctx context.Context, m tweets.NewMedia) (tweets.Media, error) {
	_, err := s.Exec(ctx, `INSERT INTO media (id, owner_id, content_type, width, height, alt, created_at, data)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.OwnerID, m.Image.ContentType, m.Image.Width, m.Image.Height, m.Alt, m.CreatedAt.UnixMilli(), m.Image.Data)
	if err != nil {
		return tweets.Media{}, err
	}
	id := tweets.FormatID(m.ID)
	return tweets.Media{ID: id, URL: tweets.MediaURL(id), ContentType: m.Image.ContentType,
		Width: m.Image.Width, Height: m.Image.Height, Alt: m.Alt, OwnerID: m.OwnerID}, nil
}

// MediaFile returns an image's bytes.
func (s *Store) MediaFile(ctx context.Context, id string) (tweets.MediaFile, error) {
	n, ok := tweets.ParseID(id)
	if !ok {
		return tweets.MediaFile{}, errNoMedia
	}
	var f tweets.MediaFile
	err := s.DB.QueryRowContext(ctx, `SELECT content_type, data FROM media WHERE id = ?`, n).Scan(&f.ContentType, &f.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return f, errNoMedia
	}
	return f, err
}

// CreateTweet inserts a tweet and attaches its images, which must be the
// author's own and not yet attached, all in one transaction: a tweet never
// exists with half its images. The same transaction counts a reply on the
// tweet it answers, keeps the tweet's hashtags and mentions, and (by
// trigger) indexes its words for search.
func (s *Store) CreateTweet(ctx context.Context, n tweets.NewTweet) (tweets.Tweet, error) {
	t := tweets.Tweet{Author: tweets.Author{ID: n.AuthorID}, Text: n.Text,
		Media: []tweets.Media{}, CreatedAt: n.CreatedAt}
	err := s.Write(ctx, func(tx *sql.Tx) error {
		t.Media, t.InReplyToID, t.InReplyToAuthorID, t.InReplyToReplyCount = []tweets.Media{}, nil, "", 0
		var parent sql.NullInt64
		if n.InReplyTo != 0 {
			// Counted first: the write lock (taken at BEGIN) holds until
			// commit, so the replied-to tweet cannot go in between.
			err := s.QueryRowIn(ctx, tx, `UPDATE tweets SET reply_count = reply_count + 1 WHERE id = ? RETURNING author_id, reply_count`,
				n.InReplyTo).Scan(&t.InReplyToAuthorID, &t.InReplyToReplyCount)
			if errors.Is(err, sql.ErrNoRows) {
				return errNoParent
			}
			if err != nil {
				return err
			}
			parent = sql.NullInt64{Int64: n.InReplyTo, Valid: true}
			id := tweets.FormatID(n.InReplyTo)
			t.InReplyToID = &id
		}
		tweetID, err := s.nextID(ctx, tx, n.NewID)
		if err != nil {
			return err
		}
		t.ID = tweets.FormatID(tweetID)
		var parentAuthor sql.NullString
		if parent.Valid {
			parentAuthor = sql.NullString{String: t.InReplyToAuthorID, Valid: true}
		}
		if _, err := s.ExecIn(ctx, tx, `INSERT INTO tweets (id, author_id, text, in_reply_to_id, in_reply_to_author_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`,
			tweetID, n.AuthorID, n.Text, parent, parentAuthor, n.CreatedAt.UnixMilli()); err != nil {
			return err
		}
		if err := s.keepEntities(ctx, tx, tweetID, n.Text, n.Mentioned); err != nil {
			return err
		}
		for i, a := range n.Attachments {
			id, ok := tweets.ParseID(a.ID)
			if !ok {
				return fault.New(fault.Invalid, "There is no uploaded image %q.", a.ID)
			}
			var m tweets.Media
			var attached sql.NullInt64
			err := tx.QueryRowContext(ctx, `SELECT owner_id, tweet_id, content_type, width, height, alt FROM media WHERE id = ?`, id).
				Scan(&m.OwnerID, &attached, &m.ContentType, &m.Width, &m.Height, &m.Alt)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				return fault.New(fault.Invalid, "There is no uploaded image %s (images not attached within a day are removed).", a.ID)
			case err != nil:
				return err
			case m.OwnerID != n.AuthorID:
				return fault.New(fault.Invalid, "Image %s was uploaded by someone else: a tweet may only use your own images.", a.ID)
			case attached.Valid:
				return fault.New(fault.Invalid, "Image %s is already part of another tweet: upload it again to use it twice.", a.ID)
			}
			if a.Alt != nil {
				m.Alt = *a.Alt
			}
			if _, err := tx.ExecContext(ctx, `UPDATE media SET tweet_id = ?, position = ?, alt = ? WHERE id = ?`,
				tweetID, i, m.Alt, id); err != nil {
				return err
			}
			m.ID = a.ID
			m.URL = tweets.MediaURL(a.ID)
			t.Media = append(t.Media, m)
		}
		return nil
	})
	if err != nil {
		return tweets.Tweet{}, err
	}
	t.Mentioned = mentionedAccounts(n.Text, n.Mentioned)
	return t, nil
}

// nextID is the id of a tweet or boost being written: the transaction
// began IMMEDIATE (see sqlite.Open), so this is the only writer now, and
// an id above every committed tweet and boost stays above. Tweets and
// boosts share the order, so a home's entries (tweets, and boosts of
// tweets) are placed and paged by one kind of id.
func (s *Store) nextID(ctx context.Context, tx *sql.Tx, newID func() int64) (int64, error) {
	var newest int64
	err := s.QueryRowIn(ctx, tx, `SELECT max(coalesce((SELECT max(id) FROM tweets), 0), coalesce((SELECT max(id) FROM boosts), 0))`).Scan(&newest)
	if err != nil {
		return 0, err
	}
	return max(newID(), newest+1), nil
}

const tweetColumns = `t.id, t.author_id, t.text, t.in_reply_to_id, t.in_reply_to_author_id, t.reply_count, t.like_count,
	t.boost_count, t.created_at,
	EXISTS (SELECT 1 FROM likes l WHERE l.tweet_id = t.id AND l.user_id = ?1 AND ?1 != ''),
	EXISTS (SELECT 1 FROM boosts b WHERE b.tweet_id = t.id AND b.booster_id = ?1 AND ?1 != '')`

func scanTweet(row interface{ Scan(...any) error }) (tweets.Tweet, int64, error) {
	var t tweets.Tweet
	var id, created int64
	var parent sql.NullInt64
	var parentAuthor sql.NullString
	err := row.Scan(&id, &t.Author.ID, &t.Text, &parent, &parentAuthor, &t.ReplyCount, &t.LikeCount,
		&t.BoostCount, &created, &t.LikedByMe, &t.BoostedByMe)
	t.ID, t.CreatedAt, t.Media = tweets.FormatID(id), time.UnixMilli(created).UTC(), []tweets.Media{}
	t.InReplyToAuthorID = parentAuthor.String
	if parent.Valid {
		p := tweets.FormatID(parent.Int64)
		t.InReplyToID = &p
	}
	return t, id, err
}

// queryTweets runs a query selecting tweetColumns and loads the images of
// the tweets it finds.
func (s *Store) queryTweets(ctx context.Context, query string, args ...any) ([]tweets.Tweet, error) {
	rows, err := s.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []tweets.Tweet
	index := map[int64]int{}
	for rows.Next() {
		t, id, err := scanTweet(rows)
		if err != nil {
			return nil, err
		}
		index[id] = len(list)
		list = append(list, t)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(list) == 0 {
		return []tweets.Tweet{}, nil
	}
	ids := make([]any, 0, len(index))
	for id := range index {
		ids = append(ids, id)
	}
	mrows, err := s.Query(ctx, `SELECT id, tweet_id, content_type, width, height, alt FROM media
		WHERE tweet_id IN (?`+strings.Repeat(",?", len(ids)-1)+`) ORDER BY tweet_id, position`, ids...)
	if err != nil {
		return nil, err
	}
	defer mrows.Close()
	for mrows.Next() {
		var m tweets.Media
		var id, tweetID int64
		if err := mrows.Scan(&id, &tweetID, &m.ContentType, &m.Width, &m.Height, &m.Alt); err != nil {
			return nil, err
		}
		m.ID = tweets.FormatID(id)
		m.URL = tweets.MediaURL(m.ID)
		t := &list[index[tweetID]]
		m.OwnerID = t.Author.ID
		t.Media = append(t.Media, m)
	}
	if err := mrows.Err(); err != nil {
		return nil, err
	}
	return list, s.loadMentioned(ctx, list, index)
}

// Tweets returns the tweets among ids that exist, in the order of ids;
// malformed, unknown and repeated ids are left out.
func (s *Store) Tweets(ctx context.Context, ids []string, viewerID string) ([]tweets.Tweet, error) {
	args := []any{viewerID}
	for _, id := range ids {
		if n, ok := tweets.ParseID(id); ok {
			args = append(args, n)
		}
	}
	if len(args) == 1 {
		return []tweets.Tweet{}, nil
	}
	found, err := s.queryTweets(ctx, `SELECT `+tweetColumns+` FROM tweets t
		WHERE t.id IN (?2`+strings.Repeat(",?", len(args)-2)+`)`, args...)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]tweets.Tweet, len(found))
	for _, t := range found {
		byID[t.ID] = t
	}
	out := make([]tweets.Tweet, 0, len(found))
	for _, id := range ids {
		if t, ok := byID[id]; ok {
			out = append(out, t)
			delete(byID, id)
		}
	}
	return out, nil
}

// TweetsByAuthor lists an author's tweets older than before (all when
// before is 0), newest first.
func (s *Store) TweetsByAuthor(ctx context.Context, authorID string, before int64, limit int, viewerID string) ([]tweets.Tweet, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	return s.queryTweets(ctx, `SELECT `+tweetColumns+` FROM tweets t
		WHERE t.author_id = ?2 AND t.id < ?3 ORDER BY t.id DESC LIMIT ?4`, viewerID, authorID, before, limit)
}

// DeleteTweet removes a tweet; its likes, boosts, images, tags and
// mentions go with it through ON DELETE CASCADE, its words leave the
// search index by trigger, and a tombstone remembers whose it was and what
// it answered. Its replies stay, naming it still; the tweet it answered
// counts one reply less.
func (s *Store) DeleteTweet(ctx context.Context, id, by string, at time.Time) (tweets.Deleted, error) {
	n, ok := tweets.ParseID(id)
	if !ok {
		return tweets.Deleted{}, errNoTweet
	}
	var d tweets.Deleted
	err := s.Write(ctx, func(tx *sql.Tx) error {
		d = tweets.Deleted{}
		var parent sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT author_id, in_reply_to_id FROM tweets WHERE id = ?`, n).Scan(&d.AuthorID, &parent)
		if errors.Is(err, sql.ErrNoRows) {
			err = tx.QueryRowContext(ctx, `SELECT author_id FROM deleted_tweets WHERE id = ?`, n).Scan(&d.AuthorID)
			if errors.Is(err, sql.ErrNoRows) {
				return errNoTweet
			}
			if err == nil && d.AuthorID != by {
				return fault.New(fault.Forbidden, "Only its author can delete a tweet.")
			}
			return err // already deleted by its author: nothing to do
		}
		if err != nil {
			return err
		}
		if d.AuthorID != by {
			return fault.New(fault.Forbidden, "Only its author can delete a tweet.")
		}
		if d.Boosters, d.ManyBoosters, err = boosters(ctx, tx, n); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM tweets WHERE id = ?`, n); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO deleted_tweets (id, author_id, in_reply_to_id, deleted_at) VALUES (?, ?, ?, ?)`,
			n, d.AuthorID, parent, at.UnixMilli()); err != nil {
			return err
		}
		if parent.Valid {
			// No row when the replied-to tweet is gone too.
			if _, err := tx.ExecContext(ctx, `UPDATE tweets SET reply_count = reply_count - 1 WHERE id = ?`, parent.Int64); err != nil {
				return err
			}
		}
		d.Deleted = true
		return nil
	})
	if !d.Deleted {
		d.Boosters, d.ManyBoosters = nil, false
	}
	return d, err
}

// boosters are who boosted tweet id, oldest first: nil and many when
// there are more than tweets.MaxBoostersNamed.
func boosters(ctx context.Context, tx *sql.Tx, id int64) (list []string, many bool, err error) {
	rows, err := tx.QueryContext(ctx, `SELECT booster_id FROM boosts WHERE tweet_id = ? ORDER BY id LIMIT ?`, id, tweets.MaxBoostersNamed+1)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	list = []string{}
	for rows.Next() {
		var b string
		if err := rows.Scan(&b); err != nil {
			return nil, false, err
		}
		list = append(list, b)
	}
	if len(list) > tweets.MaxBoostersNamed {
		return nil, true, rows.Err()
	}
	return list, false, rows.Err()
}

// SetLike records or removes a like. The count changes only when the like
// did, inside the same write transaction (taken at BEGIN, see
// sqlite.Open), so concurrent likes can neither be lost nor counted twice.
func (s *Store) SetLike(ctx context.Context, tweetID, userID string, liked bool, at time.Time) (tweets.Like, error) {
	n, ok := tweets.ParseID(tweetID)
	if !ok {
		return tweets.Like{}, errNoTweet
	}
	l := tweets.Like{TweetID: tweetID, UserID: userID, Liked: liked}
	err := s.Write(ctx, func(tx *sql.Tx) error {
		l.Changed = false
		err := s.QueryRowIn(ctx, tx, `SELECT author_id FROM tweets WHERE id = ?`, n).Scan(&l.AuthorID)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoTweet
		}
		if err != nil {
			return err
		}
		var res sql.Result
		delta := 1
		if liked {
			res, err = s.ExecIn(ctx, tx, `INSERT INTO likes (tweet_id, user_id, created_at) VALUES (?, ?, ?)
				ON CONFLICT DO NOTHING`, n, userID, at.UnixMilli())
		} else {
			delta = -1
			res, err = s.ExecIn(ctx, tx, `DELETE FROM likes WHERE tweet_id = ? AND user_id = ?`, n, userID)
		}
		if err != nil {
			return err
		}
		changed, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if changed > 0 {
			l.Changed = true
			if _, err := s.ExecIn(ctx, tx, `UPDATE tweets SET like_count = like_count + ? WHERE id = ?`, delta, n); err != nil {
				return err
			}
			// Its boosts are ordered by its likes too (popular homes).
			if _, err := tx.ExecContext(ctx, `UPDATE boosts SET like_count = like_count + ? WHERE tweet_id = ?`, delta, n); err != nil {
				return err
			}
			if l.Boosters, l.ManyBoosters, err = boosters(ctx, tx, n); err != nil {
				return err
			}
		}
		return s.QueryRowIn(ctx, tx, `SELECT like_count FROM tweets WHERE id = ?`, n).Scan(&l.LikeCount)
	})
	return l, err
}

// SetBoost records or removes a boost. The count changes only when the
// boost did, inside the same write transaction, as SetLike's. A new
// boost's id is taken under the write lock from the sequence tweets'
// ids come from (nextID), so it is above every tweet and boost a reader
// may have seen: homes place and page boosts by it.
func (s *Store) SetBoost(ctx context.Context, nb tweets.NewBoost) (tweets.Boost, error) {
	n, ok := tweets.ParseID(nb.TweetID)
	if !ok {
		return tweets.Boost{}, errNoTweet
	}
	var b tweets.Boost
	err := s.Write(ctx, func(tx *sql.Tx) error {
		b = tweets.Boost{TweetID: nb.TweetID, UserID: nb.UserID, Boosted: nb.Boosted}
		var parentAuthor sql.NullString
		var likes int
		err := tx.QueryRowContext(ctx, `SELECT author_id, in_reply_to_author_id, like_count FROM tweets WHERE id = ?`, n).
			Scan(&b.AuthorID, &parentAuthor, &likes)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoTweet
		}
		if err != nil {
			return err
		}
		b.InReplyToAuthorID = parentAuthor.String
		var boostID int64
		delta := 1
		if nb.Boosted {
			if boostID, err = s.nextID(ctx, tx, nb.NewID); err != nil {
				return err
			}
			err = tx.QueryRowContext(ctx, `INSERT INTO boosts (id, tweet_id, booster_id, like_count, created_at) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT DO NOTHING RETURNING id`, boostID, n, nb.UserID, likes, nb.At.UnixMilli()).Scan(&boostID)
		} else {
			delta = -1
			err = tx.QueryRowContext(ctx, `DELETE FROM boosts WHERE tweet_id = ? AND booster_id = ? RETURNING id`, n, nb.UserID).Scan(&boostID)
		}
		switch {
		case errors.Is(err, sql.ErrNoRows):
			// Already in the asked state.
		case err != nil:
			return err
		default:
			b.Changed, b.ID = true, tweets.FormatID(boostID)
			if _, err := tx.ExecContext(ctx, `UPDATE tweets SET boost_count = boost_count + ? WHERE id = ?`, delta, n); err != nil {
				return err
			}
		}
		return tx.QueryRowContext(ctx, `SELECT boost_count FROM tweets WHERE id = ?`, n).Scan(&b.BoostCount)
	})
	return b, err
}

// Boosters finds who boosted which tweet for each of the boost ids that
// exist.
func (s *Store) Boosters(ctx context.Context, boostIDs []int64) (map[int64]tweets.BoostRef, error) {
	out := make(map[int64]tweets.BoostRef, len(boostIDs))
	if len(boostIDs) == 0 {
		return out, nil
	}
	ids, err := json.Marshal(boostIDs)
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT id, tweet_id, booster_id FROM boosts WHERE id IN (SELECT value FROM json_each(?))`, string(ids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, tweet int64
		var booster string
		if err := rows.Scan(&id, &tweet, &booster); err != nil {
			return nil, err
		}
		out[id] = tweets.BoostRef{TweetID: tweets.FormatID(tweet), BoosterID: booster}
	}
	return out, rows.Err()
}

// DeleteUnattachedMedia removes images uploaded before the given time that
// no tweet uses.
func (s *Store) DeleteUnattachedMedia(ctx context.Context, before time.Time) (int, error) {
	res, err := s.Exec(ctx, `DELETE FROM media WHERE tweet_id IS NULL AND created_at < ?`, before.UnixMilli())
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}
