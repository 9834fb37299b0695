package server

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/internal/viewer"
	"murmur/fragments/notifications"
)

// Actor is who did what a notification tells.
type Actor struct {
	ID          string `json:"id" example:"42"`
	Handle      string `json:"handle" example:"ada"`
	DisplayName string `json:"display_name" example:"Ada Lovelace"`
}

// Notification is one thing someone did to me.
type Notification struct {
	ID      string `json:"id" example:"1207"`
	Kind    string `json:"kind" enum:"follow,like,reply,mention,boost"`
	Actor   Actor  `json:"actor"`
	TweetID string `json:"tweet_id,omitempty" doc:"The tweet it is about: mine for a like or boost, the reply or the mentioning tweet; absent for a follow." example:"7301"`
	// CreatedAt is when it happened.
	CreatedAt time.Time `json:"created_at"`
	Read      bool      `json:"read"`
}

// NotificationList is a page of my notifications, newest first.
type NotificationList struct {
	Items []Notification `json:"items"`
	Next  *string        `json:"next" doc:"Pass back as ?cursor= for the next page; null at the end."`
}

// UnreadCount is how many of my notifications are unread.
type UnreadCount struct {
	Count int `json:"count" example:"3"`
}

type listInput struct {
	Limit  int    `query:"limit" minimum:"1" maximum:"100" default:"20"`
	Cursor string `query:"cursor" maxLength:"20" doc:"The next member of the previous page."`
}

type listOutput struct{ Body NotificationList }

type unreadOutput struct{ Body UnreadCount }

type readInput struct {
	Body struct {
		UpTo string `json:"up_to" minLength:"1" maxLength:"20" doc:"A notification id: it and every older one are marked read." example:"1207"`
	}
}

func (s *server) registerNotificationsAPI(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "list-notifications", Method: http.MethodGet, Path: "/notifications/api/notifications",
		Summary: "My notifications", Description: "Newest first: follows, likes, replies, mentions and boosts by others. " +
			"A like or follow taken back, or a tweet deleted, takes its notifications with it.",
		Tags: []string{"notifications"}, Security: jsonapi.Security, Errors: []int{401, 422},
	}, s.listNotifications)
	huma.Register(api, huma.Operation{
		OperationID: "get-unread", Method: http.MethodGet, Path: "/notifications/api/unread",
		Summary: "How many of my notifications are unread", Description: "Live: the websocket /notifications/api/stream " +
			`sends {"event":"unread","count":N} when it opens and whenever the count changes.`,
		Tags: []string{"notifications"}, Security: jsonapi.Security, Errors: []int{401},
	}, s.unread)
	huma.Register(api, huma.Operation{
		OperationID: "mark-read", Method: http.MethodPost, Path: "/notifications/api/read", DefaultStatus: http.StatusNoContent,
		Summary: "Mark my notifications read up to an id", Description: "Never marks fewer than before: an older id changes nothing.",
		Tags: []string{"notifications"}, Security: jsonapi.Security, Errors: []int{401, 422},
	}, s.markRead)
}

func itemJSON(it notifications.Item) Notification {
	return Notification{
		ID: it.ID, Kind: string(it.Kind), TweetID: it.TweetID, CreatedAt: it.CreatedAt, Read: it.Read,
		Actor: Actor{ID: it.Actor.ID, Handle: it.Actor.Handle, DisplayName: it.Actor.DisplayName},
	}
}

func (s *server) listNotifications(ctx context.Context, in *listInput) (*listOutput, error) {
	v, err := viewer.Require(ctx)
	if err != nil {
		return nil, err
	}
	page, err := s.Inbox.List(ctx, v.ID, in.Limit, in.Cursor)
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	out := NotificationList{Items: make([]Notification, 0, len(page.Items)), Next: jsonapi.Next(page.Next)}
	for _, it := range page.Items {
		out.Items = append(out.Items, itemJSON(it))
	}
	return &listOutput{Body: out}, nil
}

func (s *server) unread(ctx context.Context, _ *struct{}) (*unreadOutput, error) {
	v, err := viewer.Require(ctx)
	if err != nil {
		return nil, err
	}
	n, err := s.Inbox.Unread(ctx, v.ID)
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	return &unreadOutput{Body: UnreadCount{Count: n}}, nil
}

func (s *server) markRead(ctx context.Context, in *readInput) (*struct{}, error) {
	v, err := viewer.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.Inbox.MarkRead(ctx, v.ID, in.Body.UpTo); err != nil {
		return nil, jsonapi.Error(err)
	}
	return nil, nil
}
