// Package live pushes new and deleted tweets to the open sockets of the
// people whose home timeline they belong to. Every timeline instance
// subscribes to the tweet and follow events on Redis and serves only its
// own sockets; for each event it decides, per socket owner, from the set of
// people that owner follows (loaded from the follow service, kept current by
// follow events), so an unfollow stops delivery on open sockets at once.
package live

import (
	"strconv"
	"sync"
	"sync/atomic"

	"murmur/fragments/timeline"
)

// Format is what a socket carries.
type Format int

const (
	// HTML sockets (/timeline/ws) carry htmx fragments for hx-ws.
	HTML Format = iota
	// JSON sockets (/timeline/api/stream) carry the API's events.
	JSON
)

// QueueSize is how many messages may wait for one socket. A client that
// falls further behind is dropped (it reconnects and catches up), so one
// slow reader never holds up the others.
const QueueSize = 64

// Socket is one open connection of a viewer, as the hub sees it: a bounded
// queue of messages the connection's writer drains.
type Socket struct {
	Caller timeline.Caller
	Format Format
	out    chan []byte
	// dropped is closed when the hub gives up on the socket.
	dropped chan struct{}
	once    sync.Once
	// newest is the largest tweet id the socket has been sent or was
	// known to have: where a catch-up starts.
	newest atomic.Int64
	// known is false until newest has been set (from ?since= or the home's newest).
	known atomic.Bool
	// gap, when set, is where newest stood when events began to go missing
	// (the Redis subscription was lost, or an event was dropped): the next
	// catch-up starts there, not at newest, which tweets arriving live
	// after the gap move past the ones it missed.
	gap atomic.Pointer[int64]

	// recent remembers the last tweets sent, so a tweet that arrives both
	// live and in a catch-up reaches the client once.
	mu     sync.Mutex
	recent map[string]struct{}
	order  []string
}

// recentSize is how many sent tweet ids a socket remembers.
const recentSize = 256

// first reports whether the tweet has not been sent on this socket yet,
// and remembers it.
func (s *Socket) first(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.recent[id]; ok {
		return false
	}
	if s.recent == nil {
		s.recent = map[string]struct{}{}
	}
	s.recent[id] = struct{}{}
	s.order = append(s.order, id)
	if len(s.order) > recentSize {
		delete(s.recent, s.order[0])
		s.order = s.order[1:]
	}
	return true
}

// NewSocket returns a socket for the caller. since is the newest tweet id
// the client already has ("" when it does not say).
func NewSocket(c timeline.Caller, f Format, since string) *Socket {
	s := &Socket{Caller: c, Format: f, out: make(chan []byte, QueueSize), dropped: make(chan struct{})}
	if n, err := strconv.ParseInt(since, 10, 64); err == nil && n >= 0 {
		s.newest.Store(n)
		s.known.Store(true)
	}
	return s
}

// Out is the queue of messages to write, in order.
func (s *Socket) Out() <-chan []byte { return s.out }

// Dropped is closed when the socket fell too far behind and must close.
func (s *Socket) Dropped() <-chan struct{} { return s.dropped }

// send queues a message without ever blocking; a full queue drops the socket.
func (s *Socket) send(msg []byte) bool {
	select {
	case <-s.dropped:
		return false
	default:
	}
	select {
	case s.out <- msg:
		return true
	default:
		s.once.Do(func() { close(s.dropped) })
		return false
	}
}

// saw records that the client has the tweet with the given id.
func (s *Socket) saw(id string) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return
	}
	s.known.Store(true)
	for {
		old := s.newest.Load()
		if n <= old || s.newest.CompareAndSwap(old, n) {
			return
		}
	}
}

// since is where a catch-up starts ("0" for everything), and whether it is known.
func (s *Socket) since() (string, bool) {
	return strconv.FormatInt(s.newest.Load(), 10), s.known.Load()
}

// markGap notes that events may go missing from now on, unless an
// earlier gap is still to be caught up.
func (s *Socket) markGap() {
	if s.known.Load() {
		n := s.newest.Load()
		s.gap.CompareAndSwap(nil, &n)
	}
}

// catchUpFrom is where the next catch-up starts, taking the gap mark
// (restore puts it back if the catch-up fails).
func (s *Socket) catchUpFrom() (since string, known bool, restore func()) {
	if g := s.gap.Swap(nil); g != nil {
		return strconv.FormatInt(*g, 10), true, func() { s.gap.CompareAndSwap(nil, g) }
	}
	since, known = s.since()
	return since, known, func() {}
}
