package store

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"murmur/fragments/follow"
	"murmur/fragments/internal/sqlite"
)

// Block records that blocker blocked blocked and, in the same
// transaction, ends the follows between them both ways (the counts and
// versions follow through the triggers). Blocking someone already blocked
// changes nothing.
func (s *Store) Block(ctx context.Context, blocker, blocked string) (follow.BlockResult, error) {
	var r follow.BlockResult
	err := s.Write(ctx, func(tx *sql.Tx) error {
		res, err := s.ExecIn(ctx, tx, `INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)
			ON CONFLICT (blocker_id, blocked_id) DO NOTHING`, sqlite.ID(blocker), sqlite.ID(blocked), time.Now().UnixMilli())
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		r.Created = n == 1
		for _, e := range []struct {
			from, to string
			ended    *bool
		}{{blocker, blocked, &r.EndedFollowing}, {blocked, blocker, &r.EndedFollower}} {
			res, err := s.ExecIn(ctx, tx, `DELETE FROM follows WHERE follower_id = ? AND followee_id = ?`, sqlite.ID(e.from), sqlite.ID(e.to))
			if err != nil {
				return err
			}
			if n, err = res.RowsAffected(); err != nil {
				return err
			}
			*e.ended = n == 1
		}
		return nil
	})
	return r, err
}

// Unblock removes the block if it is there; the follows it ended stay ended.
func (s *Store) Unblock(ctx context.Context, blocker, blocked string) (bool, error) {
	return s.changed(ctx, `DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ?`, sqlite.ID(blocker), sqlite.ID(blocked))
}

// Mute records that muter muted muted, unless they had.
func (s *Store) Mute(ctx context.Context, muter, muted string) (bool, error) {
	return s.changed(ctx, `INSERT INTO mutes (muter_id, muted_id, created_at) VALUES (?, ?, ?)
		ON CONFLICT (muter_id, muted_id) DO NOTHING`, sqlite.ID(muter), sqlite.ID(muted), time.Now().UnixMilli())
}

// Unmute removes the mute if it is there.
func (s *Store) Unmute(ctx context.Context, muter, muted string) (bool, error) {
	return s.changed(ctx, `DELETE FROM mutes WHERE muter_id = ? AND muted_id = ?`, sqlite.ID(muter), sqlite.ID(muted))
}

// Relation tells how userID stands with other: whether userID blocked
// them, was blocked by them, and muted them; one statement.
func (s *Store) Relation(ctx context.Context, userID, other string) (follow.Relation, error) {
	var r follow.Relation
	err := s.QueryRow(ctx, `SELECT
		EXISTS (SELECT 1 FROM blocks WHERE blocker_id = ?1 AND blocked_id = ?2),
		EXISTS (SELECT 1 FROM blocks WHERE blocker_id = ?2 AND blocked_id = ?1),
		EXISTS (SELECT 1 FROM mutes WHERE muter_id = ?1 AND muted_id = ?2)`, sqlite.ID(userID), sqlite.ID(other)).
		Scan(&r.Blocked, &r.BlockedBy, &r.Muted)
	return r, err
}

// Blocked lists whom userID blocked, most recent first.
func (s *Store) Blocked(ctx context.Context, userID string, limit int, cursor string) (follow.IDPage, error) {
	return s.listOf(ctx, "blocks", "blocked_id", "blocker_id", userID, limit, cursor)
}

// Muted lists whom userID muted, most recent first.
func (s *Store) Muted(ctx context.Context, userID string, limit int, cursor string) (follow.IDPage, error) {
	return s.listOf(ctx, "mutes", "muted_id", "muter_id", userID, limit, cursor)
}

// listOf lists one column of table for the rows whose by column is
// userID, newest row first, the row id being the cursor.
func (s *Store) listOf(ctx context.Context, table, listed, by, userID string, limit int, cursor string) (follow.IDPage, error) {
	before, err := decodeCursor(cursor)
	if err != nil {
		return follow.IDPage{}, err
	}
	rows, err := s.Query(ctx, `SELECT id, `+listed+` FROM `+table+`
		WHERE `+by+` = ? AND id < ? ORDER BY id DESC LIMIT ?`, sqlite.ID(userID), before, limit+1)
	if err != nil {
		return follow.IDPage{}, err
	}
	defer rows.Close()
	page := follow.IDPage{IDs: []string{}}
	var last int64
	for rows.Next() {
		var row, user int64
		if err := rows.Scan(&row, &user); err != nil {
			return follow.IDPage{}, err
		}
		if len(page.IDs) == limit {
			page.Next = encodeCursor(last)
			break
		}
		page.IDs = append(page.IDs, strconv.FormatInt(user, 10))
		last = row
	}
	return page, rows.Err()
}
