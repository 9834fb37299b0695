package server

import (
	"errors"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// tweetAnchor is one kind of link the rendering of a tweet's text makes.
// Web addresses are the only kind today. Mentions and hashtags join this
// list when their parsing comes, each with the shape of its opening tag and
// what its href and text must be, and FuzzTweetText then holds the
// rendering to every kind at once; its seed corpus already holds texts
// with @handles and #tags.
type tweetAnchor struct {
	name string
	// open matches the kind's opening tag at the start of its input; its
	// one group is the href, HTML-escaped.
	open *regexp.Regexp
	// check tells what is wrong with an anchor's href and text, both
	// unescaped, if anything.
	check func(href, text string) error
}

var tweetAnchors = []tweetAnchor{{
	name: "web address",
	open: regexp.MustCompile(`^<a href="([^"<>]*)" rel="nofollow noopener noreferrer ugc" target="_blank">`),
	check: func(href, text string) error {
		if !strings.HasPrefix(href, "http://") && !strings.HasPrefix(href, "https://") {
			return errors.New("the href is not an http(s) address")
		}
		if strings.ContainsFunc(href, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
			return errors.New("the href holds spaces or control characters")
		}
		u, err := url.Parse(href)
		if err != nil || u.Host == "" {
			return fmt.Errorf("the href names no host (%v)", err)
		}
		shown, err := url.Parse(text)
		if err != nil || shown.Scheme != u.Scheme || shown.Host != u.Host {
			return fmt.Errorf("the link shows %q but leads to %s://%s (%v)", text, u.Scheme, u.Host, err)
		}
		if strings.ContainsAny(text[len(text)-1:], ".,;:!?)]}*_") {
			return errors.New("the link took the punctuation after the address")
		}
		return nil
	},
}}

// entity is an HTML character reference, the only use of & in escaped text.
var entity = regexp.MustCompile(`^&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);`)

// checkTweetMarkup holds markup, the rendering of a tweet's text, to what a
// card may show: between tags it is escaped text (no angle bracket or
// quote of its own, & only as a character reference); every tag opens or
// closes an anchor of one of the kinds above, anchors do not nest, and
// each one passes its kind's check; without its tags and unescaped, it is
// the text, character for character (NUL shows as U+FFFD, as html/template
// writes it; CleanText lets no NUL in).
func checkTweetMarkup(text, markup string) error {
	var plain, shown strings.Builder
	var open *tweetAnchor
	var href string
	for rest := markup; ; {
		end := strings.IndexByte(rest, '<')
		if end < 0 {
			end = len(rest)
		}
		seg := rest[:end]
		if i := strings.IndexAny(seg, `>"'`); i >= 0 {
			return fmt.Errorf("unescaped %q in the text at %q", seg[i], seg)
		}
		for i := strings.IndexByte(seg, '&'); i >= 0; i = strings.IndexByte(seg, '&') {
			m := entity.FindString(seg[i:])
			if m == "" {
				return fmt.Errorf("a bare & in %q", seg)
			}
			seg = seg[i+len(m):]
		}
		unescaped := html.UnescapeString(rest[:end])
		plain.WriteString(unescaped)
		shown.WriteString(unescaped)
		rest = rest[end:]
		if rest == "" {
			break
		}
		if strings.HasPrefix(rest, "</a>") {
			if open == nil {
				return errors.New("</a> closes no anchor")
			}
			if shown.Len() == 0 {
				return fmt.Errorf("an empty %s anchor", open.name)
			}
			if err := open.check(href, shown.String()); err != nil {
				return fmt.Errorf("%s anchor to %q showing %q: %w", open.name, href, shown.String(), err)
			}
			open, rest = nil, rest[len("</a>"):]
			continue
		}
		if open != nil {
			return fmt.Errorf("a tag inside a %s anchor: %.40q", open.name, rest)
		}
		for i := range tweetAnchors {
			if m := tweetAnchors[i].open.FindStringSubmatch(rest); m != nil {
				open, href, rest = &tweetAnchors[i], html.UnescapeString(m[1]), rest[len(m[0]):]
				shown.Reset()
				break
			}
		}
		if open == nil {
			return fmt.Errorf("a tag no anchor kind makes: %.60q", rest)
		}
	}
	if open != nil {
		return fmt.Errorf("a %s anchor is not closed", open.name)
	}
	if want := strings.ReplaceAll(text, "\x00", "\uFFFD"); plain.String() != want {
		return fmt.Errorf("the markup reads %q", plain.String())
	}
	return nil
}

// FuzzTweetText holds the rendering of tweet text (linkify) to
// checkTweetMarkup for any text at all, posted through CleanText or not.
func FuzzTweetText(f *testing.F) {
	f.Fuzz(func(t *testing.T, text string) {
		markup := string(linkify(text))
		if err := checkTweetMarkup(text, markup); err != nil {
			t.Fatalf("linkify(%q) = %q: %v", text, markup, err)
		}
	})
}
