package notifications_test

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"time"

	"murmur/fragments/internal/events"
	"murmur/fragments/internal/testkit"
	"murmur/fragments/notifications"
	"murmur/fragments/notifications/store"
)

// announced records whose notifications changed.
type announced struct {
	mu  sync.Mutex
	ids []string
}

func (a *announced) Changed(_ context.Context, ids ...string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.ids = append(a.ids, ids...)
}

func (a *announced) take() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := a.ids
	a.ids = nil
	slices.Sort(out)
	return out
}

func entry(t *testing.T, topic, id string, payload any) events.Entry {
	t.Helper()
	b, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	return events.Entry{Topic: topic, ID: id, Payload: b}
}

// A user.deleted fact reaches the store: the notifications by and for the
// account go, and whose count changed is announced, once.
func TestInboxErasesADeletedAccount(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, testkit.DBPath(t, "notifications"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ann := &announced{}
	in := notifications.NewInbox(st, nil, ann)

	for i, p := range []events.LikeChangedPayload{
		{TweetID: "100", AuthorID: "1", UserID: "2", Liked: true},
		{TweetID: "200", AuthorID: "2", UserID: "1", Liked: true},
	} {
		if err := in.Handle(ctx, entry(t, events.LikeChanged, string(rune('1'+i))+"-0", p)); err != nil {
			t.Fatal(err)
		}
	}
	if got := ann.take(); !slices.Equal(got, []string{"1", "2"}) {
		t.Fatalf("announced %v after the likes, want [1 2]", got)
	}

	deleted := entry(t, events.UserDeleted, "5-0", events.UserDeletedPayload{UserID: "1", Handle: "ann", DeletedAt: time.Now()})
	if err := in.Handle(ctx, deleted); err != nil {
		t.Fatal(err)
	}
	if got := ann.take(); !slices.Equal(got, []string{"1", "2"}) {
		t.Errorf("announced %v after the deletion, want [1 2]", got)
	}
	for _, who := range []string{"1", "2"} {
		if n, err := st.Unread(ctx, who, nil); err != nil || n != 0 {
			t.Errorf("%s's unread = %d, %v; want 0", who, n, err)
		}
	}
	if err := in.Handle(ctx, deleted); err != nil {
		t.Fatal(err)
	}
	if got := ann.take(); len(got) != 0 {
		t.Errorf("announced %v when the fact came again, want nothing", got)
	}
}
