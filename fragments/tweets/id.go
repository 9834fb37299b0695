package tweets

import (
	"math/rand/v2"
	"strconv"
	"sync"
	"time"
)

// epoch is the zero of tweet and media ids: 2024-01-01T00:00:00Z.
var epoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// seqBits is how many low bits of an id count within one millisecond; the
// 41 bits above them hold milliseconds since epoch, enough for 69 years.
const seqBits = 22

// IDs hands out time-ordered 64-bit ids, like Twitter's snowflakes: later
// ids are larger, so the newest-first order of tweets is the order of their
// ids, and an id is a cursor that needs no further decoding.
//
// The low bits start at a random point in the lower half of the sequence
// space every millisecond, so two service instances writing one database
// rarely pick the same id; within one process ids are strictly increasing.
type IDs struct {
	mu   sync.Mutex
	last int64
	now  func() time.Time
}

// NewIDs returns an id generator reading the given clock.
func NewIDs(now func() time.Time) *IDs { return &IDs{now: now} }

// Next returns a new id, larger than any this generator gave before.
func (g *IDs) Next() int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	ms := g.now().Sub(epoch).Milliseconds()
	id := ms<<seqBits | rand.Int64N(1<<(seqBits-1))
	if id <= g.last {
		id = g.last + 1
	}
	g.last = id
	return id
}

// IDTime is the moment an id was made, to the millisecond.
func IDTime(id int64) time.Time {
	return epoch.Add(time.Duration(id>>seqBits) * time.Millisecond)
}

// ParseID reads an id given as a string; anything but a positive decimal
// number names nothing.
func ParseID(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0 && strconv.FormatInt(n, 10) == s
}

// FormatID writes an id as the string the JSON API uses.
func FormatID(id int64) string { return strconv.FormatInt(id, 10) }
