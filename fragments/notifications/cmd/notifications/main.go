// Command notifications runs murmur's notifications service under
// /notifications/: who followed me, liked, replied to, mentioned or
// boosted my tweets, learnt from the event streams.
package main

import (
	"context"
	"net/http"

	"murmur/fragments/internal/relations"
	"murmur/fragments/internal/service"
	"murmur/fragments/notifications"
	"murmur/fragments/notifications/live"
	"murmur/fragments/notifications/server"
	"murmur/fragments/notifications/store"
)

func main() { service.Main("notifications", build) }

func build(ctx context.Context, rt *service.Runtime) (http.Handler, error) {
	verifier, err := rt.Verifier()
	if err != nil {
		return nil, err
	}
	st, err := service.OpenStore(ctx, rt, store.Open)
	if err != nil {
		return nil, err
	}
	// Counts pushed to a socket are read as its viewer's (the inbox leaves
	// out people they hide); the inbox needs the hub, so it is named first.
	var inbox *notifications.Inbox
	unread := func(ctx context.Context, id string) (int, error) { return inbox.Unread(ctx, id) }
	hub := live.NewHub(rt.Bus.Client(), unread, rt.Logger)
	inbox = notifications.NewInbox(st, rt.People(), hub).WithHidden(relations.New(rt.Config.FollowURL), rt.Logger)
	go hub.Run(ctx)
	go inbox.Consume(ctx, rt.Bus, rt.Logger)
	return server.New(server.Deps{
		Inbox: inbox, Hub: hub, Verifier: verifier, Logger: rt.Logger, Metrics: rt.Metrics,
		TrustedProxies: rt.Config.TrustedProxies, ProfileURL: rt.Config.ProfileURL, TweetsURL: rt.Config.TweetsURL,
		Done: ctx,
	}), nil
}
