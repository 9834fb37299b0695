package store_test

import (
	"context"
	"testing"

	"murmur/fragments/follow/store"
	"murmur/fragments/internal/testkit"
)

// TestBlockEndsFollowsAndKeepsThemOut checks the store's own guarantees: a
// block ends the follows both ways in its transaction, and no follow can
// be written across a block, whichever way, even by a caller that did not
// look first.
func TestBlockEndsFollowsAndKeepsThemOut(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, testkit.DBPath(t, "follow"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, e := range [][2]string{{"1", "2"}, {"2", "1"}} {
		if _, err := st.Follow(ctx, e[0], e[1]); err != nil {
			t.Fatal(err)
		}
	}
	r, err := st.Block(ctx, "1", "2")
	if err != nil || !r.Created || !r.EndedFollowing || !r.EndedFollower {
		t.Fatalf("block = %+v, %v; want new, both follows ended", r, err)
	}
	if again, err := st.Block(ctx, "1", "2"); err != nil || again.Created || again.EndedFollowing {
		t.Errorf("block again = %+v, %v; want no change", again, err)
	}
	for _, e := range [][2]string{{"1", "2"}, {"2", "1"}} {
		if created, err := st.Follow(ctx, e[0], e[1]); err != nil || created {
			t.Errorf("follow %s→%s across the block = %v, %v; want refused", e[0], e[1], created, err)
		}
	}
	c, _ := st.Counts(ctx, "1")
	if c.Followers != 0 || c.Following != 0 {
		t.Errorf("counts of 1 = %+v, want zeros", c)
	}
	rel, err := st.Relation(ctx, "2", "1")
	if err != nil || rel.Blocked || !rel.BlockedBy {
		t.Errorf("relation of 2 to 1 = %+v, %v", rel, err)
	}
	if ok, err := st.Unblock(ctx, "1", "2"); err != nil || !ok {
		t.Fatalf("unblock = %v, %v", ok, err)
	}
	if created, err := st.Follow(ctx, "2", "1"); err != nil || !created {
		t.Errorf("follow after unblock = %v, %v", created, err)
	}
}
