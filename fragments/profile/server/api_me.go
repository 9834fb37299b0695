package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/internal/viewer"
	"murmur/fragments/profile"
)

type patchMeInput struct {
	Body struct {
		DisplayName *string `json:"display_name,omitempty" required:"false" maxLength:"200"`
		Bio         *string `json:"bio,omitempty" required:"false" maxLength:"1000"`
	}
}

// registerMeAPI adds reading and editing the signed-in user's profile.
func (s *server) registerMeAPI(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "get-me", Method: http.MethodGet, Path: "/profile/api/me",
		Summary: "The signed-in user", Tags: []string{"me"}, Security: jsonapi.Security, Errors: []int{401},
	}, s.getMe)

	huma.Register(api, huma.Operation{
		OperationID: "update-me", Method: http.MethodPatch, Path: "/profile/api/me",
		Summary: "Edit my profile", Tags: []string{"me"}, Security: jsonapi.Security, Errors: []int{401, 422},
	}, s.updateMe)
}

func (s *server) getMe(ctx context.Context, _ *struct{}) (*userOutput, error) {
	v, err := viewer.Require(ctx)
	if err != nil {
		return nil, err
	}
	u, err := s.Accounts.UserByID(ctx, v.ID)
	if fault.Is(err, fault.NotFound) {
		return nil, huma.Error401Unauthorized("This session's account no longer exists.")
	}
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	return &userOutput{Body: userJSON(u)}, nil
}

func (s *server) updateMe(ctx context.Context, in *patchMeInput) (*userOutput, error) {
	v, err := viewer.Require(ctx)
	if err != nil {
		return nil, err
	}
	u, err := s.Accounts.UpdateProfile(ctx, v.ID, profile.ProfileChange{DisplayName: in.Body.DisplayName, Bio: in.Body.Bio})
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	return &userOutput{Body: userJSON(u)}, nil
}
