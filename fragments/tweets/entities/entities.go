// Package entities finds what a tweet's text points at: #hashtags,
// @mentions and web addresses. Tweets are parsed once, when they are
// written, and the store keeps their tags and mentions; the same rules
// decide what a card links.
//
// The rules, in the words of the product:
//   - A hashtag is "#" followed by letters (of any script), digits, marks
//     and underscores, at least one of them not a digit ("#1" is a number,
//     "#1st" a tag), at most MaxTag characters. The "#" must not follow a
//     letter, digit, mark or underscore ("C#" and "a#b" hold no tag), and
//     the tag runs to the first character that is none of those.
//     Hashtags are case-insensitive: NormalizeTag gives every spelling of
//     one tag the same form.
//   - A mention is "@" followed by a handle (3 to 20 of a–z, 0–9 and "_",
//     the profile service's rule), not preceded by a letter, digit, mark or
//     underscore (an e-mail address mentions nobody) and not followed by
//     another of them or by "@" ("@ada@example.org" is not a mention here).
//   - A web address is http:// or https:// and what follows up to a space,
//     a quote or an angle bracket, without trailing punctuation, naming a
//     host. Neither a tag nor a mention is ever found inside one
//     ("https://x.org/#top", "https://x.org/@ada").
package entities

import (
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Kind is what an entity points at.
type Kind int

// The kinds of entity.
const (
	Tag Kind = iota + 1
	Mention
	URL
)

// Limits of the rules.
const (
	// MaxTag is the most characters a hashtag may have, "#" not counted; a
	// longer run of letters after "#" is no tag at all.
	MaxTag = 100
	// MinHandle and MaxHandle bound a mentioned handle, as profile does.
	MinHandle, MaxHandle = 3, 20
)

// Entity is one tag, mention or address in a text.
type Entity struct {
	Kind Kind
	// Start and End are the byte offsets of the entity in the text, its
	// "#" or "@" included: text[Start:End] is what was written.
	Start, End int
	// Value is the entity in its normal form: a tag as NormalizeTag gives
	// it, a handle in lower case, an address as written.
	Value string
}

// urlPattern is the rule the cards link addresses with; trailing
// punctuation is trimmed from each match.
var urlPattern = regexp.MustCompile(`https?://[^\s<>"'\x60]+`)

const urlTrailing = ".,;:!?)]}*_"

// Parse finds the entities of text, in the order they appear. Text that is
// not valid UTF-8 gives no panic, only fewer entities.
func Parse(text string) []Entity {
	var out []Entity
	last := 0
	for _, m := range urlPattern.FindAllStringIndex(text, -1) {
		start, end := m[0], m[0]+len(strings.TrimRight(text[m[0]:m[1]], urlTrailing))
		out = appendWords(out, text, last, start)
		if u, err := url.Parse(text[start:end]); err == nil && u.Host != "" {
			out = append(out, Entity{Kind: URL, Start: start, End: end, Value: text[start:end]})
		}
		// A tag or mention never starts inside an address, trimmed
		// punctuation included.
		last = m[1]
	}
	return appendWords(out, text, last, len(text))
}

// appendWords adds the tags and mentions of text[from:to] to out. Runes
// before from (the end of an address) still count as what precedes.
func appendWords(out []Entity, text string, from, to int) []Entity {
	for i := from; i < to; {
		c := text[i]
		if c != '#' && c != '@' {
			i++
			continue
		}
		if i > 0 {
			if r, _ := utf8.DecodeLastRuneInString(text[:i]); isWord(r) {
				i++
				continue
			}
		}
		var e Entity
		var ok bool
		if c == '#' {
			e, ok = tagAt(text[:to], i)
		} else {
			e, ok = mentionAt(text[:to], i)
		}
		// Cut short by an address glued to it ("#tagHttps://…"), it
		// would end inside a word: then it is no tag or mention.
		if ok && e.End == to && to < len(text) {
			if r, _ := utf8.DecodeRuneInString(text[to:]); isWord(r) {
				ok = false
			}
		}
		if ok {
			out = append(out, e)
			i = e.End
		} else {
			i++
		}
	}
	return out
}

// tagAt reads the hashtag whose "#" is at text[i], if there is one.
func tagAt(text string, i int) (Entity, bool) {
	end, n, letter := i+1, 0, false
	for end < len(text) {
		r, size := utf8.DecodeRuneInString(text[end:])
		if !isWord(r) || (n == 0 && isMark(r)) {
			break
		}
		letter = letter || !unicode.IsDigit(r)
		end += size
		n++
	}
	if n == 0 || n > MaxTag || !letter {
		return Entity{}, false
	}
	value, ok := NormalizeTag(text[i+1 : end])
	if !ok {
		return Entity{}, false
	}
	return Entity{Kind: Tag, Start: i, End: end, Value: value}, true
}

// mentionAt reads the mention whose "@" is at text[i], if there is one.
func mentionAt(text string, i int) (Entity, bool) {
	end := i + 1
	for end < len(text) && isHandleByte(text[end]) {
		end++
	}
	if n := end - i - 1; n < MinHandle || n > MaxHandle {
		return Entity{}, false
	}
	if end < len(text) {
		if r, _ := utf8.DecodeRuneInString(text[end:]); isWord(r) || r == '@' {
			return Entity{}, false
		}
	}
	return Entity{Kind: Mention, Start: i, End: end, Value: strings.ToLower(text[i+1 : end])}, true
}

// Tags are the distinct hashtags of text in their normal form, in the
// order they first appear.
func Tags(text string) []string { return values(text, Tag) }

// Mentions are the distinct handles text mentions, in lower case, in the
// order they first appear.
func Mentions(text string) []string { return values(text, Mention) }

func values(text string, kind Kind) []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range Parse(text) {
		if e.Kind == kind && !seen[e.Value] {
			seen[e.Value] = true
			out = append(out, e.Value)
		}
	}
	return out
}

// NormalizeTag gives the one form of a hashtag (without its "#") that all
// its spellings share: compatibility forms composed (NFKC: "ｇｏ" and "go",
// "é" typed as one character or as "e" and an accent) and case folded
// ("Go", "GO", "go"; "Straße", "STRASSE"). ok is false when s is not a
// tag's text, before or after normalising. Normalising a normal form gives
// it back unchanged.
func NormalizeTag(s string) (tag string, ok bool) {
	if !isTag(s) {
		return "", false
	}
	// Folding can undo composition and composing can leave something to
	// fold (rarely, in a few scripts): repeat until nothing changes.
	fold := cases.Fold()
	for range 4 {
		next := norm.NFKC.String(fold.String(norm.NFKC.String(s)))
		if next == s {
			break
		}
		s = next
	}
	if !isTag(s) || s != norm.NFKC.String(fold.String(s)) {
		return "", false
	}
	return s, true
}

// isTag tells whether s could follow "#" as a whole tag.
func isTag(s string) bool {
	n, letter := 0, false
	for i, r := range s {
		if r == utf8.RuneError || !isWord(r) || (i == 0 && isMark(r)) {
			return false
		}
		letter = letter || !unicode.IsDigit(r)
		n++
	}
	return n > 0 && n <= MaxTag && letter
}

// isWord tells whether r can be part of a tag: a letter, a decimal digit,
// a combining mark or an underscore. Whatever else ends a tag, and an "#"
// or "@" after one of these starts nothing.
func isWord(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || isMark(r)
}

func isMark(r rune) bool { return unicode.Is(unicode.M, r) }

func isHandleByte(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}
