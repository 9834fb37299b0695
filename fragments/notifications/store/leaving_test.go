package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"murmur/fragments/notifications"
)

// An account gone takes every notification by or for it, and its read
// mark; the entry applied again changes nothing.
func TestUserGone(t *testing.T) {
	ctx := context.Background()
	st := mustStore(t)
	const ann, bob, cat = "1", "2", "3"
	at := time.Now()
	for i, f := range []notifications.Fact{
		like(ann, bob, "100"), // for ann
		like(bob, ann, "200"), // by ann
		{RecipientID: cat, Kind: notifications.Follow, ActorID: ann}, // by ann
		like(bob, cat, "200"), // neither
	} {
		if _, _, err := st.Apply(ctx, "like.changed", string(rune('a'+i)), notifications.Change{Add: []notifications.Fact{f}, At: at}); err != nil {
			t.Fatal(err)
		}
	}
	mine, _, err := st.List(ctx, ann, 10, "", nil)
	if err != nil || len(mine) != 1 {
		t.Fatalf("ann's notifications = %v, %v; want 1", mine, err)
	}
	if err := st.MarkRead(ctx, ann, mine[0].ID); err != nil {
		t.Fatal(err)
	}
	readMarks := func() int {
		t.Helper()
		var n int
		if err := st.DB.QueryRowContext(ctx, `SELECT count(*) FROM read_marks WHERE recipient_id = 1`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if readMarks() != 1 {
		t.Fatal("ann's read mark was not kept")
	}

	gone := notifications.Change{UserGone: ann, At: at}
	rs, applied, err := st.Apply(ctx, "user.deleted", "9-0", gone)
	slices.Sort(rs)
	if err != nil || !applied || !slices.Equal(rs, []string{ann, bob, cat}) {
		t.Fatalf("Apply(user gone) = %v, %v, %v; want applied, touching ann, bob and cat", rs, applied, err)
	}
	check := func(t *testing.T) {
		t.Helper()
		for who, want := range map[string][]string{ann: nil, bob: {cat}, cat: nil} {
			list, _, err := st.List(ctx, who, 10, "", nil)
			var actors []string
			for _, n := range list {
				actors = append(actors, n.ActorID)
			}
			if err != nil || !slices.Equal(actors, want) {
				t.Errorf("%s's notifications are by %v (%v), want by %v", who, actors, err, want)
			}
		}
		if n, err := st.Unread(ctx, bob, nil); err != nil || n != 1 {
			t.Errorf("bob's unread = %d, %v; want 1", n, err)
		}
		if n := readMarks(); n != 0 {
			t.Errorf("ann's read marks = %d, want 0", n)
		}
	}
	check(t)

	t.Run("the same entry again", func(t *testing.T) {
		rs, applied, err := st.Apply(ctx, "user.deleted", "9-0", gone)
		if err != nil || applied || len(rs) != 0 {
			t.Fatalf("Apply again = %v, %v, %v; want not applied", rs, applied, err)
		}
		check(t)
	})
	t.Run("another entry for the same account", func(t *testing.T) {
		rs, applied, err := st.Apply(ctx, "user.deleted", "10-0", gone)
		if err != nil || !applied || len(rs) != 0 {
			t.Fatalf("Apply another = %v, %v, %v; want applied, touching no one", rs, applied, err)
		}
		check(t)
	})
}
