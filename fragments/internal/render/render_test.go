package render

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"murmur/fragments/internal/fault"
	"murmur/fragments/layout"
)

// A page whose content failed keeps the common layout: a service down
// behind it shows the shell's fallback block and still answers 200, as the
// shell's pages do; any other failure shows the problem and its status.
func TestPageError(t *testing.T) {
	look := layout.Parse(nil)
	for _, tt := range []struct {
		name   string
		err    error
		status int
		want   string
	}{
		{"a service down", fault.Wrap(fault.Unavailable, errors.New("dial tcp: refused"), "Profiles can’t be reached."),
			200, `<div class="fallback" role="status"><strong>Your tweets</strong> can’t be shown right now.`},
		{"refused", fault.New(fault.Invalid, "Unknown order."), 422, `<div class="problem" role="alert">Unknown order.</div>`},
		{"our own fault", errors.New("disk I/O error"), 500, `<div class="problem" role="alert">Something went wrong on our side. Please try again.</div>`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			c, _ := gin.CreateTestContext(rec)
			c.Request = httptest.NewRequest("GET", "/tweets/", nil)
			PageError(c, look, LinksFor(c, "tweets").Page("Tweets"), "Your tweets", tt.err)
			body := rec.Body.String()
			if rec.Code != tt.status {
				t.Errorf("status %d, want %d", rec.Code, tt.status)
			}
			for _, w := range []string{"<!doctype html>", `href="/tweets/static/murmur.`, `<main class="col-main" id="main">` + tt.want} {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q:\n%s", w, body)
				}
			}
			if strings.Contains(body, "refused") || strings.Contains(body, "disk I/O") {
				t.Errorf("the cause reached the page:\n%s", body)
			}
		})
	}
}
