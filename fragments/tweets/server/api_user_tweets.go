package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/internal/viewer"
)

// registerUserTweetsAPI adds the list of one person's tweets.
func (s *server) registerUserTweetsAPI(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "list-user-tweets", Method: http.MethodGet, Path: "/tweets/api/users/{user_id}/tweets",
		Summary: "A user's tweets, newest first", Tags: []string{"tweets"}, Security: jsonapi.Security, Errors: []int{401, 422},
	}, s.listUserTweets)
}

func (s *server) listUserTweets(ctx context.Context, in *userTweetsInput) (*tweetListOutput, error) {
	v, err := viewer.Require(ctx)
	if err != nil {
		return nil, err
	}
	page, err := s.Tweets.ByAuthor(ctx, in.UserID, in.Cursor, in.Limit, v)
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	return tweetPage(page), nil
}
