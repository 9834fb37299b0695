package server

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"

	"github.com/danielgtaylor/huma/v2"

	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/internal/viewer"
	"murmur/fragments/timeline"
)

type homeInput struct {
	Sort   string `query:"sort" enum:"recent,popular" default:"recent" doc:"recent: newest first; popular: most liked first, ties newest first."`
	Limit  int    `query:"limit" minimum:"1" maximum:"100" default:"20"`
	Cursor string `query:"cursor" maxLength:"60" doc:"The next value of the previous page."`
}

// Tweets are a page's tweets as the tweets service wrote them (a JSON
// array of timeline.Tweet), passed on without decoding; the API's schema
// is that of the array.
type Tweets json.RawMessage

// MarshalJSON writes the tweets as they are (none: an empty list).
func (t Tweets) MarshalJSON() ([]byte, error) {
	if len(t) == 0 {
		return []byte("[]"), nil
	}
	return t, nil
}

// Schema is the schema of a list of timeline.Tweet.
func (Tweets) Schema(r huma.Registry) *huma.Schema {
	return r.Schema(reflect.TypeFor[[]timeline.Tweet](), true, "")
}

// TweetList is a page of the home timeline.
type TweetList struct {
	Items Tweets `json:"items"`
	Next  *string          `json:"next" doc:"Cursor of the next page; null on the last. A position in the order, so tweets posted meanwhile never repeat or skip entries."`
	// Partial is the one addition to the contract's list shape, and it
	// appears only on a degraded page, so clients that do not know it
	// read a complete home exactly as before.
	Partial bool `json:"partial,omitempty" doc:"Present, and true, only when whom I follow could not be read (the follow service is down): the page holds my own tweets alone. Read again later for the whole home."`
}

type homeOutput struct{ Body TweetList }

// registerHomeAPI adds reading my home timeline.
func (s *server) registerHomeAPI(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "get-home", Method: http.MethodGet, Path: "/timeline/api/home",
		Summary: "My home timeline",
		Description: "My tweets and those of everyone I follow. For live updates open the websocket GET /timeline/api/stream (optionally ?since=<newest id you have>), which sends {\"event\":\"tweet.created\",\"tweet\":Tweet}, {\"event\":\"tweet.deleted\",\"id\":\"…\"} and " +
			"{\"event\":\"like.changed\",\"id\":\"…\",\"like_count\":N}; " +
			"after a reconnect that missed more than 50 tweets it also sends {\"event\":\"resync\"}: read this list afresh. " +
			"The socket closes (1008) when the session that opened it expires. " +
			"While the follow service is down the home still answers, with my own tweets alone and \"partial\": true.",
		Tags: []string{"timeline"}, Security: jsonapi.Security, Errors: []int{401, 422},
	}, s.home)
}

func (s *server) home(ctx context.Context, in *homeInput) (*homeOutput, error) {
	v, err := viewer.Require(ctx)
	if err != nil {
		return nil, err
	}
	page, err := s.Homes.Home(ctx, callerFrom(ctx, v), in.Sort, in.Cursor, in.Limit)
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	return &homeOutput{Body: TweetList{Items: Tweets(page.Items), Next: jsonapi.Next(page.Next), Partial: page.Partial}}, nil
}
