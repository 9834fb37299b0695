// Command profile runs murmur's profile service: accounts, sessions,
// people search and profile cards under /profile/.
package main

import (
	"context"
	"log/slog"
	"net/http"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/config"
	"murmur/fragments/internal/events"
	"murmur/fragments/internal/web"
	"murmur/fragments/profile"
	"murmur/fragments/profile/server"
	"murmur/fragments/profile/store"
)

func main() { web.Main("profile", build) }

func build(ctx context.Context, cfg config.Service, logger *slog.Logger, metrics *web.Metrics) (http.Handler, func(), error) {
	key, err := auth.LoadOrCreatePrivateKey(cfg.JWTPrivateKey)
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
		Accounts:      profile.NewAccounts(st, profile.DefaultPasswords, bus),
		Issuer:        auth.NewIssuer(key, cfg.SessionTTL),
		Logger:        logger,
		Metrics:       metrics,
		SecureCookies: cfg.SecureCookies,
	})
	return h, func() { bus.Close(); st.Close() }, nil
}
