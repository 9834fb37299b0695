// Package server is the notifications service's HTTP side: its JSON API,
// its fragments (the bell, the list), its own page and its sockets.
package server

import (
	"context"
	"embed"
	"html/template"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/internal/serving"
	"murmur/fragments/internal/telemetry"
	"murmur/fragments/internal/viewer"
	"murmur/fragments/layout"
	"murmur/fragments/notifications"
	"murmur/fragments/notifications/live"
)

//go:embed templates/*.html
var templates embed.FS

// service is the name and URL prefix of this service.
const service = "notifications"

// Deps are what the notifications server needs; the constructor reads no
// environment.
type Deps struct {
	Inbox    *notifications.Inbox
	Hub      *live.Hub
	Verifier *auth.Verifier
	Logger   *slog.Logger
	Metrics  *telemetry.Metrics
	// TrustedProxies are the addresses of the shell's nginx; nil means
	// nginx on this machine.
	TrustedProxies []string
	// ProfileURL and TweetsURL are where profile and tweets are opened on
	// their own: the service on its own links people and tweets there.
	ProfileURL, TweetsURL string
	// Done ends when the service shuts down: open sockets are closed.
	Done context.Context
}

type server struct {
	Deps
	tmpl *template.Template
}

// New returns the notifications service's HTTP handler.
func New(d Deps) http.Handler {
	if d.Done == nil {
		d.Done = context.Background()
	}
	s := &server{Deps: d, tmpl: layout.Parse(templates, "templates/*.html")}
	r := serving.NewEngine(service, d.Logger, d.Metrics, d.TrustedProxies)
	r.Use(viewer.Authenticate(d.Verifier))

	api := jsonapi.New(r, service, "murmur notifications API",
		"What others did to me: who followed me, liked, replied to, mentioned or boosted my tweets; "+
			"the unread count, and marking read. Ids are decimal strings; a later notification has a larger id.")
	s.registerNotificationsAPI(api)

	r.GET("/notifications", func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, "/notifications/") })
	r.GET("/notifications/", s.homePage)
	r.GET("/notifications/ws", s.socket(htmlCount))
	r.GET("/notifications/api/stream", s.socket(jsonCount))
	f := r.Group("/notifications/frag")
	f.GET("/bell", s.bellFragment)
	f.GET("/list", s.listFragment)
	f.POST("/read", s.readFragment)
	return serving.Protect(r)
}
