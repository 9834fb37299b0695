package server

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/problem"
	"murmur/fragments/internal/ratelimit"
)

// accountSettingsFragment is the export and delete-account sections.
func (s *server) accountSettingsFragment(c *gin.Context) {
	if st, ok := s.settingsView(c); ok {
		s.render(c, http.StatusOK, "settings-account", st)
	}
}

// deleteAccountFragment deletes the viewer's account from the settings
// form, once the password and the typed handle say so, and sends the
// browser to the signed-out home.
func (s *server) deleteAccountFragment(c *gin.Context) {
	st, ok := s.settingsView(c)
	if !ok {
		return
	}
	refuse := func(err error) {
		st.Delete.Error = fault.Message(err)
		problem.SetRetryAfter(c.Writer.Header(), err)
		s.render(c, problem.Status(err), "delete-form", st)
	}
	if err := s.checkAddress(c, ratelimit.SignIn); err != nil {
		refuse(err)
		return
	}
	typed := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(c.PostForm("confirm_handle"))), "@")
	if typed != st.User.Handle {
		refuse(fault.New(fault.Invalid, "Type your handle, %s, to confirm: nothing was deleted.", st.User.Handle))
		return
	}
	if _, err := s.Accounts.DeleteAccount(c.Request.Context(), st.User.ID, c.PostForm("password")); err != nil {
		refuse(err)
		return
	}
	auth.ClearCookie(c.Writer, s.secureCookie(c.Request.Context()))
	c.Header("HX-Redirect", "/")
	c.Status(http.StatusNoContent)
}

// exportPage answers the export form: the zip, or profile's settings
// page with the refusal in the export section.
func (s *server) exportPage(c *gin.Context) {
	v := s.view(c)
	p := v.Links.Page("Settings")
	p.Nav, _ = s.fragment("nav", v)
	if v.Viewer == nil {
		p.Main, _ = s.fragment("auth", v)
		s.render(c, http.StatusUnauthorized, "layout", p)
		return
	}
	v.User = *v.Viewer
	st := settings{view: v}
	err := s.checkAddress(c, ratelimit.SignIn)
	if err == nil {
		u, rerr := s.Accounts.Reauthenticate(c.Request.Context(), st.User.ID, c.PostForm("password"))
		if err = rerr; err == nil {
			var data []byte
			if data, err = s.buildExport(c.Request.Context(), u); err == nil {
				c.Header("Content-Disposition", exportDisposition(u.Handle))
				c.Header("Cache-Control", "no-store")
				c.Data(http.StatusOK, "application/zip", data)
				return
			}
		}
	}
	st.Export.Error = fault.Message(err)
	problem.SetRetryAfter(c.Writer.Header(), err)
	p.Main, _ = s.fragment("settings-account", st)
	s.render(c, problem.Status(err), "layout", p)
}
