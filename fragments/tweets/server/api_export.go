package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/internal/viewer"
	"murmur/fragments/tweets"
)

type exportOutput struct{ Body tweets.Export }

// registerExportAPI adds the caller's part of their data export.
func (s *server) registerExportAPI(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "export-me", Method: http.MethodGet, Path: "/tweets/api/me/export",
		Summary: "My tweets, likes and boosts (for the data export)",
		Description: "Everything tweets keeps of the caller: their tweets newest first (each image's url is where its " +
			"file is served), and the tweets they like and boost, oldest first. profile's POST /profile/api/me/export " +
			"puts it in the export's zip with the image files.",
		Tags: []string{"me"}, Security: jsonapi.Security, Errors: []int{401},
	}, s.exportMe)
}

func (s *server) exportMe(ctx context.Context, _ *struct{}) (*exportOutput, error) {
	v, err := viewer.Require(ctx)
	if err != nil {
		return nil, err
	}
	e, err := s.Tweets.Export(ctx, v)
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	return &exportOutput{Body: e}, nil
}
