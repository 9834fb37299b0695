package server

import (
	"errors"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"murmur/fragments/internal/render"
	"murmur/fragments/tweets/entities"
)

// tweetAnchor is one kind of link the rendering of a tweet's text makes:
// a web address, a hashtag's page or a person's page. FuzzTweetText holds
// the rendering to every kind at once.
type tweetAnchor struct {
	name string
	// open matches the kind's opening tag at the start of its input; its
	// one group is the href, HTML-escaped.
	open *regexp.Regexp
	// check tells what is wrong with an anchor's href and text, both
	// unescaped, if anything.
	check func(href, text string) error
}

// tweetAnchors are the kinds of link a card's text may hold, with the
// links of its variant (shell, own page, mounted) and the handles that
// named an account when the tweet was posted.
func tweetAnchors(links render.Links, mentioned []string) []tweetAnchor {
	return []tweetAnchor{{
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
	}, {
		name: "hashtag",
		open: regexp.MustCompile(`^<a href="([^"<>]*)" class="hashtag">`),
		check: func(href, text string) error {
			written, ok := strings.CutPrefix(text, "#")
			if !ok {
				return errors.New("the tag's text does not start with #")
			}
			tag, ok := entities.NormalizeTag(written)
			if !ok {
				return fmt.Errorf("%q is no hashtag", written)
			}
			if want := links.Tag(tag); href != want {
				return fmt.Errorf("the href is not %q, the page of #%s", want, tag)
			}
			return tagPage(links, href, tag)
		},
	}, {
		name: "mention",
		open: regexp.MustCompile(`^<a href="([^"<>]*)" class="mention">`),
		check: func(href, text string) error {
			written, ok := strings.CutPrefix(text, "@")
			if !ok || !handlePattern.MatchString(written) {
				return fmt.Errorf("%q is no mention of a handle", text)
			}
			handle := strings.ToLower(written)
			if !slices.Contains(mentioned, handle) {
				return fmt.Errorf("@%s named no account, yet it is linked", handle)
			}
			if want := links.User(handle); href != want {
				return fmt.Errorf("the href is not %q, the page of @%s", want, handle)
			}
			return nil
		},
	}}
}

// handlePattern is profile's rule for a handle, any case.
var handlePattern = regexp.MustCompile(`^[A-Za-z0-9_]{3,20}$`)

// tagPage checks a hashtag page's href on its own terms: the variant's
// prefix, then the tag as one escaped path segment.
func tagPage(links render.Links, href, tag string) error {
	prefix := "/tags/"
	if !links.Shell {
		prefix = links.Mount + "/tags/"
	}
	segment, ok := strings.CutPrefix(href, prefix)
	if !ok || strings.ContainsAny(segment, "/?#\"'<> \\") {
		return fmt.Errorf("the href %q is not one segment under %s", href, prefix)
	}
	if back, err := url.PathUnescape(segment); err != nil || back != tag {
		return fmt.Errorf("the href %q names %q, not %q (%v)", href, back, tag, err)
	}
	return nil
}

// entity is an HTML character reference, the only use of & in escaped text.
var entity = regexp.MustCompile(`^&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);`)

// checkTweetMarkup holds markup, the rendering of a tweet's text, to what a
// card may show: between tags it is escaped text (no angle bracket or
// quote of its own, & only as a character reference); every tag opens or
// closes an anchor of one of the kinds above, anchors do not nest, and
// each one passes its kind's check; without its tags and unescaped, it is
// the text, character for character (NUL shows as U+FFFD, as html/template
// writes it; CleanText lets no NUL in).
func checkTweetMarkup(text, markup string, anchors []tweetAnchor) error {
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
		for i := range anchors {
			if m := anchors[i].open.FindStringSubmatch(rest); m != nil {
				open, href, rest = &anchors[i], html.UnescapeString(m[1]), rest[len(m[0]):]
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

// linkVariants are the three ways a card's links are written: behind the
// shell, on the tweets service's own page, and mounted in the timeline's.
var linkVariants = []render.Links{
	{Shell: true, Service: "tweets", Mount: "/tweets"},
	{Service: "tweets", Mount: "/tweets"},
	{Service: "tweets", Mount: "/timeline/tweets"},
}

// someAccounts picks which of a text's mentioned handles named an account,
// by a rule the fuzzer can steer (every other handle in the text's order,
// starting with the first or the second), sorted as Tweet.Mentioned is;
// plus a handle the text does not mention, which must change nothing.
func someAccounts(text string, odd bool) []string {
	out := []string{"someone_else"}
	for i, h := range entities.Mentions(text) {
		if (i%2 == 1) == odd {
			out = append(out, h)
		}
	}
	slices.Sort(out)
	return out
}

// FuzzTweetText holds the rendering of tweet text (linkify) to
// checkTweetMarkup for any text at all, posted through CleanText or not,
// in every link variant, whichever of its mentions named an account: no
// markup but the three kinds of anchor, each leading where its kind says,
// the text intact. And exactly the mentions that named an account are
// links, and every hashtag the store keeps is one.
func FuzzTweetText(f *testing.F) {
	f.Fuzz(func(t *testing.T, text string) {
		for _, links := range linkVariants {
			for _, odd := range []bool{false, true} {
				mentioned := someAccounts(text, odd)
				markup := string(linkify(links, text, mentioned))
				if err := checkTweetMarkup(text, markup, tweetAnchors(links, mentioned)); err != nil {
					t.Fatalf("linkify(%+v, %q, %q) = %q: %v", links, text, mentioned, markup, err)
				}
				var tags, linked int
				for _, e := range entities.Parse(text) {
					switch {
					case e.Kind == entities.Tag:
						tags++
					case e.Kind == entities.Mention && slices.Contains(mentioned, e.Value):
						linked++
					}
				}
				if got := strings.Count(markup, `class="hashtag"`); got != tags {
					t.Fatalf("linkify(%q) = %q: %d hashtag links, want %d", text, markup, got, tags)
				}
				if got := strings.Count(markup, `class="mention"`); got != linked {
					t.Fatalf("linkify(%q, %q) = %q: %d mention links, want %d", text, mentioned, markup, got, linked)
				}
			}
		}
	})
}
