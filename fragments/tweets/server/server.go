// Package server is the tweets service's HTTP side: its JSON API, its HTML
// fragments (compose box, tweet cards, lists) and its own pages.
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
	"murmur/fragments/internal/people"
	"murmur/fragments/internal/ratelimit"
	"murmur/fragments/internal/serving"
	"murmur/fragments/internal/telemetry"
	"murmur/fragments/internal/viewer"
	"murmur/fragments/layout"
	"murmur/fragments/tweets"
)

//go:embed templates/*.html
var templates embed.FS

// service is the name and URL prefix of this service.
const service = "tweets"

// Directory finds people by handle; people.Client is one.
type Directory interface {
	ByHandle(ctx context.Context, handle string) (people.Person, error)
}

// Deps are what the tweets server needs; the constructor reads no environment.
type Deps struct {
	Tweets   *tweets.Service
	People   Directory
	Verifier *auth.Verifier
	Logger   *slog.Logger
	Metrics  *telemetry.Metrics
	// TrustedProxies are the addresses of the shell's nginx, whose X-Real-IP
	// names the client; nil means nginx on this machine.
	TrustedProxies []string
	// Limits counts posts, likes and uploads per account; nil limits nothing.
	Limits *ratelimit.Limiter
	// SignInURL is where a signed-out visitor of the service opened on its
	// own is sent to sign in: profile's own page. Behind the shell the
	// shell's home is used instead.
	SignInURL string
}

// parseTemplates adds this service's templates, which use a few functions
// of their own (linkify), to the common layout and partials.
func parseTemplates() *template.Template {
	return template.Must(layout.Parse(nil).Funcs(funcs).ParseFS(templates, "templates/*.html"))
}

type server struct {
	Deps
	tmpl      *template.Template
	cardCache *cardCache
}

// New returns the tweets service's HTTP handler.
func New(d Deps) http.Handler {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	s := &server{Deps: d, tmpl: parseTemplates()}
	s.cardCache = newCardCache(s.tmpl)
	r := serving.NewEngine(service, d.Logger, d.Metrics, d.TrustedProxies)
	if d.Metrics != nil {
		registerFeedMemoMetrics(d.Metrics.Registry, d.Tweets)
	}
	r.Use(viewer.Authenticate(d.Verifier))

	api := jsonapi.New(r, service, "murmur tweets API",
		"Tweets, their images and likes, replies and conversations, hashtags and search. "+
			"Ids are time-ordered 64-bit numbers written as strings.")
	s.registerTweetsAPI(api)
	s.registerContextAPI(api)
	s.registerSearchAPI(api)
	s.registerLikesAPI(api)
	s.registerBoostsAPI(api)
	s.registerMediaAPI(api)
	s.registerFeedAPI(api)
	s.registerExportAPI(api)

	r.GET("/tweets", func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, "/tweets/") })
	r.GET("/tweets/", s.homePage)
	r.GET("/tweets/u/:handle", s.userPage)
	r.GET("/tweets/u/:handle/status/:id", s.statusPage)
	r.GET("/tweets/tags/:tag", s.tagPage)
	r.GET("/tweets/search", s.searchPage)
	f := r.Group("/tweets/frag")
	f.GET("/compose", s.composeFragment)
	f.POST("/tweets", s.postFragment)
	f.POST("/media", s.uploadFragment)
	f.GET("/cards", s.cardsFragment)
	f.POST("/feed", s.feedFragment)
	f.GET("/tweets/:id", s.cardFragment)
	f.DELETE("/tweets/:id", s.deleteFragment)
	f.PUT("/tweets/:id/like", s.likeFragment(true))
	f.DELETE("/tweets/:id/like", s.likeFragment(false))
	f.PUT("/tweets/:id/boost", s.boostFragment(true))
	f.DELETE("/tweets/:id/boost", s.boostFragment(false))
	f.GET("/users/:handle/tweets", s.userTweetsFragment)
	f.GET("/tweets/:id/reply", s.replyBoxFragment)
	f.POST("/tweets/:id/replies", s.postReplyFragment)
	f.GET("/tweets/:id/replies", s.repliesFragment)
	f.GET("/tweets/:id/conversation", s.conversationFragment)
	f.GET("/u/:handle/status/:id/exists", s.statusExists)
	f.GET("/tags/:tag", s.tagFragment)
	f.GET("/search", s.searchFragment)
	f.GET("/search/preview", s.searchPreviewFragment)
	return serving.Protect(r)
}
