package store_test

import (
	"context"
	"testing"
	"time"

	"murmur/fragments/internal/events"
	"murmur/fragments/internal/fault"
	"murmur/fragments/profile"
)

// A deleted account is gone, its tokens refused for good, its handle
// reserved until its time, its id never given again; deleting it twice or
// deleting no one is NotFound.
func TestDeleteUser(t *testing.T) {
	ctx := context.Background()
	s := mustStore(t)
	mustCreate(t, s, "ada", "Ada")
	bob := mustCreate(t, s, "bob", "Bob")
	now := time.Now().UTC()
	if _, err := s.DeleteUser(ctx, bob.ID, now, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UserByID(ctx, bob.ID); !fault.Is(err, fault.NotFound) {
		t.Errorf("deleted user found: %v", err)
	}
	if v, err := s.TokenVersion(ctx, bob.ID); err != nil || v != events.DeletedTokenVersion {
		t.Errorf("token version %d %v, want the deleted one", v, err)
	}
	for _, id := range []string{bob.ID, "0", "x", "999"} {
		if _, err := s.DeleteUser(ctx, id, now, now); !fault.Is(err, fault.NotFound) {
			t.Errorf("delete %q: %v, want NotFound", id, err)
		}
	}
	if _, err := s.CreateUser(ctx, profile.NewUser{Handle: "bob", DisplayName: "Not Bob", PasswordHash: "h"}); !fault.Is(err, fault.Conflict) {
		t.Errorf("reserved handle taken: %v", err)
	}
	cat := mustCreate(t, s, "cat", "Cat")
	if cat.ID == bob.ID {
		t.Errorf("new id %s not above the deleted %s", cat.ID, bob.ID)
	}
	waiting, err := s.Unannounced(ctx)
	if err != nil || len(waiting) != 1 || waiting[0].Handle != "bob" {
		t.Fatalf("unannounced %v %v", waiting, err)
	}
	if err := s.MarkAnnounced(ctx, bob.ID, now); err != nil {
		t.Fatal(err)
	}
	if waiting, _ := s.Unannounced(ctx); len(waiting) != 0 {
		t.Errorf("still waiting: %v", waiting)
	}
	// Once the reservation is over, the handle is free again.
	dan := mustCreate(t, s, "dan", "Dan")
	if _, err := s.DeleteUser(ctx, dan.ID, now, now.Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, "dan", "Dan again")
}
