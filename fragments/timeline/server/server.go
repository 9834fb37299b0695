// Package server is the timeline service's HTTP side: the home timeline
// fragment and page, the live sockets (HTML for hx-ws, JSON for API
// clients) and the JSON API.
package server

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/internal/render"
	"murmur/fragments/internal/serving"
	"murmur/fragments/internal/telemetry"
	"murmur/fragments/internal/viewer"
	"murmur/fragments/layout"
	"murmur/fragments/timeline"
	"murmur/fragments/timeline/live"
)

//go:embed templates/*.html
var templates embed.FS

// assetFiles are the timeline's own script and styles (the live list and
// the "new tweets" pill), served under content-hashed names.
//
//go:embed assets
var assetFiles embed.FS

// service is the name and URL prefix of this service.
const service = "timeline"

// Deps are what the timeline server needs; the constructor reads no environment.
type Deps struct {
	Homes    *timeline.Homes
	Hub      *live.Hub
	Verifier *auth.Verifier
	Logger   *slog.Logger
	Metrics  *telemetry.Metrics
	// TrustedProxies are the addresses of the shell's nginx, whose X-Real-IP
	// names the client; nil means nginx on this machine.
	TrustedProxies []string
	// Done ends when the service shuts down: open sockets are then closed
	// with "going away", so clients reconnect (to another instance).
	Done context.Context
	// SignInURL is where a signed-out visitor of the service opened on its
	// own signs in (profile's page); behind the shell, the shell's home.
	SignInURL string
	// FollowURL is the follow service opened on its own, for the empty
	// timeline's pointer to who-to-follow outside the shell.
	FollowURL string
	// TweetsURL is the tweets service, which the timeline opened on its own
	// forwards under /timeline/tweets/ (see tweetsProxy).
	TweetsURL string
}

type server struct {
	Deps
	tmpl   *template.Template
	assets *layout.Assets
}

// New returns the timeline service's HTTP handler.
func New(d Deps) http.Handler {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Done == nil {
		d.Done = context.Background()
	}
	sub, _ := fs.Sub(assetFiles, "assets")
	s := &server{Deps: d, tmpl: layout.Parse(templates, "templates/*.html"), assets: layout.NewAssets(sub)}
	r := serving.NewEngine(service, d.Logger, d.Metrics, d.TrustedProxies)
	r.Use(viewer.Authenticate(d.Verifier), rememberCaller)

	s.registerHomeAPI(jsonapi.New(r, service, "murmur timeline API",
		"The home timeline: my tweets and those of everyone I follow, newest or most liked first, "+
			"and a websocket stream of what arrives (GET /timeline/api/stream)."))

	assets := s.assets.Handler("/timeline/assets")
	r.GET("/timeline/assets/*file", gin.WrapH(assets))
	r.GET("/timeline", func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, "/timeline/") })
	r.GET("/timeline/", s.homePage)
	r.GET("/timeline/frag/home", s.homeFragment)
	r.GET("/timeline/frag/feed", s.feedFragment)
	r.GET("/timeline/frag/conversation/:id", s.conversationFragment)
	if d.TweetsURL != "" {
		proxy := s.tweetsProxy()
		r.Any(tweetsMount+"/*path", gin.WrapH(proxy))
	}
	r.GET("/timeline/ws", s.socket(live.HTML))
	r.GET("/timeline/ws/conversation", s.conversationSocket)
	r.GET("/timeline/api/stream", s.socket(live.JSON))
	return serving.Protect(r)
}

// asset is the hashed URL of one of the timeline's own files.
func (s *server) asset(name string) string { return "/timeline/assets/" + s.assets.Name(name) }

type callerKey struct{}

// rememberCaller keeps in the request context what the timeline forwards
// when it asks other services on the viewer's behalf: the session token
// (bearer header or cookie) and whether the request came through the shell.
func rememberCaller(c *gin.Context) {
	ctx := c.Request.Context()
	c.Request = c.Request.WithContext(context.WithValue(ctx, callerKey{}, timeline.Caller{
		Token: auth.TokenFrom(c.Request), Shell: render.LinksFor(c, service).Shell, RequestID: telemetry.RequestID(ctx),
	}))
	c.Next()
}

// callerFrom is how the timeline speaks for the viewer of a request.
func callerFrom(ctx context.Context, v auth.Viewer) timeline.Caller {
	c, _ := ctx.Value(callerKey{}).(timeline.Caller)
	c.ViewerID, c.Handle = v.ID, v.Handle
	return c
}
