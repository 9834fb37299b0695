// Package store keeps profile's accounts in its own SQLite file.
package store

import (
	"context"
	"database/sql"
	"embed"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"

	"murmur/fragments/internal/events"
	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/sqlite"
	"murmur/fragments/profile"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is profile's SQLite store.
type Store struct{ sqlite.Store }

var _ profile.Store = (*Store)(nil)

// Open opens the SQLite file at path and migrates it.
func Open(ctx context.Context, path string) (*Store, error) {
	return sqlite.OpenStore(ctx, path, migrations, func(db sqlite.Store) *Store { return &Store{db} })
}

var errNoUser = fault.New(fault.NotFound, "No one on murmur has that handle.")

const userColumns = `id, handle, display_name, bio, created_at, token_version, avatar`

func scanUser(row interface{ Scan(...any) error }, more ...any) (profile.User, error) {
	var u profile.User
	var id, created int64
	err := row.Scan(append([]any{&id, &u.Handle, &u.DisplayName, &u.Bio, &created, &u.TokenVersion, &u.Avatar}, more...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return u, errNoUser
	}
	u.ID, u.CreatedAt = strconv.FormatInt(id, 10), time.UnixMilli(created).UTC()
	return u, err
}

// CreateUser inserts an account; a taken handle (in any case) is a
// Conflict, and so is the handle of an account deleted while it is still
// reserved. A new account's id is above every id an account ever had, a
// deleted one's included.
func (s *Store) CreateUser(ctx context.Context, n profile.NewUser) (profile.User, error) {
	now := time.Now().UTC().Truncate(time.Millisecond)
	var id int64
	err := sqlite.InTx(ctx, s.DB, func(tx *sql.Tx) error {
		var until sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT max(reserved_until) FROM deleted_users WHERE handle = ? AND reserved_until > ?`,
			n.Handle, now.UnixMilli()).Scan(&until); err != nil {
			return err
		}
		if until.Valid {
			return fault.New(fault.Conflict, "The handle @%s belonged to an account that was deleted; it is reserved until %s. Try another one.",
				n.Handle, time.UnixMilli(until.Int64).UTC().Format("2 January 2006"))
		}
		return tx.QueryRowContext(ctx, `INSERT INTO users (id, handle, display_name, password_hash, created_at)
			VALUES (1 + max(coalesce((SELECT max(id) FROM users), 0), coalesce((SELECT max(user_id) FROM deleted_users), 0)), ?, ?, ?, ?)
			RETURNING id`, n.Handle, n.DisplayName, n.PasswordHash, now.UnixMilli()).Scan(&id)
	})
	var se sqlite3.Error
	if errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique {
		return profile.User{}, fault.New(fault.Conflict, "The handle @%s is taken. Try another one.", n.Handle)
	}
	if err != nil {
		return profile.User{}, err
	}
	return profile.User{ID: strconv.FormatInt(id, 10), Handle: n.Handle, DisplayName: n.DisplayName, CreatedAt: now}, nil
}

// DeleteUser deletes an account and its profile picture, and remembers
// the deletion: the id (never given again, its tokens refused for good)
// and the handle, reserved until reservedUntil. It returns the user as it
// was.
func (s *Store) DeleteUser(ctx context.Context, id string, at, reservedUntil time.Time) (profile.User, error) {
	n, ok := parseID(id)
	if !ok {
		return profile.User{}, fault.New(fault.NotFound, "No such user.")
	}
	var u profile.User
	err := sqlite.InTx(ctx, s.DB, func(tx *sql.Tx) error {
		var err error
		u, err = scanUser(tx.QueryRowContext(ctx, `DELETE FROM users WHERE id = ? RETURNING `+userColumns, n))
		if fault.Is(err, fault.NotFound) {
			return fault.New(fault.NotFound, "No such user.")
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM avatars WHERE user_id = ?`, n); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO deleted_users (user_id, handle, deleted_at, reserved_until) VALUES (?, ?, ?, ?)`,
			n, u.Handle, at.UnixMilli(), reservedUntil.UnixMilli())
		return err
	})
	return u, err
}

// Unannounced are the deletions whose user.deleted fact has not reached
// the event stream yet, oldest first.
func (s *Store) Unannounced(ctx context.Context) ([]profile.Deletion, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT user_id, handle, deleted_at FROM deleted_users WHERE announced_at IS NULL ORDER BY deleted_at LIMIT 100`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []profile.Deletion
	for rows.Next() {
		var d profile.Deletion
		var id, at int64
		if err := rows.Scan(&id, &d.Handle, &at); err != nil {
			return nil, err
		}
		d.UserID, d.DeletedAt = strconv.FormatInt(id, 10), time.UnixMilli(at).UTC()
		out = append(out, d)
	}
	return out, rows.Err()
}

// MarkAnnounced records that a deletion's fact is in the event stream.
func (s *Store) MarkAnnounced(ctx context.Context, id string, at time.Time) error {
	n, _ := parseID(id)
	_, err := s.Exec(ctx, `UPDATE deleted_users SET announced_at = ? WHERE user_id = ?`, at.UnixMilli(), n)
	return err
}

// UserByHandle finds a user by (lower-case) handle.
func (s *Store) UserByHandle(ctx context.Context, handle string) (profile.User, error) {
	return scanUser(s.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE handle = ?`, handle))
}

// parseID reads a user id; anything but a positive decimal number names no one.
func parseID(id string) (int64, bool) {
	n, err := strconv.ParseInt(id, 10, 64)
	return n, err == nil && n > 0 && strconv.FormatInt(n, 10) == id
}

// UserByID finds a user by id.
func (s *Store) UserByID(ctx context.Context, id string) (profile.User, error) {
	n, ok := parseID(id)
	if !ok {
		return profile.User{}, fault.New(fault.NotFound, "No such user.")
	}
	u, err := scanUser(s.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, n))
	if fault.Is(err, fault.NotFound) {
		err = fault.New(fault.NotFound, "No such user.")
	}
	return u, err
}

// UsersByIDs returns the users among ids that exist, in the order given.
// Malformed and unknown ids are left out.
func (s *Store) UsersByIDs(ctx context.Context, ids []string) ([]profile.User, error) {
	var args []any
	for _, id := range ids {
		if n, ok := parseID(id); ok {
			args = append(args, n)
		}
	}
	if len(args) == 0 {
		return []profile.User{}, nil
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+userColumns+` FROM users WHERE id IN (?`+strings.Repeat(",?", len(args)-1)+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byID := map[string]profile.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		byID[u.ID] = u
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]profile.User, 0, len(byID))
	seen := map[string]bool{}
	for _, id := range ids {
		if u, ok := byID[id]; ok && !seen[id] {
			out, seen[id] = append(out, u), true
		}
	}
	return out, nil
}

// PasswordHash returns a user with the stored hash of their password.
func (s *Store) PasswordHash(ctx context.Context, handle string) (profile.User, string, error) {
	var hash string
	u, err := scanUser(s.QueryRow(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE handle = ?`, handle), &hash)
	return u, hash, err
}

// PasswordHashByID returns a user by id with the stored hash of their password.
func (s *Store) PasswordHashByID(ctx context.Context, id string) (profile.User, string, error) {
	n, ok := parseID(id)
	if !ok {
		return profile.User{}, "", fault.New(fault.NotFound, "No such user.")
	}
	var hash string
	u, err := scanUser(s.QueryRow(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE id = ?`, n), &hash)
	if fault.Is(err, fault.NotFound) {
		err = fault.New(fault.NotFound, "No such user.")
	}
	return u, hash, err
}

// RevokeSessions moves a user's token version on, setting a new password
// hash in the same write when one is given (not ""), and returns the user
// with their new version.
func (s *Store) RevokeSessions(ctx context.Context, id, newHash string) (profile.User, error) {
	n, ok := parseID(id)
	if !ok {
		return profile.User{}, fault.New(fault.NotFound, "No such user.")
	}
	var u profile.User
	err := sqlite.InTx(ctx, s.DB, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET token_version = token_version + 1,
			password_hash = CASE WHEN ?1 = '' THEN password_hash ELSE ?1 END WHERE id = ?2`, newHash, n)
		if err != nil {
			return err
		}
		if k, err := res.RowsAffected(); err != nil {
			return err
		} else if k == 0 {
			return fault.New(fault.NotFound, "No such user.")
		}
		u, err = scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, n))
		return err
	})
	return u, err
}

