package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/internal/ratelimit"
	"murmur/fragments/internal/viewer"
)

type changePasswordInput struct {
	Body struct {
		CurrentPassword string `json:"current_password" minLength:"1" maxLength:"1024" doc:"The password the account has now."`
		NewPassword     string `json:"new_password" minLength:"1" maxLength:"1024" doc:"8 to 128 characters, not the current one."`
	}
}

type userIDInput struct {
	UserID string `path:"user_id" maxLength:"20"`
}

type tokenVersionOutput struct{ Body auth.TokenVersion }

// registerPasswordAPI adds changing one's password, signing out every
// session, and the token versions the other services check tokens against.
func (s *server) registerPasswordAPI(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "change-password", Method: http.MethodPut, Path: "/profile/api/me/password",
		Summary: "Change my password",
		Description: "Checks the current password, sets the new one and signs out every other session of the account " +
			"on every service (their tokens answer 401 from then on; their open sockets close). This session goes on " +
			"with the new token answered here, also set as the cookie. Attempts are limited per client address like " +
			"signing in (MURMUR_LIMIT_SIGN_IN).",
		Tags: []string{"me"}, Security: jsonapi.Security, Errors: []int{401, 422, 429},
		Middlewares: huma.Middlewares{s.limitByAddress(api, ratelimit.SignIn)},
	}, s.changePassword)

	huma.Register(api, huma.Operation{
		OperationID: "revoke-sessions", Method: http.MethodPost, Path: "/profile/api/me/sessions/revoke",
		Summary: "Sign out everywhere",
		Description: "Signs out every other session of the account on every service, as changing the password does, " +
			"without changing it. This session goes on with the new token answered here, also set as the cookie.",
		Tags: []string{"me"}, Security: jsonapi.Security, Errors: []int{401},
	}, s.revokeSessions)

	huma.Register(api, huma.Operation{
		OperationID: "get-token-version", Method: http.MethodGet, Path: "/profile/api/token-versions/{user_id}",
		Summary: "A user's token version (between services)",
		Description: "Tokens whose ver claim is below it are signed out. The other services ask it for users they " +
			"know nothing of yet, and keep it current from the sessions.revoked events.",
		Tags: []string{"sessions"}, Errors: []int{404},
	}, s.getTokenVersion)
}

func (s *server) changePassword(ctx context.Context, in *changePasswordInput) (*sessionOutput, error) {
	v, err := viewer.Require(ctx)
	if err != nil {
		return nil, err
	}
	u, err := s.Accounts.ChangePassword(ctx, v.ID, in.Body.CurrentPassword, in.Body.NewPassword)
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	return s.sessionFor(ctx, u)
}

func (s *server) revokeSessions(ctx context.Context, _ *struct{}) (*sessionOutput, error) {
	v, err := viewer.Require(ctx)
	if err != nil {
		return nil, err
	}
	u, err := s.Accounts.SignOutEverywhere(ctx, v.ID)
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	return s.sessionFor(ctx, u)
}

func (s *server) getTokenVersion(ctx context.Context, in *userIDInput) (*tokenVersionOutput, error) {
	ver, err := s.Accounts.TokenVersion(ctx, in.UserID)
	if fault.Is(err, fault.NotFound) {
		return nil, huma.Error404NotFound("No such user.")
	}
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	return &tokenVersionOutput{Body: auth.TokenVersion{UserID: in.UserID, Version: ver}}, nil
}
