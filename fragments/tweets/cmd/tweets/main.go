// Command tweets runs murmur's tweets service: tweets, their images and
// likes, the compose box and tweet cards under /tweets/.
package main

import (
	"context"
	"net/http"
	"strings"
	"time"

	"murmur/fragments/internal/config"
	"murmur/fragments/internal/relations"
	"murmur/fragments/internal/service"
	"murmur/fragments/tweets"
	"murmur/fragments/tweets/server"
	"murmur/fragments/tweets/store"
)

func main() { service.Main("tweets", build) }

func build(ctx context.Context, rt *service.Runtime) (http.Handler, error) {
	memo, err := config.Int("MURMUR_FEED_MEMO", tweets.DefaultFeedMemo)
	if err != nil {
		return nil, err
	}
	verifier, err := rt.Verifier()
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
	directory := rt.People()
	svc := tweets.NewService(st, directory, rt.Bus, tweets.WithLogger(rt.Logger), tweets.WithFeedMemo(memo),
		tweets.WithRelations(relations.New(rt.Config.FollowURL)))
	go svc.RunMediaCleanup(ctx, time.Hour)
	go svc.ConsumeDeletions(ctx, rt.Bus)
	return server.New(server.Deps{
		Tweets:         svc,
		People:         directory,
		Verifier:       verifier,
		Logger:         rt.Logger,
		Metrics:        rt.Metrics,
		TrustedProxies: rt.Config.TrustedProxies,
		Limits:         limits,
		SignInURL:      strings.TrimRight(rt.Config.ProfileURL, "/") + "/profile/",
	}), nil
}
