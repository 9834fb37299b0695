package store

import (
	"context"
	"database/sql"
)

// eraseSteps are what the graph keeps of a person, each removed by one
// statement: their follows both ways (the triggers count both ends down and
// move the followers' versions on), then their own counts and version. A
// table that keeps more of a person (blocks, mutes) adds its statement here,
// and its list to Export.
var eraseSteps = []string{
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
			res, err := tx.ExecContext(ctx, q, id(userID))
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
