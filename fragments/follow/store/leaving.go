package store

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"murmur/fragments/follow"
	"murmur/fragments/internal/sqlite"
)

// eraseSteps are what the graph keeps of a person, each removed by one
// statement: their blocks and mutes both ways (the triggers move the other
// side's versions on: their hidden set changes), their follows both ways
// (the triggers count both ends down and move the followers' versions on),
// then their own counts and version, last, since the triggers before it
// write it. A table that keeps more of a person adds its statement here,
// and its list to Export.
var eraseSteps = []string{
	`DELETE FROM blocks WHERE blocker_id = ?1 OR blocked_id = ?1`,
	`DELETE FROM mutes WHERE muter_id = ?1 OR muted_id = ?1`,
	`DELETE FROM follows WHERE follower_id = ?1 OR followee_id = ?1`,
	`DELETE FROM counts WHERE user_id = ?1`,
	`DELETE FROM following_versions WHERE user_id = ?1`,
}

// EraseUser removes everything the graph keeps of a deleted account, in one
// transaction, and returns how many rows went (0 the second time).
func (s *Store) EraseUser(ctx context.Context, userID string) (int64, error) {
	var total int64
	err := s.Write(ctx, func(tx *sql.Tx) error {
		total = 0
		for _, q := range eraseSteps {
			res, err := tx.ExecContext(ctx, q, sqlite.ID(userID))
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			total += n
		}
		return nil
	})
	return total, err
}

// Export lists what the graph keeps of a person, for them to take away:
// whom they follow, who follows them, whom they blocked and muted, oldest
// first, with when.
func (s *Store) Export(ctx context.Context, userID string) (follow.Export, error) {
	read := func(query string) ([]follow.ExportedEdge, error) {
		rows, err := s.DB.QueryContext(ctx, query, sqlite.ID(userID))
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		out := []follow.ExportedEdge{}
		for rows.Next() {
			var who, at int64
			if err := rows.Scan(&who, &at); err != nil {
				return nil, err
			}
			out = append(out, follow.ExportedEdge{UserID: strconv.FormatInt(who, 10), At: time.UnixMilli(at).UTC()})
		}
		return out, rows.Err()
	}
	var e follow.Export
	var err error
	if e.Following, err = read(`SELECT followee_id, created_at FROM follows WHERE follower_id = ? ORDER BY id`); err != nil {
		return follow.Export{}, err
	}
	if e.Followers, err = read(`SELECT follower_id, created_at FROM follows WHERE followee_id = ? ORDER BY id`); err != nil {
		return follow.Export{}, err
	}
	if e.Blocked, err = read(`SELECT blocked_id, created_at FROM blocks WHERE blocker_id = ? ORDER BY id`); err != nil {
		return follow.Export{}, err
	}
	e.Muted, err = read(`SELECT muted_id, created_at FROM mutes WHERE muter_id = ? ORDER BY id`)
	return e, err
}
