package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/internal/ratelimit"
	"murmur/fragments/internal/viewer"
)

type userIDInput struct {
	UserID string `path:"user_id" doc:"A user id (positive decimal); anything else names no one (404)."`
}

// registerFollowingAPI adds following and unfollowing someone.
func (s *server) registerFollowingAPI(api huma.API) {
	follow := followingOperation("follow", http.MethodPut, "Follow a user",
		"Idempotent: following someone already followed changes nothing. Follows are limited per account "+
			"(MURMUR_LIMIT_FOLLOW), every request counting; past the limit, 429 with Retry-After.")
	follow.Errors = append(follow.Errors, http.StatusTooManyRequests)
	huma.Register(api, follow, s.followUser)
	huma.Register(api, followingOperation("unfollow", http.MethodDelete, "Unfollow a user",
		"Idempotent: unfollowing someone not followed changes nothing. Never rate limited."), s.unfollowUser)
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
	return s.changeFollowing(ctx, in.UserID, ratelimit.Follow, s.Graph.Follow)
}

func (s *server) unfollowUser(ctx context.Context, in *userIDInput) (*struct{}, error) {
	return s.changeFollowing(ctx, in.UserID, "", s.Graph.Unfollow)
}

// changeFollowing is following and unfollowing, which differ only in the
// graph operation they call and the limited action they count, if any.
func (s *server) changeFollowing(ctx context.Context, followee, action string, change func(ctx context.Context, follower, followee string) (bool, error)) (*struct{}, error) {
	v, err := viewer.Require(ctx)
	if err != nil {
		return nil, err
	}
	if action != "" {
		if err := s.Limits.Check(ctx, action, v.ID, 1); err != nil {
			return nil, jsonapi.Error(err)
		}
	}
	if _, err := change(ctx, v.ID, followee); err != nil {
		return nil, jsonapi.Error(err)
	}
	return nil, nil
}
