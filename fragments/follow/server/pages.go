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
// following and followers lists, in the same layout as the shell. A column
// whose people cannot be read (profile is down) shows the shell's fallback
// block, and the rest of the page still works.
func (s *server) homePage(c *gin.Context) {
	v := s.view(c)
	page := v.Links.Page("Follow")
	ps := &parts{s: s}
	page.Nav = ps.add("signed-in-nav", signedInNav(v))
	status := http.StatusOK
	if v.Viewer == nil {
		page.Main = ps.add("signin-prompt", map[string]string{
			"Message": "Sign in to follow people and see who follows you.", "Home": v.SignIn})
	} else {
		me, err := s.Graph.User(c.Request.Context(), v.Viewer.ID)
		if err == nil {
			err = s.personParts(c, v, me, ps, &page)
		}
		if err != nil {
			page.Main, status = render.Slot(c, s.tmpl, "Following and followers", err)
		}
	}
	page.Right = s.whoToFollowSlot(c, v, ps)
	if ps.err != nil {
		render.FragmentError(c, s.tmpl, ps.err)
		return
	}
	s.render(c, status, "layout", page)
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
	if err == nil {
		err = s.personParts(c, v, p, ps, &page)
	}
	switch {
	case err == nil:
	case fault.Is(err, fault.NotFound):
		status = http.StatusNotFound
		page.Main = ps.add("no-user", v)
	default:
		page.Main, status = render.Slot(c, s.tmpl, "Following and followers", err)
	}
	page.Right = s.whoToFollowSlot(c, v, ps)
	if ps.err != nil {
		render.FragmentError(c, s.tmpl, ps.err)
		return
	}
	s.render(c, status, "layout", page)
}

// whoToFollowSlot is the right column of the service's own pages: the
// who-to-follow widget, or its fallback when it cannot be read.
func (s *server) whoToFollowSlot(c *gin.Context, v view, ps *parts) template.HTML {
	w, err := s.suggestions(c, v)
	if err != nil {
		slot, _ := render.Slot(c, s.tmpl, "Who to follow", err)
		return slot
	}
	return ps.add("who-to-follow", w)
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
