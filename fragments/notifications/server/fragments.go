package server

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/htmx"
	"murmur/fragments/internal/people"
	"murmur/fragments/internal/render"
	"murmur/fragments/notifications"
)

// pageSize is how many notifications one page of the list reads.
const pageSize = 20

// view is what every fragment knows of its request.
type view struct {
	Links  render.Links
	Viewer *auth.Viewer
	// SignIn is where a signed-out viewer is sent.
	SignIn string
	// profileURL and tweetsURL are where the service on its own links
	// people and tweets (profile's and tweets' own pages).
	profileURL, tweetsURL string
}

func (s *server) view(c *gin.Context) view {
	v := view{Links: render.LinksFor(c, service), SignIn: "/#signin"}
	if !v.Links.Shell {
		v.SignIn = render.OnBrowserHost(c, strings.TrimRight(s.ProfileURL, "/")+"/profile/#signin")
		v.profileURL = render.OnBrowserHost(c, strings.TrimRight(s.ProfileURL, "/"))
		v.tweetsURL = render.OnBrowserHost(c, strings.TrimRight(s.TweetsURL, "/"))
	}
	if vw, ok := auth.ViewerFrom(c.Request.Context()); ok {
		v.Viewer = &vw
	}
	return v
}

// PageURL is the notifications page: the shell's, or the service's own.
func (v view) PageURL() string {
	if v.Links.Shell {
		return "/notifications"
	}
	return v.Links.Self() + "/"
}

// Person is the page of the person with the handle: the shell's, or
// profile's own when the service is opened on its own.
func (v view) Person(handle string) string {
	if v.Links.Shell {
		return v.Links.User(handle)
	}
	return v.profileURL + "/profile/u/" + url.PathEscape(handle)
}

// Tweet is the page of a tweet by the author with the handle: the shell's
// tweet page, or the author's tweets on tweets' own page.
func (v view) Tweet(handle, id string) string {
	if v.Links.Shell {
		return "/u/" + url.PathEscape(handle) + "/status/" + url.PathEscape(id)
	}
	return v.tweetsURL + "/tweets/u/" + url.PathEscape(handle)
}

// bell is the bell in the header: the unread count, kept live by a socket.
type bell struct {
	view
	Unread int
}

func (s *server) bellFragment(c *gin.Context) {
	v := s.view(c)
	if v.Viewer == nil {
		// A signed-out page has no bell.
		c.Header("Cache-Control", "no-store")
		c.Status(http.StatusNoContent)
		return
	}
	n, err := s.Inbox.Unread(c.Request.Context(), v.Viewer.ID)
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	render.HTML(c, http.StatusOK, s.tmpl, "bell", bell{view: v, Unread: n})
}

// group is one line of the list: notifications of one kind about one
// thing, by one or more people ("Ann and 3 others liked your tweet").
type group struct {
	Kind notifications.Kind
	// Mark is the kind's sign beside the line.
	Mark string
	// Actors did it, newest first, with the links to their pages.
	Actors []actor
	// ID and CreatedAt are the group's newest notification's.
	ID        string
	CreatedAt time.Time
	Unread    bool
	// TweetURL is the tweet the group is about ("" for follows).
	TweetURL string
}

// actor is a person named in a line.
type actor struct {
	people.Person
	URL string
}

// Others is how many actors are not named: with two, both are.
func (g group) Others() int {
	if len(g.Actors) <= 2 {
		return 0
	}
	return len(g.Actors) - 1
}

// Second is the second actor when the line names two.
func (g group) Second() *actor {
	if len(g.Actors) == 2 {
		return &g.Actors[1]
	}
	return nil
}

// marks are the kinds' signs.
var marks = map[notifications.Kind]string{
	notifications.Follow: "+", notifications.Like: "♥", notifications.Reply: "↩",
	notifications.Mention: "@", notifications.Boost: "⟳",
}

// groupable kinds gather: many people liking one tweet, or following me,
// read better as one line. Replies and mentions stay one each: each is a
// tweet of its own.
func groupable(k notifications.Kind) bool {
	return k == notifications.Like || k == notifications.Boost || k == notifications.Follow
}

