package profile_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"murmur/fragments/internal/fault"
	"murmur/fragments/profile"
)

// documentedHandle applies the handle rule as NormalizeHandle documents
// it, without its regular expression: trimmed and lower-cased, 3 to 20 of
// a–z, 0–9 and _.
func documentedHandle(h string) (string, bool) {
	h = strings.ToLower(strings.TrimSpace(h))
	if len(h) < profile.MinHandle || len(h) > profile.MaxHandle {
		return "", false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_') {
			return "", false
		}
	}
	return h, true
}

// FuzzHandle holds handle validation (sign-up, sign-in, every /u/<handle>)
// to the documented rule: NormalizeHandle accepts exactly what the rule
// accepts, as the rule writes it, refuses the rest as invalid, and what
// it accepts is one handle whatever its case or surrounding spaces.
func FuzzHandle(f *testing.F) {
	f.Fuzz(func(t *testing.T, h string) {
		got, err := profile.NormalizeHandle(h)
		want, ok := documentedHandle(h)
		switch {
		case ok != (err == nil):
			t.Fatalf("NormalizeHandle(%q) = %q, %v; the rule accepts it: %v", h, got, err, ok)
		case err != nil && !fault.Is(err, fault.Invalid):
			t.Fatalf("NormalizeHandle(%q) refused with %v, not as invalid", h, err)
		case ok && got != want:
			t.Fatalf("NormalizeHandle(%q) = %q, want %q", h, got, want)
		}
		if ok {
			for _, same := range []string{got, strings.ToUpper(got), " " + got + "\n"} {
				if again, err := profile.NormalizeHandle(same); err != nil || again != got {
					t.Fatalf("NormalizeHandle(%q) = %q, %v; want %q", same, again, err, got)
				}
			}
		}
	})
}

// FuzzProfileText holds display names, bios and new passwords to their
// rules: a display name or bio is accepted exactly when, trimmed (CRLF
// made LF), it is valid UTF-8 without control characters (a bio may hold
// line breaks) and at most 50 or 160 characters, a display name not
// empty; what is accepted is that trimmed text, and cleaning it again
// changes nothing. A password is accepted exactly when it is 8 to 128
// characters.
func FuzzProfileText(f *testing.F) {
	fields := []struct {
		name      string
		clean     func(string) (string, error)
		max       int
		multiline bool
		empty     bool
	}{
		{"display name", profile.CleanDisplayName, profile.MaxDisplayName, false, false},
		{"bio", profile.CleanBio, profile.MaxBio, true, true},
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
		for _, field := range fields {
			refusal := ""
			switch {
			case !utf8.ValidString(want):
				refusal = "not UTF-8"
			case strings.ContainsFunc(want, func(r rune) bool { return unicode.IsControl(r) && !(field.multiline && r == '\n') }):
				refusal = "a control character"
			case utf8.RuneCountInString(want) > field.max:
				refusal = "too long"
			case want == "" && !field.empty:
				refusal = "empty"
			}
			got, err := field.clean(s)
			switch {
			case (refusal == "") != (err == nil):
				t.Fatalf("%s %q: got %q, %v; want refused for: %q", field.name, s, got, err, refusal)
			case err != nil && !fault.Is(err, fault.Invalid):
				t.Fatalf("%s %q refused with %v, not as invalid", field.name, s, err)
			case err == nil && got != want:
				t.Fatalf("%s %q cleaned to %q, want %q", field.name, s, got, want)
			}
			if err == nil {
				if again, err := field.clean(got); err != nil || again != got {
					t.Fatalf("%s %q cleaned again: %q, %v", field.name, got, again, err)
				}
			}
		}
		n := utf8.RuneCountInString(s)
		if err := profile.CheckPassword(s); (err == nil) != (n >= profile.MinPassword && n <= profile.MaxPassword) {
			t.Fatalf("a password of %d characters: %v", n, err)
		}
	})
}
