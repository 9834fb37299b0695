package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/mattn/go-sqlite3"

	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/sqlite"
	"murmur/fragments/tweets"
)

// ImportTweets inserts many tweets (without images or replies) in one
// transaction, all or none, with their hashtags, mentions and words for
// search, as CreateTweet keeps them. It is for loading data in bulk (the
// load tool seeds with it) and publishes no events; the texts must already
// be valid (tweets.CleanText).
// An id that is taken is a Conflict that leaves the store as it was.
func (s *Store) ImportTweets(ctx context.Context, list []tweets.ImportedTweet) error {
	return sqlite.InTx(ctx, s.DB, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx,
			`INSERT INTO tweets (id, author_id, text, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, t := range list {
			res, err := stmt.ExecContext(ctx, t.ID, t.AuthorID, t.Text, t.CreatedAt.UnixMilli())
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			if n == 0 {
				return fault.New(fault.Conflict, "Tweet id %d is taken.", t.ID)
			}
			if err := s.keepEntities(ctx, tx, t.ID, t.Text, nil); err != nil {
				return err
			}
		}
		return nil
	})
}

// ImportLikes records many likes in one transaction, all or none, skipping
// likes already there, and returns how many were new. Like SetLike, it keeps
// each tweet's like count in step with its likes inside the transaction. A
// like of a tweet that does not exist is NotFound.
func (s *Store) ImportLikes(ctx context.Context, likes []tweets.ImportedLike) (int, error) {
	added := 0
	err := sqlite.InTx(ctx, s.DB, func(tx *sql.Tx) error {
		insert, err := tx.PrepareContext(ctx,
			`INSERT INTO likes (tweet_id, user_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`)
		if err != nil {
			return err
		}
		defer insert.Close()
		count, err := tx.PrepareContext(ctx, `UPDATE tweets SET like_count = like_count + ? WHERE id = ?`)
		if err != nil {
			return err
		}
		defer count.Close()
		// A tweet's boosts carry its like count (the popular order of homes).
		boostCount, err := tx.PrepareContext(ctx, `UPDATE boosts SET like_count = like_count + ? WHERE tweet_id = ?`)
		if err != nil {
			return err
		}
		defer boostCount.Close()
		// Counted per tweet and added once each: likes in bulk crowd onto
		// a few popular tweets.
		gained := map[int64]int{}
		for _, l := range likes {
			res, err := insert.ExecContext(ctx, l.TweetID, l.UserID, l.CreatedAt.UnixMilli())
			var se sqlite3.Error
			if errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintForeignKey {
				return fault.New(fault.NotFound, "Tweet %d does not exist.", l.TweetID)
			}
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			gained[l.TweetID] += int(n)
			added += int(n)
		}
		for id, n := range gained {
			if n == 0 {
				continue
			}
			if _, err := count.ExecContext(ctx, n, id); err != nil {
				return err
			}
			if _, err := boostCount.ExecContext(ctx, n, id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}