// TokenVersion is a user's current token version (events.DeletedTokenVersion
// for a deleted account); NotFound for no one.
func (s *Store) TokenVersion(ctx context.Context, id string) (int64, error) {
	n, ok := parseID(id)
	if !ok {
		return 0, fault.New(fault.NotFound, "No such user.")
	}
	var v int64
	err := s.QueryRow(ctx, `SELECT token_version FROM users WHERE id = ?
		UNION ALL SELECT ? FROM deleted_users WHERE user_id = ?`, n, events.DeletedTokenVersion, n).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fault.New(fault.NotFound, "No such user.")
	}
	return v, err
}

// UpdateProfile changes the given fields and returns the updated user.
func (s *Store) UpdateProfile(ctx context.Context, id string, ch profile.ProfileChange) (profile.User, error) {
	n, ok := parseID(id)
	if !ok {
		return profile.User{}, fault.New(fault.NotFound, "No such user.")
	}
	var u profile.User
	err := sqlite.InTx(ctx, s.DB, func(tx *sql.Tx) error {
		if ch.DisplayName != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET display_name = ? WHERE id = ?`, *ch.DisplayName, n); err != nil {
				return err
			}
		}
		if ch.Bio != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET bio = ? WHERE id = ?`, *ch.Bio, n); err != nil {
				return err
			}
		}
		var err error
		u, err = scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, n))
		return err
	})
	return u, err
}

