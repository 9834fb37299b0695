package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"murmur/fragments/follow"
	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/internal/viewer"
)

// Relation is how the caller stands with another user.
type Relation struct {
	ID        string `json:"id" example:"42"`
	Blocked   bool   `json:"blocked" doc:"The caller blocked them."`
	BlockedBy bool   `json:"blocked_by" doc:"They blocked the caller."`
	Muted     bool   `json:"muted" doc:"The caller muted them."`
}

type relationOutput struct{ Body Relation }

type ownListInput struct {
	Limit  int    `query:"limit" minimum:"1" maximum:"100" default:"20"`
	Cursor string `query:"cursor" maxLength:"200"`
}

// registerBlocksAPI adds blocking and muting, their lists, and the
// caller's relation to someone (what tweets and notifications ask).
func (s *server) registerBlocksAPI(api huma.API) {
	for _, r := range []struct {
		id, method, path, summary, description string
		change                                 func(context.Context, string, string) (bool, error)
	}{
		{"block", http.MethodPut, "/follow/api/blocks/{user_id}", "Block a user",
			"Ends the follows between the two both ways; from then on they cannot follow the caller, nor like, reply to or boost " +
				"the caller's tweets, and neither's tweets reach the other's home. Idempotent.", s.Graph.Block},
		{"unblock", http.MethodDelete, "/follow/api/blocks/{user_id}", "Unblock a user",
			"The follows the block ended stay ended. Idempotent.", s.Graph.Unblock},
		{"mute", http.MethodPut, "/follow/api/mutes/{user_id}", "Mute a user",
			"Their tweets and boosts leave the caller's home, and their notifications stop; nothing else changes. Idempotent.", s.Graph.Mute},
		{"unmute", http.MethodDelete, "/follow/api/mutes/{user_id}", "Unmute a user", "Idempotent.", s.Graph.Unmute},
	} {
		change := r.change
		huma.Register(api, huma.Operation{
			OperationID: r.id, Method: r.method, Path: r.path, Summary: r.summary, Description: r.description,
			Tags: []string{"blocks"}, DefaultStatus: http.StatusNoContent, Security: jsonapi.Security,
			Errors: []int{401, 404, 422},
		}, func(ctx context.Context, in *userIDInput) (*struct{}, error) {
			v, err := viewer.Require(ctx)
			if err != nil {
				return nil, err
			}
			if _, err := change(ctx, v.ID, in.UserID); err != nil {
				return nil, jsonapi.Error(err)
			}
			return nil, nil
		})
	}
	huma.Register(api, huma.Operation{
		OperationID: "list-blocks", Method: http.MethodGet, Path: "/follow/api/blocks",
		Summary: "Whom the caller blocked", Description: "Most recent first.",
		Tags: []string{"blocks"}, Security: jsonapi.Security, Errors: []int{401, 422},
	}, func(ctx context.Context, in *ownListInput) (*listOutput, error) {
		return s.ownList(ctx, in, s.Graph.Blocked)
	})
	huma.Register(api, huma.Operation{
		OperationID: "list-mutes", Method: http.MethodGet, Path: "/follow/api/mutes",
		Summary: "Whom the caller muted", Description: "Most recent first.",
		Tags: []string{"blocks"}, Security: jsonapi.Security, Errors: []int{401, 422},
	}, func(ctx context.Context, in *ownListInput) (*listOutput, error) {
		return s.ownList(ctx, in, s.Graph.Muted)
	})
	huma.Register(api, huma.Operation{
		OperationID: "get-relation", Method: http.MethodGet, Path: "/follow/api/relations/{user_id}",
		Summary: "How the caller stands with a user",
		Description: "Whether the caller blocked them, was blocked by them, or muted them. Other services ask it for the " +
			"person acting: tweets before a like, reply or boost, notifications before showing a notification.",
		Tags: []string{"blocks"}, Security: jsonapi.Security, Errors: []int{401},
	}, func(ctx context.Context, in *userIDInput) (*relationOutput, error) {
		v, err := viewer.Require(ctx)
		if err != nil {
			return nil, err
		}
		r, err := s.Graph.Relation(ctx, v.ID, in.UserID)
		if err != nil {
			return nil, jsonapi.Error(err)
		}
		return &relationOutput{Body: Relation{ID: in.UserID, Blocked: r.Blocked, BlockedBy: r.BlockedBy, Muted: r.Muted}}, nil
	})
}

func (s *server) ownList(ctx context.Context, in *ownListInput, list func(context.Context, string, int, string) (follow.Page, error)) (*listOutput, error) {
	v, err := viewer.Require(ctx)
	if err != nil {
		return nil, err
	}
	page, err := list(ctx, v.ID, in.Limit, in.Cursor)
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	return &listOutput{Body: listJSON(page)}, nil
}
