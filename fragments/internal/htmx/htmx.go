// Package htmx holds what the services' htmx responses share: the names of
// the events widgets fire at each other, and the HX-Trigger header that
// fires them, so one widget's change refreshes the others on the page.
package htmx

import (
	"encoding/json"
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

// TriggerWithDetail fires one event on body carrying detail, which
// listeners read as the event's detail (a reply's new count, for the cards
// that show it). detail must marshal to a JSON object; its "target" member
// is htmx's and is set to body.
func TriggerWithDetail(c *gin.Context, event string, detail map[string]any) {
	d := make(map[string]any, len(detail)+1)
	for k, v := range detail {
		d[k] = v
	}
	d["target"] = "body"
	b, err := json.Marshal(map[string]any{event: d})
	if err != nil {
		// Only values JSON cannot hold fail; fire the event bare rather than not at all.
		TriggerOnBody(c, event)
		return
	}
	c.Header("HX-Trigger", string(b))
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
	// ReplyCreated names a new reply; its detail (TriggerWithDetail) holds
	// the reply's "id", the "in_reply_to_id" it answers and that tweet's
	// new "reply_count". The live socket fires it too, for replies posted
	// elsewhere to a conversation the page shows.
	ReplyCreated = "reply-created"
)
