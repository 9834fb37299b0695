package entities_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"murmur/fragments/tweets/entities"
)

func TestTags(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"one", "Hello #murmur", []string{"murmur"}},
		{"case-insensitive, first spelling's order", "#Go and #go and #GO, then #Rust", []string{"go", "rust"}},
		{"at the start and end", "#first words #last", []string{"first", "last"}},
		{"digits and underscore", "#web_3 #2024recap #1st", []string{"web_3", "2024recap", "1st"}},
		{"only digits is a number", "issue #42 and #1", nil},
		{"underscore alone counts", "#_ #__", []string{"_", "__"}},
		{"punctuation ends it", "(#tea), #coffee! #milk.", []string{"tea", "coffee", "milk"}},
		{"hyphen ends it", "#well-known", []string{"well"}},
		{"not after a word character", "C# a#b x_#y 3#z", nil},
		{"after a symbol", "¡#hola «#bonjour»", []string{"hola", "bonjour"}},
		{"two hashes", "##double", []string{"double"}},
		{"glued tags", "#one#two", []string{"one"}},
		{"a hash alone", "# #. #!", nil},
		{"other scripts", "#日本語 #Ελλάδα #русский #العربية", []string{"日本語", "ελλάδα", "русский", "العربية"}},
		{"full case folding", "#Straße #STRASSE #ΣΊΣΥΦΟΣ", []string{"strasse", "σίσυφοσ"}},
		{"compatibility forms", "#ＧＯ #ﬁsh", []string{"go", "fish"}},
		{"one accent, two spellings", "#café #cafe\u0301", []string{"café"}},
		{"a mark cannot start a tag", "#\u0301abc", nil},
		{"not inside an address", "see https://example.org/#top and https://x.org/a#b", nil},
		{"after an address", "https://example.org #after", []string{"after"}},
		{"emoji ends it", "#pizza🍕 🍕#pizza", []string{"pizza"}},
		{"at most 100 characters", "#" + strings.Repeat("a", 100) + " #" + strings.Repeat("b", 101), []string{strings.Repeat("a", 100)}},
		{"a line break ends it", "#one\n#two", []string{"one", "two"}},
		{"an address glued to it", "#0Ahttps://0 #taghttps://x.org #ok https://y.org", []string{"ok"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := entities.Tags(tc.text); !slices.Equal(got, tc.want) {
				t.Errorf("Tags(%q) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}

func TestMentions(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"one", "hi @ada", []string{"ada"}},
		{"lower case, once", "@Ada @ADA @ada_l @b0b", []string{"ada", "ada_l", "b0b"}},
		{"punctuation ends it", "(@ada), @bob: @cyd!", []string{"ada", "bob", "cyd"}},
		{"too short or long", "@ab @" + strings.Repeat("x", 21) + " @" + strings.Repeat("y", 20), []string{strings.Repeat("y", 20)}},
		{"an e-mail address", "write to ada@example.org", nil},
		{"another server's handle", "@ada@example.org", nil},
		{"a letter of another script after it", "@adaé @bob日", nil},
		{"not after a word character", "x@ada _@bob", nil},
		{"not inside an address", "https://mastodon.example/@ada", nil},
		{"at sign alone", "@ @! @@", nil},
		{"double at sign", "@@ada", []string{"ada"}},
		{"an address glued to it", "@adahttps://x.org @bob https://y.org", []string{"bob"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := entities.Mentions(tc.text); !slices.Equal(got, tc.want) {
				t.Errorf("Mentions(%q) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}

func TestParse(t *testing.T) {
	text := "Ask @Ada about #Go: https://go.dev/doc#intro. #done"
	got := entities.Parse(text)
	want := []struct {
		kind        entities.Kind
		written     string
		value       string
		start, stop int
	}{
		{entities.Mention, "@Ada", "ada", 4, 8},
		{entities.Tag, "#Go", "go", 15, 18},
		{entities.URL, "https://go.dev/doc#intro", "https://go.dev/doc#intro", 20, 44},
		{entities.Tag, "#done", "done", 46, 51},
	}
	if len(got) != len(want) {
		t.Fatalf("Parse = %+v, want %d entities", got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Kind != w.kind || g.Value != w.value || g.Start != w.start || g.End != w.stop || text[g.Start:g.End] != w.written {
			t.Errorf("entity %d = %+v (%q), want %v %q at [%d:%d] valued %q", i, g, text[g.Start:g.End], w.kind, w.written, w.start, w.stop, w.value)
		}
	}
	if got := entities.Parse("https:// and http://"); len(got) != 0 {
		t.Errorf("addresses without a host: %+v, want none", got)
	}
	if got := entities.Parse(string([]byte{'#', 0xff, 'a', ' ', '#', 'o', 'k', 0xfe})); len(got) != 1 || got[0].Value != "ok" {
		t.Errorf("invalid UTF-8 around tags: %+v, want the one valid tag", got)
	}
}

func TestNormalizeTag(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"Murmur", "murmur", true},
		{"ǰ", "ǰ", true}, // folds to j and a caron, composed again
		{"ＧＯ", "go", true},
		{"", "", false},
		{"#go", "", false},
		{"two words", "", false},
		{"123", "", false},
		{"\u0301a", "", false},
		{"ﷺ", "", false}, // one letter whose compatibility form holds spaces
		{strings.Repeat("a", 101), "", false},
		{"\xff", "", false},
	}
	for _, tc := range tests {
		got, ok := entities.NormalizeTag(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("NormalizeTag(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
		if ok && utf8.RuneCountInString(got) == 0 {
			t.Errorf("NormalizeTag(%q) is empty", tc.in)
		}
	}
}
