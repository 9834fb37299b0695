// Package web renders the services' HTML responses and sets up their JSON APIs.
package web

import (
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/gin-gonic/gin"

	"murmur/fragments/internal/fault"
	"murmur/fragments/layout"
)

// ShellHeader is set by nginx on every request it proxies, so a fragment
// knows whether its links should lead to the shell's pages or to the
// service's own.
const ShellHeader = "X-Murmur-Shell"

// MountHeader names the path under which another service, opened on its
// own, forwards this service's URLs (the timeline forwards /timeline/tweets/…
// to tweets), so that the fragments it embeds link, load images and post
// where that page's origin can reach them.
const MountHeader = "X-Murmur-Mount"

// mountRule is the only shape a mount may have: /<other service>/<this service>.
var mountRule = regexp.MustCompile(`^/[a-z]+/[a-z]+$`)

// Links builds the URLs fragments link to, which differ between the shell,
// a service opened on its own, and a service mounted in another.
type Links struct {
	Shell   bool
	Service string
	// Mount is where the service's own URLs are reached from the page;
	// "/<service>" unless it is mounted in another service.
	Mount string
}

// LinksFor tells the links of a request to the named service.
func LinksFor(c *gin.Context, service string) Links {
	l := Links{Shell: c.GetHeader(ShellHeader) != "", Service: service, Mount: "/" + service}
	if m := c.GetHeader(MountHeader); !l.Shell && mountRule.MatchString(m) && strings.HasSuffix(m, "/"+service) {
		l.Mount = m
	}
	return l
}

// Self is the prefix of the service's own URLs as the page reaches them.
func (l Links) Self() string { return l.Mount }

// Home is the page to return to: the shell's home, or the service's own page.
func (l Links) Home() string {
	if l.Shell {
		return "/"
	}
	return l.Mount + "/"
}

// User is the page of the person with the given handle.
func (l Links) User(handle string) string {
	if l.Shell {
		return "/u/" + url.PathEscape(handle)
	}
	return l.Mount + "/u/" + url.PathEscape(handle)
}

// Page returns an empty page in the common layout for this request.
func (l Links) Page(title string) layout.Page {
	p := layout.Page{Title: title, Home: l.Home(), StaticPrefix: "/static"}
	if !l.Shell {
		p.StaticPrefix = l.Mount + "/static"
	}
	return p
}

// SignedInNav is the data of the "signed-in-nav" header that tweets, follow
// and timeline show when opened on their own.
type SignedInNav struct {
	Links Links
	// Handle is the signed-in viewer's, empty when signed out.
	Handle string
	// SignIn is where the Sign in button leads.
	SignIn string
}

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
	HTML(c, fault.Status(err), t, "problem", fault.Message(err))
}
