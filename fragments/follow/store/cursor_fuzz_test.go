package store

import (
	"math"
	"testing"

	"murmur/fragments/follow"
	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/sqlite"
	"murmur/fragments/internal/testkit"
)

// FuzzCursor holds follow's list cursors and user ids to their rules.
// Every cursor encodeCursor writes reads back as its position; any other
// string is refused as invalid; "" is the top. A user id is valid exactly
// in the form murmur writes ids, and the store reads a valid id as its
// number.
func FuzzCursor(f *testing.F) {
	f.Fuzz(func(t *testing.T, c string, n int64) {
		if n > 0 {
			if back, err := decodeCursor(encodeCursor(n)); err != nil || back != n {
				t.Fatalf("the cursor %q of %d reads back as %d, %v", encodeCursor(n), n, back, err)
			}
		}
		pos, err := decodeCursor(c)
		switch {
		case c == "" && (err != nil || pos != math.MaxInt64):
			t.Fatalf("the empty cursor reads as %d, %v; want the top", pos, err)
		case err != nil && !fault.Is(err, fault.Invalid):
			t.Fatalf("cursor %q refused with %v, not as invalid", c, err)
		case c != "" && err == nil && pos <= 0:
			t.Fatalf("cursor %q reads as position %d", c, pos)
		case c != "" && err == nil && encodeCursor(pos) != c:
			t.Fatalf("cursor %q, not one this store writes, reads as %d (its cursor is %q)", c, pos, encodeCursor(pos))
		}

		want, ok := testkit.CanonicalID(c)
		if follow.ValidID(c) != ok {
			t.Fatalf("ValidID(%q) = %v, want %v", c, !ok, ok)
		}
		if ok && sqlite.ID(c) != want {
			t.Fatalf("the store reads user id %q as %d", c, sqlite.ID(c))
		}
	})
}

// A position has one cursor: other spellings of its number are refused.
func TestCursorsHaveOneSpelling(t *testing.T) {
	if n, err := decodeCursor(encodeCursor(42)); err != nil || n != 42 {
		t.Fatalf("the cursor of 42 reads as %d, %v", n, err)
	}
	for _, c := range []string{"KzQy" /* +42 */, "MDQy" /* 042 */, "NDJ" /* 42 with stray bits */, "IDQy" /* " 42" */} {
		if n, err := decodeCursor(c); !fault.Is(err, fault.Invalid) {
			t.Errorf("cursor %q read as %d, %v; want it refused", c, n, err)
		}
	}
}
