package server

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/render"
	"murmur/fragments/internal/viewer"
	"murmur/fragments/layout"
	"murmur/fragments/tweets"
)

// foundPage is how many tweets a page of a tag's tweets or of search
// results holds; previewSize how many the nav's search box shows.
const (
	foundPage   = 20
	previewSize = 3
)

// foundList is a page of tweets found by hashtag or by words.
type foundList struct {
	Links  render.Links
	Viewer *auth.Viewer
	// Tag is the hashtag in its normal form (tag pages only).
	Tag string
	// Query is what was searched for, as typed (search only).
	Query string
	// Problem says why the search was refused, for the reader.
	Problem string
	// Empty is what an empty first page says.
	Empty string
	Cards []card
	// Cursor is the page's own cursor ("" for the first page), Next the
	// next page's ("" at the end).
	Cursor, Next string
}

// NextURL is where the next page's cards come from.
func (l foundList) NextURL() string {
	q := url.Values{"cursor": {l.Next}}
	if l.Tag != "" {
		return l.Links.Self() + "/frag/tags/" + url.PathEscape(l.Tag) + "?" + q.Encode()
	}
	q.Set("q", l.Query)
	return l.Links.Self() + "/frag/search?" + q.Encode()
}

// tagTweets reads a page of the tweets with the tag in the request's path.
func (s *server) tagTweets(c *gin.Context) (foundList, error) {
	l := foundList{Links: render.LinksFor(c, service), Viewer: viewer.Of(c), Cursor: c.Query("cursor")}
	tag, err := tweets.ParseTag(c.Param("tag"))
	if err != nil {
		return l, err
	}
	l.Tag, l.Empty = tag, "No tweets with #"+tag+" yet."
	page, err := s.Tweets.TweetsByTag(c.Request.Context(), tag, l.Cursor, foundPage, orAnonymous(l.Viewer))
	if err != nil {
		return l, err
	}
	l.Next = page.Next
	l.Cards, err = s.cards(c, page.Tweets)
	return l, err
}

// tagFragment is the header and first page of a hashtag's tweets, newest
// first; with a cursor, only the next page's cards, to append. A path
// that is no hashtag is told so (422).
func (s *server) tagFragment(c *gin.Context) {
	l, err := s.tagTweets(c)
	switch {
	case err != nil:
		render.FragmentError(c, s.tmpl, err)
	case l.Cursor != "":
		s.render(c, http.StatusOK, "found-rows", l)
	default:
		s.render(c, http.StatusOK, "tag-tweets", l)
	}
}

// foundByWords reads a page of the tweets holding the words of ?q=. A
// search that cannot be made (no word, too long, not UTF-8) is no error
// here but the list's Problem, with the status it earns (422); a cursor
// that is not one is an error.
func (s *server) foundByWords(c *gin.Context) (foundList, int, error) {
	l := foundList{Links: render.LinksFor(c, service), Viewer: viewer.Of(c), Cursor: c.Query("cursor"),
		Query: c.Query("q")}
	l.Empty = "No tweets hold all of these words."
	if _, err := tweets.SearchWords(l.Query); err != nil {
		l.Problem = fault.Message(err)
		return l, http.StatusUnprocessableEntity, nil
	}
	page, err := s.Tweets.Search(c.Request.Context(), l.Query, l.Cursor, foundPage, orAnonymous(l.Viewer))
	if err != nil {
		return l, 0, err
	}
	l.Next = page.Next
	l.Cards, err = s.cards(c, page.Tweets)
	return l, http.StatusOK, err
}

// searchFragment is the tweets holding every word of ?q=, newest first,
// under a "Tweets" heading; with a cursor, only the next page's cards.
// Whatever was typed is words, never query syntax; a search with no word,
// or too long, says so in the list.
func (s *server) searchFragment(c *gin.Context) {
	l, status, err := s.foundByWords(c)
	switch {
	case err != nil:
		render.FragmentError(c, s.tmpl, err)
	case l.Cursor != "" && l.Problem == "":
		s.render(c, status, "found-rows", l)
	default:
		s.render(c, status, "search-tweets", l)
	}
}

// preview is the few tweets the nav's search box shows.
type preview struct {
	Hits []tweets.Tweet
	// All is the page of every result.
	All string
}

// searchPreviewFragment is up to three tweets holding the words of ?q=,
// for the nav's search box as the reader types: nothing at all when the
// words cannot be searched yet (a lone "*", nothing typed), since the
// results page says why.
func (s *server) searchPreviewFragment(c *gin.Context) {
	q := c.Query("q")
	if _, err := tweets.SearchWords(q); err != nil {
		c.Header("Cache-Control", "no-store")
		c.Data(http.StatusOK, "text/html; charset=utf-8", nil)
		return
	}
	page, err := s.Tweets.Search(c.Request.Context(), q, "", previewSize, orAnonymous(viewer.Of(c)))
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	s.render(c, http.StatusOK, "search-preview", preview{Hits: page.Tweets, All: resultsURL(render.LinksFor(c, service), q)})
}

// resultsURL is the page of every result of a search: the shell's
// /search, or the tweets service's own.
func resultsURL(l render.Links, q string) string {
	base := l.Self() + "/search"
	if l.Shell {
		base = "/search"
	}
	return base + "?" + url.Values{"q": {q}}.Encode()
}

// tagPage is a hashtag's tweets on the service opened on its own.
func (s *server) tagPage(c *gin.Context) {
	p, err := s.page(c, "#"+strings.TrimPrefix(c.Param("tag"), "#"))
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	l, err := s.tagTweets(c)
	if err != nil {
		render.PageError(c, s.tmpl, p, "Tweets", err)
		return
	}
	p.Title = "#" + l.Tag
	if p.Main, err = layout.Execute(s.tmpl, "tag-tweets", l); err != nil {
		render.PageError(c, s.tmpl, p, "Tweets", err)
		return
	}
	s.render(c, http.StatusOK, "layout", p)
}

// searchPage is the search of tweets on the service opened on its own: a
// search box and the results.
func (s *server) searchPage(c *gin.Context) {
	p, err := s.page(c, "Search")
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	l, status, err := s.foundByWords(c)
	if err != nil {
		render.PageError(c, s.tmpl, p, "Tweets", err)
		return
	}
	if strings.TrimSpace(l.Query) == "" {
		// Nothing asked yet: the box alone.
		l.Problem, status = "", http.StatusOK
	}
	box, err := layout.Execute(s.tmpl, "search-box", l)
	if err != nil {
		render.PageError(c, s.tmpl, p, "Search", err)
		return
	}
	var results template.HTML
	if strings.TrimSpace(l.Query) != "" {
		if results, err = layout.Execute(s.tmpl, "search-tweets", l); err != nil {
			render.PageError(c, s.tmpl, p, "Tweets", err)
			return
		}
	}
	p.Main = box + results
	s.render(c, status, "layout", p)
}
