package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/render"
	"murmur/fragments/internal/viewer"
	"murmur/fragments/layout"
)

// nav is the header of the service opened on its own: who is signed in.
type nav struct {
	Links       render.Links
	Viewer      *auth.Viewer
	SignIn      string
	WhoToFollow string
}

// homePage is the timeline service opened on its own: the same widget as
// in the shell, in the same layout.
func (s *server) homePage(c *gin.Context) {
	links := render.LinksFor(c, service)
	p := links.Page("Home")
	n := nav{Links: links, Viewer: viewer.Of(c), SignIn: s.signInURL(c, links), WhoToFollow: s.whoToFollow(c, links)}
	var err error
	signedIn := render.SignedInNav{Links: links, SignIn: n.SignIn}
	if n.Viewer != nil {
		signedIn.Handle = n.Viewer.Handle
	}
	if p.Nav, err = layout.Execute(s.tmpl, "signed-in-nav", signedIn); err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	if p.Left, err = layout.Execute(s.tmpl, "side-about", n); err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	if n.Viewer == nil {
		p.Main, err = layout.Execute(s.tmpl, "signin-prompt", s.signInPromptData(c))
	} else {
		f, ferr := s.readFeed(c, *n.Viewer, c.Query("sort"), "")
		if ferr != nil {
			// tweets (or follow, past what a partial home covers) is
			// down: the page keeps its look, with the fallback the shell
			// shows in the same place.
			render.PageError(c, s.tmpl, p, "Your timeline", ferr)
			return
		}
		p.Main, err = layout.Execute(s.tmpl, "home", home{CSS: s.asset("timeline.css"), JS: s.asset("timeline.js"), Feed: f})
	}
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	s.render(c, http.StatusOK, "layout", p)
}
