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

// TestEraseAndExportBlocksAndMutes checks that a deleted account's blocks
// and mutes go both ways, leaving the other side's hidden set and version
// changed and nothing of the account behind (a second erase removes
// nothing), and that an export lists whom one blocked and muted.
func TestEraseAndExportBlocksAndMutes(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, testkit.DBPath(t, "follow"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.Block(ctx, "1", "2"))
	must(st.Mute(ctx, "1", "3"))
	must(st.Block(ctx, "3", "1"))
	must(st.Mute(ctx, "2", "1"))
	e, err := st.Export(ctx, "1")
	if err != nil || len(e.Blocked) != 1 || e.Blocked[0].UserID != "2" || len(e.Muted) != 1 || e.Muted[0].UserID != "3" {
		t.Fatalf("export of 1 = %+v, %v; want blocked 2, muted 3", e, err)
	}
	before, _ := st.FollowingVersion(ctx, "2")
	if n, err := st.EraseUser(ctx, "1"); err != nil || n == 0 {
		t.Fatalf("erase 1 = %d, %v", n, err)
	}
	if n, err := st.EraseUser(ctx, "1"); err != nil || n != 0 {
		t.Errorf("erase 1 again = %d, %v; want nothing left", n, err)
	}
	for _, who := range []string{"2", "3"} {
		page, _, err := st.FollowingIDs(ctx, who, 10, "")
		if err != nil || len(page.Hidden) != 0 {
			t.Errorf("hidden set of %s after 1 was erased = %v, %v; want empty", who, page.Hidden, err)
		}
	}
	if after, _ := st.FollowingVersion(ctx, "2"); after == before {
		t.Error("2's version did not change when their mute of 1 went")
	}
	if v, _ := st.FollowingVersion(ctx, "1"); v != 0 {
		t.Errorf("1's version after erasure = %d, want none", v)
	}
}
