package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/mattn/go-sqlite3"

	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/sqlite"
	"murmur/fragments/profile"
)

// ImportUsers inserts many accounts in one transaction, all or none, and
// returns them with their ids in the order given. It is for loading data in
// bulk (the load tool seeds with it) and publishes no events; handles and
// names must already be clean (profile.NormalizeHandle, CleanDisplayName).
// A taken handle is a Conflict that leaves the store as it was.
func (s *Store) ImportUsers(ctx context.Context, users []profile.NewUser, at time.Time) ([]profile.User, error) {
	out := make([]profile.User, 0, len(users))
	created := at.UTC().Truncate(time.Millisecond)
	err := sqlite.InTx(ctx, s.DB, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx,
			`INSERT INTO users (handle, display_name, password_hash, created_at) VALUES (?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, n := range users {
			res, err := stmt.ExecContext(ctx, n.Handle, n.DisplayName, n.PasswordHash, created.UnixMilli())
			var se sqlite3.Error
			if errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique {
				return fault.New(fault.Conflict, "The handle @%s is taken.", n.Handle)
			}
			if err != nil {
				return err
			}
			id, err := res.LastInsertId()
			if err != nil {
				return err
			}
			out = append(out, profile.User{ID: strconv.FormatInt(id, 10), Handle: n.Handle,
				DisplayName: n.DisplayName, CreatedAt: created})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
