package server

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/htmx"
	"murmur/fragments/internal/problem"
	"murmur/fragments/internal/ratelimit"
	"murmur/fragments/internal/render"
	"murmur/fragments/internal/viewer"
	"murmur/fragments/tweets"
)

// deletedParent is what a reply box says when the tweet it answers is gone.
const deletedParent = "This tweet was deleted."

// replyBox is the reply box of one tweet with what was typed.
type replyBox struct {
	// Self is where the tweets service's URLs are reached from the page.
	Self    string
	TweetID string
	Text    string
	Error   string
	Left    int
	MaxText int
	// Page is set for the box of a tweet's page, which stays open; the
	// box under a card closes once its reply is posted.
	Page bool
	// Focus puts the caret in the box, after its text, once shown.
	Focus bool
}

// FieldID is the text field's id, one per tweet and place.
func (b replyBox) FieldID() string {
	if b.Page {
		return "reply-page-" + b.TweetID
	}
	return "reply-text-" + b.TweetID
}

func newReplyBox(c *gin.Context, tweetID, text string, page bool) replyBox {
	return replyBox{Self: render.LinksFor(c, service).Self(), TweetID: tweetID, Text: text, Page: page,
		Left: tweets.MaxText - tweets.Length(strings.TrimSpace(text)), MaxText: tweets.MaxText}
}

// mention is how a reply to t by the viewer starts: "@author ", unless
// the viewer answers their own tweet (a thread).
func mention(v string, t tweets.Tweet) string {
	if v == t.Author.ID || t.Author.Handle == "" || t.Author.Handle == "unknown" {
		return ""
	}
	return "@" + t.Author.Handle + " "
}

// replyBoxFragment is the reply box a card's Reply button opens under it,
// prefilled with "@author ", or a sign-in prompt.
func (s *server) replyBoxFragment(c *gin.Context) {
	v := viewer.Of(c)
	if v == nil {
		s.signInPrompt(c, http.StatusOK, "Sign in to reply.")
		return
	}
	t, err := s.Tweets.Tweet(c.Request.Context(), c.Param("id"), *v)
	if err != nil {
		box := newReplyBox(c, c.Param("id"), "", false)
		box.Error = replyError(err)
		s.render(c, problem.Status(err), "reply-box", box)
		return
	}
	box := newReplyBox(c, t.ID, mention(v.ID, t), false)
	box.Focus = true
	s.render(c, http.StatusOK, "reply-box", box)
}

// replyError is what a reply box says about a refusal.
func replyError(err error) string {
	if fault.Is(err, fault.NotFound) {
		return deletedParent
	}
	return fault.Message(err)
}

// postReplyFragment posts a reply box. It fires reply-created with the
// replied-to tweet's new count and answers the box closed (under a card)
// or empty (on a tweet's page); refused, the box as typed and why.
func (s *server) postReplyFragment(c *gin.Context) {
	v := viewer.Of(c)
	if v == nil {
		s.signInPrompt(c, http.StatusUnauthorized, "Your session has ended. Sign in again to reply.")
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxPostBody)
	id, text, page := c.Param("id"), c.PostForm("text"), c.PostForm("place") == "page"
	err := s.Limits.Check(c.Request.Context(), ratelimit.Post, v.ID, 1)
	var reply tweets.Tweet
	if err == nil {
		reply, err = s.Tweets.Reply(c.Request.Context(), *v, id, text, nil)
	}
	if err != nil {
		box := newReplyBox(c, id, text, page)
		box.Error = replyError(err)
		if fault.KindOf(err) == fault.Internal {
			s.Logger.ErrorContext(c.Request.Context(), "post reply", "err", err)
		}
		problem.SetRetryAfter(c.Writer.Header(), err)
		s.render(c, problem.Status(err), "reply-box", box)
		return
	}
	if reply.InReplyToID != nil {
		id = *reply.InReplyToID
	}
	htmx.TriggerWithDetail(c, htmx.ReplyCreated, map[string]any{
		"id": reply.ID, "in_reply_to_id": id, "reply_count": reply.InReplyToReplyCount,
	})
	if page {
		s.render(c, http.StatusOK, "reply-box", newReplyBox(c, id, "", true))
		return
	}
	// The box under the card goes: its swap (outerHTML) puts nothing in its place.
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "text/html; charset=utf-8", nil)
}
