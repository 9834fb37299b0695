// Package render answers fragment and page requests with HTML: a template
// rendered whole before anything is sent, a failure as the "problem"
// partial, and the links a fragment writes, which differ between the
// shell, a service opened on its own and a service mounted in another.
package render

import (
	"bytes"
	"html/template"
	"log/slog"
	"net/http"
	"sync"

	"github.com/gin-gonic/gin"

	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/problem"
	"murmur/fragments/layout"
)

// HTML renders a named template as the whole response. It renders into a
// buffer first, so a template error becomes a clean 500 instead of half a page.
// The buffer is one of a pool, written out as it is: a home page's
// fragments are tens of kilobytes each, and rendering each into a new
// buffer, then copying it twice on its way out, made garbage the
// collector spent a fifth of the timeline's CPU on.
func HTML(c *gin.Context, status int, t *template.Template, name string, data any) {
	buf := buffers.Get().(*bytes.Buffer)
	defer putBuffer(buf)
	if err := t.ExecuteTemplate(buf, name, data); err != nil {
		slog.ErrorContext(c.Request.Context(), "render template", "template", name, "err", err)
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`<div class="problem" role="alert">Something went wrong on our side.</div>`)
	}
	answer(c, status)
	c.Writer.Write(buf.Bytes())
}

// Write answers HTML rendered before (by a Memo, say) as the whole response.
func Write(c *gin.Context, status int, h template.HTML) {
	answer(c, status)
	c.Writer.WriteString(string(h))
}

// answer starts an HTML response, never kept by a cache (a fragment shows
// its viewer's state).
func answer(c *gin.Context, status int) {
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Status(status)
}

// buffers are HTML's buffers.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putBuffer gives a buffer back to the pool, unless a rare large page
// made it too big to keep.
func putBuffer(buf *bytes.Buffer) {
	if buf.Cap() > 1<<20 {
		return
	}
	buf.Reset()
	buffers.Put(buf)
}

// FragmentError answers a fragment request that failed with the "problem"
// partial: a readable message, and the status of the failure's kind (with
// Retry-After when the failure says when to ask again).
func FragmentError(c *gin.Context, t *template.Template, err error) {
	problem.SetRetryAfter(c.Writer.Header(), err)
	switch fault.KindOf(err) {
	case fault.Internal:
		slog.ErrorContext(c.Request.Context(), "fragment failed", "path", c.Request.URL.Path, "err", err)
	case fault.Unavailable:
		slog.WarnContext(c.Request.Context(), "fragment degraded", "path", c.Request.URL.Path, "err", err)
	}
	HTML(c, problem.Status(err), t, "problem", fault.Message(err))
}

// Slot is what goes in one slot of a page a service serves on its own
// when what fills it could not be read, and the status that page answers:
// the layout's fallback block under label when a service this one reads
// from is down — the block the shell shows in the same place, and the
// page still answers 200, as the shell's does — or the "problem" partial
// and the failure's status for any other failure. It logs the failure as
// FragmentError does.
func Slot(c *gin.Context, t *template.Template, label string, err error) (template.HTML, int) {
	name, data, status := "problem", any(fault.Message(err)), problem.Status(err)
	switch fault.KindOf(err) {
	case fault.Unavailable:
		slog.WarnContext(c.Request.Context(), "page degraded", "path", c.Request.URL.Path, "slot", label, "err", err)
		name, data, status = "fallback", label, http.StatusOK
	case fault.Internal:
		slog.ErrorContext(c.Request.Context(), "page failed", "path", c.Request.URL.Path, "slot", label, "err", err)
	}
	out, terr := layout.Execute(t, name, data)
	if terr != nil {
		slog.ErrorContext(c.Request.Context(), "render template", "template", name, "err", terr)
		return template.HTML(`<div class="problem" role="alert">Something went wrong on our side.</div>`), http.StatusInternalServerError
	}
	return out, status
}

// PageError answers a page whose main content could not be read: the page
// p in the common layout, styled like any other, with Slot's answer in its
// main column.
func PageError(c *gin.Context, t *template.Template, p layout.Page, label string, err error) {
	var status int
	p.Main, status = Slot(c, t, label, err)
	HTML(c, status, t, "layout", p)
}
