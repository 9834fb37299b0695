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

// A picture is stored in its sizes under its key; replacing or removing it
// makes the old key name nothing.
func TestAvatars(t *testing.T) {
	ctx := context.Background()
	s := mustStore(t)
	ada := mustCreate(t, s, "ada", "Ada")
	u, err := s.SetAvatar(ctx, ada.ID, "k1", map[int][]byte{48: []byte("small"), 96: []byte("mid")})
	if err != nil || u.Avatar != "k1" {
		t.Fatalf("SetAvatar = %+v, %v; want key k1", u, err)
	}
	if data, err := s.Avatar(ctx, ada.ID, "k1", 96); err != nil || string(data) != "mid" {
		t.Errorf("Avatar(k1, 96) = %q, %v", data, err)
	}
	if _, err := s.SetAvatar(ctx, ada.ID, "k2", map[int][]byte{96: []byte("new")}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		key  string
		size int
	}{{"k1", 96}, {"k2", 48}, {"", 96}} {
		if _, err := s.Avatar(ctx, ada.ID, tt.key, tt.size); !fault.Is(err, fault.NotFound) {
			t.Errorf("Avatar(%q, %d): err = %v; want NotFound", tt.key, tt.size, err)
		}
	}
	if u, err := s.UserByHandle(ctx, "ada"); err != nil || u.Avatar != "k2" {
		t.Errorf("UserByHandle = %+v, %v; want key k2", u, err)
	}
	if u, err := s.RemoveAvatar(ctx, ada.ID); err != nil || u.Avatar != "" {
		t.Errorf("RemoveAvatar = %+v, %v", u, err)
	}
	if _, err := s.Avatar(ctx, ada.ID, "k2", 96); !fault.Is(err, fault.NotFound) {
		t.Errorf("a removed picture: err = %v; want NotFound", err)
	}
	if _, err := s.SetAvatar(ctx, "999", "k", nil); !fault.Is(err, fault.NotFound) {
		t.Errorf("SetAvatar of no one: err = %v; want NotFound", err)
	}
}
