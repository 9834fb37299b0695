package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"murmur/fragments/follow"
	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/htmx"
	"murmur/fragments/internal/people"
	"murmur/fragments/internal/problem"
	"murmur/fragments/internal/ratelimit"
	"murmur/fragments/internal/render"
	"murmur/fragments/internal/viewer"
)

// view is the data every follow fragment renders from.
type view struct {
	Links  render.Links
	Viewer *auth.Viewer
	// SignIn is where the "sign in to follow" links lead.
	SignIn string
}

func (s *server) view(c *gin.Context) view {
	v := view{Links: render.LinksFor(c, service), SignIn: "/#signin"}
	if !v.Links.Shell {
		v.SignIn = "/profile/#signin"
		if s.SignInURL != "" {
			v.SignIn = render.OnBrowserHost(c, s.SignInURL)
		}
	}
	v.Viewer = viewer.Of(c)
	return v
}

// viewerID is the signed-in viewer's id, "" when signed out.
func (v view) viewerID() string {
	if v.Viewer == nil {
		return ""
	}
	return v.Viewer.ID
}

// button is the follow button for one person.
type button struct {
	view
	ID        string
	Following bool
	// Barred: a block stands between the viewer and them (either way).
	Barred bool
}

// Self reports whether the button would be for the viewer themself.
func (b button) Self() bool { return b.Viewer != nil && b.Viewer.ID == b.ID }

// entry is a person in a list, with their follow button.
type entry struct {
	view
	Person people.Person
	Button button
}

// list is one page of someone's followers or followees.
type list struct {
	view
	// Kind is "followers" or "following": the section's id, so the counts
	// can link to it.
	Kind, Title, Empty string
	Entries            []entry
	Next, MoreURL      string
}

// card is a person's counts and follow button, and the viewer's block
// and mute of them.
type card struct {
	view
	Person   people.Person
	Stats    follow.Stats
	Button   button
	Relation follow.Relation
	// Confirm asks "block them?" in place of the actions.
	Confirm bool
}

// suggestions is the who-to-follow widget.
type suggestions struct {
	view
	Entries []entry
}

// done is a who-to-follow entry just followed, when there is no one left to suggest.
type done struct {
	view
	Person people.Person
}

var errNoUser = fault.New(fault.NotFound, "No such user.")

func (s *server) render(c *gin.Context, status int, name string, data any) {
	render.HTML(c, status, s.tmpl, name, data)
}

// entries gives each person their follow button, in one query for the
// viewer's follow state of them all.
func (s *server) entries(c *gin.Context, v view, ps []people.Person) ([]entry, error) {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	followed, err := s.Graph.FollowedAmong(c.Request.Context(), v.viewerID(), ids)
	if err != nil {
		return nil, err
	}
	out := make([]entry, len(ps))
	for i, p := range ps {
		out[i] = entry{view: v, Person: p, Button: button{view: v, ID: p.ID, Following: followed[p.ID]}}
	}
	return out, nil
}

// buttonFragment is a follow button alone, for other services' lists to
// load lazily (hx-trigger="load"). Signed out, it is a "sign in to follow"
// link; for the viewer themself, a quiet "that's you".
func (s *server) buttonFragment(c *gin.Context) {
	v := s.view(c)
	b := button{view: v, ID: c.Param("user_id")}
	if !follow.ValidID(b.ID) {
		render.FragmentError(c, s.tmpl, errNoUser)
		return
	}
	if v.Viewer != nil && !b.Self() {
		var err error
		if b.Following, err = s.Graph.IsFollowing(c.Request.Context(), v.Viewer.ID, b.ID); err != nil {
			render.FragmentError(c, s.tmpl, err)
			return
		}
	}
	s.render(c, http.StatusOK, "button", b)
}

// followFragment follows from a button and answers the new button; the
// follow-changed event makes counts and timelines on the page refresh.
func (s *server) followFragment(c *gin.Context) { s.toggle(c, true) }

// unfollowFragment unfollows from a button.
func (s *server) unfollowFragment(c *gin.Context) { s.toggle(c, false) }

