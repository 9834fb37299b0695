package server

import (
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"

	"murmur/fragments/internal/render"
	"murmur/fragments/layout"
)

// parts renders named templates one after another; the first failure
// stops it.
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

// homePage is the service opened on its own: my notifications in the
// common layout, with the bell in the header.
func (s *server) homePage(c *gin.Context) {
	v := s.view(c)
	page := v.Links.Page("Notifications")
	nav := render.SignedInNav{Links: v.Links, SignIn: v.SignIn}
	ps := &parts{s: s}
	if v.Viewer == nil {
		page.Nav = ps.add("signed-in-nav", nav)
		page.Main = ps.add("signin-prompt", map[string]string{
			"Message": "Sign in to see who followed you and what they did with your tweets.", "Home": v.SignIn})
	} else {
		l, err := s.readList(c, v, "")
		var n int
		if err == nil {
			n, err = s.Inbox.Unread(c.Request.Context(), v.Viewer.ID)
		}
		if err != nil {
			render.PageError(c, s.tmpl, page, "Your notifications", err)
			return
		}
		nav.Handle = v.Viewer.Handle
		page.Nav = ps.add("signed-in-nav", nav) + ps.add("bell", bell{view: v, Unread: n})
		page.Main = ps.add("notifications", l)
	}
	if ps.err != nil {
		render.FragmentError(c, s.tmpl, ps.err)
		return
	}
	render.HTML(c, http.StatusOK, s.tmpl, "layout", page)
}
