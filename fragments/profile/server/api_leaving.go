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

type exportInput struct {
	Body struct {
		Password string `json:"password" minLength:"1" maxLength:"1024" doc:"The account's password, asked again."`
	}
}

type exportZipOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	CacheControl       string `header:"Cache-Control"`
	Body               []byte
}

// registerExportAPI adds downloading one's data.
func (s *server) registerExportAPI(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "export-me", Method: http.MethodPost, Path: "/profile/api/me/export",
		Summary: "Export my data",
		Description: "Checks the password, then answers a zip (application/zip) of everything murmur keeps of the " +
			"account: README.txt, profile.json, tweets.json (tweets, likes, boosts, from tweets' GET /tweets/api/me/export), " +
			"follow.json (following and followers, from follow's GET /follow/api/me/export), media/<id>.<ext> (the images " +
			"of the tweets) and avatar.jpg. When a service cannot answer, 503 naming what could not be read: no partial " +
			"zip. Attempts are limited per client address like signing in.",
		Tags: []string{"me"}, Security: jsonapi.Security, Errors: []int{401, 422, 429, 503},
		Middlewares: huma.Middlewares{s.limitByAddress(api, ratelimit.SignIn)},
		Responses: map[string]*huma.Response{"200": {Description: "The zip", Content: map[string]*huma.MediaType{
			"application/zip": {Schema: &huma.Schema{Type: "string", Format: "binary"}}}}},
	}, s.exportMe)
}

func (s *server) exportMe(ctx context.Context, in *exportInput) (*exportZipOutput, error) {
	v, err := viewer.Require(ctx)
	if err != nil {
		return nil, err
	}
	u, err := s.Accounts.Reauthenticate(ctx, v.ID, in.Body.Password)
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	data, err := s.buildExport(ctx, u)
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	return &exportZipOutput{ContentType: "application/zip", CacheControl: "no-store",
		ContentDisposition: exportDisposition(u.Handle), Body: data}, nil
}

// exportDisposition names the downloaded file.
func exportDisposition(handle string) string {
	return `attachment; filename="murmur-` + handle + `-` + time.Now().UTC().Format("2006-01-02") + `.zip"`
}
