// Command profile runs murmur's profile service: accounts, sessions,
// people search and profile cards under /profile/.
package main

import (
	"context"
	"net/http"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/service"
	"murmur/fragments/profile"
	"murmur/fragments/profile/server"
	"murmur/fragments/profile/store"
)

func main() { service.Main("profile", build) }

func build(ctx context.Context, rt *service.Runtime) (http.Handler, error) {
	key, err := auth.LoadOrCreatePrivateKey(rt.Config.JWTPrivateKey)
	if err != nil {
		return nil, err
	}
	st, err := service.OpenStore(ctx, rt, store.Open)
	if err != nil {
		return nil, err
	}
	limits, err := rt.Limiter()
	if err != nil {
		return nil, err
	}
	return server.New(server.Deps{
		Accounts:       profile.NewAccounts(st, profile.DefaultPasswords, rt.Bus),
		Issuer:         auth.NewIssuer(key, rt.Config.SessionTTL),
		Logger:         rt.Logger,
		Metrics:        rt.Metrics,
		TrustedProxies: rt.Config.TrustedProxies,
		SecureCookies:  rt.Config.SecureCookies,
		Limits:         limits,
	}), nil
}
