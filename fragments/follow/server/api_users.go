package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"murmur/fragments/follow"
	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/internal/viewer"
)

// Person is an entry of a followers or following list.
type Person struct {
	ID          string  `json:"id" example:"42"`
	Handle      string  `json:"handle" example:"ada"`
	DisplayName string  `json:"display_name" example:"Ada Lovelace"`
	AvatarURL   *string `json:"avatar_url" example:"/profile/avatars/42/3f9a0c1d2e4b5a6c7d8e-96.jpg" doc:"Their profile picture (96×96 JPEG, served by profile); null when there is none."`
}

// PersonList is a page of people.
type PersonList struct {
	Items []Person `json:"items"`
	Next  *string  `json:"next" doc:"Pass back as ?cursor= for the next page; null at the end."`
}

// FollowStats are a user's counts and whether the caller follows them.
type FollowStats struct {
	ID             string `json:"id" example:"42"`
	FollowersCount int    `json:"followers_count" example:"12"`
	FollowingCount int    `json:"following_count" example:"3"`
	FollowedByMe   bool   `json:"followed_by_me"`
}

type listInput struct {
	UserID string `path:"user_id" doc:"A user id (positive decimal); anything else names no one (404)."`
	Limit  int    `query:"limit" minimum:"1" maximum:"100" default:"20"`
	Cursor string `query:"cursor" maxLength:"200"`
}

type statsOutput struct{ Body FollowStats }

type listOutput struct{ Body PersonList }

func listJSON(p follow.Page) PersonList {
	out := PersonList{Items: make([]Person, 0, len(p.People))}
	for _, u := range p.People {
		item := Person{ID: u.ID, Handle: u.Handle, DisplayName: u.DisplayName}
		if u.AvatarURL != "" {
			item.AvatarURL = &u.AvatarURL
		}
		out.Items = append(out.Items, item)
	}
	out.Next = jsonapi.Next(p.Next)
	return out
}

// registerUsersAPI adds a user's follow counts and their followers and
// following lists.
func (s *server) registerUsersAPI(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "get-follow-stats", Method: http.MethodGet, Path: "/follow/api/users/{user_id}",
		Summary: "A user's follow counts", Tags: []string{"users"}, Security: jsonapi.Security,
		Errors: []int{401, 404},
	}, s.followStats)

	huma.Register(api, huma.Operation{
		OperationID: "list-followers", Method: http.MethodGet, Path: "/follow/api/users/{user_id}/followers",
		Summary: "A user's followers", Description: "Most recent first. Use limit=100 and the cursor to read them all.",
		Tags: []string{"users"}, Security: jsonapi.Security, Errors: []int{401, 404, 422},
	}, s.listFollowers)

	huma.Register(api, huma.Operation{
		OperationID: "list-following", Method: http.MethodGet, Path: "/follow/api/users/{user_id}/following",
		Summary: "Whom a user follows", Description: "Most recently followed first. Use limit=100 and the cursor to read them all.",
		Tags: []string{"users"}, Security: jsonapi.Security, Errors: []int{401, 404, 422},
	}, s.listFollowing)
}

func (s *server) followStats(ctx context.Context, in *userIDInput) (*statsOutput, error) {
	v, err := viewer.Require(ctx)
	if err != nil {
		return nil, err
	}
	st, err := s.Graph.Stats(ctx, v.ID, in.UserID)
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	return &statsOutput{Body: FollowStats{ID: st.ID, FollowersCount: st.Followers,
		FollowingCount: st.Following, FollowedByMe: st.FollowedByMe}}, nil
}

func (s *server) listFollowers(ctx context.Context, in *listInput) (*listOutput, error) {
	return s.listPeople(ctx, in, s.Graph.Followers)
}

func (s *server) listFollowing(ctx context.Context, in *listInput) (*listOutput, error) {
	return s.listPeople(ctx, in, s.Graph.Following)
}

// listPeople is the followers and following lists, which differ only in
// the graph query they call.
func (s *server) listPeople(ctx context.Context, in *listInput, list func(ctx context.Context, userID string, limit int, cursor string) (follow.Page, error)) (*listOutput, error) {
	if _, err := viewer.Require(ctx); err != nil {
		return nil, err
	}
	page, err := list(ctx, in.UserID, in.Limit, in.Cursor)
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	return &listOutput{Body: listJSON(page)}, nil
}
