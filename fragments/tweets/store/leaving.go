package store

import (
	"context"
	"database/sql"
	"time"

	"murmur/fragments/tweets"
)

// EraseUser erases what the store keeps of a deleted account, in one
// transaction: their likes (each liked tweet, and its boosts, counted one
// like less) and boosts (each boosted tweet counted one boost less), then
// their tweets — with the likes, boosts, images, hashtags and mentions
// that go with a tweet, each leaving a tombstone so replies by others
// keep their place under "This tweet was deleted", each reply of theirs
// counted off the tweet it answered — and their images not attached to
// any tweet. A second call finds nothing left and changes nothing.
func (s *Store) EraseUser(ctx context.Context, userID string, at time.Time) (tweets.Erased, error) {
	var e tweets.Erased
	err := s.Write(ctx, func(tx *sql.Tx) error {
		e = tweets.Erased{}
		rows, err := tx.QueryContext(ctx, `SELECT id FROM tweets WHERE author_id = ? ORDER BY id`, userID)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range ids {
			b, many, err := boosters(ctx, tx, id)
			if err != nil {
				return err
			}
			e.Tweets = append(e.Tweets, tweets.Deleted{Deleted: true, AuthorID: userID, Boosters: b, ManyBoosters: many})
			e.TweetIDs = append(e.TweetIDs, tweets.FormatID(id))
		}
		steps := []string{
			// Likes: counted off the tweets (and their boosts) first.
			`UPDATE tweets SET like_count = like_count - 1 WHERE id IN (SELECT tweet_id FROM likes WHERE user_id = ?1)`,
			`UPDATE boosts SET like_count = like_count - 1 WHERE tweet_id IN (SELECT tweet_id FROM likes WHERE user_id = ?1)`,
			`DELETE FROM likes WHERE user_id = ?1`,
			// Boosts.
			`UPDATE tweets SET boost_count = boost_count - 1 WHERE id IN (SELECT tweet_id FROM boosts WHERE booster_id = ?1)`,
			`DELETE FROM boosts WHERE booster_id = ?1`,
			// Their replies to others' tweets are counted off those.
			`UPDATE tweets SET reply_count = reply_count -
				(SELECT count(*) FROM tweets r WHERE r.in_reply_to_id = tweets.id AND r.author_id = ?1)
			 WHERE author_id != ?1 AND id IN (SELECT in_reply_to_id FROM tweets WHERE author_id = ?1 AND in_reply_to_id IS NOT NULL)`,
			`INSERT INTO deleted_tweets (id, author_id, in_reply_to_id, deleted_at)
			 SELECT id, author_id, in_reply_to_id, ?2 FROM tweets WHERE author_id = ?1 ON CONFLICT DO NOTHING`,
			`DELETE FROM tweets WHERE author_id = ?1`,
			`DELETE FROM media WHERE owner_id = ?1`,
		}
		for _, q := range steps {
			res, err := tx.ExecContext(ctx, q, userID, at.UnixMilli())
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			e.Rows += n
		}
		return nil
	})
	return e, err
}

// ExportMarks lists the tweets a user likes and boosts, oldest first.
func (s *Store) ExportMarks(ctx context.Context, userID string) (likes, boosts []tweets.Mark, err error) {
	read := func(query string) ([]tweets.Mark, error) {
		rows, err := s.DB.QueryContext(ctx, query, userID)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		out := []tweets.Mark{}
		for rows.Next() {
			var id, at int64
			if err := rows.Scan(&id, &at); err != nil {
				return nil, err
			}
			out = append(out, tweets.Mark{TweetID: tweets.FormatID(id), At: time.UnixMilli(at).UTC()})
		}
		return out, rows.Err()
	}
	if likes, err = read(`SELECT tweet_id, created_at FROM likes WHERE user_id = ? ORDER BY created_at, tweet_id`); err != nil {
		return nil, nil, err
	}
	boosts, err = read(`SELECT tweet_id, created_at FROM boosts WHERE booster_id = ? ORDER BY id`)
	return likes, boosts, err
}
