package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"murmur/fragments/internal/sqlite"
)

func mustOpenStore(t *testing.T) sqlite.Store {
	t.Helper()
	st, err := sqlite.OpenStore(context.Background(), filepath.Join(t.TempDir(), "notes.db"), notes,
		func(s sqlite.Store) sqlite.Store { return s })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func insert(ctx context.Context, body string) func(*sql.Tx) error {
	return func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO notes (body) VALUES (?)`, body)
		return err
	}
}

func noteExists(t *testing.T, st sqlite.Store, body string) bool {
	t.Helper()
	var n int
	if err := st.DB.QueryRow(`SELECT count(*) FROM notes WHERE body = ?`, body).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

// holdWrite starts a write that stays open until the returned function is
// called, so writes made meanwhile queue for the next transaction.
func holdWrite(t *testing.T, st sqlite.Store) (release func() error) {
	t.Helper()
	started, hold, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- st.Write(context.Background(), func(tx *sql.Tx) error {
			close(started)
			<-hold
			return insert(context.Background(), "first")(tx)
		})
	}()
	<-started
	return func() error { close(hold); return <-done }
}

// waitQueued waits until n writes queue behind the one under way.
func waitQueued(t *testing.T, st sqlite.Store, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); sqlite.Queued(st) < n; {
		if time.Now().After(deadline) {
			t.Fatalf("%d writes queued, want %d", sqlite.Queued(st), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// Writes that arrive while a transaction is under way share the next one;
// a write whose function fails is undone whole, its earlier statements
// included, and the others in its transaction commit.
func TestWritesArrivingTogetherShareATransaction(t *testing.T) {
	st := mustOpenStore(t)
	release := holdWrite(t, st)
	const writers = 40
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			errs[i] = st.Write(context.Background(), func(tx *sql.Tx) error {
				if err := insert(context.Background(), fmt.Sprintf("note %d", i))(tx); err != nil {
					return err
				}
				if i%5 == 0 { // a second note that is already there: UNIQUE refuses it
					return insert(context.Background(), "first")(tx)
				}
				return nil
			})
		})
	}
	waitQueued(t, st, writers)
	if err := release(); err != nil {
		t.Fatalf("the first write: %v", err)
	}
	wg.Wait()
	if got := sqlite.Transactions(st); got != 2 { // writers < MaxBatch
		t.Errorf("%d transactions for 1 + %d writes, want 2", got, writers)
	}
	for i, err := range errs {
		body := fmt.Sprintf("note %d", i)
		if i%5 == 0 {
			if err == nil || noteExists(t, st, body) {
				t.Errorf("write %d should have failed whole: err %v, its first note kept: %v", i, err, noteExists(t, st, body))
			}
			continue
		}
		if err != nil || !noteExists(t, st, body) {
			t.Errorf("write %d: err %v, note kept: %v", i, err, noteExists(t, st, body))
		}
	}
	if n := mustCount(t, st.DB); n != 1+writers-writers/5 {
		t.Errorf("%d notes, want %d", n, 1+writers-writers/5)
	}
}

// When the shared transaction itself breaks, every write in it is written
// again on its own: each gets its own outcome and none reports a write
// that was undone.
func TestABrokenSharedTransactionFallsBackToOneEach(t *testing.T) {
	st := mustOpenStore(t)
	release := holdWrite(t, st)
	const writers = 10
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			errs[i] = st.Write(context.Background(), func(tx *sql.Tx) error {
				if i == 3 { // ends the transaction under everyone's feet
					_, err := tx.Exec(`ROLLBACK`)
					return err
				}
				return insert(context.Background(), fmt.Sprintf("note %d", i))(tx)
			})
		})
	}
	waitQueued(t, st, writers)
	if err := release(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	for i, err := range errs {
		if i == 3 {
			if err == nil {
				t.Error("the write that rolled back reported success")
			}
			continue
		}
		if err != nil || !noteExists(t, st, fmt.Sprintf("note %d", i)) {
			t.Errorf("write %d: err %v, kept %v", i, err, noteExists(t, st, fmt.Sprintf("note %d", i)))
		}
	}
}

// A write whose caller gave up before its turn is not made.
func TestACancelledWriteIsNotMade(t *testing.T) {
	st := mustOpenStore(t)
	release := holdWrite(t, st)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 2)
	go func() { done <- st.Write(ctx, insert(ctx, "given up")) }()
	go func() { done <- st.Write(context.Background(), insert(context.Background(), "kept")) }()
	waitQueued(t, st, 2)
	cancel()
	if err := release(); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("unexpected error %v", err)
		}
	}
	if noteExists(t, st, "given up") || !noteExists(t, st, "kept") {
		t.Errorf("given up kept: %v; kept kept: %v", noteExists(t, st, "given up"), noteExists(t, st, "kept"))
	}
}
