// Package htmx holds what the services' htmx responses share: the names of
// the events widgets fire at each other, and the HX-Trigger header that
// fires them, so one widget's change refreshes the others on the page.
package htmx

import (
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
)

// Trigger names the events an htmx response fires in the browser, so other
// widgets listening with hx-trigger="<event> from:body" refresh themselves.
// htmx fires them on the element that made the request, and they bubble up
// to body.
func Trigger(c *gin.Context, events ...string) {
	c.Header("HX-Trigger", strings.Join(events, ", "))
}

// TriggerOnBody is Trigger for a response whose swap removes the element
// that made the request (a deleted card's own button): htmx would then fire
// the events on document, above body, where "from:body" listeners never
// hear them. The JSON form of the header names body as the target.
func TriggerOnBody(c *gin.Context, events ...string) {
	parts := make([]string, len(events))
	for i, e := range events {
		parts[i] = strconv.Quote(e) + `:{"target":"body"}`
	}
	c.Header("HX-Trigger", "{"+strings.Join(parts, ",")+"}")
}

// The events widgets fire at each other through HX-Trigger; listeners name
// them in hx-trigger="<event> from:body".
const (
	TweetCreated   = "tweet-created"
	TweetDeleted   = "tweet-deleted"
	LikeChanged    = "like-changed"
	BoostChanged   = "boost-changed"
	FollowChanged  = "follow-changed"
	SessionChanged = "session-changed"
	ProfileChanged = "profile-changed"
)
