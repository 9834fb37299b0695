package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/internal/viewer"
	"murmur/fragments/tweets"
)

type feedInput struct {
	Body struct {
		Authors []string `json:"authors" maxItems:"50000" doc:"User ids whose tweets make up the feed (the timeline service sends the reader and everyone they follow)."`
		Sort    string   `json:"sort,omitempty" required:"false" enum:"recent,popular" default:"recent" doc:"recent: newest first; popular: most liked first, ties newest first."`
		Cursor  string   `json:"cursor,omitempty" required:"false" maxLength:"40" doc:"The next value of the previous page."`
		After   string   `json:"after,omitempty" required:"false" maxLength:"20" doc:"Only tweets newer than this tweet id (recent only): what a reconnecting client missed."`
		Limit   int      `json:"limit,omitempty" required:"false" minimum:"1" maximum:"100" default:"20"`
	}
}

// registerFeedAPI adds the feed query the timeline service reads home
// timelines with: fan-out on read against this service's own tables.
func (s *server) registerFeedAPI(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "query-feed", Method: http.MethodPost, Path: "/tweets/api/feed",
		Summary: "The tweets of a set of authors, a page at a time",
		Description: "A read, sent as POST because the author list can be long. Answers newest first " +
			"(sort=recent) or most liked first, ties newest first (sort=popular); the cursor is a position " +
			"in that order, so tweets posted meanwhile never repeat or skip entries of later pages.",
		Tags: []string{"tweets"}, Security: jsonapi.Security, Errors: []int{401, 422},
		// Room for the longest author list allowed.
		MaxBodyBytes: 2 << 20,
	}, s.queryFeed)
}

func (s *server) queryFeed(ctx context.Context, in *feedInput) (*tweetListOutput, error) {
	v, err := viewer.Require(ctx)
	if err != nil {
		return nil, err
	}
	page, err := s.Tweets.Feed(ctx, tweets.FeedRequest{
		Authors: in.Body.Authors, Sort: in.Body.Sort, Cursor: in.Body.Cursor,
		After: in.Body.After, Limit: in.Body.Limit,
	}, v)
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	return tweetPage(page), nil
}
