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

// TweetList is a page of the home timeline.
type TweetList struct {
	Items []timeline.Tweet `json:"items"`
	Next  *string          `json:"next" doc:"Cursor of the next page; null on the last. A position in the order, so tweets posted meanwhile never repeat or skip entries."`
	// Partial is the one addition to the contract's list shape, and it
	// appears only on a degraded page, so clients that do not know it
	// read a complete home exactly as before.
	Partial bool `json:"partial,omitempty" doc:"Present, and true, only when whom I follow could not be read (the follow service is down): the page holds my own tweets alone. Read again later for the whole home."`
}

// homeOutput is a TweetList, written as it is: the tweets service's page,
// or the timeline's own encoding of a partial one.
type homeOutput struct {
	ContentType string `header:"Content-Type"`
	Body        []byte
}

// registerHomeAPI adds reading my home timeline.
func (s *server) registerHomeAPI(api huma.API) {
	list := api.OpenAPI().Components.Schemas.Schema(reflect.TypeFor[TweetList](), true, "TweetList")
	huma.Register(api, huma.Operation{
		Responses: map[string]*huma.Response{"200": {
			Description: "A page of my home timeline.",
			Content:     map[string]*huma.MediaType{"application/json": {Schema: list}},
		}},
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
	out := &homeOutput{ContentType: "application/json", Body: page.Body}
	if page.Partial {
		ts, next, err := page.Decode()
		if err != nil {
			return nil, err
		}
		if out.Body, err = json.Marshal(TweetList{Items: ts, Next: jsonapi.Next(next), Partial: true}); err != nil {
			return nil, err
		}
	}
	return out, nil
}