// escapeLike makes s match literally inside a LIKE pattern.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// SearchUsers lists users whose handle or display name starts with prefix
// (ASCII case-insensitively), ordered by handle, after the cursor.
func (s *Store) SearchUsers(ctx context.Context, prefix string, limit int, cursor string) (profile.Page, error) {
	after := ""
	if cursor != "" {
		var ok bool
		if after, ok = parseSearchCursor(cursor); !ok {
			return profile.Page{}, fault.New(fault.Invalid, "The cursor is not one this service gave out.")
		}
	}
	pattern := escapeLike(prefix) + "%"
	rows, err := s.Query(ctx, `SELECT `+userColumns+` FROM users
		WHERE (handle LIKE ?1 ESCAPE '\' OR display_name LIKE ?1 ESCAPE '\') AND handle > ?2
		ORDER BY handle LIMIT ?3`, pattern, after, limit+1)
	if err != nil {
		return profile.Page{}, err
	}
	defer rows.Close()
	page := profile.Page{Users: []profile.User{}}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return profile.Page{}, err
		}
		page.Users = append(page.Users, u)
	}
	if err := rows.Err(); err != nil {
		return profile.Page{}, err
	}
	if len(page.Users) > limit {
		page.Users = page.Users[:limit]
		page.Next = searchCursor(page.Users[limit-1].Handle)
	}
	return page, nil
}

// searchCursor is the cursor of the search page after the one that ended
// at handle: the handle, base64-encoded so clients treat it as opaque.
func searchCursor(handle string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(handle))
}

// parseSearchCursor reads a search cursor back into the handle its page
// continues after.
func parseSearchCursor(c string) (string, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	return string(raw), err == nil
}

// SetAvatar replaces a user's profile picture: its key and its sizes (JPEG
// bytes by pixels per side), in one write; it returns the updated user.
func (s *Store) SetAvatar(ctx context.Context, id, key string, sizes map[int][]byte) (profile.User, error) {
	return s.writeAvatar(ctx, id, key, sizes)
}

// RemoveAvatar removes a user's profile picture.
func (s *Store) RemoveAvatar(ctx context.Context, id string) (profile.User, error) {
	return s.writeAvatar(ctx, id, "", nil)
}

func (s *Store) writeAvatar(ctx context.Context, id, key string, sizes map[int][]byte) (profile.User, error) {
	n, ok := parseID(id)
	if !ok {
		return profile.User{}, fault.New(fault.NotFound, "No such user.")
	}
	var u profile.User
	err := sqlite.InTx(ctx, s.DB, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET avatar = ? WHERE id = ?`, key, n)
		if err != nil {
			return err
		}
		if k, err := res.RowsAffected(); err != nil {
			return err
		} else if k == 0 {
			return fault.New(fault.NotFound, "No such user.")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM avatars WHERE user_id = ?`, n); err != nil {
			return err
		}
		for size, data := range sizes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO avatars (user_id, size, data) VALUES (?, ?, ?)`, n, size, data); err != nil {
				return err
			}
		}
		u, err = scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, n))
		return err
	})
	return u, err
}

// Avatar is one size of a user's profile picture, if its key is still
// theirs: NotFound otherwise (a picture replaced or removed since).
func (s *Store) Avatar(ctx context.Context, id, key string, size int) ([]byte, error) {
	n, ok := parseID(id)
	if !ok || key == "" {
		return nil, errNoAvatar
	}
	var data []byte
	err := s.QueryRow(ctx, `SELECT a.data FROM avatars a JOIN users u ON u.id = a.user_id
		WHERE a.user_id = ? AND a.size = ? AND u.avatar = ?`, n, size, key).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoAvatar
	}
	return data, err
}

var errNoAvatar = fault.New(fault.NotFound, "No such picture: it may have been replaced.")
