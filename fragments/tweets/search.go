package tweets

import (
	"context"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/fault"
	"murmur/fragments/tweets/entities"
)

// Limits of a search.
const (
	// MaxSearchQuery is the most characters a search may have.
	MaxSearchQuery = 200
	// MaxSearchWords is the most words a search may look for.
	MaxSearchWords = 16
)

// SearchWords splits what a person typed into the words a search looks
// for: runs of anything but spaces, each holding at least one letter or
// digit (a lone "*", "-" or "(" looks for nothing and is dropped). Every
// other character is part of its word, never an operator: a search is
// for tweets holding all its words, in any order, whatever they are.
func SearchWords(q string) ([]string, error) {
	if !utf8.ValidString(q) {
		return nil, fault.New(fault.Invalid, "The search is not valid UTF-8.")
	}
	if n := utf8.RuneCountInString(q); n > MaxSearchQuery {
		return nil, fault.New(fault.Invalid, "A search can be at most %d characters; this one has %d.", MaxSearchQuery, n)
	}
	var words []string
	for _, w := range strings.FieldsFunc(q, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		if strings.IndexFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) }) >= 0 && !slices.Contains(words, w) {
			words = append(words, w)
		}
	}
	switch {
	case len(words) == 0:
		return nil, fault.New(fault.Invalid, "Search for at least one word (letters or digits).")
	case len(words) > MaxSearchWords:
		return nil, fault.New(fault.Invalid, "A search can look for at most %d words; this one has %d.", MaxSearchWords, len(words))
	}
	return words, nil
}

// Search lists the tweets holding every word of q (SearchWords), newest
// first, a page at a time. Words match whole words, whatever their case
// or accents: "cafe" finds "Café", "murmur" finds "#murmur".
func (s *Service) Search(ctx context.Context, q, cursor string, limit int, viewer auth.Viewer) (Page, error) {
	words, err := SearchWords(q)
	if err != nil {
		return Page{}, err
	}
	return s.newestFirst(ctx, cursor, limit, viewer, func(before int64, limit int) ([]Tweet, error) {
		return s.store.Search(ctx, words, before, limit, viewer.ID)
	})
}

// ParseTag reads a hashtag as a person or a link names it, with or
// without its "#", in its normal form (entities.NormalizeTag).
func ParseTag(s string) (string, error) {
	tag, ok := entities.NormalizeTag(strings.TrimPrefix(s, "#"))
	if !ok {
		return "", fault.New(fault.Invalid,
			"This is not a hashtag: a hashtag is letters, digits and underscores, not only digits, at most %d characters.", entities.MaxTag)
	}
	return tag, nil
}

// TweetsByTag lists the tweets with a hashtag, newest first, a page at a
// time. Any spelling of the tag finds them all: "#Go", "go" and "ＧＯ" are
// one tag.
func (s *Service) TweetsByTag(ctx context.Context, tag, cursor string, limit int, viewer auth.Viewer) (Page, error) {
	tag, err := ParseTag(tag)
	if err != nil {
		return Page{}, err
	}
	return s.newestFirst(ctx, cursor, limit, viewer, func(before int64, limit int) ([]Tweet, error) {
		return s.store.TweetsByTag(ctx, tag, before, limit, viewer.ID)
	})
}

// newestFirst reads a page of a list of tweets in the newest-first order,
// whose cursor is the id of the last tweet of the page before: read gives
// up to limit tweets with ids below before (0 for the newest).
func (s *Service) newestFirst(ctx context.Context, cursor string, limit int, viewer auth.Viewer,
	read func(before int64, limit int) ([]Tweet, error)) (Page, error) {
	var before int64
	if cursor != "" {
		var ok bool
		if before, ok = ParseID(cursor); !ok {
			return Page{}, errBadCursor
		}
	}
	limit = max(1, min(limit, 100))
	list, err := read(before, limit+1)
	if err != nil {
		return Page{}, err
	}
	page := Page{Tweets: list}
	if len(list) > limit {
		page.Tweets = list[:limit]
		page.Next = list[limit-1].ID
	}
	s.fill(ctx, page.Tweets, viewer)
	return page, nil
}
