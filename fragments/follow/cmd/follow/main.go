// Command follow runs murmur's follow service: the follow graph, follow
// buttons, counts, followers and following lists and who-to-follow under
// /follow/.
package main

import (
	"context"
	"net/http"
	"strings"

	"murmur/fragments/follow"
	"murmur/fragments/follow/server"
	"murmur/fragments/follow/store"
	"murmur/fragments/internal/service"
)

func main() { service.Main("follow", build) }

func build(ctx context.Context, rt *service.Runtime) (http.Handler, error) {
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
	graph := follow.NewGraph(st, rt.People(), rt.Bus)
	go graph.ConsumeDeletions(ctx, rt.Bus, rt.Logger)
	return server.New(server.Deps{
		Graph:          graph,
		Verifier:       verifier,
		Logger:         rt.Logger,
		Metrics:        rt.Metrics,
		TrustedProxies: rt.Config.TrustedProxies,
		Limits:         limits,
		SignInURL:      strings.TrimRight(rt.Config.ProfileURL, "/") + "/profile/#signin",
	}), nil
}
