// Command timeline runs murmur's timeline service: the home feed, read from
// the tweets and follow services, and its live push over websockets, under
// /timeline/.
package main

import (
	"context"
	"net/http"
	"strings"

	"murmur/fragments/internal/service"
	"murmur/fragments/timeline"
	"murmur/fragments/timeline/live"
	"murmur/fragments/timeline/server"
	"murmur/fragments/timeline/sources"
)

func main() { service.Main("timeline", build) }

func build(ctx context.Context, rt *service.Runtime) (http.Handler, error) {
	verifier, err := rt.Verifier()
	if err != nil {
		return nil, err
	}
	tweets, follow := sources.NewTweets(rt.Config.TweetsURL), sources.NewFollow(rt.Config.FollowURL)
	homes := timeline.NewHomes(tweets, follow)
	hub := live.NewHub(live.Deps{
		Homes: homes, Graph: follow, Cards: tweets, Markup: server.LiveMarkup(),
		Logger: rt.Logger, Metrics: rt.Metrics.Registry,
	})
	go hub.Run(ctx, rt.Bus.Client())
	return server.New(server.Deps{
		Homes: homes, Hub: hub, Verifier: verifier, Logger: rt.Logger, Metrics: rt.Metrics, Done: ctx,
		TrustedProxies: rt.Config.TrustedProxies,
		SignInURL:      strings.TrimRight(rt.Config.ProfileURL, "/") + "/profile/",
		FollowURL:      rt.Config.FollowURL,
		TweetsURL:      rt.Config.TweetsURL,
	}), nil
}
