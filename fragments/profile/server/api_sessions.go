package server

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/internal/ratelimit"
	"murmur/fragments/internal/viewer"
	"murmur/fragments/profile"
)

type sessionInput struct {
	Body struct {
		Handle   string `json:"handle" maxLength:"64"`
		Password string `json:"password" maxLength:"1024"`
	}
}

// Session is a signed-in session: the token for API clients, with its user.
type Session struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	User      User      `json:"user"`
}

type sessionOutput struct {
	SetCookie string `header:"Set-Cookie"`
	Body      Session
}

type clearCookieOutput struct {
	SetCookie string `header:"Set-Cookie"`
}

// cookieHeader renders the Set-Cookie header a ResponseWriter would get.
func cookieHeader(set func(w http.ResponseWriter)) string {
	rec := headerRecorder{}
	set(rec)
	return http.Header(rec).Get("Set-Cookie")
}

type headerRecorder http.Header

func (h headerRecorder) Header() http.Header         { return http.Header(h) }
func (h headerRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (h headerRecorder) WriteHeader(int)             {}

// registerSessionsAPI adds signing in and signing out.
func (s *server) registerSessionsAPI(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "create-session", Method: http.MethodPost, Path: "/profile/api/sessions",
		Summary: "Sign in", Description: "Answers a token for the Authorization header and sets the session cookie. " +
			"Attempts are limited per client address (MURMUR_LIMIT_SIGN_IN); past the limit, 429 with Retry-After.",
		DefaultStatus: http.StatusCreated, Tags: []string{"sessions"}, Errors: []int{401, 422, 429},
		Middlewares: huma.Middlewares{s.limitByAddress(api, ratelimit.SignIn)},
	}, s.createSession)

	huma.Register(api, huma.Operation{
		OperationID: "delete-session", Method: http.MethodDelete, Path: "/profile/api/sessions",
		Summary: "Sign out", Description: "Clears the session cookie.", Tags: []string{"sessions"},
		DefaultStatus: http.StatusNoContent, Security: jsonapi.Security, Errors: []int{401},
	}, s.deleteSession)
}

func (s *server) createSession(ctx context.Context, in *sessionInput) (*sessionOutput, error) {
	u, err := s.Accounts.SignIn(ctx, in.Body.Handle, in.Body.Password)
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	return s.sessionFor(ctx, u)
}

// sessionFor starts a session for u: its token in the answer, and as the
// cookie (after signing in, and after signing every other session out).
func (s *server) sessionFor(ctx context.Context, u profile.User) (*sessionOutput, error) {
	var tok string
	var err error
	var exp time.Time
	cookie := cookieHeader(func(w http.ResponseWriter) { tok, exp, err = s.startSession(ctx, w, u) })
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	return &sessionOutput{SetCookie: cookie, Body: Session{Token: tok, ExpiresAt: exp, User: userJSON(u)}}, nil
}

func (s *server) deleteSession(ctx context.Context, _ *struct{}) (*clearCookieOutput, error) {
	if _, err := viewer.Require(ctx); err != nil {
		return nil, err
	}
	return &clearCookieOutput{SetCookie: cookieHeader(func(w http.ResponseWriter) { auth.ClearCookie(w, s.secureCookie(ctx)) })}, nil
}
