package server

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/internal/ratelimit"
	"murmur/fragments/profile"
)

// User is the public JSON form of a person.
type User struct {
	ID          string `json:"id" example:"42"`
	Handle      string `json:"handle" example:"ada"`
	DisplayName string `json:"display_name" example:"Ada Lovelace"`
	Bio         string `json:"bio" example:"Poet of science."`
	// AvatarURL is the profile picture at 96 pixels (…-48.jpg and
	// …-256.jpg are the other sizes); null when there is none.
	AvatarURL *string   `json:"avatar_url" example:"/profile/avatars/42/3f9a0c1d2e4b5a6c7d8e-96.jpg" doc:"The profile picture, 96×96 JPEG (the same URL ending in -48.jpg or -256.jpg for those sizes); null when there is none. It changes whenever the picture does."`
	CreatedAt time.Time `json:"created_at"`
}

func userJSON(u profile.User) User {
	out := User{ID: u.ID, Handle: u.Handle, DisplayName: u.DisplayName, Bio: u.Bio, CreatedAt: u.CreatedAt}
	if url := u.AvatarURL(); url != "" {
		out.AvatarURL = &url
	}
	return out
}

type userOutput struct{ Body User }

type createUserInput struct {
	Body struct {
		Handle      string `json:"handle" minLength:"1" maxLength:"64" doc:"3 to 20 of a-z, 0-9 and _; case-insensitive."`
		Password    string `json:"password" minLength:"1" maxLength:"1024" doc:"8 to 128 characters."`
		DisplayName string `json:"display_name,omitempty" required:"false" maxLength:"200" doc:"1 to 50 characters; defaults to the handle."`
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

// userList answers a list of users, with the cursor of the next page.
func userList(users []profile.User, next string) *userListOutput {
	out := UserList{Items: []User{}, Next: jsonapi.Next(next)}
	for _, u := range users {
		out.Items = append(out.Items, userJSON(u))
	}
	return &userListOutput{Body: out}
}

// registerUsersAPI adds signing up, reading a user, and searching people
// or looking them up by id. Profiles are public.
func (s *server) registerUsersAPI(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "create-user", Method: http.MethodPost, Path: "/profile/api/users",
		Summary: "Sign up", DefaultStatus: http.StatusCreated, Tags: []string{"users"},
		Description: "Attempts are limited per client address (MURMUR_LIMIT_SIGN_UP); past the limit, 429 with Retry-After.",
		Errors:      []int{409, 422, 429}, Middlewares: huma.Middlewares{s.limitByAddress(api, ratelimit.SignUp)},
	}, s.createUser)

	huma.Register(api, huma.Operation{
		OperationID: "get-user", Method: http.MethodGet, Path: "/profile/api/users/{handle}",
		Summary: "A user by handle", Tags: []string{"users"}, Errors: []int{404},
	}, s.getUser)

	huma.Register(api, huma.Operation{
		OperationID: "list-users", Method: http.MethodGet, Path: "/profile/api/users",
		Summary: "Search people, or look users up by id",
		Description: "With q, people whose handle or display name starts with q (ignoring case), ordered by handle. " +
			"With ids, those users in the order given (unknown ids are left out). Profiles are public.",
		Tags: []string{"users"}, Errors: []int{422},
	}, s.listUsers)
}

func (s *server) createUser(ctx context.Context, in *createUserInput) (*userOutput, error) {
	u, err := s.Accounts.SignUp(ctx, in.Body.Handle, in.Body.Password, in.Body.DisplayName)
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	return &userOutput{Body: userJSON(u)}, nil
}

func (s *server) getUser(ctx context.Context, in *handleInput) (*userOutput, error) {
	u, err := s.Accounts.UserByHandle(ctx, in.Handle)
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	return &userOutput{Body: userJSON(u)}, nil
}

func (s *server) listUsers(ctx context.Context, in *listUsersInput) (*userListOutput, error) {
	if in.IDs != "" {
		ids := strings.Split(in.IDs, ",")
		if len(ids) > 100 {
			return nil, huma.Error422UnprocessableEntity("At most 100 ids at a time.")
		}
		users, err := s.Accounts.UsersByIDs(ctx, ids)
		if err != nil {
			return nil, jsonapi.Error(err)
		}
		return userList(users, ""), nil
	}
	page, err := s.Accounts.Search(ctx, in.Q, in.Limit, in.Cursor)
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	return userList(page.Users, page.Next), nil
}
