package sqlite

import (
	"context"
	"database/sql"
	"sync"
)

// MaxBatch is how many writes at most share one transaction.
const MaxBatch = 64

// batch runs the writes that arrive while a transaction is being written
// together, in the next one: a group commit. SQLite takes one writer at a
// time, and most of a small write's cost is its commit — writing the
// pages it touched to the log, and for tweets flushing the search index's
// new words as a segment of their own. Writes arriving together share that
// cost; a write arriving alone goes at once, waiting for no company.
//
// There is no goroutine of its own: the first writer to find no
// transaction under way leads — it takes the queue (up to MaxBatch) and
// writes it; when done it hands the lead to the first writer still
// queued, so no one writes for others for longer than one transaction.
type batch struct {
	db *sql.DB

	mu      sync.Mutex
	queue   []*job
	leading bool

	// transactions counts the transactions written, for tests.
	transactions int
}

// job is one writer's function and what became of it.
type job struct {
	ctx context.Context
	fn  func(*sql.Tx) error
	err error
	// wake tells a queued writer that its write is done (false) or that it
	// leads now (true).
	wake chan bool
}

// write runs fn in a write transaction it may share with other writers'
// functions (see Store.Write).
func (b *batch) write(ctx context.Context, fn func(*sql.Tx) error) error {
	j := &job{ctx: ctx, fn: fn, wake: make(chan bool, 1)}
	b.mu.Lock()
	b.queue = append(b.queue, j)
	if b.leading {
		b.mu.Unlock()
		if lead := <-j.wake; !lead {
			return j.err
		}
		b.mu.Lock()
	}
	// Leading: the queue starts with this writer's job (no one leads with
	// a queue waiting, and a writer woken to lead is first in it).
	b.leading = true
	n := min(len(b.queue), MaxBatch)
	jobs := make([]*job, n)
	copy(jobs, b.queue)
	b.queue = b.queue[n:]
	b.transactions++
	b.mu.Unlock()

	b.run(jobs)

	b.mu.Lock()
	if len(b.queue) > 0 {
		b.queue[0].wake <- true
	} else {
		b.leading = false
	}
	b.mu.Unlock()
	for _, o := range jobs[1:] {
		o.wake <- false
	}
	return j.err
}

// run writes jobs in one transaction, each inside a savepoint: a job whose
// function fails is undone alone and gets its error; the others commit
// together. When the transaction itself fails — it could not begin or
// commit, or SQLite rolled it back whole (a full disk, an interrupted
// statement) — every job is written again in a transaction of its own, so
// each gets its own outcome and none reports a write that was undone.
func (b *batch) run(jobs []*job) {
	if len(jobs) == 1 {
		jobs[0].err = InTx(jobs[0].ctx, b.db, jobs[0].fn)
		return
	}
	if !b.together(jobs) {
		for _, j := range jobs {
			j.err = InTx(j.ctx, b.db, j.fn)
		}
	}
}

// together writes jobs in one transaction and tells whether it committed
// (each job's err then says how its own function went).
func (b *batch) together(jobs []*job) bool {
	tx, err := b.db.BeginTx(context.Background(), nil)
	if err != nil {
		return false
	}
	for _, j := range jobs {
		j.err = j.ctx.Err()
		if j.err != nil {
			continue
		}
		if _, err := tx.Exec(`SAVEPOINT job`); err != nil {
			tx.Rollback()
			return false
		}
		if j.err = j.fn(tx); j.err != nil {
			j.err = refusedWrite(j.ctx, j.err)
			if _, err := tx.Exec(`ROLLBACK TO job`); err != nil {
				tx.Rollback()
				return false
			}
		}
		if _, err := tx.Exec(`RELEASE job`); err != nil {
			tx.Rollback()
			return false
		}
	}
	if err := tx.Commit(); err != nil {
		tx.Rollback()
		return false
	}
	return true
}
