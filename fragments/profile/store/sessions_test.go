package store_test

import (
	"context"
	"testing"

	"murmur/fragments/internal/fault"
)

// Revoking sessions moves the token version on, and a password change
// sets the new hash in the same write; a hash of "" keeps the password.
func TestRevokeSessions(t *testing.T) {
	ctx := context.Background()
	s := mustStore(t)
	ada := mustCreate(t, s, "ada", "Ada")
	bob := mustCreate(t, s, "bob", "Bob")
	if ada.TokenVersion != 0 {
		t.Fatalf("a new account's token version is %d, want 0", ada.TokenVersion)
	}
	u, err := s.RevokeSessions(ctx, ada.ID, "")
	if err != nil || u.TokenVersion != 1 || u.Handle != "ada" {
		t.Fatalf("RevokeSessions = %+v, %v; want ada at version 1", u, err)
	}
	if _, hash, _ := s.PasswordHashByID(ctx, ada.ID); hash != "h" {
		t.Errorf("signing out everywhere changed the password hash to %q", hash)
	}
	u, err = s.RevokeSessions(ctx, ada.ID, "new-hash")
	if err != nil || u.TokenVersion != 2 {
		t.Fatalf("RevokeSessions with a hash = %+v, %v; want version 2", u, err)
	}
	if got, hash, err := s.PasswordHashByID(ctx, ada.ID); err != nil || hash != "new-hash" || got.TokenVersion != 2 {
		t.Errorf("PasswordHashByID = %+v, %q, %v; want the new hash at version 2", got, hash, err)
	}
	for id, want := range map[string]int64{ada.ID: 2, bob.ID: 0} {
		if v, err := s.TokenVersion(ctx, id); err != nil || v != want {
			t.Errorf("TokenVersion(%s) = %d, %v; want %d", id, v, err, want)
		}
		if u, err := s.UserByID(ctx, id); err != nil || u.TokenVersion != want {
			t.Errorf("UserByID(%s).TokenVersion = %d, %v; want %d", id, u.TokenVersion, err, want)
		}
	}
	for _, id := range []string{"999", "0", "-1", "x", "01"} {
		if _, err := s.RevokeSessions(ctx, id, ""); !fault.Is(err, fault.NotFound) {
			t.Errorf("RevokeSessions(%q): err = %v; want NotFound", id, err)
		}
		if _, err := s.TokenVersion(ctx, id); !fault.Is(err, fault.NotFound) {
			t.Errorf("TokenVersion(%q): err = %v; want NotFound", id, err)
		}
		if _, _, err := s.PasswordHashByID(ctx, id); !fault.Is(err, fault.NotFound) {
			t.Errorf("PasswordHashByID(%q): err = %v; want NotFound", id, err)
		}
	}
}
