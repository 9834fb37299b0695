// Package serving is the HTTP side every service shares: the gin engine
// with request ids, security headers, one log line and metrics per request,
// health, metrics and the shared static files; whether a request came over
// HTTPS; protection against cross-site writes; and serving until shutdown,
// letting requests in flight finish.
package serving

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"murmur/fragments/internal/problem"
	"murmur/fragments/internal/render"
	"murmur/fragments/internal/telemetry"
	"murmur/fragments/layout"
)

func newRequestID() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// SetSecurityHeaders puts murmur's security headers (layout.SecurityHeaders)
// on a response. A handler that needs another policy sets its own after.
func SetSecurityHeaders(h http.Header) {
	for _, sh := range layout.SecurityHeaders {
		h.Set(sh.Name, sh.Value)
	}
}

type httpsKey struct{}

// OverHTTPS tells whether the request of ctx reached murmur over HTTPS: on
// a TLS connection to the service, or through a trusted proxy (the shell's
// nginx) that says so with X-Forwarded-Proto: https. Anyone else's
// X-Forwarded-Proto is ignored.
func OverHTTPS(ctx context.Context) bool {
	https, _ := ctx.Value(httpsKey{}).(bool)
	return https
}

// proxies tells whether an address is one of the trusted proxies.
type proxies []netip.Prefix

func parseProxies(list []string) proxies {
	var p proxies
	for _, s := range list {
		s = strings.TrimSpace(s)
		if pre, err := netip.ParsePrefix(s); err == nil {
			p = append(p, pre.Masked())
		} else if a, err := netip.ParseAddr(s); err == nil {
			p = append(p, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		}
	}
	return p
}

func (p proxies) trust(remoteAddr string) bool {
	ap, err := netip.ParseAddrPort(remoteAddr)
	if err != nil {
		return false
	}
	a := ap.Addr().Unmap()
	for _, pre := range p {
		if pre.Contains(a) {
			return true
		}
	}
	return false
}

// NewEngine returns a gin engine for the named service with recovery,
// request ids, security headers, one structured log line per request,
// metrics, /<service>/healthz, /<service>/metrics and the shared static
// files under /<service>/static/. trustedProxies are the addresses (IPs or
// CIDRs) of the shell's nginx, whose X-Real-IP header names the client and
// whose X-Forwarded-Proto tells whether the browser used HTTPS; nil means
// nginx on this machine (127.0.0.1 and ::1), as MURMUR_TRUSTED_PROXIES
// does by default.
func NewEngine(service string, logger *slog.Logger, metrics *telemetry.Metrics, trustedProxies []string) *gin.Engine {
	if trustedProxies == nil {
		trustedProxies = []string{"127.0.0.1", "::1"}
	}
	trusted := parseProxies(trustedProxies)
	r := gin.New()
	r.ContextWithFallback = true
	// The client address (for the sign-in limit and the logs) is taken from
	// X-Real-IP / X-Forwarded-For only when the request comes from the
	// shell's nginx; anyone else could put any address there.
	if err := r.SetTrustedProxies(trustedProxies); err != nil {
		logger.Error("trusted proxies", "err", err)
		r.SetTrustedProxies(nil)
	}
	r.RemoteIPHeaders = []string{"X-Real-IP", "X-Forwarded-For"}
	r.Use(func(c *gin.Context) {
		start := time.Now()
		id := c.GetHeader(telemetry.RequestIDHeader)
		if id == "" || len(id) > 64 {
			id = newRequestID()
		}
		c.Header(telemetry.RequestIDHeader, id)
		// Set before any handler runs, so every answer carries them: pages,
		// fragments, JSON, static files, errors and unmatched paths.
		SetSecurityHeaders(c.Writer.Header())
		https := c.Request.TLS != nil ||
			(trusted.trust(c.Request.RemoteAddr) && strings.EqualFold(c.GetHeader("X-Forwarded-Proto"), "https"))
		ctx := telemetry.WithRequestID(c.Request.Context(), id)
		c.Request = c.Request.WithContext(context.WithValue(ctx, httpsKey{}, https))
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		status := c.Writer.Status()
		elapsed := time.Since(start)
		metrics.ObserveRequest(c.Request.Method, route, status, elapsed)
		logger.LogAttrs(c.Request.Context(), slog.LevelInfo, "request",
			slog.String("method", c.Request.Method), slog.String("path", c.Request.URL.Path),
			slog.Int("status", status), slog.Duration("duration", elapsed),
			slog.String("ip", c.ClientIP()))
	})
	r.Use(gin.CustomRecovery(func(c *gin.Context, err any) {
		logger.ErrorContext(c.Request.Context(), "panic", "err", err)
		c.AbortWithStatus(http.StatusInternalServerError)
	}))
	base := "/" + service
	r.GET(base+"/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok", "service": service}) })
	r.GET(base+"/metrics", gin.WrapH(promhttp.HandlerFor(metrics.Registry, promhttp.HandlerOpts{Registry: metrics.Registry})))
	static := layout.SharedAssets().Handler(base + "/static")
	r.GET(base+"/static/*file", gin.WrapH(static))
	r.HEAD(base+"/static/*file", gin.WrapH(static))
	look := layout.Parse(nil)
	r.NoRoute(func(c *gin.Context) { notFound(c, service, look) })
	return r
}

// notFound answers a path the service does not serve in the form its
// asker reads: a problem from the JSON API, the "problem" partial for a
// fragment, and otherwise the 404 page in the site's look, whose links lead
// where the request came from (the shell, or the service on its own).
func notFound(c *gin.Context, service string, look *template.Template) {
	base := "/" + service
	switch path := c.Request.URL.Path; {
	case strings.HasPrefix(path, base+"/api/"):
		problem.Write(c.Writer, http.StatusNotFound, "There is nothing at "+path+" in the "+service+" API.")
	case strings.HasPrefix(path, base+"/frag/"):
		render.HTML(c, http.StatusNotFound, look, "problem", "This part of the page doesn’t exist.")
	default:
		links := render.LinksFor(c, service)
		e := layout.NotFound(links.Home())
		page := links.Page(e.Title)
		page.Main, _ = layout.Execute(look, "error-page", e)
		render.HTML(c, http.StatusNotFound, look, "layout", page)
	}
}

// Protect refuses cross-origin state-changing requests from browsers (by
// Sec-Fetch-Site, or Origin against Host), so another site cannot post,
// like or follow on a signed-in person's behalf. API clients that send
// neither header are let through: they authenticate with a bearer token.
func Protect(h http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		problem.Write(w, http.StatusForbidden, "cross-origin request refused")
	}))
	return cop.Handler(h)
}

// Serve runs h on addr until ctx ends, then stops accepting connections and
// gives requests in flight up to ten seconds to finish.
func Serve(ctx context.Context, addr string, h http.Handler, logger *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("listening", "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
