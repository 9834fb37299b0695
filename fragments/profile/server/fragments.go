package server

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/htmx"
	"murmur/fragments/internal/problem"
	"murmur/fragments/internal/ratelimit"
	"murmur/fragments/internal/render"
	"murmur/fragments/layout"
	"murmur/fragments/profile"
)

// view is the data every profile fragment renders from.
type view struct {
	Links  render.Links
	Viewer *profile.User
	User   profile.User
	People []person
	Query  string
	// Problem says why a search was refused, for the reader.
	Problem  string
	Next     string
	Editable bool
	// Counts shows follower counts in my card (on the home page; a
	// person's page has the follow service's own card for that).
	Counts bool
	Form   form
	SignIn form
	SignUp form
}

// keptViews bounds how many navs and how many cards are kept rendered
// (a few kilobytes each).
const keptViews = 10_000

// viewKey is everything the nav and the profile card show of a view (see
// render.Memo): the links, whom they show, the search box's text and the
// card's switches.
type viewKey struct {
	Links            render.Links
	Viewer, User     userKey
	Query            string
	Editable, Counts bool
}

// userKey is what the nav and the card show of a person.
type userKey struct {
	Signed                               bool
	ID, Handle, DisplayName, Bio, Avatar string
	Created                              int64
}

func keyOfView(v view) viewKey {
	return viewKey{Links: v.Links, Viewer: keyOfUser(v.Viewer), User: keyOfUser(&v.User), Query: v.Query, Editable: v.Editable, Counts: v.Counts}
}

func keyOfUser(u *profile.User) userKey {
	if u == nil {
		return userKey{}
	}
	return userKey{Signed: true, ID: u.ID, Handle: u.Handle, DisplayName: u.DisplayName, Bio: u.Bio, Avatar: u.Avatar, Created: u.CreatedAt.UnixNano()}
}

// renderView answers the nav or the profile card of v ("nav", "card"), as
// kept rendered under everything they show.
func (s *server) renderView(c *gin.Context, status int, name string, v view) {
	h, err := s.kept[name].HTML(keyOfView(v), v)
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	render.Write(c, status, h)
}

// person is one entry of a list of people, with the links of the request.
type person struct {
	Links render.Links
	User  profile.User
}

// form is what a person typed, sent back with a message when it was refused.
type form struct {
	Handle, DisplayName, Bio, Error string
	BioLeft                         int
}

func (s *server) view(c *gin.Context) view {
	v := view{Links: render.LinksFor(c, service)}
	if u, ok := s.viewerUser(c.Request.Context()); ok {
		v.Viewer = &u
	}
	return v
}

// MoreURL is where the next page of a list of people comes from: the
// same search (or the directory), from the list's next cursor.
func (v view) MoreURL() string {
	q := url.Values{"cursor": {v.Next}}
	if v.Query != "" {
		q.Set("q", v.Query)
	}
	return "/profile/frag/people?" + q.Encode()
}

// PreviewURL is where the nav's search box gets a few tweets holding the
// words typed: the tweets service, behind the shell.
func (v view) PreviewURL() string {
	return "/tweets/frag/search/preview?" + url.Values{"q": {v.Query}}.Encode()
}

func (v view) people(users []profile.User) []person {
	out := make([]person, len(users))
	for i, u := range users {
		out[i] = person{Links: v.Links, User: u}
	}
	return out
}

func (s *server) render(c *gin.Context, status int, name string, data any) {
	render.HTML(c, status, s.tmpl, name, data)
}

// navFragment is the header: the search box (holding ?q=, on the search
// page) and who is signed in.
func (s *server) navFragment(c *gin.Context) {
	v := s.view(c)
	v.Query = c.Query("q")
	s.renderView(c, http.StatusOK, "nav", v)
}

// searchFragment answers the nav's search box with at most eight people
// (five behind the shell, where a few tweets follow them).
func (s *server) searchFragment(c *gin.Context) {
	v := s.view(c)
	v.Query = c.Query("q")
	if v.Query == "" {
		c.Data(http.StatusOK, "text/html; charset=utf-8", nil)
		return
	}
	limit := 8
	if v.Links.Shell {
		limit = 5
	}
	page, err := s.Accounts.Search(c.Request.Context(), v.Query, limit, "")
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	v.People = v.people(page.Users)
	s.render(c, http.StatusOK, "search", v)
}

// peopleResultsFragment is the people part of the search page: the first
// page of people whose handle or name starts with ?q= (the next pages come
// from peopleFragment). A search that cannot be made is told in the section.
func (s *server) peopleResultsFragment(c *gin.Context) {
	v := s.view(c)
	v.Query = strings.TrimSpace(c.Query("q"))
	status := http.StatusOK
	if v.Query == "" {
		v.Problem, status = "Type a name or a handle to find people.", http.StatusUnprocessableEntity
		s.render(c, status, "people-results", v)
		return
	}
	page, err := s.Accounts.Search(c.Request.Context(), v.Query, 20, "")
	switch {
	case fault.KindOf(err) == fault.Invalid:
		v.Problem, status = fault.Message(err), problem.Status(err)
	case err != nil:
		render.FragmentError(c, s.tmpl, err)
		return
	default:
		v.People, v.Next = v.people(page.Users), page.Next
	}
	s.render(c, status, "people-results", v)
}