func (s *server) toggle(c *gin.Context, follows bool) {
	v := s.view(c)
	b := button{view: v, ID: c.Param("user_id")}
	if v.Viewer == nil {
		s.render(c, http.StatusUnauthorized, "button", b)
		return
	}
	var err error
	if follows {
		// Past the limit the button gives way to the reason, until the
		// widget is shown again.
		if err = s.Limits.Check(c.Request.Context(), ratelimit.Follow, v.Viewer.ID, 1); err == nil {
			_, err = s.Graph.Follow(c.Request.Context(), v.Viewer.ID, b.ID)
		}
	} else {
		_, err = s.Graph.Unfollow(c.Request.Context(), v.Viewer.ID, b.ID)
	}
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	// Fired even when nothing changed: the click came from a button showing
	// a stale state, so other widgets may be stale too.
	htmx.Trigger(c, htmx.FollowChanged)
	b.Following = follows
	s.render(c, http.StatusOK, "button", b)
}

// countsFragment is a person's followers and following counts; it refreshes
// itself on follow-changed, so my own card's counts can include it.
func (s *server) countsFragment(c *gin.Context) {
	v := s.view(c)
	p, err := s.Graph.User(c.Request.Context(), c.Param("user_id"))
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	cd, err := s.card(c, v, p)
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	s.render(c, http.StatusOK, "counts", cd)
}

func (s *server) card(c *gin.Context, v view, p people.Person) (card, error) {
	st, err := s.Graph.PersonStats(c.Request.Context(), v.viewerID(), p)
	if err != nil {
		return card{}, err
	}
	r, err := s.Graph.Relation(c.Request.Context(), v.viewerID(), p.ID)
	if err != nil {
		return card{}, err
	}
	return card{view: v, Person: p, Stats: st, Relation: r,
		Button: button{view: v, ID: p.ID, Following: st.FollowedByMe, Barred: r.Either()}}, nil
}

// userByHandle finds the person a fragment's URL names, answering 404 with
// the no-user partial when there is no one.
func (s *server) userByHandle(c *gin.Context, v view) (people.Person, bool) {
	p, err := s.Graph.UserByHandle(c.Request.Context(), c.Param("handle"))
	if fault.Is(err, fault.NotFound) {
		s.render(c, http.StatusNotFound, "no-user", v)
		return p, false
	}
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return p, false
	}
	return p, true
}

// cardFragment is the follow button and counts on a person's page.
func (s *server) cardFragment(c *gin.Context) {
	v := s.view(c)
	p, ok := s.userByHandle(c, v)
	if !ok {
		return
	}
	cd, err := s.card(c, v, p)
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	s.render(c, http.StatusOK, "card", cd)
}

func (s *server) followersFragment(c *gin.Context) { s.listFragment(c, "followers") }

func (s *server) followingFragment(c *gin.Context) { s.listFragment(c, "following") }

// listFragment is a page of a person's followers or followees: the whole
// section, or with ?cursor= only the rows that follow.
func (s *server) listFragment(c *gin.Context, kind string) {
	v := s.view(c)
	p, ok := s.userByHandle(c, v)
	if !ok {
		return
	}
	l, err := s.list(c, v, p, kind, c.Query("cursor"))
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	name := "list"
	if c.Query("cursor") != "" {
		name = "list-rows"
	}
	s.render(c, http.StatusOK, name, l)
}

func (s *server) list(c *gin.Context, v view, p people.Person, kind, cursor string) (list, error) {
	l := list{view: v, Kind: kind, MoreURL: "/follow/frag/users/" + p.Handle + "/" + kind}
	mine := v.Viewer != nil && v.Viewer.ID == p.ID
	var page follow.Page
	var err error
	if kind == "followers" {
		page, err = s.Graph.Followers(c.Request.Context(), p.ID, follow.DefaultPageSize, cursor)
		l.Title, l.Empty = "Followers of @"+p.Handle, "No followers yet."
		if mine {
			l.Title = "Your followers"
		}
	} else {
		page, err = s.Graph.Following(c.Request.Context(), p.ID, follow.DefaultPageSize, cursor)
		l.Title, l.Empty = "@"+p.Handle+" follows", "Not following anyone yet."
		if mine {
			l.Title = "People you follow"
		}
	}
	if err != nil {
		return l, err
	}
	l.Next = page.Next
	l.Entries, err = s.entries(c, v, page.People)
	return l, err
}

