package server

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"murmur/fragments/follow"
	"murmur/fragments/internal/htmx"
	"murmur/fragments/internal/people"
	"murmur/fragments/internal/render"
)

// blockConfirmFragment is a person's card asking whether to block them.
func (s *server) blockConfirmFragment(c *gin.Context) { s.cardAfter(c, nil, true) }

// blockFragment blocks from a person's card (or, ?in=settings, from the
// settings list) and answers the new card; follow-changed makes the
// counts and the home refresh.
func (s *server) blockFragment(c *gin.Context) { s.cardAfter(c, s.Graph.Block, false) }

func (s *server) unblockFragment(c *gin.Context) { s.cardAfter(c, s.Graph.Unblock, false) }

func (s *server) muteFragment(c *gin.Context) { s.cardAfter(c, s.Graph.Mute, false) }

func (s *server) unmuteFragment(c *gin.Context) { s.cardAfter(c, s.Graph.Unmute, false) }

// cardAfter runs change (nil: none) on the person the URL names and
// answers their card, or, for a request from the settings list, the row
// that says what was done.
func (s *server) cardAfter(c *gin.Context, change func(context.Context, string, string) (bool, error), confirm bool) {
	v := s.view(c)
	if v.Viewer == nil {
		s.render(c, http.StatusUnauthorized, "button", button{view: v})
		return
	}
	ctx := c.Request.Context()
	p, err := s.Graph.User(ctx, c.Param("user_id"))
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	if change != nil {
		if _, err := change(ctx, v.Viewer.ID, p.ID); err != nil {
			render.FragmentError(c, s.tmpl, err)
			return
		}
		htmx.Trigger(c, htmx.FollowChanged)
	}
	if c.Query("in") == "settings" {
		s.render(c, http.StatusOK, "settings-done", settingsDone{view: v, Person: p, Mute: c.FullPath() == "/follow/frag/mutes/:user_id"})
		return
	}
	cd, err := s.card(c, v, p)
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	cd.Confirm = confirm
	s.render(c, http.StatusOK, "card", cd)
}

// settingsDone is a row of the settings list once its person is unblocked
// or unmuted.
type settingsDone struct {
	view
	Person people.Person
	Mute   bool
}

// settings is the "Blocked and muted" section of the settings page.
type settings struct {
	view
	Blocked, Muted []entry
}

// settingsFragment lists whom the viewer blocked and muted, each with a
// button to lift it (the first hundred of each: the section is a list to
// act on, not an archive).
func (s *server) settingsFragment(c *gin.Context) {
	v := s.view(c)
	if v.Viewer == nil {
		s.render(c, http.StatusUnauthorized, "button", button{view: v})
		return
	}
	ctx := c.Request.Context()
	out := settings{view: v}
	for _, l := range []struct {
		list func(context.Context, string, int, string) (follow.Page, error)
		into *[]entry
	}{{s.Graph.Blocked, &out.Blocked}, {s.Graph.Muted, &out.Muted}} {
		page, err := l.list(ctx, v.Viewer.ID, follow.MaxPageSize, "")
		if err != nil {
			render.FragmentError(c, s.tmpl, err)
			return
		}
		for _, p := range page.People {
			*l.into = append(*l.into, entry{view: v, Person: p})
		}
	}
	s.render(c, http.StatusOK, "settings", out)
}