// peopleFragment is the directory of people, or those a search finds
// (?q=), a page at a time.
func (s *server) peopleFragment(c *gin.Context) {
	v := s.view(c)
	page, err := s.Accounts.Search(c.Request.Context(), c.Query("q"), 20, c.Query("cursor"))
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	v.People, v.Next = v.people(page.Users), page.Next
	name := "people"
	if c.Query("cursor") != "" {
		name = "people-rows"
	}
	s.render(c, http.StatusOK, name, v)
}

func (s *server) authFragment(c *gin.Context) { s.render(c, http.StatusOK, "auth", s.view(c)) }

// signedIn finishes a successful sign-in or sign-up from a form: the cookie
// is set and the page reloads, because signing in changes every widget on it.
func (s *server) signedIn(c *gin.Context, u profile.User) {
	if _, _, err := s.startSession(c.Request.Context(), c.Writer, u); err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	htmx.Trigger(c, htmx.SessionChanged)
	c.Header("HX-Refresh", "true")
	c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(`<p class="hint">Signed in. Loading…</p>`))
}

// refused answers a sign-in or sign-up form that failed: the form as
// typed (never the password), with the reason and the failure's status
// (and Retry-After, when the address has tried too often).
func (s *server) refused(c *gin.Context, formName string, f form, err error) {
	f.Error = fault.Message(err)
	problem.SetRetryAfter(c.Writer.Header(), err)
	s.render(c, problem.Status(err), formName, f)
}

func (s *server) signInFragment(c *gin.Context) {
	f := form{Handle: c.PostForm("handle")}
	if err := s.checkAddress(c, ratelimit.SignIn); err != nil {
		s.refused(c, "signin-form", f, err)
		return
	}
	u, err := s.Accounts.SignIn(c.Request.Context(), f.Handle, c.PostForm("password"))
	if err != nil {
		s.refused(c, "signin-form", f, err)
		return
	}
	s.signedIn(c, u)
}

func (s *server) signUpFragment(c *gin.Context) {
	f := form{Handle: c.PostForm("handle"), DisplayName: c.PostForm("display_name")}
	if err := s.checkAddress(c, ratelimit.SignUp); err != nil {
		s.refused(c, "signup-form", f, err)
		return
	}
	u, err := s.Accounts.SignUp(c.Request.Context(), f.Handle, c.PostForm("password"), f.DisplayName)
	if err != nil {
		s.refused(c, "signup-form", f, err)
		return
	}
	s.signedIn(c, u)
}

func (s *server) signOutFragment(c *gin.Context) {
	auth.ClearCookie(c.Writer, s.secureCookie(c.Request.Context()))
	htmx.Trigger(c, htmx.SessionChanged)
	c.Header("HX-Refresh", "true")
	c.Status(http.StatusNoContent)
}

// meFragment is my profile card, or the sign-in and sign-up forms for a
// signed-out viewer.
func (s *server) meFragment(c *gin.Context) {
	v := s.view(c)
	if v.Viewer == nil {
		s.render(c, http.StatusOK, "auth", v)
		return
	}
	v.User, v.Editable, v.Counts = *v.Viewer, true, true
	s.renderView(c, http.StatusOK, "card", v)
}

func bioLeft(bio string) int { return profile.MaxBio - utf8.RuneCountInString(bio) }

func (s *server) meEditFragment(c *gin.Context) {
	v := s.view(c)
	if v.Viewer == nil {
		s.render(c, http.StatusUnauthorized, "auth", v)
		return
	}
	v.User = *v.Viewer
	v.Form = form{DisplayName: v.Viewer.DisplayName, Bio: v.Viewer.Bio, BioLeft: bioLeft(v.Viewer.Bio)}
	s.render(c, http.StatusOK, "card-edit", settings{view: v})
}

func (s *server) meSaveFragment(c *gin.Context) {
	v := s.view(c)
	if v.Viewer == nil {
		s.render(c, http.StatusUnauthorized, "auth", v)
		return
	}
	name, bio := c.PostForm("display_name"), c.PostForm("bio")
	u, err := s.Accounts.UpdateProfile(c.Request.Context(), v.Viewer.ID, profile.ProfileChange{DisplayName: &name, Bio: &bio})
	if err != nil {
		v.User = *v.Viewer
		v.Form = form{DisplayName: name, Bio: bio, BioLeft: bioLeft(bio), Error: fault.Message(err)}
		s.render(c, problem.Status(err), "card-edit", settings{view: v})
		return
	}
	htmx.Trigger(c, htmx.ProfileChanged)
	v.User, v.Editable, v.Counts = u, true, true
	s.renderView(c, http.StatusOK, "card", v)
}

// userFragment is the profile card of the person with a handle.
func (s *server) userFragment(c *gin.Context) {
	v := s.view(c)
	u, err := s.Accounts.UserByHandle(c.Request.Context(), c.Param("handle"))
	if fault.Is(err, fault.NotFound) {
		s.render(c, http.StatusNotFound, "no-user", v)
		return
	}
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	v.User = u
	v.Editable = v.Viewer != nil && v.Viewer.ID == u.ID
	s.renderView(c, http.StatusOK, "card", v)
}

// fragment renders a named template for composing one of this service's own pages.
func (s *server) fragment(name string, data any) (content templateHTML, err error) {
	return layout.Execute(s.tmpl, name, data)
}
