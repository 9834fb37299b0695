// Package render answers fragment and page requests with HTML: a template
// rendered whole before anything is sent, a failure as the "problem"
// partial, and the links a fragment writes, which differ between the
// shell, a service opened on its own and a service mounted in another.
package render

import (
	"html/template"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/problem"
	"murmur/fragments/layout"
)

// HTML renders a named template as the whole response. It renders into a
// buffer first, so a template error becomes a clean 500 instead of half a page.
func HTML(c *gin.Context, status int, t *template.Template, name string, data any) {
	out, err := layout.Execute(t, name, data)
	if err != nil {
		slog.ErrorContext(c.Request.Context(), "render template", "template", name, "err", err)
		status, out = http.StatusInternalServerError, template.HTML(`<div class="problem" role="alert">Something went wrong on our side.</div>`)
	}
	c.Header("Cache-Control", "no-store")
	c.Data(status, "text/html; charset=utf-8", []byte(out))
}

// FragmentError answers a fragment request that failed with the "problem"
// partial: a readable message, and the status of the failure's kind.
func FragmentError(c *gin.Context, t *template.Template, err error) {
	switch fault.KindOf(err) {
	case fault.Internal:
		slog.ErrorContext(c.Request.Context(), "fragment failed", "path", c.Request.URL.Path, "err", err)
	case fault.Unavailable:
		slog.WarnContext(c.Request.Context(), "fragment degraded", "path", c.Request.URL.Path, "err", err)
	}
	HTML(c, problem.Status(err), t, "problem", fault.Message(err))
}
