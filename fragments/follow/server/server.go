// Package server is the follow service's HTTP side: its JSON API, its HTML
// fragments (follow buttons, counts, lists, who-to-follow) and its own pages.
package server

import (
	"embed"
	"html/template"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"murmur/fragments/follow"
	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/internal/ratelimit"
	"murmur/fragments/internal/render"
	"murmur/fragments/internal/serving"
	"murmur/fragments/internal/telemetry"
	"murmur/fragments/internal/viewer"
	"murmur/fragments/layout"
)

//go:embed templates/*.html
var templates embed.FS

// service is the name and URL prefix of this service.
const service = "follow"

// Deps are what the follow server needs; the constructor reads no environment.
type Deps struct {
	Graph    *follow.Graph
	Verifier *auth.Verifier
	Logger   *slog.Logger
	Metrics  *telemetry.Metrics
	// TrustedProxies are the addresses of the shell's nginx, whose X-Real-IP
	// names the client; nil means nginx on this machine.
	TrustedProxies []string
	// Limits counts follows per account; nil limits nothing.
	Limits *ratelimit.Limiter
	// SignInURL is where a signed-out person is sent to sign in when this
	// service is opened on its own (profile's page); behind the shell the
	// shell's home page has the sign-in form.
	SignInURL string
}

type server struct {
	Deps
	tmpl *template.Template
	// widgets are who-to-follow widgets as rendered, by all they show.
	widgets *render.Memo[widgetKey]
}

// New returns the follow service's HTTP handler.
func New(d Deps) http.Handler {
	s := &server{Deps: d, tmpl: layout.Parse(templates, "templates/*.html")}
	s.widgets = render.NewMemo[widgetKey](s.tmpl, "who-to-follow", keptWidgets)
	r := serving.NewEngine(service, d.Logger, d.Metrics, d.TrustedProxies)
	r.Use(viewer.Authenticate(d.Verifier))

	api := jsonapi.New(r, service, "murmur follow API",
		"The follow graph of murmur: following and unfollowing, counts, followers and following lists.")
	s.registerFollowingAPI(api)
	s.registerUsersAPI(api)
	s.registerFollowingIDsAPI(api)
	s.registerBlocksAPI(api)
	s.registerExportAPI(api)

	r.GET("/follow", func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, "/follow/") })
	r.GET("/follow/", s.homePage)
	r.GET("/follow/u/:handle", s.userPage)
	f := r.Group("/follow/frag")
	f.GET("/button/:user_id", s.buttonFragment)
	f.PUT("/button/:user_id", s.followFragment)
	f.DELETE("/button/:user_id", s.unfollowFragment)
	f.GET("/counts/:user_id", s.countsFragment)
	f.GET("/users/:handle/card", s.cardFragment)
	f.GET("/users/:handle/followers", s.followersFragment)
	f.GET("/users/:handle/following", s.followingFragment)
	f.GET("/who-to-follow", s.whoToFollowFragment)
	f.GET("/blocks/:user_id/confirm", s.blockConfirmFragment)
	f.PUT("/blocks/:user_id", s.blockFragment)
	f.DELETE("/blocks/:user_id", s.unblockFragment)
	f.PUT("/mutes/:user_id", s.muteFragment)
	f.DELETE("/mutes/:user_id", s.unmuteFragment)
	f.GET("/settings", s.settingsFragment)
	f.POST("/who-to-follow/:user_id", s.followSuggestionFragment)
	return serving.Protect(r)
}
