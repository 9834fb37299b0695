package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/htmx"
	"murmur/fragments/internal/picture"
	"murmur/fragments/internal/problem"
	"murmur/fragments/internal/ratelimit"
	"murmur/fragments/internal/render"
	"murmur/fragments/profile"
)

// settingsForm is one settings form's outcome: a refusal or a done notice.
type settingsForm struct {
	Error, Done string
}

// settings is what the settings fragments render from.
type settings struct {
	view
	Password, Sessions, Avatar, Export, Delete settingsForm
}

// settingsView is the settings of the signed-in viewer; false (and the
// sign-in forms answered with 401) when there is none.
func (s *server) settingsView(c *gin.Context) (settings, bool) {
	v := s.view(c)
	if v.Viewer == nil {
		s.render(c, http.StatusUnauthorized, "auth", v)
		return settings{}, false
	}
	v.User = *v.Viewer
	return settings{view: v}, true
}

// settingsFragment is every section of the settings profile owns: the
// password, the sessions and the profile picture.
func (s *server) settingsFragment(c *gin.Context) {
	if st, ok := s.settingsView(c); ok {
		s.render(c, http.StatusOK, "settings", st)
	}
}

// passwordFragment changes the password from the settings form. The
// session that asked goes on with a new cookie; every other is signed out.
func (s *server) passwordFragment(c *gin.Context) {
	st, ok := s.settingsView(c)
	if !ok {
		return
	}
	refuse := func(err error) {
		st.Password.Error = fault.Message(err)
		problem.SetRetryAfter(c.Writer.Header(), err)
		s.render(c, problem.Status(err), "password-form", st)
	}
	if err := s.checkAddress(c, ratelimit.SignIn); err != nil {
		refuse(err)
		return
	}
	next := c.PostForm("new_password")
	if next != c.PostForm("new_password_again") {
		refuse(fault.New(fault.Invalid, "The two new passwords differ: type the same one twice."))
		return
	}
	u, err := s.Accounts.ChangePassword(c.Request.Context(), st.User.ID, c.PostForm("current_password"), next)
	if err != nil {
		refuse(err)
		return
	}
	if !s.renewCookie(c, u) {
		return
	}
	st.Password.Done = "Your password is changed, and every other session of yours is signed out."
	s.render(c, http.StatusOK, "password-form", st)
}

// signOutEverywhereFragment signs out every session of the viewer but
// this one, which goes on with a new cookie.
func (s *server) signOutEverywhereFragment(c *gin.Context) {
	st, ok := s.settingsView(c)
	if !ok {
		return
	}
	u, err := s.Accounts.SignOutEverywhere(c.Request.Context(), st.User.ID)
	if err != nil {
		st.Sessions.Error = fault.Message(err)
		s.render(c, problem.Status(err), "sessions-form", st)
		return
	}
	if !s.renewCookie(c, u) {
		return
	}
	st.Sessions.Done = "Every other session of yours is signed out, on every device. This one goes on."
	s.render(c, http.StatusOK, "sessions-form", st)
}

// renewCookie gives the session that asked a new token, past u's new
// version; false (and an error answered) when it could not.
func (s *server) renewCookie(c *gin.Context, u profile.User) bool {
	if _, _, err := s.startSession(c.Request.Context(), c.Writer, u); err != nil {
		render.FragmentError(c, s.tmpl, err)
		return false
	}
	return true
}

// avatarFragment sets the viewer's profile picture from the upload form.
func (s *server) avatarFragment(c *gin.Context) {
	st, ok := s.settingsView(c)
	if !ok {
		return
	}
	refuse := func(err error) {
		if fault.KindOf(err) == fault.Internal {
			s.Logger.ErrorContext(c.Request.Context(), "set profile picture", "err", err)
		}
		st.Avatar.Error = fault.Message(err)
		s.render(c, problem.Status(err), "avatar-form", st)
	}
	if err := picture.ParseUpload(c.Writer, c.Request, 1); err != nil {
		refuse(err)
		return
	}
	defer c.Request.MultipartForm.RemoveAll()
	files := c.Request.MultipartForm.File["file"]
	if len(files) != 1 {
		refuse(fault.New(fault.Invalid, "Choose one image."))
		return
	}
	data, err := picture.ReadUpload(files[0])
	if err != nil {
		refuse(err)
		return
	}
	u, err := s.Accounts.SetAvatar(c.Request.Context(), st.User.ID, data)
	if err != nil {
		refuse(err)
		return
	}
	st.User, st.Viewer = u, &u
	st.Avatar.Done = "Your new picture shows wherever your name does."
	htmx.Trigger(c, htmx.ProfileChanged)
	s.render(c, http.StatusOK, "avatar-form", st)
}

// removeAvatarFragment removes the viewer's profile picture.
func (s *server) removeAvatarFragment(c *gin.Context) {
	st, ok := s.settingsView(c)
	if !ok {
		return
	}
	u, err := s.Accounts.RemoveAvatar(c.Request.Context(), st.User.ID)
	if err != nil {
		st.Avatar.Error = fault.Message(err)
		s.render(c, problem.Status(err), "avatar-form", st)
		return
	}
	st.User, st.Viewer = u, &u
	st.Avatar.Done = "Your picture is removed; your initial shows again."
	htmx.Trigger(c, htmx.ProfileChanged)
	s.render(c, http.StatusOK, "avatar-form", st)
}

// settingsPage is the settings on profile's own page.
func (s *server) settingsPage(c *gin.Context) {
	v := s.view(c)
	p := v.Links.Page("Settings")
	p.Nav, _ = s.fragment("nav", v)
	status := http.StatusOK
	if v.Viewer == nil {
		status = http.StatusUnauthorized
		p.Main, _ = s.fragment("auth", v)
	} else {
		v.User = *v.Viewer
		main, _ := s.fragment("settings", settings{view: v})
		account, _ := s.fragment("settings-account", settings{view: v})
		p.Main = main + account
	}
	s.render(c, status, "layout", p)
}
