package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"murmur/fragments/follow"
	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/internal/viewer"
)

type exportOutput struct{ Body follow.Export }

// registerExportAPI adds the caller's part of their data export.
func (s *server) registerExportAPI(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "export-me", Method: http.MethodGet, Path: "/follow/api/me/export",
		Summary: "Whom I follow, who follows me, whom I blocked and muted (for the data export)",
		Description: "Everything follow keeps of the caller, oldest first. profile's POST /profile/api/me/export puts it " +
			"in the export's zip.",
		Tags: []string{"following"}, Security: jsonapi.Security, Errors: []int{401},
	}, s.exportMe)
}

func (s *server) exportMe(ctx context.Context, _ *struct{}) (*exportOutput, error) {
	v, err := viewer.Require(ctx)
	if err != nil {
		return nil, err
	}
	e, err := s.Graph.Export(ctx, v.ID)
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	return &exportOutput{Body: e}, nil
}
