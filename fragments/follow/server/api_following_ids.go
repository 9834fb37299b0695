package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/internal/viewer"
)

// IDList is a page of user ids.
type IDList struct {
	Items []string `json:"items" example:"[\"42\",\"7\"]"`
	Next  *string  `json:"next" doc:"Pass back as ?cursor= for the next page; null at the end."`
}

type idListInput struct {
	UserID string `path:"user_id" doc:"A user id (positive decimal)."`
	Limit  int    `query:"limit" minimum:"1" maximum:"1000" default:"1000"`
	Cursor string `query:"cursor" maxLength:"200"`
}

type idListOutput struct{ Body IDList }

// registerFollowingIDsAPI adds the bare list of whom someone follows, the
// timeline service's input: a thousand ids per answer and no profile lookups.
func (s *server) registerFollowingIDsAPI(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "list-following-ids", Method: http.MethodGet, Path: "/follow/api/users/{user_id}/following/ids",
		Summary:     "Ids of whom a user follows",
		Description: "Most recently followed first, up to 1000 a page. An id that names no one follows no one (an empty list).",
		Tags:        []string{"users"}, Security: jsonapi.Security, Errors: []int{401, 422},
	}, s.listFollowingIDs)
}

func (s *server) listFollowingIDs(ctx context.Context, in *idListInput) (*idListOutput, error) {
	if _, err := viewer.Require(ctx); err != nil {
		return nil, err
	}
	page, err := s.Graph.FollowingIDs(ctx, in.UserID, in.Limit, in.Cursor)
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	out := IDList{Items: page.IDs, Next: jsonapi.Next(page.Next)}
	return &idListOutput{Body: out}, nil
}
