package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/internal/viewer"
)

type tagTweetsInput struct {
	Tag    string `path:"tag" maxLength:"400" doc:"A hashtag, with or without its # (%23 in a URL), in any case: #Go, go and GO are one tag."`
	Limit  int    `query:"limit" minimum:"1" maximum:"100" default:"20"`
	Cursor string `query:"cursor" maxLength:"20" doc:"The next value of the previous page."`
}

type searchInput struct {
	Q      string `query:"q" maxLength:"1000" doc:"Words to find, separated by spaces: tweets holding all of them, as whole words, whatever their case or accents. Every character is part of a word, never an operator: quotes, *, AND, OR, NOT, NEAR(…) and column:filters are searched as the words they hold; a word without a letter or digit is ignored. At most 200 characters and 16 words."`
	Limit  int    `query:"limit" minimum:"1" maximum:"100" default:"20"`
	Cursor string `query:"cursor" maxLength:"20" doc:"The next value of the previous page."`
}

// registerSearchAPI adds the lists that find tweets by what they say: by
// hashtag and by words.
func (s *server) registerSearchAPI(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "list-tag-tweets", Method: http.MethodGet, Path: "/tweets/api/tags/{tag}",
		Summary: "Tweets with a hashtag, newest first", Tags: []string{"search"},
		Description: "A hashtag is # followed by letters (of any script), digits, marks and underscores, not only digits, " +
			"at most 100 characters, not right after a letter or digit. Tags are found in a tweet's text when it is posted. " +
			"422 for something that is not a hashtag.",
		Security: jsonapi.Security, Errors: []int{401, 422},
	}, s.listTagTweets)

	huma.Register(api, huma.Operation{
		OperationID: "search-tweets", Method: http.MethodGet, Path: "/tweets/api/search",
		Summary: "Tweets holding some words, newest first", Tags: []string{"search"},
		Description: "Full-text search of every tweet's text. 422 when the search has no word, too many words or characters, " +
			"or is not valid UTF-8.",
		Security: jsonapi.Security, Errors: []int{401, 422},
	}, s.searchTweets)
}

func (s *server) listTagTweets(ctx context.Context, in *tagTweetsInput) (*tweetListOutput, error) {
	v, err := viewer.Require(ctx)
	if err != nil {
		return nil, err
	}
	page, err := s.Tweets.TweetsByTag(ctx, in.Tag, in.Cursor, in.Limit, v)
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	return tweetPage(page), nil
}

func (s *server) searchTweets(ctx context.Context, in *searchInput) (*tweetListOutput, error) {
	v, err := viewer.Require(ctx)
	if err != nil {
		return nil, err
	}
	page, err := s.Tweets.Search(ctx, in.Q, in.Cursor, in.Limit, v)
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	return tweetPage(page), nil
}
