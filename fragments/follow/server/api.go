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
	ID          string `json:"id" example:"42"`
	Handle      string `json:"handle" example:"ada"`
	DisplayName string `json:"display_name" example:"Ada Lovelace"`
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

type userIDInput struct {
	UserID string `path:"user_id" doc:"A user id (positive decimal); anything else names no one (404)."`
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
		out.Items = append(out.Items, Person{ID: u.ID, Handle: u.Handle, DisplayName: u.DisplayName})
	}
	out.Next = jsonapi.Next(p.Next)
	return out
}

func (s *server) registerAPI(api huma.API) {
	// Follow and unfollow differ only in method, words and the graph
	// operation they call.
	for _, op := range []struct {
		id, method, summary, description string
		change                           func(ctx context.Context, follower, followee string) (bool, error)
	}{
		{"follow", http.MethodPut, "Follow a user", "Idempotent: following someone already followed changes nothing.", s.Graph.Follow},
		{"unfollow", http.MethodDelete, "Unfollow a user", "Idempotent: unfollowing someone not followed changes nothing.", s.Graph.Unfollow},
	} {
		huma.Register(api, huma.Operation{
			OperationID: op.id, Method: op.method, Path: "/follow/api/following/{user_id}",
			Summary: op.summary, Description: op.description,
			Tags: []string{"following"}, DefaultStatus: http.StatusNoContent, Security: jsonapi.Security,
			Errors: []int{401, 404, 422},
		}, func(ctx context.Context, in *userIDInput) (*struct{}, error) {
			v, err := viewer.Require(ctx)
			if err != nil {
				return nil, err
			}
			if _, err := op.change(ctx, v.ID, in.UserID); err != nil {
				return nil, jsonapi.Error(err)
			}
			return nil, nil
		})
	}

	huma.Register(api, huma.Operation{
		OperationID: "get-follow-stats", Method: http.MethodGet, Path: "/follow/api/users/{user_id}",
		Summary: "A user's follow counts", Tags: []string{"users"}, Security: jsonapi.Security,
		Errors: []int{401, 404},
	}, func(ctx context.Context, in *userIDInput) (*statsOutput, error) {
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
	})

	huma.Register(api, huma.Operation{
		OperationID: "list-followers", Method: http.MethodGet, Path: "/follow/api/users/{user_id}/followers",
		Summary: "A user's followers", Description: "Most recent first. Use limit=100 and the cursor to read them all.",
		Tags: []string{"users"}, Security: jsonapi.Security, Errors: []int{401, 404, 422},
	}, func(ctx context.Context, in *listInput) (*listOutput, error) {
		if _, err := viewer.Require(ctx); err != nil {
			return nil, err
		}
		page, err := s.Graph.Followers(ctx, in.UserID, in.Limit, in.Cursor)
		if err != nil {
			return nil, jsonapi.Error(err)
		}
		return &listOutput{Body: listJSON(page)}, nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "list-following", Method: http.MethodGet, Path: "/follow/api/users/{user_id}/following",
		Summary: "Whom a user follows", Description: "Most recently followed first. Use limit=100 and the cursor to read them all.",
		Tags: []string{"users"}, Security: jsonapi.Security, Errors: []int{401, 404, 422},
	}, func(ctx context.Context, in *listInput) (*listOutput, error) {
		if _, err := viewer.Require(ctx); err != nil {
			return nil, err
		}
		page, err := s.Graph.Following(ctx, in.UserID, in.Limit, in.Cursor)
		if err != nil {
			return nil, jsonapi.Error(err)
		}
		return &listOutput{Body: listJSON(page)}, nil
	})
}
