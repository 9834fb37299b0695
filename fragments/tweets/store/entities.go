package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"murmur/fragments/internal/sqlite"
	"murmur/fragments/tweets"
	"murmur/fragments/tweets/entities"
)

// mentionedAccounts are the handles text mentions that named an account
// (those in accounts), in alphabetical order: Tweet.Mentioned.
func mentionedAccounts(text string, accounts map[string]string) []string {
	var out []string
	for _, h := range entities.Mentions(text) {
		if _, ok := accounts[h]; ok {
			out = append(out, h)
		}
	}
	slices.Sort(out)
	return out
}

// loadMentioned sets Mentioned on the tweets of list (index maps a tweet's
// id to its place) from the mentions that named an account. Only tweets
// with an "@" in their text are asked about: most have none, and then no
// query is made.
func (s *Store) loadMentioned(ctx context.Context, list []tweets.Tweet, index map[int64]int) error {
	var ids []any
	for id, i := range index {
		if strings.IndexByte(list[i].Text, '@') >= 0 {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	rows, err := s.Query(ctx, `SELECT tweet_id, handle FROM mentions
		WHERE tweet_id IN (?`+strings.Repeat(",?", len(ids)-1)+`) AND user_id IS NOT NULL ORDER BY tweet_id, handle`, ids...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var handle string
		if err := rows.Scan(&id, &handle); err != nil {
			return err
		}
		t := &list[index[id]]
		t.Mentioned = append(t.Mentioned, handle)
	}
	return rows.Err()
}

// keepEntities records the hashtags and mentions of a tweet being written,
// in its write transaction; accounts holds the user id of each mentioned
// handle that named an account (nil when none was looked up).
func (s *Store) keepEntities(ctx context.Context, tx *sql.Tx, id int64, text string, accounts map[string]string) error {
	for _, tag := range entities.Tags(text) {
		if _, err := s.ExecIn(ctx, tx, `INSERT INTO tags (tag, tweet_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, tag, id); err != nil {
			return err
		}
	}
	for _, handle := range entities.Mentions(text) {
		var user sql.NullString
		if u, ok := accounts[handle]; ok {
			user = sql.NullString{String: u, Valid: true}
		}
		if _, err := s.ExecIn(ctx, tx, `INSERT INTO mentions (handle, tweet_id, user_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, handle, id, user); err != nil {
			return err
		}
	}
	return nil
}

// backfillBatch is how many earlier tweets one transaction of the backfill
// parses: short enough that a write waiting on it waits little.
const backfillBatch = 1000

// backfillEntities finds the hashtags and mentions of the tweets written
// before the store kept them, newest first, a batch per transaction, so a
// backfill cut short by a stop goes on where it was at the next start. The
// migration that made the tables left the id below which tweets wait; the
// row goes when none waits. Tweets written since were parsed as they came.
func (s *Store) backfillEntities(ctx context.Context) error {
	for {
		done := false
		err := sqlite.InTx(ctx, s.DB, func(tx *sql.Tx) error {
			var below int64
			err := tx.QueryRowContext(ctx, `SELECT below FROM entities_backfill`).Scan(&below)
			if errors.Is(err, sql.ErrNoRows) {
				done = true
				return nil
			}
			if err != nil {
				return err
			}
			rows, err := tx.QueryContext(ctx, `SELECT id, text FROM tweets WHERE id < ? ORDER BY id DESC LIMIT ?`, below, backfillBatch)
			if err != nil {
				return err
			}
			type tweet struct {
				id   int64
				text string
			}
			var batch []tweet
			for rows.Next() {
				var t tweet
				if err := rows.Scan(&t.id, &t.text); err != nil {
					rows.Close()
					return err
				}
				batch = append(batch, t)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, t := range batch {
				if err := s.keepEntities(ctx, tx, t.id, t.text, nil); err != nil {
					return err
				}
			}
			if len(batch) < backfillBatch {
				done = true
				_, err = tx.ExecContext(ctx, `DELETE FROM entities_backfill`)
				return err
			}
			_, err = tx.ExecContext(ctx, `UPDATE entities_backfill SET below = ?`, batch[len(batch)-1].id)
			return err
		})
		if err != nil || done {
			return err
		}
	}
}
