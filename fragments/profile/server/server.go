// Package server is the profile service's HTTP side: its JSON API, its HTML
// fragments and its own pages.
package server

import (
	"context"
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/internal/ratelimit"
	"murmur/fragments/internal/render"
	"murmur/fragments/internal/serving"
	"murmur/fragments/internal/telemetry"
	"murmur/fragments/internal/viewer"
	"murmur/fragments/layout"
	"murmur/fragments/profile"
)

//go:embed templates/*.html
var templates embed.FS

// service is the name and URL prefix of this service.
const service = "profile"

// Deps are what the profile server needs; the constructor reads no environment.
type Deps struct {
	Accounts *profile.Accounts
	Issuer   *auth.Issuer
	Logger   *slog.Logger
	Metrics  *telemetry.Metrics
	// TrustedProxies are the addresses of the shell's nginx, whose X-Real-IP
	// names the client; nil means nginx on this machine.
	TrustedProxies []string
	// SecureCookies marks the session cookie Secure on every answer; without
	// it the cookie is Secure when the request came over HTTPS
	// (serving.OverHTTPS).
	SecureCookies bool
	// Limits counts sign-in and sign-up attempts per client address; nil
	// limits nothing.
	Limits *ratelimit.Limiter
	// Exports are the services whose parts a data export gathers.
	Exports []ExportSource
}

type server struct {
	Deps
	tmpl *template.Template
	// kept are the nav and the profile card as rendered, by all they show
	// (both are on every page).
	kept map[string]*render.Memo[viewKey]
}

// New returns the profile service's HTTP handler.
func New(d Deps) http.Handler {
	s := &server{Deps: d, tmpl: layout.Parse(templates, "templates/*.html")}
	s.kept = map[string]*render.Memo[viewKey]{
		"nav":  render.NewMemo[viewKey](s.tmpl, "nav", keptViews),
		"card": render.NewMemo[viewKey](s.tmpl, "card", keptViews),
	}
	r := serving.NewEngine(service, d.Logger, d.Metrics, d.TrustedProxies)
	// profile owns the token versions: it reads a token's user's version
	// from its own store (one primary-key read), so a revocation holds here
	// at once, on every instance, with or without Redis.
	r.Use(viewer.Authenticate(auth.NewVerifier(d.Issuer.PublicKey()).WithSessions(storedVersions{d.Accounts})))

	r.GET("/profile/.well-known/jwks.json", func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=300")
		c.JSON(http.StatusOK, auth.NewJWKS(d.Issuer.PublicKey()))
	})
	api := jsonapi.New(r, service, "murmur profile API",
		"Accounts, sessions and people search of murmur.")
	s.registerUsersAPI(api)
	s.registerSessionsAPI(api)
	s.registerMeAPI(api)
	s.registerPasswordAPI(api)
	s.registerAvatarAPI(api)
	s.registerLeavingAPI(api)
	s.registerExportAPI(api)
	r.GET("/profile/avatars/:id/:file", s.avatarFile)

	r.GET("/profile", func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, "/profile/") })
	r.GET("/profile/", s.homePage)
	r.GET("/profile/u/:handle", s.userPage)
	r.GET("/profile/settings", s.settingsPage)
	f := r.Group("/profile/frag")
	f.GET("/nav", s.navFragment)
	f.GET("/search", s.searchFragment)
	f.GET("/search/people", s.peopleResultsFragment)
	f.GET("/people", s.peopleFragment)
	f.GET("/auth", s.authFragment)
	f.POST("/sessions", s.signInFragment)
	f.POST("/users", s.signUpFragment)
	f.POST("/signout", s.signOutFragment)
	f.GET("/me", s.meFragment)
	f.GET("/me/edit", s.meEditFragment)
	f.PATCH("/me", s.meSaveFragment)
	f.GET("/users/:handle", s.userFragment)
	f.GET("/settings", s.settingsFragment)
	f.PUT("/me/password", s.passwordFragment)
	f.POST("/me/sessions/revoke", s.signOutEverywhereFragment)
	f.POST("/me/avatar", s.avatarFragment)
	f.DELETE("/me/avatar", s.removeAvatarFragment)
	f.GET("/settings/account", s.accountSettingsFragment)
	// A POST, not a DELETE: htmx sends a DELETE's fields in the address,
	// and the password must stay out of addresses (and access logs).
	f.POST("/me/delete", s.deleteAccountFragment)
	r.POST("/profile/settings/export", s.exportPage)
	return serving.Protect(r)
}

// viewerUser loads the full account of the signed-in viewer, if any. A
// valid token whose account is gone counts as signed out.
func (s *server) viewerUser(ctx context.Context) (profile.User, bool) {
	v, ok := auth.ViewerFrom(ctx)
	if !ok {
		return profile.User{}, false
	}
	u, err := s.Accounts.UserByID(ctx, v.ID)
	if err != nil {
		return profile.User{}, false
	}
	return u, true
}

// startSession signs a token for u and sets the browser's session cookie.
func (s *server) startSession(ctx context.Context, w http.ResponseWriter, u profile.User) (string, time.Time, error) {
	tok, exp, err := s.Issuer.Issue(auth.Viewer{ID: u.ID, Handle: u.Handle, Version: u.TokenVersion})
	if err != nil {
		return "", time.Time{}, err
	}
	auth.SetCookie(w, tok, exp, s.secureCookie(ctx))
	return tok, exp, nil
}

// secureCookie tells whether the session cookie of a request's answer is
// marked Secure, so browsers send it over HTTPS only: always when so
// configured, else when the browser reached murmur over HTTPS.
func (s *server) secureCookie(ctx context.Context) bool {
	return s.SecureCookies || serving.OverHTTPS(ctx)
}

// storedVersions checks tokens against the versions in profile's store.
type storedVersions struct{ accounts *profile.Accounts }

// Allows refuses a token older than its user's version. A user who does
// not exist (any more) is left to the handlers, which treat their session
// as signed out; a store that cannot answer refuses nothing, like the
// other services when profile cannot be asked.
func (sv storedVersions) Allows(ctx context.Context, v auth.Viewer) bool {
	ver, err := sv.accounts.TokenVersion(ctx, v.ID)
	return err != nil || v.Version >= ver
}
