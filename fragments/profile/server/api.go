package server

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humagin"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/internal/viewer"
	"murmur/fragments/profile"
)

// User is the public JSON form of a person.
type User struct {
	ID          string    `json:"id" example:"42"`
	Handle      string    `json:"handle" example:"ada"`
	DisplayName string    `json:"display_name" example:"Ada Lovelace"`
	Bio         string    `json:"bio" example:"Poet of science."`
	CreatedAt   time.Time `json:"created_at"`
}

func userJSON(u profile.User) User {
	return User{ID: u.ID, Handle: u.Handle, DisplayName: u.DisplayName, Bio: u.Bio, CreatedAt: u.CreatedAt}
}

type userOutput struct{ Body User }

type createUserInput struct {
	Body struct {
		Handle      string `json:"handle" minLength:"1" maxLength:"64" doc:"3 to 20 of a-z, 0-9 and _; case-insensitive."`
		Password    string `json:"password" minLength:"1" maxLength:"1024" doc:"8 to 128 characters."`
		DisplayName string `json:"display_name,omitempty" required:"false" maxLength:"200" doc:"1 to 50 characters; defaults to the handle."`
	}
}

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

type patchMeInput struct {
	Body struct {
		DisplayName *string `json:"display_name,omitempty" required:"false" maxLength:"200"`
		Bio         *string `json:"bio,omitempty" required:"false" maxLength:"1000"`
	}
}

type handleInput struct {
	Handle string `path:"handle" maxLength:"64"`
}

type listUsersInput struct {
	Q      string `query:"q" maxLength:"50" doc:"Prefix of a handle or display name."`
	IDs    string `query:"ids" maxLength:"2200" doc:"Comma-separated user ids (at most 100) to look up instead of searching."`
	Limit  int    `query:"limit" minimum:"1" maximum:"100" default:"20"`
	Cursor string `query:"cursor" maxLength:"200"`
}

// UserList is a page of users.
type UserList struct {
	Items []User  `json:"items"`
	Next  *string `json:"next"`
}

type userListOutput struct{ Body UserList }

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

func (s *server) registerAPI(api huma.API) {
	limit := func(ctx huma.Context, next func(huma.Context)) {
		if !s.limiter.Allow(humagin.Unwrap(ctx).ClientIP()) {
			huma.WriteErr(api, ctx, http.StatusTooManyRequests, "Too many attempts from your address. Wait a minute and try again.")
			return
		}
		next(ctx)
	}

	huma.Register(api, huma.Operation{
		OperationID: "create-user", Method: http.MethodPost, Path: "/profile/api/users",
		Summary: "Sign up", DefaultStatus: http.StatusCreated, Tags: []string{"users"},
		Errors: []int{409, 422, 429}, Middlewares: huma.Middlewares{limit},
	}, func(ctx context.Context, in *createUserInput) (*userOutput, error) {
		u, err := s.Accounts.SignUp(ctx, in.Body.Handle, in.Body.Password, in.Body.DisplayName)
		if err != nil {
			return nil, jsonapi.Error(err)
		}
		return &userOutput{Body: userJSON(u)}, nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "create-session", Method: http.MethodPost, Path: "/profile/api/sessions",
		Summary: "Sign in", Description: "Answers a token for the Authorization header and sets the session cookie.",
		DefaultStatus: http.StatusCreated, Tags: []string{"sessions"}, Errors: []int{401, 422, 429},
		Middlewares: huma.Middlewares{limit},
	}, func(ctx context.Context, in *sessionInput) (*sessionOutput, error) {
		u, err := s.Accounts.SignIn(ctx, in.Body.Handle, in.Body.Password)
		if err != nil {
			return nil, jsonapi.Error(err)
		}
		var tok string
		var exp time.Time
		cookie := cookieHeader(func(w http.ResponseWriter) { tok, exp, err = s.startSession(w, u) })
		if err != nil {
			return nil, jsonapi.Error(err)
		}
		return &sessionOutput{SetCookie: cookie, Body: Session{Token: tok, ExpiresAt: exp, User: userJSON(u)}}, nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "delete-session", Method: http.MethodDelete, Path: "/profile/api/sessions",
		Summary: "Sign out", Description: "Clears the session cookie.", Tags: []string{"sessions"},
		DefaultStatus: http.StatusNoContent, Security: jsonapi.Security, Errors: []int{401},
	}, func(ctx context.Context, _ *struct{}) (*clearCookieOutput, error) {
		if _, err := viewer.Require(ctx); err != nil {
			return nil, err
		}
		return &clearCookieOutput{SetCookie: cookieHeader(func(w http.ResponseWriter) { auth.ClearCookie(w, s.SecureCookies) })}, nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "get-me", Method: http.MethodGet, Path: "/profile/api/me",
		Summary: "The signed-in user", Tags: []string{"me"}, Security: jsonapi.Security, Errors: []int{401},
	}, func(ctx context.Context, _ *struct{}) (*userOutput, error) {
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
	})

	huma.Register(api, huma.Operation{
		OperationID: "update-me", Method: http.MethodPatch, Path: "/profile/api/me",
		Summary: "Edit my profile", Tags: []string{"me"}, Security: jsonapi.Security, Errors: []int{401, 422},
	}, func(ctx context.Context, in *patchMeInput) (*userOutput, error) {
		v, err := viewer.Require(ctx)
		if err != nil {
			return nil, err
		}
		u, err := s.Accounts.UpdateProfile(ctx, v.ID, profile.ProfileChange{DisplayName: in.Body.DisplayName, Bio: in.Body.Bio})
		if err != nil {
			return nil, jsonapi.Error(err)
		}
		return &userOutput{Body: userJSON(u)}, nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "get-user", Method: http.MethodGet, Path: "/profile/api/users/{handle}",
		Summary: "A user by handle", Tags: []string{"users"}, Errors: []int{404},
	}, func(ctx context.Context, in *handleInput) (*userOutput, error) {
		u, err := s.Accounts.UserByHandle(ctx, in.Handle)
		if err != nil {
			return nil, jsonapi.Error(err)
		}
		return &userOutput{Body: userJSON(u)}, nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "list-users", Method: http.MethodGet, Path: "/profile/api/users",
		Summary: "Search people, or look users up by id",
		Description: "With q, people whose handle or display name starts with q (ignoring case), ordered by handle. " +
			"With ids, those users in the order given (unknown ids are left out). Profiles are public.",
		Tags: []string{"users"}, Errors: []int{422},
	}, func(ctx context.Context, in *listUsersInput) (*userListOutput, error) {
		out := UserList{Items: []User{}}
		if in.IDs != "" {
			ids := strings.Split(in.IDs, ",")
			if len(ids) > 100 {
				return nil, huma.Error422UnprocessableEntity("At most 100 ids at a time.")
			}
			users, err := s.Accounts.UsersByIDs(ctx, ids)
			if err != nil {
				return nil, jsonapi.Error(err)
			}
			for _, u := range users {
				out.Items = append(out.Items, userJSON(u))
			}
			return &userListOutput{Body: out}, nil
		}
		page, err := s.Accounts.Search(ctx, in.Q, in.Limit, in.Cursor)
		if err != nil {
			return nil, jsonapi.Error(err)
		}
		for _, u := range page.Users {
			out.Items = append(out.Items, userJSON(u))
		}
		out.Next = jsonapi.Next(page.Next)
		return &userListOutput{Body: out}, nil
	})
}