// groups gathers a page's notifications of one kind about one tweet (or
// follows) into the place of the newest of them.
func groups(v view, items []notifications.Item) []group {
	var out []group
	at := map[string]int{}
	for _, it := range items {
		a := actor{Person: it.Actor, URL: v.Person(it.Actor.Handle)}
		key := string(it.Kind) + "/" + it.TweetID
		if i, ok := at[key]; ok && groupable(it.Kind) {
			out[i].Actors = append(out[i].Actors, a)
			out[i].Unread = out[i].Unread || !it.Read
			continue
		}
		g := group{Kind: it.Kind, Mark: marks[it.Kind], Actors: []actor{a}, ID: it.ID, CreatedAt: it.CreatedAt, Unread: !it.Read}
		switch it.Kind {
		case notifications.Like, notifications.Boost:
			g.TweetURL = v.Tweet(v.Viewer.Handle, it.TweetID) // my tweet
		case notifications.Reply, notifications.Mention:
			g.TweetURL = v.Tweet(it.Actor.Handle, it.TweetID) // theirs
		}
		if groupable(it.Kind) {
			at[key] = len(out)
		}
		out = append(out, g)
	}
	return out
}

// list is a page of the list: its groups and where the next page is.
type list struct {
	view
	Groups []group
	Next   string
	// Newest is the newest notification's id on a first page ("" when
	// there is none): what opening the page marks read.
	Newest string
	First  bool
	// AnyUnread is whether the page shows an unread notification.
	AnyUnread bool
}

func (s *server) readList(c *gin.Context, v view, cursor string) (list, error) {
	page, err := s.Inbox.List(c.Request.Context(), v.Viewer.ID, pageSize, cursor)
	if err != nil {
		return list{}, err
	}
	l := list{view: v, Groups: groups(v, page.Items), Next: page.Next, First: cursor == ""}
	for _, g := range l.Groups {
		l.AnyUnread = l.AnyUnread || g.Unread
	}
	if l.First && len(page.Items) > 0 {
		l.Newest = page.Items[0].ID
	}
	return l, nil
}

// listFragment is the notifications list: the whole section on a first
// page, only the next groups after a cursor (infinite scroll).
func (s *server) listFragment(c *gin.Context) {
	v := s.view(c)
	if v.Viewer == nil {
		render.HTML(c, http.StatusOK, s.tmpl, "signin-prompt", map[string]string{
			"Message": "Sign in to see who followed you and what they did with your tweets.", "Home": v.SignIn})
		return
	}
	cursor := c.Query("cursor")
	if cursor != "" && !notifications.ValidID(cursor) {
		render.FragmentError(c, s.tmpl, fault.New(fault.Invalid, "This list cannot go on from there: reload the page."))
		return
	}
	l, err := s.readList(c, v, cursor)
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	name := "notifications"
	if !l.First {
		name = "groups"
	}
	render.HTML(c, http.StatusOK, s.tmpl, name, l)
}

// readFragment marks my notifications read up to the id posted: when the
// list opens (everything it shows), and from "Mark all read". It answers
// the list afresh, and the bell's count in its place on the page.
func (s *server) readFragment(c *gin.Context) {
	v := s.view(c)
	if v.Viewer == nil {
		render.FragmentError(c, s.tmpl, fault.New(fault.Unauthorized, "Sign in first."))
		return
	}
	if err := s.Inbox.MarkRead(c.Request.Context(), v.Viewer.ID, c.PostForm("up_to")); err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	if c.PostForm("quiet") != "" {
		// Opening the list: it keeps showing which were unread.
		n, err := s.Inbox.Unread(c.Request.Context(), v.Viewer.ID)
		if err != nil {
			render.FragmentError(c, s.tmpl, err)
			return
		}
		htmx.Trigger(c, NotificationsRead)
		render.HTML(c, http.StatusOK, s.tmpl, "bell-partial", n)
		return
	}
	l, err := s.readList(c, v, "")
	if err != nil {
		render.FragmentError(c, s.tmpl, err)
		return
	}
	htmx.Trigger(c, NotificationsRead)
	render.HTML(c, http.StatusOK, s.tmpl, "notifications-read", l)
}

// NotificationsRead is the HX-Trigger event of notifications marked read.
const NotificationsRead = "notifications-read"
