package entities_test

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"murmur/fragments/tweets/entities"
)

// FuzzEntities checks the properties every parse must have, whatever the
// text: it never panics; entities come in order, without overlapping,
// inside the text; every tag and mention sits at a word boundary and reads
// as written; a tag's normal form is normal (normalising it again changes
// nothing) and is found again as the one tag of "#" and itself; Tags and
// Mentions list each value once. Run it longer with
// `go test -tags sqlite_fts5 -fuzz FuzzEntities ./fragments/tweets/entities/`.
func FuzzEntities(f *testing.F) {
	for _, seed := range []string{
		"", "#", "@", "Hello #murmur @ada", "C# and a#b", "#日本語 #Ελλάδα", "#Straße #ſt #ǰ #ﬃ",
		"#cafe\u0301 #\u0301x", "https://example.org/#top @ada@example.org", "##a#b @@bob x@y.z",
		"#ＧＯ #ﷺ #١٢٣ #๓abc", "@" + strings.Repeat("a", 20) + "#" + strings.Repeat("b", 100),
		"(#tea), #1st #42 _#no", "http://#x https://a.b/c?d=#e&f=@g", "\xff#\xfeab @\xffcd",
		"#a\u200db #i̇stanbul #İstanbul #ΣΑΣ #ς",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		list := entities.Parse(text)
		valid := utf8.ValidString(text)
		end := 0
		for i, e := range list {
			if e.Start < end || e.End <= e.Start || e.End > len(text) {
				t.Fatalf("entity %d %+v overlaps the one before (ending at %d) or leaves the text (%d bytes)", i, e, end, len(text))
			}
			end = e.End
			written := text[e.Start:e.End]
			switch e.Kind {
			case entities.Tag:
				checkTag(t, text, e, written, valid)
			case entities.Mention:
				checkMention(t, text, e, written)
			case entities.URL:
				if e.Value != written || !strings.HasPrefix(written, "http") {
					t.Fatalf("address %+v reads %q", e, written)
				}
			default:
				t.Fatalf("entity %+v has no kind", e)
			}
		}
		for name, values := range map[string][]string{"Tags": entities.Tags(text), "Mentions": entities.Mentions(text)} {
			sorted := slices.Clone(values)
			slices.Sort(sorted)
			if len(slices.Compact(sorted)) != len(values) {
				t.Fatalf("%s(%q) = %q repeats a value", name, text, values)
			}
		}
	})
}

func checkTag(t *testing.T, text string, e entities.Entity, written string, valid bool) {
	t.Helper()
	if written[0] != '#' {
		t.Fatalf("tag %+v reads %q, not from its #", e, written)
	}
	if e.Start > 0 {
		if r, _ := utf8.DecodeLastRuneInString(text[:e.Start]); wordRune(r) {
			t.Fatalf("tag %q follows %q: not at a word boundary", written, r)
		}
	}
	if e.End < len(text) {
		if r, _ := utf8.DecodeRuneInString(text[e.End:]); wordRune(r) {
			t.Fatalf("tag %q is followed by %q: not at a word boundary", written, r)
		}
	}
	if got, ok := entities.NormalizeTag(written[1:]); !ok || got != e.Value {
		t.Fatalf("tag written %q has value %q, but normalises to %q (%v)", written, e.Value, got, ok)
	}
	if again, ok := entities.NormalizeTag(e.Value); !ok || again != e.Value {
		t.Fatalf("NormalizeTag is not idempotent: %q gives %q (%v)", e.Value, again, ok)
	}
	if !valid {
		return
	}
	if got := entities.Tags("#" + e.Value); len(got) != 1 || got[0] != e.Value {
		t.Fatalf("the normal form %q, written as a tag, is found as %q", e.Value, got)
	}
}

func checkMention(t *testing.T, text string, e entities.Entity, written string) {
	t.Helper()
	if written[0] != '@' || e.Value != strings.ToLower(written[1:]) {
		t.Fatalf("mention %+v reads %q", e, written)
	}
	if n := len(e.Value); n < entities.MinHandle || n > entities.MaxHandle {
		t.Fatalf("mention %q is not a handle's length", e.Value)
	}
	for _, c := range e.Value {
		if !(c == '_' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			t.Fatalf("mention %q holds %q, which no handle does", e.Value, c)
		}
	}
	if e.Start > 0 {
		if r, _ := utf8.DecodeLastRuneInString(text[:e.Start]); wordRune(r) {
			t.Fatalf("mention %q follows %q: not at a word boundary", written, r)
		}
	}
	if e.End < len(text) {
		if r, _ := utf8.DecodeRuneInString(text[e.End:]); wordRune(r) || r == '@' {
			t.Fatalf("mention %q is followed by %q", written, r)
		}
	}
}

// wordRune is what a tag is made of, written here again from the rule
// rather than taken from the package.
func wordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me)
}