// whoToFollowFragment is the who-to-follow widget. Signed out it still
// shows who is popular, each with a "sign in to follow" link.
func (s *server) whoToFollowFragment(c *gin.Context) {
	v := s.view(c)
	w, err := s.suggestions(c, v)
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	k, ok := keyOfWidget(w)
	if !ok {
		s.render(c, http.StatusOK, "who-to-follow", w)
		return
	}
	h, err := s.widgets.HTML(k, w)
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	render.Write(c, http.StatusOK, h)
}

// keptWidgets bounds how many who-to-follow widgets are kept rendered
// (about two kilobytes each).
const keptWidgets = 10_000

// widgetKey is everything the who-to-follow widget shows (see
// render.Memo): the links, whether someone is signed in and where the
// signed-out are sent, and the people suggested, in order. The viewer's
// follow state of them is no part of it: no one suggested is followed.
type widgetKey struct {
	Links  render.Links
	Signed bool
	SignIn string
	N      int
	People [follow.SuggestionCount]people.Person
}

// keyOfWidget is w's key; false when it suggests more people than a key
// holds (it is then rendered each time).
func keyOfWidget(w suggestions) (widgetKey, bool) {
	k := widgetKey{Links: w.Links, Signed: w.Viewer != nil, SignIn: w.SignIn, N: len(w.Entries)}
	if len(w.Entries) > len(k.People) {
		return widgetKey{}, false
	}
	for i, e := range w.Entries {
		k.People[i] = e.Person
	}
	return k, true
}

func (s *server) suggestions(c *gin.Context, v view) (suggestions, error) {
	ps, err := s.Graph.WhoToFollow(c.Request.Context(), v.viewerID())
	if err != nil {
		return suggestions{}, err
	}
	return suggestions{view: v, Entries: suggested(v, ps)}, nil
}

// suggested gives each suggested person their button. No one suggested is
// followed by the viewer (suggestions are picked again whenever whom the
// viewer follows changes), so, unlike entries, it asks nothing.
func suggested(v view, ps []people.Person) []entry {
	out := make([]entry, len(ps))
	for i, p := range ps {
		out[i] = entry{view: v, Person: p, Button: button{view: v, ID: p.ID}}
	}
	return out
}

// followSuggestionFragment follows someone from the who-to-follow widget
// and answers the entry that replaces theirs: the next suggestion not on
// screen (the widget's form posts the ids it shows as "shown"), or a note
// that they are followed when there is no one left to suggest.
func (s *server) followSuggestionFragment(c *gin.Context) {
	v := s.view(c)
	id := c.Param("user_id")
	if v.Viewer == nil {
		s.render(c, http.StatusUnauthorized, "suggestion-signin", button{view: v, ID: id})
		return
	}
	ctx := c.Request.Context()
	err := s.Limits.Check(ctx, ratelimit.Follow, v.Viewer.ID, 1)
	if err == nil {
		_, err = s.Graph.Follow(ctx, v.Viewer.ID, id)
	}
	if err != nil {
		if fault.KindOf(err) == fault.Internal {
			render.FragmentError(c, s.tmpl, err)
			return
		}
		problem.SetRetryAfter(c.Writer.Header(), err)
		s.render(c, problem.Status(err), "suggestion-problem", fault.Message(err))
		return
	}
	htmx.Trigger(c, htmx.FollowChanged)
	// The widget posts the ids it shows: a handful. Read at most 16 KB and
	// keep at most 50, whatever a client sends.
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, 16<<10)
	shown := c.PostFormArray("shown")
	if len(shown) > 50 {
		shown = shown[:50]
	}
	next, err := s.Graph.Suggest(ctx, v.Viewer.ID, 1, append(shown, id))
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	if len(next) == 0 {
		p, err := s.Graph.User(ctx, id)
		if err != nil {
			render.FragmentError(c, s.tmpl, err)
			return
		}
		s.render(c, http.StatusOK, "suggestion-done", done{view: v, Person: p})
		return
	}
	s.render(c, http.StatusOK, "suggestion", suggested(v, next)[0])
}
