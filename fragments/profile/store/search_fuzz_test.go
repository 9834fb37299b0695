package store

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/testkit"
	"murmur/fragments/profile"
)

// searchPeople are the accounts FuzzSearchUsers searches: handles and
// display names full of LIKE's wildcards (% and _) and its escape (\),
// letters in both cases, and letters beyond ASCII.
var searchPeople = []profile.NewUser{
	{Handle: "ada", DisplayName: "Ada Lovelace"},
	{Handle: "ada_l", DisplayName: "ada"},
	{Handle: "adam", DisplayName: "Adam"},
	{Handle: "adb", DisplayName: "100% real"},
	{Handle: "a_b", DisplayName: "A_B"},
	{Handle: "a1b", DisplayName: "a%b"},
	{Handle: "ab_", DisplayName: `back\slash`},
	{Handle: "abc", DisplayName: `\%_`},
	{Handle: "_lead", DisplayName: "_"},
	{Handle: "x__y", DisplayName: "%"},
	{Handle: "zed", DisplayName: "Émile Zola"},
	{Handle: "zoe", DisplayName: "émile"},
	{Handle: "grace", DisplayName: "Grace Hopper 🐛"},
	{Handle: "under_score", DisplayName: "under score"},
}

// asciiLower lower-cases ASCII letters only, byte by byte, as SQLite's
// LIKE and NOCASE fold case.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func handlesOf(users []profile.User) []string {
	out := make([]string, 0, len(users))
	for _, u := range users {
		out = append(out, u.Handle)
	}
	return out
}

// FuzzSearchUsers holds people search to its rule against a real SQLite
// file: for any prefix, cursor and page size it answers, in handle order,
// exactly the people after the cursor whose handle or display name starts
// with the prefix (ASCII letters in either case; %, _ and \ are
// characters like any other), and a next cursor exactly when more follow,
// which continues after the page's last handle. Every cursor the store
// writes reads back; one that is not base64 is refused as invalid (any
// base64 is read as a position, handle or not: nothing more is checked).
// Prefixes holding NUL or invalid UTF-8 are only checked not to fail:
// SQLite reads them by rules of its own. The same strings, taken as the
// ids of a ?ids= lookup, find exactly the people whose ids they are in
// canonical form, in the order given, each once.
func FuzzSearchUsers(f *testing.F) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(f.TempDir(), "profile.db"))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	for _, p := range searchPeople {
		p.PasswordHash = "-"
		if _, err := s.CreateUser(ctx, p); err != nil {
			f.Fatal(err)
		}
	}

	f.Fuzz(func(t *testing.T, prefix, cursor string, size uint8) {
		ids := []string{prefix, cursor, prefix}
		found, err := s.UsersByIDs(ctx, ids)
		if err != nil {
			t.Fatalf("users %q: %v", ids, err)
		}
		var want []string
		for _, id := range ids {
			// The accounts were created in order, with ids from 1.
			if n, ok := testkit.CanonicalID(id); ok && n <= int64(len(searchPeople)) && !slices.Contains(want, searchPeople[n-1].Handle) {
				want = append(want, searchPeople[n-1].Handle)
			}
		}
		if got := handlesOf(found); !slices.Equal(got, want) {
			t.Fatalf("users %q: %q, want %q", ids, got, want)
		}

		if h, ok := parseSearchCursor(searchCursor(cursor)); !ok || h != cursor {
			t.Fatalf("the cursor after %q reads back as %q, %v", cursor, h, ok)
		}
		limit := int(size%8) + 1
		page, err := s.SearchUsers(ctx, prefix, limit, cursor)
		after, ok := parseSearchCursor(cursor)
		switch {
		case !ok && !fault.Is(err, fault.Invalid):
			t.Fatalf("cursor %q: %v; want refused as invalid", cursor, err)
		case !ok:
			return
		case err != nil:
			t.Fatalf("search %q after %q: %v", prefix, cursor, err)
		}
		if strings.ContainsRune(prefix, 0) || !utf8.ValidString(prefix) {
			return
		}
		// The handle column compares ASCII letters in either case alike
		// (COLLATE NOCASE), a foreign cursor's too; handles are lower-case.
		want = nil
		for _, p := range searchPeople {
			lp := asciiLower(prefix)
			if p.Handle > asciiLower(after) && (strings.HasPrefix(asciiLower(p.Handle), lp) || strings.HasPrefix(asciiLower(p.DisplayName), lp)) {
				want = append(want, p.Handle)
			}
		}
		slices.Sort(want)
		next := ""
		if len(want) > limit {
			want, next = want[:limit], searchCursor(want[limit-1])
		}
		if got := handlesOf(page.Users); !slices.Equal(got, want) || page.Next != next {
			t.Fatalf("search %q after %q, %d a page: %q, next %q; want %q, next %q", prefix, after, limit, got, page.Next, want, next)
		}
	})
}
