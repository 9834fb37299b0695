// Package store keeps follow's graph in its own SQLite file.
package store

import (
	"context"
	"database/sql"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"time"

	"murmur/fragments/follow"
	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/sqlite"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is follow's SQLite store.
type Store struct{ sqlite.Store }

var _ follow.Store = (*Store)(nil)

// Open opens the SQLite file at path and migrates it.
func Open(ctx context.Context, path string) (*Store, error) {
	return sqlite.OpenStore(ctx, path, migrations, func(db sqlite.Store) *Store { return &Store{db} })
}

// Follow adds the edge unless it is there. The trigger in the same statement
// updates both people's counts. Follows arriving together share a
// transaction (sqlite.Store.Write).
// A block between the two, either way, keeps the edge out in the same
// statement: a follow racing a block cannot outlive it.
func (s *Store) Follow(ctx context.Context, followerID, followeeID string) (bool, error) {
	return s.changed(ctx, `INSERT INTO follows (follower_id, followee_id, created_at) SELECT ?1, ?2, ?3
		 WHERE NOT EXISTS (SELECT 1 FROM blocks WHERE (blocker_id = ?1 AND blocked_id = ?2) OR (blocker_id = ?2 AND blocked_id = ?1))
		 ON CONFLICT (follower_id, followee_id) DO NOTHING`,
		sqlite.ID(followerID), sqlite.ID(followeeID), time.Now().UnixMilli())
}

// Unfollow removes the edge if it is there.
func (s *Store) Unfollow(ctx context.Context, followerID, followeeID string) (bool, error) {
	return s.changed(ctx, `DELETE FROM follows WHERE follower_id = ? AND followee_id = ?`, sqlite.ID(followerID), sqlite.ID(followeeID))
}

// changed runs one writing statement on the edges and tells whether it
// added or removed one. RowsAffected counts the rows of the statement only,
// not its triggers'.
func (s *Store) changed(ctx context.Context, query string, args ...any) (bool, error) {
	var changed bool
	err := s.Write(ctx, func(tx *sql.Tx) error {
		res, err := s.ExecIn(ctx, tx, query, args...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		changed = n == 1
		return err
	})
	return changed, err
}

// Counts returns a person's follower and followee counts (zero for someone
// the graph has never seen).
func (s *Store) Counts(ctx context.Context, userID string) (follow.Counts, error) {
	var c follow.Counts
	err := s.QueryRow(ctx, `SELECT followers, following FROM counts WHERE user_id = ?`, sqlite.ID(userID)).
		Scan(&c.Followers, &c.Following)
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	return c, err
}

// FollowedAmong returns which of ids followerID follows.
func (s *Store) FollowedAmong(ctx context.Context, followerID string, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.Query(ctx, `SELECT followee_id FROM follows
		WHERE follower_id = ? AND followee_id IN (SELECT value FROM json_each(?))`, sqlite.ID(followerID), sqlite.IDList(ids))
	if err != nil {
		return nil, err
	}
	if err := scanIDs(rows, func(id string) { out[id] = true }); err != nil {
		return nil, err
	}
	return out, nil
}

func scanIDs(rows *sql.Rows, each func(string)) error {
	defer rows.Close()
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return err
		}
		each(strconv.FormatInt(n, 10))
	}
	return rows.Err()
}

func collectIDs(rows *sql.Rows) ([]string, error) {
	out := []string{}
	if err := scanIDs(rows, func(id string) { out = append(out, id) }); err != nil {
		return nil, err
	}
	return out, nil
}

var errCursor = fault.New(fault.Invalid, "The cursor is not one this service gave out.")

// The cursor is the id of the last edge of a page, base64-encoded so
// clients treat it as opaque.
func encodeCursor(n int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(n, 10)))
}

