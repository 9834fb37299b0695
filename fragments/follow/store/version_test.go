package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"murmur/fragments/follow"
	"murmur/fragments/follow/store"
	"murmur/fragments/internal/fault"
)

func mustVersion(tb testing.TB, st *store.Store, id string) follow.FollowingVersion {
	tb.Helper()
	v, err := st.FollowingVersion(context.Background(), id)
	if err != nil {
		tb.Fatalf("version of %s: %v", id, err)
	}
	return v
}

// TestFollowingVersion checks that a person's version changes exactly when
// whom they follow does, whichever way the edge is written, and that
// others' changes leave it alone.
func TestFollowingVersion(t *testing.T) {
	ctx := context.Background()
	st := mustStore(t)
	at := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	if v := mustVersion(t, st, "1"); v != 0 {
		t.Fatalf("version of someone who never followed anyone = %d, want 0", v)
	}
	mustFollow(t, st, "1", "2")
	mustFollow(t, st, "3", "4")

	steps := []struct {
		name    string
		change  func() error
		changed bool // whether 1's version changes
	}{
		{"1 follows", func() error { _, err := st.Follow(ctx, "1", "3"); return err }, true},
		{"1 follows again", func() error { _, err := st.Follow(ctx, "1", "3"); return err }, false},
		{"1 unfollows", func() error { _, err := st.Unfollow(ctx, "1", "3"); return err }, true},
		{"1 unfollows again", func() error { _, err := st.Unfollow(ctx, "1", "3"); return err }, false},
		{"someone follows 1", func() error { _, err := st.Follow(ctx, "5", "1"); return err }, false},
		{"someone follows whom 1 follows", func() error { _, err := st.Follow(ctx, "5", "2"); return err }, false},
		{"whom 1 follows follows someone", func() error { _, err := st.Follow(ctx, "2", "6"); return err }, false},
		{"someone unfollows 1", func() error { _, err := st.Unfollow(ctx, "5", "1"); return err }, false},
		{"an import of others' edges", func() error {
			_, err := st.ImportFollows(ctx, []follow.Edge{{FollowerID: "7", FolloweeID: "1", CreatedAt: at}, {FollowerID: "7", FolloweeID: "2", CreatedAt: at}})
			return err
		}, false},
		{"an import of 1's edges already there", func() error {
			_, err := st.ImportFollows(ctx, []follow.Edge{{FollowerID: "1", FolloweeID: "2", CreatedAt: at}})
			return err
		}, false},
		{"an import of a new edge of 1", func() error {
			_, err := st.ImportFollows(ctx, []follow.Edge{{FollowerID: "7", FolloweeID: "8", CreatedAt: at}, {FollowerID: "1", FolloweeID: "8", CreatedAt: at}})
			return err
		}, true},
		{"a refused import with an edge of 1", func() error {
			_, err := st.ImportFollows(ctx, []follow.Edge{{FollowerID: "1", FolloweeID: "9", CreatedAt: at}, {FollowerID: "9", FolloweeID: "9", CreatedAt: at}})
			if !fault.Is(err, fault.Invalid) {
				return fmt.Errorf("import with a self-follow: err = %v, want Invalid", err)
			}
			return nil
		}, false},
	}
	seen := []follow.FollowingVersion{0}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			before := mustVersion(t, st, "1")
			if err := s.change(); err != nil {
				t.Fatal(err)
			}
			after := mustVersion(t, st, "1")
			if changed := after != before; changed != s.changed {
				t.Fatalf("version %d before, %d after: changed = %v, want %v", before, after, changed, s.changed)
			}
			if s.changed && slices.Contains(seen, after) {
				t.Errorf("new version %d is one 1 had before (%v)", after, seen)
			}
			if s.changed {
				seen = append(seen, after)
			}
		})
	}

	t.Run("other people have versions of their own", func(t *testing.T) {
		v3 := mustVersion(t, st, "3")
		mustFollow(t, st, "3", "1")
		if v := mustVersion(t, st, "3"); v == v3 || v == 0 {
			t.Errorf("3's version after following = %d, want a new one (was %d)", v, v3)
		}
	})
	t.Run("the listing reads the same version", func(t *testing.T) {
		page, v, err := st.FollowingIDs(ctx, "1", 1000, "")
		if err != nil {
			t.Fatal(err)
		}
		if want := mustVersion(t, st, "1"); v != want || !slices.Equal(page.IDs, []string{"8", "2"}) {
			t.Errorf("FollowingIDs = %v at version %d, want [8 2] at %d", page.IDs, v, want)
		}
	})
}
