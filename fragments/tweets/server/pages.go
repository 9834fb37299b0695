package server

import (
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"

	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/render"
	"murmur/fragments/internal/viewer"
	"murmur/fragments/layout"
)

// nav is the header of the service opened on its own: who is signed in.
// (The people search and sign-out belong to profile.)
type nav = render.SignedInNav

func (s *server) page(c *gin.Context, title string) (layout.Page, error) {
	links := render.LinksFor(c, service)
	p := links.Page(title)
	n := nav{Links: links, SignIn: s.signInURL(c, links)}
	if v := viewer.Of(c); v != nil {
		n.Handle = v.Handle
	}
	var err error
	if p.Nav, err = layout.Execute(s.tmpl, "signed-in-nav", n); err != nil {
		return p, err
	}
	if p.Left, err = layout.Execute(s.tmpl, "side-about", n); err != nil {
		return p, err
	}
	p.Right, err = layout.Execute(s.tmpl, "side-tips", n)
	return p, err
}

// homePage is the tweets service opened on its own: the compose box and
// my tweets, in the same layout as the shell.
func (s *server) homePage(c *gin.Context) {
	p, err := s.page(c, "Tweets")
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	v := viewer.Of(c)
	if v == nil {
		p.Main, err = layout.Execute(s.tmpl, "signin-prompt", prompt{Message: "Sign in to post and see your tweets.", Home: s.signInURL(c, render.LinksFor(c, service))})
		if err != nil {
			render.FragmentError(c, s.tmpl, err)
			return
		}
		s.render(c, http.StatusOK, "layout", p)
		return
	}
	box, err := layout.Execute(s.tmpl, "compose", newCompose(c, ""))
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	list, lerr := s.userTweets(c, v.Handle)
	var mine template.HTML
	status := http.StatusOK
	switch {
	case fault.Is(lerr, fault.NotFound):
		// The session outlived its account, or profile does not know it yet.
		mine, err = layout.Execute(s.tmpl, "no-user", list)
	case lerr != nil:
		// Profile is down (who the handle is cannot be read): the compose
		// box still works, the list shows the shell's fallback.
		mine, status = render.Slot(c, s.tmpl, "Your tweets", lerr)
	default:
		mine, err = layout.Execute(s.tmpl, "tweet-list", list)
	}
	if err != nil {
		render.PageError(c, s.tmpl, p, "Your tweets", err)
		return
	}
	p.Main = box + mine
	s.render(c, status, "layout", p)
}

// userPage is a person's tweets on the service opened on its own.
func (s *server) userPage(c *gin.Context) {
	p, err := s.page(c, "@"+c.Param("handle"))
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	status := http.StatusOK
	list, err := s.userTweets(c, c.Param("handle"))
	switch {
	case fault.Is(err, fault.NotFound):
		status = http.StatusNotFound
		p.Main, err = layout.Execute(s.tmpl, "no-user", list)
	case err != nil:
		render.PageError(c, s.tmpl, p, "Tweets", err)
		return
	default:
		p.Main, err = layout.Execute(s.tmpl, "tweet-list", list)
	}
	if err != nil {
		render.PageError(c, s.tmpl, p, "Tweets", err)
		return
	}
	s.render(c, status, "layout", p)
}

// statusPage is a tweet's page on the service opened on its own: the
// same conversation the shell's /u/<handle>/status/<id> shows, in the same
// layout; 404 when that person wrote no such tweet.
func (s *server) statusPage(c *gin.Context) {
	p, err := s.page(c, "@"+c.Param("handle"))
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	status := http.StatusOK
	_, err = s.tweetBy(c, c.Param("handle"), c.Param("id"), orAnonymous(viewer.Of(c)))
	var cv conversationView
	if err == nil {
		cv, err = s.conversation(c, c.Param("id"))
	}
	switch {
	case fault.Is(err, fault.NotFound):
		status = http.StatusNotFound
		p.Main, err = layout.Execute(s.tmpl, "no-tweet", nil)
	case err != nil:
		render.PageError(c, s.tmpl, p, "This tweet", err)
		return
	default:
		p.Main, err = layout.Execute(s.tmpl, "conversation", cv)
	}
	if err != nil {
		render.PageError(c, s.tmpl, p, "This tweet", err)
		return
	}
	s.render(c, status, "layout", p)
}
