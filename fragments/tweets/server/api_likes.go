package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/internal/ratelimit"
	"murmur/fragments/internal/viewer"
)

// registerLikesAPI adds liking a tweet and taking the like back.
func (s *server) registerLikesAPI(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "like-tweet", Method: http.MethodPut, Path: "/tweets/api/tweets/{id}/like",
		Summary: "Like a tweet", Description: "Idempotent: liking a tweet twice counts once. Announces like.changed when the like changed. " +
			"Likes are limited per account (MURMUR_LIMIT_LIKE), every request counting; past the limit, 429 with Retry-After.",
		Tags: []string{"likes"}, DefaultStatus: http.StatusNoContent, Security: jsonapi.Security, Errors: []int{401, 404, 429},
	}, s.likeTweet)

	huma.Register(api, huma.Operation{
		OperationID: "unlike-tweet", Method: http.MethodDelete, Path: "/tweets/api/tweets/{id}/like",
		Summary: "Take back a like", Description: "Idempotent: unliking a tweet you do not like changes nothing. Never rate limited.",
		Tags: []string{"likes"}, DefaultStatus: http.StatusNoContent, Security: jsonapi.Security, Errors: []int{401, 404},
	}, s.unlikeTweet)
}

func (s *server) likeTweet(ctx context.Context, in *tweetIDInput) (*struct{}, error) {
	return s.setLike(ctx, in.ID, true)
}

func (s *server) unlikeTweet(ctx context.Context, in *tweetIDInput) (*struct{}, error) {
	return s.setLike(ctx, in.ID, false)
}

// setLike is liking and unliking, which differ only in the state they set.
func (s *server) setLike(ctx context.Context, tweetID string, like bool) (*struct{}, error) {
	return s.toggle(ctx, like, ratelimit.Like, func(v auth.Viewer) error {
		_, err := s.Tweets.SetLike(ctx, tweetID, v, like)
		return err
	})
}

// toggle is what liking and boosting share: a signed-in viewer, the
// account's rate limit when turning on (taking back is never limited),
// then the change itself, its faults answered as problems.
func (s *server) toggle(ctx context.Context, on bool, limit string, set func(auth.Viewer) error) (*struct{}, error) {
	v, err := viewer.Require(ctx)
	if err != nil {
		return nil, err
	}
	if on {
		if err := s.Limits.Check(ctx, limit, v.ID, 1); err != nil {
			return nil, jsonapi.Error(err)
		}
	}
	if err := set(v); err != nil {
		return nil, jsonapi.Error(err)
	}
	return nil, nil
}
