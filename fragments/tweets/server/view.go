package server

import (
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/render"
	"murmur/fragments/internal/viewer"
	"murmur/fragments/layout"
	"murmur/fragments/tweets"
	"murmur/fragments/tweets/entities"
)

var funcs = template.FuncMap{"linkify": linkify}

// linkify escapes a tweet's text and links what it points at, found in one
// pass by entities.Parse (the rules the store parsed the tweet with):
//   - an http(s) address opens in a new tab and carries no referrer or
//     ranking credit;
//   - a #hashtag leads to its tag's page (links.Tag, its normal form);
//   - an @mention leads to the person's page (links.User), but only when
//     the handle is among mentioned, the handles that named an account
//     when the tweet was posted (Tweet.Mentioned, in alphabetical order):
//     any other stays text.
//
// Everything, the addresses and hrefs included, goes through HTML
// escaping, so a text holding markup or an SSI command shows as the
// characters typed. What decides a link is the text, mentioned and the
// links' variant; the first two never change once a tweet is posted and
// the variant is part of the card cache's key.
func linkify(links render.Links, text string, mentioned []string) template.HTML {
	var b strings.Builder
	last := 0
	anchor := func(e entities.Entity, href, attrs string) {
		b.WriteString(template.HTMLEscapeString(text[last:e.Start]))
		b.WriteString(`<a href="` + template.HTMLEscapeString(href) + `"` + attrs + `>`)
		b.WriteString(template.HTMLEscapeString(text[e.Start:e.End]))
		b.WriteString(`</a>`)
		last = e.End
	}
	for _, e := range entities.Parse(text) {
		switch e.Kind {
		case entities.URL:
			if u, err := url.Parse(e.Value); err == nil && u.Host != "" {
				anchor(e, u.String(), ` rel="nofollow noopener noreferrer ugc" target="_blank"`)
			}
		case entities.Tag:
			anchor(e, links.Tag(e.Value), ` class="hashtag"`)
		case entities.Mention:
			if _, ok := slices.BinarySearch(mentioned, e.Value); ok {
				anchor(e, links.User(e.Value), ` class="mention"`)
			}
		}
	}
	b.WriteString(template.HTMLEscapeString(text[last:]))
	return template.HTML(b.String())
}

// card is one tweet as a viewer sees it; HTML is its rendered card (the
// "card" template, through the card cache).
type card struct {
	Links  render.Links
	Viewer *auth.Viewer
	Tweet  tweets.Tweet
	HTML   template.HTML
}

// Mine tells whether the viewer wrote the tweet (and may delete it).
func (c card) Mine() bool { return c.Viewer != nil && c.Viewer.ID == c.Tweet.Author.ID }

// tweetList is a person's tweets, a page at a time.
type tweetList struct {
	Links  render.Links
	Viewer *auth.Viewer
	Handle string
	Cards  []card
	Next   string
}

// URL is where the list (or, with a cursor, its next page) comes from.
func (l tweetList) URL() string {
	return l.Links.Self() + "/frag/users/" + url.PathEscape(l.Handle) + "/tweets"
}

// attachment is an uploaded image waiting in the compose box, or an
// upload that failed.
type attachment struct {
	ID, URL, Alt string
	Error        string
}

// compose is the compose box with what was typed.
type compose struct {
	// Self is where the tweets service's URLs are reached from the page.
	Self        string
	Text        string
	Left        int
	Attachments []attachment
	Error       string
	MaxMedia    int
	MaxText     int
}

func newCompose(c *gin.Context, text string) compose {
	return compose{Self: render.LinksFor(c, service).Self(), Text: text, Left: tweets.MaxText - tweets.Length(strings.TrimSpace(text)),
		MaxMedia: tweets.MaxMedia, MaxText: tweets.MaxText}
}

// prompt is the sign-in prompt a signed-out viewer sees.
type prompt struct {
	Message string
	Home    string
}

// signInURL is where a signed-out viewer signs in: the shell's home behind
// the shell, profile's own page otherwise.
func (s *server) signInURL(c *gin.Context, l render.Links) string {
	if l.Shell || s.SignInURL == "" {
		return l.Home()
	}
	return render.OnBrowserHost(c, s.SignInURL)
}

// cards are the viewer's cards of tweets, rendered.
func (s *server) cards(c *gin.Context, list []tweets.Tweet) ([]card, error) {
	links, v := render.LinksFor(c, service), viewer.Of(c)
	out := make([]card, len(list))
	for i, t := range list {
		out[i] = card{Links: links, Viewer: v, Tweet: t}
		h, err := s.cardCache.html(out[i])
		if err != nil {
			return nil, err
		}
		if t.BoostedBy != nil {
			if h, err = s.boostedCard(h, links, t); err != nil {
				return nil, err
			}
		}
		out[i].HTML = h
	}
	return out, nil
}

// boostedCard is the card of a home's entry that is there as a boost: the
// tweet's own card (as kept in the card cache, the same for every entry of
// the tweet) with the boost's place on its <article> (data-boost-id, which
// the timeline's script orders and catches up by) and the "<name>
// boosted" line first inside it. The card's opening tag is the template's
// own markup and ends at its first '>': attribute values are escaped.
func (s *server) boostedCard(h template.HTML, links render.Links, t tweets.Tweet) (template.HTML, error) {
	note, err := layout.Execute(s.tmpl, "boosted-by", struct {
		Links   render.Links
		Booster tweets.Author
	}{links, *t.BoostedBy})
	if err != nil {
		return "", err
	}
	end := strings.IndexByte(string(h), '>')
	if end < 0 || !strings.HasPrefix(string(h), "<article") {
		return "", fmt.Errorf("a card does not open with its <article>: %.40q", h)
	}
	id, ok := tweets.ParseID(t.BoostID)
	if !ok {
		return "", fmt.Errorf("boost id %q of tweet %s", t.BoostID, t.ID)
	}
	return template.HTML(string(h[:end]) + ` data-boost-id="` + tweets.FormatID(id) + `">` + string(note) + string(h[end+1:])), nil
}
