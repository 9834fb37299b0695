package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/internal/viewer"
)

type userIDInput struct {
	UserID string `path:"user_id" doc:"A user id (positive decimal); anything else names no one (404)."`
}

// registerFollowingAPI adds following and unfollowing someone.
func (s *server) registerFollowingAPI(api huma.API) {
	huma.Register(api, followingOperation("follow", http.MethodPut, "Follow a user",
		"Idempotent: following someone already followed changes nothing."), s.followUser)
	huma.Register(api, followingOperation("unfollow", http.MethodDelete, "Unfollow a user",
		"Idempotent: unfollowing someone not followed changes nothing."), s.unfollowUser)
}

// followingOperation describes following or unfollowing, which differ only
// in method and words.
func followingOperation(id, method, summary, description string) huma.Operation {
	return huma.Operation{
		OperationID: id, Method: method, Path: "/follow/api/following/{user_id}",
		Summary: summary, Description: description,
		Tags: []string{"following"}, DefaultStatus: http.StatusNoContent, Security: jsonapi.Security,
		Errors: []int{401, 404, 422},
	}
}

func (s *server) followUser(ctx context.Context, in *userIDInput) (*struct{}, error) {
	return s.changeFollowing(ctx, in.UserID, s.Graph.Follow)
}

func (s *server) unfollowUser(ctx context.Context, in *userIDInput) (*struct{}, error) {
	return s.changeFollowing(ctx, in.UserID, s.Graph.Unfollow)
}

// changeFollowing is following and unfollowing, which differ only in the
// graph operation they call.
func (s *server) changeFollowing(ctx context.Context, followee string, change func(ctx context.Context, follower, followee string) (bool, error)) (*struct{}, error) {
	v, err := viewer.Require(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := change(ctx, v.ID, followee); err != nil {
		return nil, jsonapi.Error(err)
	}
	return nil, nil
}
