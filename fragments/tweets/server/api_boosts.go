package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/internal/ratelimit"
)

// registerBoostsAPI adds boosting a tweet and taking the boost back.
func (s *server) registerBoostsAPI(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "boost-tweet", Method: http.MethodPut, Path: "/tweets/api/tweets/{id}/boost",
		Summary: "Boost a tweet",
		Description: "Passes the tweet on to the homes of your followers (once each, however many of the people they follow boost it, " +
			"and not at all in a home that holds the tweet itself). Idempotent: boosting twice counts once. Your own tweets may be boosted. " +
			"Announces boost.changed when the boost changed. " +
			"Boosts are limited per account (MURMUR_LIMIT_BOOST), every request counting; past the limit, 429 with Retry-After. " +
			"404 for a tweet that does not exist or was deleted.",
		Tags: []string{"boosts"}, DefaultStatus: http.StatusNoContent, Security: jsonapi.Security, Errors: []int{401, 404, 422, 429},
	}, s.boostTweet)

	huma.Register(api, huma.Operation{
		OperationID: "unboost-tweet", Method: http.MethodDelete, Path: "/tweets/api/tweets/{id}/boost",
		Summary: "Take back a boost",
		Description: "Idempotent: unboosting a tweet you did not boost changes nothing. The tweet leaves the homes it was in through your boost. " +
			"Never rate limited.",
		Tags: []string{"boosts"}, DefaultStatus: http.StatusNoContent, Security: jsonapi.Security, Errors: []int{401, 404, 422},
	}, s.unboostTweet)
}

func (s *server) boostTweet(ctx context.Context, in *tweetIDInput) (*struct{}, error) {
	return s.setBoost(ctx, in.ID, true)
}

func (s *server) unboostTweet(ctx context.Context, in *tweetIDInput) (*struct{}, error) {
	return s.setBoost(ctx, in.ID, false)
}

// setBoost is boosting and unboosting, which differ only in the state they set.
func (s *server) setBoost(ctx context.Context, tweetID string, boost bool) (*struct{}, error) {
	return s.toggle(ctx, boost, ratelimit.Boost, func(v auth.Viewer) error {
		_, err := s.Tweets.SetBoost(ctx, tweetID, v, boost)
		return err
	})
}
