package server

import (
	"html/template"
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/render"
	"murmur/fragments/internal/viewer"
	"murmur/fragments/layout"
	"murmur/fragments/tweets"
)

// A tweet's page shows its replies a page at a time, indented at most
// maxReplyLevel levels; the replies below those are behind a link to the
// page of the reply they answer.
const (
	repliesPage   = 50
	maxReplyLevel = 4
)

// entry is one place of a conversation on a tweet's page: a card, or
// where a deleted tweet was (HTML empty).
type entry struct {
	ID     string
	HTML   template.HTML
	Level  int
	Thread bool
	// More leads to the page of a reply at the last level shown that has
	// replies of its own.
	More string
}

// replyList is a page of the replies below a tweet.
type replyList struct {
	Links   render.Links
	ID      string
	Entries []entry
	// Cursor is the one this page was read with ("" for the first).
	Cursor string
	Next   string
}

// URL is where the list (or, with a cursor, its next page) comes from.
func (l replyList) URL() string {
	return l.Links.Self() + "/frag/tweets/" + url.PathEscape(l.ID) + "/replies"
}

// conversationView is a tweet's page: the chain above it, the tweet, the
// reply box and the first page of replies.
type conversationView struct {
	Focus card
	Above []entry
	// Earlier leads to the page of the oldest tweet shown above, when the
	// chain goes on beyond it.
	Earlier  string
	ReplyBox template.HTML
	Replies  replyList
}

// entries renders conversation places as cards; a reply's level is kept,
// those deeper than maxReplyLevel are left out.
func (s *server) entries(c *gin.Context, list []tweets.ConversationEntry, replies bool) ([]entry, error) {
	links := render.LinksFor(c, service)
	var living []tweets.Tweet
	for _, e := range list {
		if e.Tweet != nil && (!replies || e.Level <= maxReplyLevel) {
			living = append(living, *e.Tweet)
		}
	}
	cards, err := s.cards(c, living)
	if err != nil {
		return nil, err
	}
	out := make([]entry, 0, len(list))
	for _, e := range list {
		if replies && e.Level > maxReplyLevel {
			continue
		}
		en := entry{ID: e.ID, Level: e.Level, Thread: e.Thread}
		if e.Tweet != nil {
			en.HTML, cards = cards[0].HTML, cards[1:]
			if replies && e.Level == maxReplyLevel && e.Tweet.ReplyCount > 0 {
				en.More = links.Status(e.Tweet.Author.Handle, e.ID)
			}
		}
		out = append(out, en)
	}
	return out, nil
}

// replies reads a page of the replies below tweet id.
func (s *server) replies(c *gin.Context, id, cursor string) (replyList, tweets.Conversation, error) {
	l := replyList{Links: render.LinksFor(c, service), ID: id, Cursor: cursor}
	conv, err := s.Tweets.Conversation(c.Request.Context(), id, orAnonymous(viewer.Of(c)), cursor, repliesPage)
	if err != nil {
		return l, conv, err
	}
	l.Next = conv.Next
	l.Entries, err = s.entries(c, conv.Descendants, true)
	return l, conv, err
}

// conversation reads tweet id's page as the viewer sees it.
func (s *server) conversation(c *gin.Context, id string) (conversationView, error) {
	v := viewer.Of(c)
	var cv conversationView
	t, err := s.Tweets.Tweet(c.Request.Context(), id, orAnonymous(v))
	if err != nil {
		return cv, err
	}
	cv.Focus = card{Links: render.LinksFor(c, service), Viewer: v, Tweet: t}
	var conv tweets.Conversation
	if cv.Replies, conv, err = s.replies(c, t.ID, ""); err != nil {
		return cv, err
	}
	if cv.Above, err = s.entries(c, conv.Ancestors, false); err != nil {
		return cv, err
	}
	if len(conv.Ancestors) > 0 {
		if first := conv.Ancestors[0]; first.InReplyToID != nil && first.Tweet != nil {
			cv.Earlier = cv.Focus.Links.Status(first.Tweet.Author.Handle, first.ID)
		}
	}
	if v == nil {
		cv.ReplyBox, err = layout.Execute(s.tmpl, "signin-prompt", prompt{Message: "Sign in to reply.", Home: s.signInURL(c, cv.Focus.Links)})
	} else {
		box := newReplyBox(c, t.ID, mention(v.ID, t), true)
		cv.ReplyBox, err = layout.Execute(s.tmpl, "reply-box", box)
	}
	return cv, err
}

// conversationFragment is a tweet's page as the shell includes it: the
// chain it answers, the tweet, the reply box and its replies.
func (s *server) conversationFragment(c *gin.Context) {
	cv, err := s.conversation(c, c.Param("id"))
	switch {
	case fault.Is(err, fault.NotFound):
		s.render(c, http.StatusNotFound, "no-tweet", nil)
	case err != nil:
		render.FragmentError(c, s.tmpl, err)
	default:
		s.render(c, http.StatusOK, "conversation", cv)
	}
}

// repliesFragment is the replies below a tweet, read afresh; with a
// cursor, only the next page's entries, to append.
func (s *server) repliesFragment(c *gin.Context) {
	cursor := c.Query("cursor")
	l, _, err := s.replies(c, c.Param("id"), cursor)
	switch {
	case fault.Is(err, fault.NotFound):
		s.render(c, http.StatusNotFound, "no-tweet", nil)
	case err != nil:
		render.FragmentError(c, s.tmpl, err)
	case cursor != "":
		s.render(c, http.StatusOK, "reply-rows", l)
	default:
		s.render(c, http.StatusOK, "replies", l)
	}
}

// tweetBy finds tweet id and checks that the person with handle wrote it:
// NotFound when the tweet does not exist or is someone else's. When
// profile cannot say whose the handle is, the tweet is taken as theirs:
// the page still shows, with the tweet's own author on it.
func (s *server) tweetBy(c *gin.Context, handle, id string, v auth.Viewer) (tweets.Tweet, error) {
	t, err := s.Tweets.Tweet(c.Request.Context(), id, v)
	if err != nil {
		return t, err
	}
	p, err := s.People.ByHandle(c.Request.Context(), handle)
	switch {
	case fault.Is(err, fault.NotFound):
		return t, fault.New(fault.NotFound, "No one with that handle wrote this tweet.")
	case err != nil:
		s.Logger.WarnContext(c.Request.Context(), "check a tweet's author", "err", err)
		return t, nil
	case p.ID != t.Author.ID:
		return t, fault.New(fault.NotFound, "No one with that handle wrote this tweet.")
	}
	return t, nil
}

// statusExists answers whether /u/<handle>/status/<id> is a tweet's page:
// 204 when the person with that handle wrote that tweet, 404 when not. The
// shell asks before it composes the page (its status cannot come from an
// include), so a wrong link gets one styled 404.
func (s *server) statusExists(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	_, err := s.tweetBy(c, c.Param("handle"), c.Param("id"), auth.Viewer{})
	switch {
	case fault.Is(err, fault.NotFound):
		c.Status(http.StatusNotFound)
	case err != nil:
		render.FragmentError(c, s.tmpl, err)
	default:
		c.Status(http.StatusNoContent)
	}
}