func decodeCursor(c string) (int64, error) {
	if c == "" {
		return math.MaxInt64, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, errCursor
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	// Only the spelling this store writes: "KzQy" (+42) or "MDQy" (042)
	// name no place it ever gave out.
	if err != nil || n <= 0 || encodeCursor(n) != c {
		return 0, errCursor
	}
	return n, nil
}

// Followers lists userID's followers, most recent first.
func (s *Store) Followers(ctx context.Context, userID string, limit int, cursor string) (follow.IDPage, error) {
	page, _, err := s.page(ctx, "follower_id", "followee_id", "", noVersion, noHidden, userID, limit, cursor)
	return page, err
}

// Following lists whom userID follows, most recently followed first.
func (s *Store) Following(ctx context.Context, userID string, limit int, cursor string) (follow.IDPage, error) {
	page, _, err := s.page(ctx, "followee_id", "follower_id", "", noVersion, noHidden, userID, limit, cursor)
	return page, err
}

// FollowingIDs is Following together with the version of the list it read,
// both from one statement, that is one snapshot of the file. Read apart, a
// follow committed between the two could label the list from before it
// with the version from after it, and whoever kept that pair would be told
// their old list is current until the next change.
//
// It is the home's list: whom userID muted is left out, and the page
// carries the hidden set (follow.IDPage.Hidden), read in the same statement
// under the same version (blocks and mutes change it too, see migration
// 00004).
func (s *Store) FollowingIDs(ctx context.Context, userID string, limit int, cursor string) (follow.IDPage, follow.FollowingVersion, error) {
	return s.page(ctx, "followee_id", "follower_id", notMuted, followingVersion, hiddenSet, userID, limit, cursor)
}

// FollowingVersion returns the version of whom userID follows: one
// primary-key lookup, 0 for someone who has never followed anyone.
func (s *Store) FollowingVersion(ctx context.Context, userID string) (follow.FollowingVersion, error) {
	var v int64
	err := s.QueryRow(ctx, `SELECT version FROM following_versions WHERE user_id = ?`, sqlite.ID(userID)).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return follow.FollowingVersion(v), err
}

// What page reads besides the ids (?1 is the person whose edges it lists):
// nothing, or the version of whom they follow.
const (
	noVersion        = `0`
	followingVersion = `coalesce((SELECT version FROM following_versions WHERE user_id = ?1), 0)`
	noHidden         = `'[]'`
	// hiddenSet is everyone whose tweets and boosts stay out of ?1's home:
	// whom they muted, whom they blocked, who blocked them.
	hiddenSet = `(SELECT json_group_array(h) FROM (
		SELECT muted_id AS h FROM mutes WHERE muter_id = ?1
		UNION SELECT blocked_id FROM blocks WHERE blocker_id = ?1
		UNION SELECT blocker_id FROM blocks WHERE blocked_id = ?1))`
	// notMuted keeps the muted out of a list of followees.
	notMuted = ` AND followee_id NOT IN (SELECT muted_id FROM mutes WHERE muter_id = ?1)`
)

// page lists one side (listed) of userID's edges on the other side (by),
// newest edge first, filter (SQL ANDed to the edges' condition) applied,
// and the SQL expressions version and hidden in the same statement.
// The page comes back as one row, the ids as one JSON array: the timeline
// reads a thousand ids on every home page, and a thousand rows cost a
// thousand trips through the driver.
func (s *Store) page(ctx context.Context, listed, by, filter, version, hidden, userID string, limit int, cursor string) (follow.IDPage, follow.FollowingVersion, error) {
	before, err := decodeCursor(cursor)
	if err != nil {
		return follow.IDPage{}, 0, err
	}
	var list, hide string
	var last, v int64
	var more bool
	err = s.QueryRow(ctx, `
		WITH p AS (SELECT id, `+listed+` AS user FROM follows WHERE `+by+` = ?1 AND id < ?2`+filter+` ORDER BY id DESC LIMIT ?3)
		SELECT json_group_array(user ORDER BY id DESC), coalesce(min(id), 0),
			EXISTS (SELECT 1 FROM follows WHERE `+by+` = ?1 AND id < (SELECT min(id) FROM p)`+filter+`),
			`+version+`, `+hidden+`
		FROM p`, sqlite.ID(userID), before, limit).Scan(&list, &last, &more, &v, &hide)
	if err != nil {
		return follow.IDPage{}, 0, err
	}
	ids, err := decodeIDs(list)
	if err != nil {
		return follow.IDPage{}, 0, err
	}
	page := follow.IDPage{IDs: ids}
	if hidden != noHidden {
		if page.Hidden, err = decodeIDs(hide); err != nil {
			return follow.IDPage{}, 0, err
		}
	}
	if more {
		page.Next = encodeCursor(last)
	}
	return page, follow.FollowingVersion(v), nil
}

// decodeIDs reads a JSON array of ids.
func decodeIDs(list string) ([]string, error) {
	var ns []int64
	if err := json.Unmarshal([]byte(list), &ns); err != nil {
		return nil, err
	}
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = strconv.FormatInt(n, 10)
	}
	return out, nil
}

// FollowedByFollowees ranks the people followed by userID's most recent
// followees (suggestFrom of them) by how many of those followees follow
// each; ties go to the more followed, then the older account (smaller id).
// The bound keeps who-to-follow, on every home page, from growing with
// how many people someone follows: a thousand followees would join some
// 35,000 edges per page (measured: the heavy reader's home page spent 95%
// of follow's CPU there), fifty join under two thousand, and whom one
// followed lately says most about whom one would follow next.
func (s *Store) FollowedByFollowees(ctx context.Context, userID string, limit int, skip []string) ([]string, error) {
	rows, err := s.Query(ctx, `
		SELECT f2.followee_id
		FROM (SELECT followee_id FROM follows WHERE follower_id = ?1 ORDER BY id DESC LIMIT ?4) f1
		JOIN follows f2 ON f2.follower_id = f1.followee_id
		LEFT JOIN counts c ON c.user_id = f2.followee_id
		WHERE f2.followee_id <> ?1
		  AND NOT EXISTS (SELECT 1 FROM follows m WHERE m.follower_id = ?1 AND m.followee_id = f2.followee_id)
		  AND f2.followee_id NOT IN (SELECT value FROM json_each(?2))
		GROUP BY f2.followee_id
		ORDER BY COUNT(*) DESC, MAX(c.followers) DESC, f2.followee_id
		LIMIT ?3`, sqlite.ID(userID), sqlite.IDList(skip), limit, suggestFrom)
	if err != nil {
		return nil, err
	}
	return collectIDs(rows)
}

// suggestFrom is how many of someone's most recent followees suggestions
// are drawn from.
const suggestFrom = 50

// MostFollowed lists people with at least one follower, most followed
// first (ties: older account first), leaving out userID, whom userID
// follows, and skip.
func (s *Store) MostFollowed(ctx context.Context, userID string, limit int, skip []string) ([]string, error) {
	rows, err := s.Query(ctx, `
		SELECT c.user_id FROM counts c
		WHERE c.followers > 0
		  AND c.user_id <> ?1
		  AND NOT EXISTS (SELECT 1 FROM follows m WHERE m.follower_id = ?1 AND m.followee_id = c.user_id)
		  AND c.user_id NOT IN (SELECT value FROM json_each(?2))
		ORDER BY c.followers DESC, c.user_id
		LIMIT ?3`, sqlite.ID(userID), sqlite.IDList(skip), limit)
	if err != nil {
		return nil, err
	}
	return collectIDs(rows)
}
