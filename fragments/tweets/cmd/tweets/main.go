// Command tweets runs murmur's tweets service: tweets, their images and
// likes, the compose box and tweet cards under /tweets/.
package main

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/config"
	"murmur/fragments/internal/events"
	"murmur/fragments/internal/people"
	"murmur/fragments/internal/web"
	"murmur/fragments/tweets"
	"murmur/fragments/tweets/server"
	"murmur/fragments/tweets/store"
)

func main() { web.Main("tweets", build) }

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
	directory := people.New(cfg.ProfileURL, time.Minute)
	svc := tweets.NewService(st, directory, bus, tweets.WithLogger(logger))
	go svc.RunMediaCleanup(ctx, time.Hour)
	h := server.New(server.Deps{
		Tweets:    svc,
		People:    directory,
		Verifier:  verifier,
		Logger:    logger,
		Metrics:   metrics,
		SignInURL: strings.TrimRight(cfg.ProfileURL, "/") + "/profile/",
	})
	return h, func() { bus.Close(); st.Close() }, nil
}
