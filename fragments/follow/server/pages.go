package server

import (
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"

	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/people"
	"murmur/fragments/internal/render"
	"murmur/fragments/layout"
)

// parts renders named templates one after another into trusted HTML; the
// first failure stops it.
type parts struct {
	s   *server
	err error
}

func (p *parts) add(name string, data any) template.HTML {
	if p.err != nil {
		return ""
	}
	out, err := layout.Execute(p.s.tmpl, name, data)
	p.err = err
	return out
}

// homePage is the follow service opened on its own: who to follow, and my
// following and followers lists, in the same layout as the shell.
func (s *server) homePage(c *gin.Context) {
	v := s.view(c)
	page := v.Links.Page("Follow")
	w, err := s.suggestions(c, v)
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	ps := &parts{s: s}
	page.Nav = ps.add("signed-in-nav", signedInNav(v))
	page.Right = ps.add("who-to-follow", w)
	if v.Viewer == nil {
		page.Main = ps.add("signin-prompt", map[string]string{
			"Message": "Sign in to follow people and see who follows you.", "Home": v.SignIn})
	} else {
		me, err := s.Graph.User(c.Request.Context(), v.Viewer.ID)
		if err != nil {
			render.FragmentError(c, s.tmpl, err)
			return
		}
		if err := s.personParts(c, v, me, ps, &page); err != nil {
			render.FragmentError(c, s.tmpl, err)
			return
		}
	}
	if ps.err != nil {
		render.FragmentError(c, s.tmpl, ps.err)
		return
	}
	s.render(c, http.StatusOK, "layout", page)
}

// userPage is a person's counts, button, followers and following on the
// service opened on its own.
func (s *server) userPage(c *gin.Context) {
	v := s.view(c)
	page := v.Links.Page("@" + c.Param("handle"))
	ps := &parts{s: s}
	page.Nav = ps.add("signed-in-nav", signedInNav(v))
	status := http.StatusOK
	p, err := s.Graph.UserByHandle(c.Request.Context(), c.Param("handle"))
	switch {
	case fault.Is(err, fault.NotFound):
		status = http.StatusNotFound
		page.Main = ps.add("no-user", v)
	case err != nil:
		render.FragmentError(c, s.tmpl, err)
		return
	default:
		if err := s.personParts(c, v, p, ps, &page); err != nil {
			render.FragmentError(c, s.tmpl, err)
			return
		}
	}
	w, err := s.suggestions(c, v)
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	page.Right = ps.add("who-to-follow", w)
	if ps.err != nil {
		render.FragmentError(c, s.tmpl, ps.err)
		return
	}
	s.render(c, status, "layout", page)
}

// personParts fills the left column with a person's head and card, and the
// main column with their followers and following lists.
func (s *server) personParts(c *gin.Context, v view, p people.Person, ps *parts, page *layout.Page) error {
	cd, err := s.card(c, v, p)
	if err != nil {
		return err
	}
	followers, err := s.list(c, v, p, "followers", "")
	if err != nil {
		return err
	}
	following, err := s.list(c, v, p, "following", "")
	if err != nil {
		return err
	}
	page.Left = ps.add("profile-head", cd) + ps.add("card", cd)
	page.Main = ps.add("list", following) + ps.add("list", followers)
	return nil
}

// signedInNav is the header of the service opened on its own.
func signedInNav(v view) render.SignedInNav {
	n := render.SignedInNav{Links: v.Links, SignIn: v.SignIn}
	if v.Viewer != nil {
		n.Handle = v.Viewer.Handle
	}
	return n
}
