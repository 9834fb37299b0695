package tweets

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"

	"murmur/fragments/internal/fault"
)

// graphemes counts s's grapheme clusters one by one, the way Length is
// documented to count, and checks they spell s.
func graphemes(t *testing.T, s string) int {
	t.Helper()
	n := 0
	var spelled strings.Builder
	for g := uniseg.NewGraphemes(s); g.Next(); n++ {
		spelled.WriteString(g.Str())
	}
	if spelled.String() != s {
		t.Fatalf("the grapheme clusters of %q spell %q", s, spelled.String())
	}
	return n
}

// FuzzCleanText holds the normalisation of tweet text and image
// descriptions to their documented rules. A text is accepted exactly when,
// trimmed and with CRLF line breaks made LF, it is valid UTF-8, holds no
// control character but line breaks and tabs, is not empty and is at most
// MaxText grapheme clusters; what is accepted is that trimmed text, and
// cleaning it again changes nothing. A description becomes its words
// joined by single spaces, and is accepted exactly when it is valid UTF-8
// of at most MaxAlt clusters.
func FuzzCleanText(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		n := Length(s)
		if n != graphemes(t, s) {
			t.Fatalf("Length(%q) = %d, but it has %d grapheme clusters", s, n, graphemes(t, s))
		}
		if n > utf8.RuneCountInString(s) || (n == 0) != (s == "") {
			t.Fatalf("Length(%q) = %d for %d characters", s, n, utf8.RuneCountInString(s))
		}

		want := strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
		var refusal string
		switch {
		case !utf8.ValidString(want):
			refusal = "not UTF-8"
		case strings.ContainsFunc(want, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }):
			refusal = "a control character"
		case want == "":
			refusal = "empty"
		case graphemes(t, want) > MaxText:
			refusal = "too long"
		}
		got, err := CleanText(s)
		switch {
		case refusal != "" && err == nil:
			t.Fatalf("CleanText(%q) accepted a text that is %s", s, refusal)
		case refusal == "" && err != nil:
			t.Fatalf("CleanText(%q) refused a valid text: %v", s, err)
		case err != nil && !fault.Is(err, fault.Invalid):
			t.Fatalf("CleanText(%q) refused with %v, not as invalid", s, err)
		case err == nil && got != want:
			t.Fatalf("CleanText(%q) = %q, want %q", s, got, want)
		}
		if err == nil {
			if again, err := CleanText(got); err != nil || again != got {
				t.Fatalf("cleaning %q again gave %q, %v", got, again, err)
			}
		}

		words := strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) })
		wantAlt := strings.Join(words, " ")
		alt, err := CleanAlt(s)
		altOK := utf8.ValidString(s) && graphemes(t, wantAlt) <= MaxAlt
		switch {
		case altOK != (err == nil):
			t.Fatalf("CleanAlt(%q) = %q, %v; want accepted: %v", s, alt, err, altOK)
		case err != nil && !fault.Is(err, fault.Invalid):
			t.Fatalf("CleanAlt(%q) refused with %v, not as invalid", s, err)
		case err == nil && alt != wantAlt:
			t.Fatalf("CleanAlt(%q) = %q, want %q", s, alt, wantAlt)
		}
		if err == nil {
			if strings.ContainsFunc(alt, func(r rune) bool { return r != ' ' && (unicode.IsSpace(r) || unicode.IsControl(r)) }) ||
				strings.Contains(alt, "  ") || strings.TrimSpace(alt) != alt {
				t.Fatalf("CleanAlt(%q) = %q, not one line of words", s, alt)
			}
			if again, err := CleanAlt(alt); err != nil || again != alt {
				t.Fatalf("cleaning the description %q again gave %q, %v", alt, again, err)
			}
		}
	})
}
