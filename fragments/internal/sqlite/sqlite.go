// Package sqlite opens a service's own SQLite file, tuned for a web service,
// and brings its schema up to date from embedded migrations.
package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/mattn/go-sqlite3"
	"github.com/pressly/goose/v3"

	"murmur/fragments/internal/fault"
)

// Store is what every service's store is built on: its open, migrated
// database. A service's store embeds it, so opening and closing one are
// written once, here.
type Store struct {
	// DB is the database the store's queries run on.
	DB *sql.DB
	// batch shares transactions between writes that arrive together (see
	// Write); nil in a Store made by hand, whose writes each take their own.
	batch *batch
	// prepared holds the statements of ExecIn and QueryRowIn by their text;
	// nil in a Store made by hand, which prepares them each time.
	prepared      *sync.Map
	preparedCount *atomic.Int64
}

// ExecIn runs a writing statement in tx, as tx.ExecContext does, from a
// statement the store prepared once per connection and keeps: preparing
// is a good part of a small write's cost (an INSERT is compiled with its
// triggers — for tweets, the search index's). For the statements a hot
// write runs every time.
func (s Store) ExecIn(ctx context.Context, tx *sql.Tx, query string, args ...any) (sql.Result, error) {
	if st := s.stmt(ctx, query); st != nil {
		return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, query, args...)
}

// QueryRowIn runs a query for one row in tx, as tx.QueryRowContext does,
// from a statement prepared once per connection (see ExecIn).
func (s Store) QueryRowIn(ctx context.Context, tx *sql.Tx, query string, args ...any) *sql.Row {
	if st := s.stmt(ctx, query); st != nil {
		return tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, query, args...)
}

// Query runs a reading query, as DB.QueryContext does, from a statement
// prepared once per connection (see ExecIn): for the reads every page
// makes, whose statements (a tweet's columns with their subqueries) cost
// more to compile than to run.
func (s Store) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := s.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.DB.QueryContext(ctx, query, args...)
}

// QueryRow runs a reading query for one row, as DB.QueryRowContext does,
// from a statement prepared once per connection (see Query): for the
// lookups every page makes (a token's version, the viewer's row, a count).
func (s Store) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := s.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.DB.QueryRowContext(ctx, query, args...)
}

// maxPrepared bounds how many statements a store keeps prepared: queries
// with lists of placeholders come in as many texts as list lengths, and
// past the bound a new text runs unprepared.
const maxPrepared = 512

// stmt is query prepared on the database, kept for the next time; nil in
// a Store made by hand, when preparing failed (the statement then runs
// unprepared, and reports the error itself) or when the store keeps
// maxPrepared statements already.
func (s Store) stmt(ctx context.Context, query string) *sql.Stmt {
	if s.prepared == nil {
		return nil
	}
	if st, ok := s.prepared.Load(query); ok {
		return st.(*sql.Stmt)
	}
	if s.preparedCount.Load() >= maxPrepared {
		return nil
	}
	st, err := s.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	if prev, loaded := s.prepared.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt)
	}
	s.preparedCount.Add(1)
	return st
}

// Write runs fn in a write transaction, as InTx does, except that writes
// arriving while another transaction is under way share the next one
// (group commit, see batch): fn runs inside a savepoint of it, so fn's
// error undoes fn's writes only. fn may be run a second time, in a
// transaction of its own, when the shared one fails: it must set whatever
// it reports from scratch each time it runs. A write the storage refuses is
// Unavailable, as with InTx.
func (s Store) Write(ctx context.Context, fn func(*sql.Tx) error) error {
	if s.batch == nil {
		return InTx(ctx, s.DB, fn)
	}
	return s.batch.write(ctx, fn)
}

// Close closes the database.
func (s Store) Close() error { return s.DB.Close() }

// Exec runs one writing statement outside a transaction. A write the
// storage refuses is Unavailable (see InTx).
func (s Store) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := s.DB.ExecContext(ctx, query, args...)
	return res, refusedWrite(ctx, err)
}

// OpenStore opens and migrates the SQLite file at path (see Open) and
// returns the service's store that wrap builds on it.
func OpenStore[S any](ctx context.Context, path string, fsys fs.FS, wrap func(Store) S) (S, error) {
	db, err := Open(ctx, path, fsys)
	if err != nil {
		var none S
		return none, err
	}
	return wrap(Store{DB: db, batch: &batch{db: db}, prepared: &sync.Map{}, preparedCount: &atomic.Int64{}}), nil
}

// Open opens (creating when needed) the SQLite file at path and applies the
// migrations in the migrations/*.sql files of fsys (a store's embedded
// folder), in version order.
//
// The connection settings matter for a server:
//   - WAL lets readers run while one writer commits, instead of blocking on it;
//   - busy_timeout makes a second writer wait for the lock rather than fail
//     at once with SQLITE_BUSY;
//   - _txlock=immediate takes the write lock when a transaction begins, so two
//     read-then-write transactions cannot deadlock upgrading their locks;
//   - synchronous=NORMAL is durable across application crashes in WAL mode and
//     much faster than FULL;
//   - foreign_keys is off by default in SQLite and must be asked for on every
//     connection, which the DSN does.
func Open(ctx context.Context, path string, fsys fs.FS) (*sql.DB, error) {
	migrations, err := fs.Sub(fsys, "migrations")
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_busy_timeout", "5000")
	q.Set("_foreign_keys", "on")
	q.Set("_synchronous", "NORMAL")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite3", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	provider, err := goose.NewProvider(goose.DialectSQLite3, db, migrations)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	if _, err := provider.Up(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate %s: %w", path, err)
	}
	return db, nil
}

// InTx runs fn in a write transaction, committing when it returns nil.
//
// A write the storage refuses — the disk is full, the file system turned
// read-only, the disk fails or the file cannot be opened — is an
// Unavailable fault with a message for people (503 over HTTP), logged
// here once for the operator; SQLite rolls the transaction back, so the
// database stays as it was and reads keep working. Every other error,
// kinded faults from fn included, comes back unchanged.
func InTx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return refusedWrite(ctx, err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return refusedWrite(ctx, err)
	}
	return refusedWrite(ctx, tx.Commit())
}

// RefusedWriteMessage is the message of a write the storage refused.
const RefusedWriteMessage = "Saving is not possible right now; nothing was changed."

// refusedWrite turns an error of a write into an Unavailable fault when
// SQLite says the storage refused it, and returns any other error, kinded
// faults included, as it is.
func refusedWrite(ctx context.Context, err error) error {
	var se sqlite3.Error
	if fault.KindOf(err) != fault.Internal || !errors.As(err, &se) {
		return err
	}
	switch se.Code {
	case sqlite3.ErrFull, sqlite3.ErrReadonly, sqlite3.ErrIoErr, sqlite3.ErrCantOpen:
		slog.ErrorContext(ctx, "storage refused a write", "err", err, "sqlite_code", int(se.ExtendedCode))
		return fault.Wrap(fault.Unavailable, err, RefusedWriteMessage)
	}
	return err
}

// ID is a user or row id as the stores keep it: the decimal string's
// number, 0 for anything that is not a positive decimal number (which
// matches no row).
func ID(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

// IDList encodes ids (as ID reads them, those that are none left out) as a
// JSON array for json_each, so one statement takes any number of them
// without building placeholders.
func IDList(ids []string) string {
	ns := make([]int64, 0, len(ids))
	for _, s := range ids {
		if n := ID(s); n > 0 {
			ns = append(ns, n)
		}
	}
	b, _ := json.Marshal(ns)
	return string(b)
}
