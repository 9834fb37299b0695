// Package web holds what every murmur service's HTTP side shares: the common
// page layout and static assets, request ids and logging, metrics, health,
// the JSON API setup, cross-origin protection and graceful shutdown.
package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"murmur/fragments/layout"
)

// RequestIDHeader carries the request id nginx gives a page request and
// passes on to every fragment it includes, so one id ties their log lines.
const RequestIDHeader = "X-Request-ID"

func init() { gin.SetMode(gin.ReleaseMode) }

// NewLogger returns a JSON logger at the given level (debug, info, warn, error).
func NewLogger(level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: l}))
}

// Metrics is a service's own Prometheus registry with the HTTP metrics
// every service records.
type Metrics struct {
	Registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewMetrics creates the registry of the named service.
func NewMetrics(service string) *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	labels := prometheus.Labels{"service": service}
	m := &Metrics{
		Registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "murmur_http_requests_total", Help: "HTTP requests served, by route and status.", ConstLabels: labels,
		}, []string{"method", "route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "murmur_http_request_duration_seconds", Help: "Time to serve HTTP requests, by route.", ConstLabels: labels,
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"method", "route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

type requestIDKey struct{}

// RequestID returns the id of the request a context belongs to.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// requestIDHandler makes every log line written with a request's context
// carry its id.
type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}
func (h requestIDHandler) WithAttrs(a []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(a)}
}
func (h requestIDHandler) WithGroup(n string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(n)}
}

// WithRequestIDs wraps a logger so lines logged with a request's context
// name the request.
func WithRequestIDs(l *slog.Logger) *slog.Logger {
	if _, ok := l.Handler().(requestIDHandler); ok {
		return l
	}
	return slog.New(requestIDHandler{l.Handler()})
}

func newRequestID() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// TrustedProxies are the addresses (IPs or CIDRs) of the shell's nginx,
// whose X-Real-IP header names the client. Main sets it from
// MURMUR_TRUSTED_PROXIES; nginx on this machine is the default.
var TrustedProxies = []string{"127.0.0.1", "::1"}

// NewEngine returns a gin engine for the named service with recovery,
// request ids, one structured log line per request, metrics, /<service>/healthz,
// /<service>/metrics and the shared static files under /<service>/static/.
func NewEngine(service string, logger *slog.Logger, metrics *Metrics) *gin.Engine {
	r := gin.New()
	r.ContextWithFallback = true
	// The client address (for the sign-in limit and the logs) is taken from
	// X-Real-IP / X-Forwarded-For only when the request comes from the
	// shell's nginx; anyone else could put any address there.
	if err := r.SetTrustedProxies(TrustedProxies); err != nil {
		logger.Error("trusted proxies", "err", err)
		r.SetTrustedProxies(nil)
	}
	r.RemoteIPHeaders = []string{"X-Real-IP", "X-Forwarded-For"}
	r.Use(func(c *gin.Context) {
		start := time.Now()
		id := c.GetHeader(RequestIDHeader)
		if id == "" || len(id) > 64 {
			id = newRequestID()
		}
		c.Header(RequestIDHeader, id)
		c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), requestIDKey{}, id))
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		status := c.Writer.Status()
		elapsed := time.Since(start)
		metrics.requests.WithLabelValues(c.Request.Method, route, strconv.Itoa(status)).Inc()
		metrics.duration.WithLabelValues(c.Request.Method, route).Observe(elapsed.Seconds())
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
	return r
}

// Protect refuses cross-origin state-changing requests from browsers (by
// Sec-Fetch-Site, or Origin against Host), so another site cannot post,
// like or follow on a signed-in person's behalf. API clients that send
// neither header are let through: they authenticate with a bearer token.
func Protect(h http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(`{"type":"about:blank","title":"Forbidden","status":403,"detail":"cross-origin request refused"}`))
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
	return ServeListener(ctx, ln, h, logger)
}

// ServeListener is Serve on a listener the caller opened.
func ServeListener(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger) error {
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
