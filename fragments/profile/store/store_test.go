package store_test

import (
	"context"
	"sync"
	"testing"

	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/testkit"
	"murmur/fragments/profile"
	"murmur/fragments/profile/store"
)

func mustStore(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), testkit.DBPath(t, "profile"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func mustCreate(t *testing.T, s *store.Store, handle, name string) profile.User {
	t.Helper()
	u, err := s.CreateUser(context.Background(), profile.NewUser{Handle: handle, DisplayName: name, PasswordHash: "h"})
	if err != nil {
		t.Fatalf("create %s: %v", handle, err)
	}
	return u
}

func TestCreateAndFind(t *testing.T) {
	ctx := context.Background()
	s := mustStore(t)
	u := mustCreate(t, s, "ada", "Ada")
	if u.ID == "" || u.CreatedAt.IsZero() {
		t.Fatalf("created user %+v lacks an id or time", u)
	}
	byHandle, err := s.UserByHandle(ctx, "ada")
	if err != nil || byHandle.ID != u.ID {
		t.Errorf("UserByHandle(ada) = %+v, %v; want id %s", byHandle, err, u.ID)
	}
	byID, err := s.UserByID(ctx, u.ID)
	if err != nil || byID.Handle != "ada" {
		t.Errorf("UserByID(%s) = %+v, %v; want ada", u.ID, byID, err)
	}
	for _, bad := range []string{"0", "-1", "abc", "1 OR 1=1", "01", "99999"} {
		if _, err := s.UserByID(ctx, bad); !fault.Is(err, fault.NotFound) {
			t.Errorf("UserByID(%q) error = %v, want NotFound", bad, err)
		}
	}
}

func TestHandleIsUniqueIgnoringCase(t *testing.T) {
	s := mustStore(t)
	mustCreate(t, s, "ada", "Ada")
	// The domain lower-cases handles; the column's NOCASE collation is the
	// second line of defence should anything skip it.
	_, err := s.CreateUser(context.Background(), profile.NewUser{Handle: "ADA", DisplayName: "x", PasswordHash: "h"})
	if !fault.Is(err, fault.Conflict) {
		t.Fatalf("second ADA: error %v, want Conflict", err)
	}
}

func TestConcurrentSignUpsOfOneHandle(t *testing.T) {
	s := mustStore(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	created, conflicts := 0, 0
	for range 8 {
		wg.Go(func() {
			_, err := s.CreateUser(context.Background(), profile.NewUser{Handle: "race", DisplayName: "r", PasswordHash: "h"})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				created++
			case fault.Is(err, fault.Conflict):
				conflicts++
			default:
				t.Errorf("unexpected error: %v", err)
			}
		})
	}
	wg.Wait()
	if created != 1 || conflicts != 7 {
		t.Errorf("created %d, conflicts %d; want 1 and 7", created, conflicts)
	}
}

func TestSearchUsers(t *testing.T) {
	ctx := context.Background()
	s := mustStore(t)
	mustCreate(t, s, "grace", "Grace Hopper")
	mustCreate(t, s, "gregory", "Gregory")
	mustCreate(t, s, "alan", "Alan Turing")
	mustCreate(t, s, "kelly", "Grace Kelly")
	mustCreate(t, s, "percent", "100% sure")

	tests := []struct {
		q    string
		want []string
	}{
		{"gr", []string{"grace", "gregory", "kelly"}},
		{"GRACE", []string{"grace", "kelly"}},
		{"alan", []string{"alan"}},
		{"turing", nil},
		{"%", nil},
		{"_", nil},
		{"100%", []string{"percent"}},
		{"", []string{"alan", "grace", "gregory", "kelly", "percent"}},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			page, err := s.SearchUsers(ctx, tt.q, 20, "")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, u := range page.Users {
				got = append(got, u.Handle)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("search %q = %v, want %v", tt.q, got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("search %q = %v, want %v", tt.q, got, tt.want)
				}
			}
		})
	}

	t.Run("pages with a cursor", func(t *testing.T) {
		var all []string
		cursor := ""
		for range 10 {
			page, err := s.SearchUsers(ctx, "", 2, cursor)
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range page.Users {
				all = append(all, u.Handle)
			}
			if page.Next == "" {
				break
			}
			cursor = page.Next
		}
		if want := 5; len(all) != want {
			t.Errorf("paged through %v, want %d users with no repeats", all, want)
		}
	})

	t.Run("a foreign cursor is refused", func(t *testing.T) {
		if _, err := s.SearchUsers(ctx, "", 2, "!!not base64!!"); !fault.Is(err, fault.Invalid) {
			t.Errorf("error %v, want Invalid", err)
		}
	})
}

func TestUpdateProfileAndUsersByIDs(t *testing.T) {
	ctx := context.Background()
	s := mustStore(t)
	a := mustCreate(t, s, "ada", "Ada")
	b := mustCreate(t, s, "bob", "Bob")
	bio := "line one\nline two"
	u, err := s.UpdateProfile(ctx, a.ID, profile.ProfileChange{Bio: &bio})
	if err != nil || u.Bio != bio || u.DisplayName != "Ada" {
		t.Fatalf("update = %+v, %v; want bio changed and name kept", u, err)
	}
	got, err := s.UsersByIDs(ctx, []string{b.ID, "nope", a.ID, b.ID, "999"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Handle != "bob" || got[1].Handle != "ada" {
		t.Errorf("UsersByIDs = %+v, want bob then ada, unknown and repeated ids left out", got)
	}
}

func TestDataSurvivesReopen(t *testing.T) {
	path := testkit.DBPath(t, "profile")
	s, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, "kept", "Kept")
	s.Close()
	s, err = store.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("reopen (migrations must be idempotent): %v", err)
	}
	defer s.Close()
	if _, err := s.UserByHandle(context.Background(), "kept"); err != nil {
		t.Errorf("user after reopen: %v", err)
	}
}
