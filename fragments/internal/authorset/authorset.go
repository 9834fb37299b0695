// Package authorset names a list of author ids, so that the timeline can
// ask the tweets service for a feed of a list tweets already holds without
// sending (and tweets decoding) thousands of ids on every read.
//
// A name is content-addressed: the lowercase hex SHA-256 of the ids, in
// the order given, each followed by a newline. The same list always has
// the same name, on every instance of either service, and a name can only
// be remembered for the list it was checked against (see Sets.Remember).
package authorset

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"

	lru "github.com/hashicorp/golang-lru/v2"
)

// Name is the name of a list of ids. An id holding a newline has no name
// ("" is returned): two lists must never share one.
func Name(ids []string) string {
	h := sha256.New()
	for _, id := range ids {
		if strings.IndexByte(id, '\n') >= 0 {
			return ""
		}
		h.Write([]byte(id))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Valid reports whether name has a name's shape.
func Valid(name string) bool {
	if len(name) != 2*sha256.Size {
		return false
	}
	for _, c := range []byte(name) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Sets remembers lists by name, the least recently used forgotten first
// once they hold more than a bound of ids in all.
type Sets struct {
	mu    sync.Mutex
	lists *lru.Cache[string, []string]
	ids   int
	max   int
}

// NewSets remembers lists of at most maxIDs ids in all.
func NewSets(maxIDs int) *Sets {
	s := &Sets{max: max(maxIDs, 1)}
	lists, err := lru.NewWithEvict[string, []string](1<<20, func(_ string, ids []string) { s.ids -= len(ids) })
	if err != nil {
		panic(err) // only for a size below 1
	}
	s.lists = lists
	return s
}

// Remember keeps ids under name when name is theirs, and reports whether it was.
func (s *Sets) Remember(name string, ids []string) bool {
	if name == "" || Name(ids) != name {
		return false
	}
	if len(ids) > s.max {
		return true // named right, too long to keep
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lists.Contains(name) {
		return true
	}
	s.lists.Add(name, append([]string(nil), ids...))
	s.ids += len(ids)
	for s.ids > s.max {
		s.lists.RemoveOldest()
	}
	return true
}

// Get returns the list named name, if it is remembered. The list is shared:
// callers must not change it.
func (s *Sets) Get(name string) ([]string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lists.Get(name)
}
