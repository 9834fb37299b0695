// Command profile runs murmur's profile service: accounts, sessions,
// people search and profile cards under /profile/.
package main

import (
	"context"
	"net/http"
	"time"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/config"
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
	reserve, err := config.Duration("MURMUR_HANDLE_RESERVATION", profile.DefaultHandleReservation)
	if err != nil {
		return nil, err
	}
	accounts := profile.NewAccounts(st, profile.DefaultPasswords, rt.Bus)
	accounts.HandleReservation = reserve
	go accounts.RunAnnouncer(ctx, 30*time.Second, rt.Logger)
	return server.New(server.Deps{
		Accounts:       accounts,
		Issuer:         auth.NewIssuer(key, rt.Config.SessionTTL),
		Logger:         rt.Logger,
		Metrics:        rt.Metrics,
		TrustedProxies: rt.Config.TrustedProxies,
		SecureCookies:  rt.Config.SecureCookies,
		Limits:         limits,
		Exports: []server.ExportSource{
			{Name: "tweets", What: "your tweets, likes and boosts", URL: rt.Config.TweetsURL},
			{Name: "follow", What: "whom you follow and who follows you", URL: rt.Config.FollowURL},
		},
	}), nil
}
