// Command follow runs murmur's follow service: the follow graph, follow
// buttons, counts, followers and following lists and who-to-follow under
// /follow/.
package main

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"murmur/fragments/follow"
	"murmur/fragments/follow/server"
	"murmur/fragments/follow/store"
	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/config"
	"murmur/fragments/internal/events"
	"murmur/fragments/internal/people"
	"murmur/fragments/internal/web"
)

func main() { web.Main("follow", build) }

func build(ctx context.Context, cfg config.Service, logger *slog.Logger, metrics *web.Metrics) (http.Handler, func(), error) {
	verifier, err := auth.NewServiceVerifier(cfg.JWTPublicKey, cfg.ProfileURL)
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Open(ctx, cfg.DatabasePath())
	if err != nil {
		return nil, nil, err
	}
	bus, err := events.Connect(cfg.RedisURL, logger, metrics.Registry)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	h := server.New(server.Deps{
		Graph:     follow.NewGraph(st, people.New(cfg.ProfileURL, time.Minute), bus),
		Verifier:  verifier,
		Logger:    logger,
		Metrics:   metrics,
		SignInURL: strings.TrimRight(cfg.ProfileURL, "/") + "/profile/#signin",
	})
	return h, func() { bus.Close(); st.Close() }, nil
}
