package ratelimit

import (
	"sync"
	"time"

	"golang.org/x/time/rate"

	"murmur/fragments/internal/config"
)

// sweepEvery is how often the per-process allowances are looked through
// for ones that are full again, which are forgotten.
const sweepEvery = time.Minute

// buckets are the allowances kept in this process while Redis cannot be
// reached: one token bucket per action and account or address, holding
// the limit's count and refilling it evenly over its period, as GCRA does
// in Redis.
type buckets struct {
	mu    sync.Mutex
	all   map[string]*rate.Limiter
	swept time.Time
}

func newBuckets() *buckets { return &buckets{all: map[string]*rate.Limiter{}} }

// allow takes n tokens from key's bucket at now, or reports how long until
// n are there.
func (b *buckets) allow(key string, limit config.Limit, n int, now time.Time) (time.Duration, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if now.Sub(b.swept) >= sweepEvery {
		b.sweep(now)
	}
	bucket, ok := b.all[key]
	if !ok {
		bucket = rate.NewLimiter(rate.Every(limit.Period/time.Duration(limit.Count)), limit.Count)
		b.all[key] = bucket
	}
	r := bucket.ReserveN(now, n)
	if !r.OK() {
		return limit.Period, false
	}
	if wait := r.DelayFrom(now); wait > 0 {
		r.CancelAt(now)
		return wait, false
	}
	return 0, true
}

// sweep forgets the buckets that are full: a new one is the same, so the
// map holds only those in use within their period.
func (b *buckets) sweep(now time.Time) {
	for key, bucket := range b.all {
		if bucket.TokensAt(now) >= float64(bucket.Burst()) {
			delete(b.all, key)
		}
	}
	b.swept = now
}

// len is how many buckets are kept.
func (b *buckets) len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.all)
}
