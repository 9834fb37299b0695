package store_test

import (
	"context"
	"testing"
	"time"

	"murmur/fragments/internal/fault"
	"murmur/fragments/profile"
)

func TestImportUsers(t *testing.T) {
	ctx := context.Background()
	s := mustStore(t)
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	users, err := s.ImportUsers(ctx, []profile.NewUser{
		{Handle: "ann", DisplayName: "Ann", PasswordHash: "h1"},
		{Handle: "bob", DisplayName: "Bob", PasswordHash: "h2"},
	}, at)
	if err != nil || len(users) != 2 {
		t.Fatalf("ImportUsers = %v, %v; want two users", users, err)
	}
	bob, err := s.UserByHandle(ctx, "bob")
	if err != nil || bob.ID != users[1].ID || !bob.CreatedAt.Equal(at) {
		t.Errorf("bob = %+v, %v; want id %s created %v", bob, err, users[1].ID, at)
	}
	if _, hash, err := s.PasswordHash(ctx, "ann"); err != nil || hash != "h1" {
		t.Errorf("ann's hash = %q, %v; want h1", hash, err)
	}

	_, err = s.ImportUsers(ctx, []profile.NewUser{
		{Handle: "cat", DisplayName: "Cat", PasswordHash: "h"},
		{Handle: "ANN", DisplayName: "Ann again", PasswordHash: "h"},
	}, at)
	if !fault.Is(err, fault.Conflict) {
		t.Fatalf("importing a taken handle: err = %v; want Conflict", err)
	}
	if _, err := s.UserByHandle(ctx, "cat"); !fault.Is(err, fault.NotFound) {
		t.Errorf("cat exists after the refused batch (err %v); want none of it kept", err)
	}
}
