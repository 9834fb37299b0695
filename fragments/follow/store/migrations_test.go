package store

import (
	"context"
	"database/sql"
	"io/fs"
	"testing"

	"github.com/pressly/goose/v3"

	"murmur/fragments/internal/testkit"
)

// TestVersionsOfEdgesFromBefore checks that the migration adding versions
// gives everyone who already follows someone a version of their own: no
// one with followees is left at 0, the version of an empty list.
func TestVersionsOfEdgesFromBefore(t *testing.T) {
	ctx := context.Background()
	path := testkit.DBPath(t, "follow")
	db, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 2); err != nil {
		t.Fatalf("migrate to 2: %v", err)
	}
	if _, err := db.Exec(`INSERT INTO follows (follower_id, followee_id, created_at) VALUES (1, 2, 0), (1, 3, 0), (4, 2, 0)`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	st, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("open and migrate: %v", err)
	}
	defer st.Close()
	versions := map[string]int64{}
	for _, id := range []string{"1", "2", "4"} {
		v, err := st.FollowingVersion(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		versions[id] = int64(v)
	}
	if versions["1"] == 0 || versions["4"] == 0 || versions["1"] == versions["4"] {
		t.Errorf("versions of 1 and 4, who followed before = %d and %d, want two of their own", versions["1"], versions["4"])
	}
	if versions["2"] != 0 {
		t.Errorf("version of 2, who follows no one = %d, want 0", versions["2"])
	}
}
