// Package store keeps the notifications service's notifications, read
// marks and applied stream entries in its own SQLite file.
package store

import (
	"context"
	"database/sql"
	"embed"
	"slices"
	"strconv"
	"time"

	"murmur/fragments/internal/sqlite"
	"murmur/fragments/notifications"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is the notifications service's SQLite store.
type Store struct{ sqlite.Store }

var _ notifications.Store = (*Store)(nil)

// Open opens the SQLite file at path and migrates it.
func Open(ctx context.Context, path string) (*Store, error) {
	return sqlite.OpenStore(ctx, path, migrations, func(db sqlite.Store) *Store { return &Store{db} })
}

// Apply makes one entry's change in one transaction with the record that
// the entry was applied, so a crash between the two cannot happen and an
// entry seen before changes nothing.
func (s *Store) Apply(ctx context.Context, topic, entryID string, c notifications.Change) ([]string, bool, error) {
	var recipients []string
	applied := false
	touched := func(r int64) {
		if rs := strconv.FormatInt(r, 10); !slices.Contains(recipients, rs) {
			recipients = append(recipients, rs)
		}
	}
	err := sqlite.InTx(ctx, s.DB, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx,
			`INSERT INTO applied_entries (topic, entry_id, applied_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			topic, entryID, time.Now().UnixMilli())
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err // applied before
		}
		applied = true
		for _, f := range c.Add {
			r, a := sqlite.ID(f.RecipientID), sqlite.ID(f.ActorID)
			if r == 0 || a == 0 || r == a {
				continue // nothing for what I did myself
			}
			res, err := tx.ExecContext(ctx,
				`INSERT INTO notifications (recipient_id, kind, actor_id, tweet_id, created_at) VALUES (?, ?, ?, ?, ?)
				 ON CONFLICT DO NOTHING`, r, string(f.Kind), a, sqlite.ID(f.TweetID), c.At.UnixMilli())
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				touched(r)
			}
		}
		for _, f := range c.Remove {
			r := sqlite.ID(f.RecipientID)
			res, err := tx.ExecContext(ctx,
				`DELETE FROM notifications WHERE recipient_id = ? AND kind = ? AND actor_id = ? AND tweet_id = ?`,
				r, string(f.Kind), sqlite.ID(f.ActorID), sqlite.ID(f.TweetID))
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				touched(r)
			}
		}
		removed := func(query string, arg int64) error {
			rows, err := tx.QueryContext(ctx, query, arg)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var r int64
				if err := rows.Scan(&r); err != nil {
					return err
				}
				touched(r)
			}
			return rows.Err()
		}
		if t := sqlite.ID(c.TweetGone); t != 0 {
			if err := removed(`DELETE FROM notifications WHERE tweet_id = ? RETURNING recipient_id`, t); err != nil {
				return err
			}
		}
		if u := sqlite.ID(c.UserGone); u != 0 {
			if err := removed(`DELETE FROM notifications WHERE recipient_id = ?1 OR actor_id = ?1 RETURNING recipient_id`, u); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM read_marks WHERE recipient_id = ?`, u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return recipients, applied, nil
}

// List reads a page, newest first, and tells each item whether it is read.
// Notifications by someone in hidden are left out.
func (s *Store) List(ctx context.Context, recipientID string, limit int, cursor string, hidden []string) ([]notifications.Notification, string, error) {
	before := int64(1<<63 - 1)
	if cursor != "" {
		before = sqlite.ID(cursor)
	}
	rows, err := s.Query(ctx,
		`SELECT n.id, n.kind, n.actor_id, n.tweet_id, n.created_at, n.id <= COALESCE(m.up_to, 0)
		 FROM notifications n LEFT JOIN read_marks m ON m.recipient_id = n.recipient_id
		 WHERE n.recipient_id = ? AND n.id < ? AND n.actor_id NOT IN (SELECT value FROM json_each(?))
		 ORDER BY n.id DESC LIMIT ?`,
		sqlite.ID(recipientID), before, sqlite.IDList(hidden), limit+1)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []notifications.Notification
	for rows.Next() {
		var (
			nid, actor, tweet, at int64
			kind                  string
			read                  bool
		)
		if err := rows.Scan(&nid, &kind, &actor, &tweet, &at, &read); err != nil {
			return nil, "", err
		}
		n := notifications.Notification{
			ID: strconv.FormatInt(nid, 10), RecipientID: recipientID, Kind: notifications.Kind(kind),
			ActorID: strconv.FormatInt(actor, 10), CreatedAt: time.UnixMilli(at).UTC(), Read: read,
		}
		if tweet != 0 {
			n.TweetID = strconv.FormatInt(tweet, 10)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = out[limit-1].ID
	}
	return out, next, nil
}

// Unread counts the notifications after the recipient's read mark.
// Notifications by someone in hidden do not count.
func (s *Store) Unread(ctx context.Context, recipientID string, hidden []string) (int, error) {
	var n int
	err := s.QueryRow(ctx,
		`SELECT count(*) FROM notifications
		 WHERE recipient_id = ?1 AND id > COALESCE((SELECT up_to FROM read_marks WHERE recipient_id = ?1), 0)
		   AND actor_id NOT IN (SELECT value FROM json_each(?2))`,
		sqlite.ID(recipientID), sqlite.IDList(hidden)).Scan(&n)
	return n, err
}

// MarkRead moves the recipient's read mark forward to upTo, never back.
func (s *Store) MarkRead(ctx context.Context, recipientID, upTo string) error {
	_, err := s.Exec(ctx,
		`INSERT INTO read_marks (recipient_id, up_to) VALUES (?, ?)
		 ON CONFLICT (recipient_id) DO UPDATE SET up_to = max(up_to, excluded.up_to)`,
		sqlite.ID(recipientID), sqlite.ID(upTo))
	return err
}

// Forget drops the record of entries applied before the time.
func (s *Store) Forget(ctx context.Context, before time.Time) error {
	_, err := s.Exec(ctx, `DELETE FROM applied_entries WHERE applied_at < ?`, before.UnixMilli())
	return err
}
