package store_test

import (
	"context"
	"testing"
	"time"

	"murmur/fragments/follow"
	"murmur/fragments/internal/fault"
)

func TestImportFollows(t *testing.T) {
	ctx := context.Background()
	st := mustStore(t)
	at := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	mustFollow(t, st, "1", "2")
	added, err := st.ImportFollows(ctx, []follow.Edge{
		{FollowerID: "1", FolloweeID: "2", CreatedAt: at}, // there already
		{FollowerID: "1", FolloweeID: "3", CreatedAt: at},
		{FollowerID: "4", FolloweeID: "2", CreatedAt: at},
	})
	if err != nil || added != 2 {
		t.Fatalf("ImportFollows = %d, %v; want 2 new edges", added, err)
	}
	if c := mustCounts(t, st, "1"); c.Following != 2 {
		t.Errorf("1 follows %d; want 2", c.Following)
	}
	if c := mustCounts(t, st, "2"); c.Followers != 2 {
		t.Errorf("2 has %d followers; want 2", c.Followers)
	}

	_, err = st.ImportFollows(ctx, []follow.Edge{
		{FollowerID: "5", FolloweeID: "6", CreatedAt: at},
		{FollowerID: "7", FolloweeID: "7", CreatedAt: at},
	})
	if !fault.Is(err, fault.Invalid) {
		t.Fatalf("a self-follow in the batch: err = %v; want Invalid", err)
	}
	if c := mustCounts(t, st, "5"); c.Following != 0 {
		t.Errorf("5 follows %d after the refused batch; want 0", c.Following)
	}
}
