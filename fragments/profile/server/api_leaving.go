package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/internal/ratelimit"
	"murmur/fragments/internal/viewer"
)

type deleteMeInput struct {
	Body struct {
		Password string `json:"password" minLength:"1" maxLength:"1024" doc:"The account's password, asked again."`
	}
}

// registerLeavingAPI adds deleting one's account.
func (s *server) registerLeavingAPI(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "delete-me", Method: http.MethodDelete, Path: "/profile/api/me", DefaultStatus: http.StatusNoContent,
		Summary: "Delete my account",
		Description: "Checks the password, then deletes the account and its picture at once and signs out every session " +
			"of it (401 everywhere from then on). Its tweets, images, likes, boosts, follows and notifications are erased " +
			"by each service from the user.deleted event, a service that was down when it is back. The handle stays " +
			"reserved for a while (MURMUR_HANDLE_RESERVATION, 30 days by default). Attempts are limited per client " +
			"address like signing in.",
		Tags: []string{"me"}, Security: jsonapi.Security, Errors: []int{401, 422, 429},
		Middlewares: huma.Middlewares{s.limitByAddress(api, ratelimit.SignIn)},
	}, s.deleteMe)
}

func (s *server) deleteMe(ctx context.Context, in *deleteMeInput) (*clearCookieOutput, error) {
	v, err := viewer.Require(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.Accounts.DeleteAccount(ctx, v.ID, in.Body.Password); err != nil {
		return nil, jsonapi.Error(err)
	}
	return &clearCookieOutput{SetCookie: cookieHeader(func(w http.ResponseWriter) { auth.ClearCookie(w, s.secureCookie(ctx)) })}, nil
}
