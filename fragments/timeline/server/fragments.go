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
	"murmur/fragments/timeline"
)

// feed is one page of the home timeline as the fragment shows it.
type feed struct {
	Sort string
	// Since is the newest tweet id of the home when it was read ("0" when
	// empty): the live socket starts from there.
	Since string
	// Cards are the tweets service's own cards of the page, in order.
	Cards       template.HTML
	Next        string
	Empty       bool
	WhoToFollow string
	// Partial is set when whom the viewer follows could not be read: the
	// page holds their own tweets alone, under a notice saying so.
	Partial bool
}

// home is the whole widget: the live socket and the feed.
type home struct {
	CSS, JS string
	Feed    feed
}

func (s *server) render(c *gin.Context, status int, name string, data any) {
	render.HTML(c, status, s.tmpl, name, data)
}

// signInURL is where a signed-out viewer is sent to sign in.
func (s *server) signInURL(c *gin.Context, l render.Links) string {
	if l.Shell || s.SignInURL == "" {
		return l.Home()
	}
	return render.OnBrowserHost(c, s.SignInURL)
}

// whoToFollow is where the empty timeline points: the shell's widget on
// the same page, or the follow service's own page.
func (s *server) whoToFollow(c *gin.Context, l render.Links) string {
	if l.Shell {
		return "#who-to-follow"
	}
	if s.FollowURL != "" {
		return render.OnBrowserHost(c, strings.TrimRight(s.FollowURL, "/")+"/follow/")
	}
	return "/follow/"
}

// signInPrompt answers a signed-out viewer in place of the timeline.
func (s *server) signInPrompt(c *gin.Context) {
	s.render(c, http.StatusOK, "signin-prompt", s.signInPromptData(c))
}

// signInPromptData is the "signin-prompt" partial's data.
func (s *server) signInPromptData(c *gin.Context) map[string]string {
	return map[string]string{"Message": "Sign in to see the tweets of the people you follow.",
		"Home": s.signInURL(c, render.LinksFor(c, service))}
}

// readFeed reads a page of the viewer's home and the cards that show it.
func (s *server) readFeed(c *gin.Context, v auth.Viewer, sort, cursor string) (feed, error) {
	if sort == "" {
		sort = timeline.SortRecent
	}
	f := feed{Sort: sort, Since: "0", WhoToFollow: s.whoToFollow(c, render.LinksFor(c, service))}
	if !timeline.ValidSort(sort) {
		return f, fault.New(fault.Invalid, "Unknown order %q.", sort)
	}
	ctx := c.Request.Context()
	page, err := s.Homes.HomeCards(ctx, callerFrom(ctx, v), sort, cursor, timeline.DefaultPageSize)
	if err != nil {
		return f, err
	}
	f.Next = url.QueryEscape(page.Next)
	f.Partial = page.Partial
	// An empty partial page says nothing about whom the viewer follows:
	// the notice stands alone, without "your timeline is empty".
	f.Empty = page.Count == 0 && cursor == "" && !page.Partial
	// The tweets service rendered these with html/template: trusted HTML.
	f.Cards = template.HTML(page.Cards)
	if cursor == "" {
		f.Since = page.Newest
	}
	return f, nil
}

// homeFragment is the home timeline widget the shell includes: the feed
// and its live socket, or a sign-in prompt (never an empty body, which
// would make nginx show the fallback).
func (s *server) homeFragment(c *gin.Context) {
	v := viewer.Of(c)
	if v == nil {
		s.signInPrompt(c)
		return
	}
	f, err := s.readFeed(c, *v, c.Query("sort"), "")
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	s.render(c, http.StatusOK, "home", home{CSS: s.asset("timeline.css"), JS: s.asset("timeline.js"), Feed: f})
}

// feedFragment is the feed alone, to refresh it or switch its order; with
// a cursor, only the next page's cards, to append.
func (s *server) feedFragment(c *gin.Context) {
	v := viewer.Of(c)
	if v == nil {
		s.signInPrompt(c)
		return
	}
	cursor := c.Query("cursor")
	f, err := s.readFeed(c, *v, c.Query("sort"), cursor)
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	name := "feed"
	if cursor != "" {
		name = "rows"
	}
	s.render(c, http.StatusOK, name, f)
}

// conversationFragment is the live part of a tweet's page: the socket
// that tells it of new replies, for a signed-in viewer; signed out, an
// empty hidden marker (an empty body would show the slot's fallback).
func (s *server) conversationFragment(c *gin.Context) {
	id := c.Param("id")
	if !validTweetID(id) {
		render.FragmentError(c, s.tmpl, fault.New(fault.NotFound, "No such tweet."))
		return
	}
	s.render(c, http.StatusOK, "conversation-live", struct {
		Signed bool
		ID, JS string
	}{viewer.Of(c) != nil, id, s.asset("conversation.js")})
}
