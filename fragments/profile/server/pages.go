package server

import (
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"

	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/render"
)

type templateHTML = template.HTML

// homePage is the profile service opened on its own: the same layout as
// the shell, built from this service's fragments.
func (s *server) homePage(c *gin.Context) {
	v := s.view(c)
	p := v.Links.Page("")
	var err error
	if p.Nav, err = s.fragment("nav", v); err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	if v.Viewer == nil {
		hero, _ := s.fragment("welcome", v)
		forms, _ := s.fragment("auth", v)
		p.Main = hero + forms
	} else {
		me := v
		me.User, me.Editable = *v.Viewer, true
		p.Left, _ = s.fragment("card", me)
		page, err := s.Accounts.Search(c.Request.Context(), "", 20, "")
		if err != nil {
			render.PageError(c, s.tmpl, p, "People", err)
			return
		}
		dir := v
		dir.People, dir.Next = v.people(page.Users), page.Next
		p.Main, _ = s.fragment("people", dir)
	}
	s.render(c, http.StatusOK, "layout", p)
}

// userPage is a person's page on the service opened on its own.
func (s *server) userPage(c *gin.Context) {
	v := s.view(c)
	p := v.Links.Page("@" + c.Param("handle"))
	p.Nav, _ = s.fragment("nav", v)
	status := http.StatusOK
	u, err := s.Accounts.UserByHandle(c.Request.Context(), c.Param("handle"))
	switch {
	case fault.Is(err, fault.NotFound):
		status = http.StatusNotFound
		p.Main, _ = s.fragment("no-user", v)
	case err != nil:
		render.PageError(c, s.tmpl, p, "This profile", err)
		return
	default:
		v.User, v.Editable = u, v.Viewer != nil && v.Viewer.ID == u.ID
		p.Main, _ = s.fragment("card", v)
	}
	s.render(c, status, "layout", p)
}
