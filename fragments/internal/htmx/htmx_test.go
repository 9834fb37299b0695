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
}
