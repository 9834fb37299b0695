package store_test

import (
	"context"
	"testing"
	"time"

	"murmur/fragments/internal/testkit"
	"murmur/fragments/notifications"
	"murmur/fragments/notifications/store"
)

func mustStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), testkit.DBPath(t, "notifications"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func like(recipient, actor, tweet string) notifications.Fact {
	return notifications.Fact{RecipientID: recipient, Kind: notifications.Like, ActorID: actor, TweetID: tweet}
}

func TestApplyIsOncePerEntryAndSkipsMyOwnActions(t *testing.T) {
	ctx := context.Background()
	st := mustStore(t)
	at := time.Now()
	steps := []struct {
		name, topic, entry string
		change             notifications.Change
		wantApplied        bool
		wantRecipients     int
		wantUnread         int
	}{
		{"a like", "like.changed", "1-0", notifications.Change{Add: []notifications.Fact{like("1", "2", "100")}, At: at}, true, 1, 1},
		{"the same entry again", "like.changed", "1-0", notifications.Change{Add: []notifications.Fact{like("1", "3", "100")}, At: at}, false, 0, 1},
		{"the same fact in another entry", "like.changed", "2-0", notifications.Change{Add: []notifications.Fact{like("1", "2", "100")}, At: at}, true, 0, 1},
		{"my own like", "like.changed", "3-0", notifications.Change{Add: []notifications.Fact{like("1", "1", "100")}, At: at}, true, 0, 1},
		{"a follow", "follow.created", "3-0", notifications.Change{Add: []notifications.Fact{{RecipientID: "1", Kind: notifications.Follow, ActorID: "3"}}, At: at}, true, 1, 2},
		{"an unlike", "like.changed", "4-0", notifications.Change{Remove: []notifications.Fact{like("1", "2", "100")}, At: at}, true, 1, 1},
		{"a like of another tweet", "like.changed", "5-0", notifications.Change{Add: []notifications.Fact{like("1", "2", "101")}, At: at}, true, 1, 2},
		{"that tweet deleted", "tweet.deleted", "5-0", notifications.Change{TweetGone: "101", At: at}, true, 1, 1},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			rs, applied, err := st.Apply(ctx, s.topic, s.entry, s.change)
			if err != nil {
				t.Fatal(err)
			}
			if applied != s.wantApplied || len(rs) != s.wantRecipients {
				t.Errorf("applied %v for %v, want %v for %d", applied, rs, s.wantApplied, s.wantRecipients)
			}
			if n, err := st.Unread(ctx, "1", nil); err != nil || n != s.wantUnread {
				t.Errorf("unread = %d (%v), want %d", n, err, s.wantUnread)
			}
		})
	}
}

func TestListPagesNewestFirstAndMarksRead(t *testing.T) {
	ctx := context.Background()
	st := mustStore(t)
	for i := range 5 {
		c := notifications.Change{Add: []notifications.Fact{like("7", string(rune('2'+i)), "100")}, At: time.Now()}
		if _, _, err := st.Apply(ctx, "like.changed", string(rune('a'+i)), c); err != nil {
			t.Fatal(err)
		}
	}
	first, next, err := st.List(ctx, "7", 3, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 3 || next != first[2].ID || first[0].ActorID != "6" {
		t.Fatalf("first page = %+v next %q, want the 3 newest (actor 6 first) and a cursor", first, next)
	}
	rest, next2, err := st.List(ctx, "7", 3, next, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rest) != 2 || next2 != "" || rest[1].ActorID != "2" {
		t.Fatalf("second page = %+v next %q, want the 2 oldest and no cursor", rest, next2)
	}
	if err := st.MarkRead(ctx, "7", first[1].ID); err != nil {
		t.Fatal(err)
	}
	if err := st.MarkRead(ctx, "7", rest[1].ID); err != nil { // older: changes nothing
		t.Fatal(err)
	}
	if n, _ := st.Unread(ctx, "7", nil); n != 1 {
		t.Errorf("unread = %d, want 1 (only the newest)", n)
	}
	all, _, _ := st.List(ctx, "7", 10, "", nil)
	for i, n := range all {
		if n.Read != (i > 0) {
			t.Errorf("item %d read = %v, want %v", i, n.Read, i > 0)
		}
	}
	if others, _, _ := st.List(ctx, "8", 10, "", nil); len(others) != 0 {
		t.Errorf("someone else sees %v", others)
	}
}
