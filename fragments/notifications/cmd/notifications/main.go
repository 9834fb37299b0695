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
	// The count a socket is pushed after an event is the whole count; the
	// bell's own reads and the list leave out people the viewer hides.
	unread := func(ctx context.Context, id string) (int, error) { return st.Unread(ctx, id, nil) }
	hub := live.NewHub(rt.Bus.Client(), unread, rt.Logger)
	inbox := notifications.NewInbox(st, rt.People(), hub).WithHidden(relations.New(rt.Config.FollowURL), rt.Logger)
	go hub.Run(ctx)
	go inbox.Consume(ctx, rt.Bus, rt.Logger)
	return server.New(server.Deps{
		Inbox: inbox, Hub: hub, Verifier: verifier, Logger: rt.Logger, Metrics: rt.Metrics,
		TrustedProxies: rt.Config.TrustedProxies, ProfileURL: rt.Config.ProfileURL, TweetsURL: rt.Config.TweetsURL,
		Done: ctx,
	}), nil
}
