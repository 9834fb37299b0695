package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"murmur/fragments/internal/config"
)

// Builder constructs a service from its configuration. It returns the HTTP
// handler and a function releasing what it opened (databases, Redis).
type Builder func(ctx context.Context, cfg config.Service, logger *slog.Logger, metrics *Metrics) (http.Handler, func(), error)

// Main is the whole main function of a service: read the configuration,
// build the service, serve until SIGINT or SIGTERM, then shut down cleanly.
func Main(name string, build Builder) {
	cfg, err := config.Load(name)
	if err != nil {
		fmt.Fprintln(os.Stderr, name+": configuration:", err)
		os.Exit(2)
	}
	logger := WithRequestIDs(NewLogger(cfg.LogLevel)).With("service", name)
	slog.SetDefault(logger)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	h, closeFn, err := build(ctx, cfg, logger, NewMetrics(name))
	if err != nil {
		logger.Error("start failed", "err", err)
		os.Exit(1)
	}
	defer closeFn()
	if err := Serve(ctx, cfg.Listen, h, logger); err != nil {
		logger.Error("server stopped", "err", err)
		closeFn()
		os.Exit(1)
	}
}
