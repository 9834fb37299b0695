package store

import (
	"context"
	"database/sql"
	"errors"

	"murmur/fragments/internal/sqlite"
	"murmur/fragments/tweets/entities"
)

// keepEntities records the hashtags and mentions of a tweet being written,
// in its write transaction.
func (s *Store) keepEntities(ctx context.Context, tx *sql.Tx, id int64, text string) error {
	for _, tag := range entities.Tags(text) {
		if _, err := s.ExecIn(ctx, tx, `INSERT INTO tags (tag, tweet_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, tag, id); err != nil {
			return err
		}
	}
	for _, handle := range entities.Mentions(text) {
		if _, err := s.ExecIn(ctx, tx, `INSERT INTO mentions (handle, tweet_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, handle, id); err != nil {
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
				if err := s.keepEntities(ctx, tx, t.id, t.text); err != nil {
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
