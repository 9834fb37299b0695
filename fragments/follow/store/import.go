package store

import (
	"context"
	"database/sql"

	"murmur/fragments/follow"
	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/sqlite"
)

// ImportFollows adds many edges in one transaction, all or none, skipping
// edges already there, and returns how many were new. It is for loading data
// in bulk (the load tool seeds with it) and publishes no events. The same
// triggers as Follow keep the counts, so they match the rows as always.
func (s *Store) ImportFollows(ctx context.Context, edges []follow.Edge) (int, error) {
	added := 0
	err := sqlite.InTx(ctx, s.DB, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx,
			`INSERT INTO follows (follower_id, followee_id, created_at) VALUES (?, ?, ?)
			 ON CONFLICT (follower_id, followee_id) DO NOTHING`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, e := range edges {
			from, to := sqlite.ID(e.FollowerID), sqlite.ID(e.FolloweeID)
			if from == 0 || to == 0 || from == to {
				return fault.New(fault.Invalid, "%s cannot follow %s.", e.FollowerID, e.FolloweeID)
			}
			res, err := stmt.ExecContext(ctx, from, to, e.CreatedAt.UnixMilli())
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			added += int(n)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}
