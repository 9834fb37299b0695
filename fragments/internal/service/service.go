// Package service is the process every murmur service runs as: it reads the
// configuration, sets up logging, metrics and the event bus, builds the
// service, serves it (and, when asked, profiles on a loopback debug
// address) until SIGINT or SIGTERM, and closes what was opened.
package service

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"slices"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/config"
	"murmur/fragments/internal/events"
	"murmur/fragments/internal/peer"
	"murmur/fragments/internal/people"
	"murmur/fragments/internal/ratelimit"
	"murmur/fragments/internal/serving"
	"murmur/fragments/internal/telemetry"
)

// Runtime is what every service's main builds on: its configuration,
// logger, metrics and event bus, and what to close at shutdown.
type Runtime struct {
	Config  config.Service
	Logger  *slog.Logger
	Metrics *telemetry.Metrics
	Bus     *events.Bus
	closers []func()
	limiter *ratelimit.Limiter
	// ctx ends when the service stops.
	ctx context.Context
}

// OnClose registers f to run at shutdown, after the server has stopped;
// the last registered runs first.
func (r *Runtime) OnClose(f func()) { r.closers = append(r.closers, f) }

func (r *Runtime) close() {
	for _, f := range slices.Backward(r.closers) {
		f()
	}
	r.closers = nil
}

// Verifier is how a service other than profile checks session tokens:
// profile's signature, and the token versions of users who signed out
// everywhere (asked of profile, kept current by TailRevocations).
func (r *Runtime) Verifier() (*auth.Verifier, error) {
	v, err := auth.NewServiceVerifier(r.Config.JWTPublicKey, r.Config.ProfileURL)
	if err != nil {
		return nil, err
	}
	versions := auth.NewVersions(auth.ProfileVersions(r.Config.ProfileURL, peer.Client(3*time.Second)))
	r.TailRevocations(versions)
	return v.WithSessions(versions), nil
}

// TailRevocations keeps versions current with profile's sessions.revoked
// facts, read from their stream by this instance until the service stops.
func (r *Runtime) TailRevocations(versions *auth.Versions) {
	ctx := r.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	go r.Bus.Tail(ctx, events.SessionsRevoked, func(e events.Entry) {
		var p events.SessionsRevokedPayload
		if err := e.Decode(&p); err != nil || p.UserID == "" {
			r.Logger.WarnContext(ctx, "a sessions.revoked fact that does not decode", "id", e.ID, "err", err)
			return
		}
		versions.Learn(p.UserID, p.TokenVersion)
	}, versions.SetLive)
}

// People is a client of profile's directory, caching answers for a minute.
func (r *Runtime) People() *people.Client { return people.New(r.Config.ProfileURL, time.Minute) }

// Limiter is the service's rate limiter: the configured limits, shared
// with the service's other instances through Redis (the event bus's), on
// its own connection pool, closed at shutdown. Every call returns the same.
func (r *Runtime) Limiter() (*ratelimit.Limiter, error) {
	if r.limiter == nil {
		l, err := ratelimit.Connect(r.Config.RedisURL, r.Config.Limits,
			ratelimit.WithLogger(r.Logger), ratelimit.WithMetrics(r.Metrics.Registry))
		if err != nil {
			return nil, fmt.Errorf("rate limits: %w", err)
		}
		r.OnClose(func() { l.Close() })
		r.limiter = l
	}
	return r.limiter, nil
}

// OpenStore opens a service's store on its SQLite file and closes it at
// shutdown.
func OpenStore[S interface{ Close() error }](ctx context.Context, rt *Runtime, open func(context.Context, string) (S, error)) (S, error) {
	st, err := open(ctx, rt.Config.DatabasePath())
	if err == nil {
		rt.OnClose(func() { st.Close() })
	}
	return st, err
}

// Builder constructs a service on a runtime and returns its HTTP handler.
type Builder func(ctx context.Context, rt *Runtime) (http.Handler, error)

// Main is the whole main function of a service: read the configuration,
// connect the event bus, build the service, serve until SIGINT or SIGTERM,
// then shut down cleanly.
func Main(name string, build Builder) {
	cfg, err := config.Load(name)
	if err != nil {
		fmt.Fprintln(os.Stderr, name+": configuration:", err)
		os.Exit(2)
	}
	// A running service logs through slog, never gin's debug printer.
	gin.SetMode(gin.ReleaseMode)
	logger := telemetry.WithRequestIDs(telemetry.NewLogger(cfg.LogLevel)).With("service", name)
	slog.SetDefault(logger)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rt := &Runtime{Config: cfg, Logger: logger, Metrics: telemetry.NewMetrics(name)}
	if err := run(ctx, rt, build); err != nil {
		logger.Error("stopped", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, rt *Runtime, build Builder) error {
	defer rt.close()
	bus, err := events.Connect(rt.Config.RedisURL, rt.Logger, rt.Metrics.Registry)
	if err != nil {
		return fmt.Errorf("event bus: %w", err)
	}
	rt.Bus = bus
	rt.OnClose(func() { bus.Close() })
	rt.ctx = ctx
	h, err := build(ctx, rt)
	if err != nil {
		return fmt.Errorf("start: %w", err)
	}
	if addr := rt.Config.DebugListen; addr != "" {
		go func() {
			if err := serving.Serve(ctx, addr, Profiles(), rt.Logger.With("listener", "debug")); err != nil {
				rt.Logger.Error("debug listener stopped", "err", err)
			}
		}()
	}
	return serving.Serve(ctx, rt.Config.Listen, h, rt.Logger)
}

// Profiles serves net/http/pprof's profiles under /debug/pprof/. It is
// only ever served on the loopback-only debug address (MURMUR_DEBUG_LISTEN),
// never on the service's public one.
func Profiles() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
