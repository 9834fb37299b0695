package htmx

import (
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
)

func TestTriggerHeaders(t *testing.T) {
	rec := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(rec)
	Trigger(c, TweetCreated, LikeChanged)
	if got := rec.Header().Get("HX-Trigger"); got != "tweet-created, like-changed" {
		t.Errorf("Trigger = %q", got)
	}
	rec = httptest.NewRecorder()
	c, _ = gin.CreateTestContext(rec)
	TriggerOnBody(c, TweetDeleted)
	if got := rec.Header().Get("HX-Trigger"); got != `{"tweet-deleted":{"target":"body"}}` {
		t.Errorf("TriggerOnBody = %q", got)
	}
	rec = httptest.NewRecorder()
	c, _ = gin.CreateTestContext(rec)
	TriggerWithDetail(c, ReplyCreated, map[string]any{"id": "2", "in_reply_to_id": "1", "reply_count": 3})
	if got, want := rec.Header().Get("HX-Trigger"), `{"reply-created":{"id":"2","in_reply_to_id":"1","reply_count":3,"target":"body"}}`; got != want {
		t.Errorf("TriggerWithDetail = %q, want %q", got, want)
	}
}
