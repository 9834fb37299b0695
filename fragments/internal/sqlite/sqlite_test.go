package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/mattn/go-sqlite3"

	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/sqlite"
)

// notes is the schema of the tests' database: one table of unique notes.
var notes = fstest.MapFS{"migrations/00001_notes.sql": {Data: []byte(`-- +goose Up
CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL UNIQUE);
`)}}

func mustOpen(tb testing.TB, path string) *sql.DB {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), path, notes)
	if err != nil {
		tb.Fatalf("open %s: %v", path, err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func mustCount(tb testing.TB, db *sql.DB) int {
	tb.Helper()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM notes`).Scan(&n); err != nil {
		tb.Fatalf("read the notes: %v", err)
	}
	return n
}

// checkRefused requires err to be a refused write: Unavailable, with the
// message for people and SQLite's own error kept for the logs.
func checkRefused(tb testing.TB, err error, want sqlite3.ErrNo) {
	tb.Helper()
	var se sqlite3.Error
	switch {
	case err == nil:
		tb.Fatal("the write succeeded; want it refused")
	case !fault.Is(err, fault.Unavailable):
		tb.Fatalf("kind of %q is %v, want Unavailable", err, fault.KindOf(err))
	case fault.Message(err) != sqlite.RefusedWriteMessage:
		tb.Errorf("message %q, want %q", fault.Message(err), sqlite.RefusedWriteMessage)
	case !errors.As(err, &se) || se.Code != want:
		tb.Errorf("cause of %q is not SQLite's error %v", err, want)
	}
}

func TestRefusedWritesAreUnavailable(t *testing.T) {
	ctx := context.Background()
	insert := func(body string) func(*sql.Tx) error {
		return func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO notes (body) VALUES (?)`, body)
			return err
		}
	}

	t.Run("a full database", func(t *testing.T) {
		db := mustOpen(t, filepath.Join(t.TempDir(), "full.db"))
		// max_page_count belongs to a connection: keep to one.
		db.SetMaxOpenConns(1)
		st := sqlite.Store{DB: db}
		if _, err := st.Exec(ctx, `INSERT INTO notes (body) VALUES ('kept')`); err != nil {
			t.Fatal(err)
		}
		var pages int
		if err := db.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(fmt.Sprintf(`PRAGMA max_page_count = %d`, pages)); err != nil {
			t.Fatal(err)
		}
		big := strings.Repeat("x", 64<<10)
		checkRefused(t, sqlite.InTx(ctx, db, insert(big)), sqlite3.ErrFull)
		_, err := st.Exec(ctx, `INSERT INTO notes (body) VALUES (?)`, big+"y")
		checkRefused(t, err, sqlite3.ErrFull)
		if n := mustCount(t, db); n != 1 {
			t.Errorf("%d notes after the refused writes, want the 1 written before", n)
		}
	})

	t.Run("a read-only database", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "ro.db")
		rw := sqlite.Store{DB: mustOpen(t, path)}
		if _, err := rw.Exec(ctx, `INSERT INTO notes (body) VALUES ('kept')`); err != nil {
			t.Fatal(err)
		}
		ro, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer ro.Close()
		checkRefused(t, sqlite.InTx(ctx, ro, insert("lost")), sqlite3.ErrReadonly)
		_, err = sqlite.Store{DB: ro}.Exec(ctx, `INSERT INTO notes (body) VALUES ('lost')`)
		checkRefused(t, err, sqlite3.ErrReadonly)
		if n := mustCount(t, ro); n != 1 {
			t.Errorf("%d notes read after the refused writes, want 1", n)
		}
	})

	t.Run("other failures keep their kind", func(t *testing.T) {
		db := mustOpen(t, filepath.Join(t.TempDir(), "other.db"))
		st := sqlite.Store{DB: db}
		if _, err := st.Exec(ctx, `INSERT INTO notes (body) VALUES ('once')`); err != nil {
			t.Fatal(err)
		}
		_, err := st.Exec(ctx, `INSERT INTO notes (body) VALUES ('once')`)
		var se sqlite3.Error
		if !errors.As(err, &se) || se.Code != sqlite3.ErrConstraint || fault.KindOf(err) != fault.Internal {
			t.Errorf("a duplicate note: %v (kind %v), want SQLite's constraint error as it is", err, fault.KindOf(err))
		}
		gone := fault.New(fault.NotFound, "No such note.")
		if err := sqlite.InTx(ctx, db, func(*sql.Tx) error { return gone }); err != gone {
			t.Errorf("a fault from the transaction came back as %v, want it unchanged", err)
		}
	})
}
