package tweets

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"

	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/picture"
)

// Limits on what a tweet may hold.
const (
	MaxText        = 280
	MaxMedia       = 4
	MaxAlt         = 1000
	MaxMediaBytes  = picture.MaxBytes
	MaxImageSide   = picture.MaxSide
	MaxImagePixels = picture.MaxPixels
	MaxGIFFrames   = picture.MaxGIFFrames
	MaxGIFPixels   = picture.MaxGIFPixels
)

// Length counts text the way a person sees it: one grapheme cluster (a
// letter with its accents, an emoji with its skin tone or a family joined
// with zero-width joiners, a flag) is one character. The compose box's
// counter counts the same way with Intl.Segmenter.
func Length(s string) int { return uniseg.GraphemeClusterCount(s) }

// CleanText trims a tweet's text, keeps its line breaks, and refuses it
// when it is empty, too long, or holds characters that cannot be shown.
func CleanText(s string) (string, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if !utf8.ValidString(s) {
		return "", fault.New(fault.Invalid, "The text is not valid UTF-8.")
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return "", fault.New(fault.Invalid, "The text contains characters that cannot be shown.")
		}
	}
	if s == "" {
		return "", fault.New(fault.Invalid, "Write something first: a tweet cannot be empty.")
	}
	if n := Length(s); n > MaxText {
		return "", fault.New(fault.Invalid, "A tweet can be at most %d characters; this one has %d.", MaxText, n)
	}
	return s, nil
}

// CleanAlt trims an image description and checks its length.
func CleanAlt(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", fault.New(fault.Invalid, "The image description is not valid UTF-8.")
	}
	// One line of plain words: runs of spaces and line breaks become one space.
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	if n := Length(s); n > MaxAlt {
		return "", fault.New(fault.Invalid, "An image description can be at most %d characters; this one has %d.", MaxAlt, n)
	}
	return s, nil
}
