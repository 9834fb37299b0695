package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humagin"
	"github.com/gin-gonic/gin"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/internal/picture"
	"murmur/fragments/internal/problem"
	"murmur/fragments/internal/viewer"
)

type avatarForm struct {
	File huma.FormFile `form:"file" required:"true" doc:"A JPEG, PNG, GIF or WebP image of at most 5 MB; the type is read from the bytes."`
}

type avatarInput struct {
	RawBody huma.MultipartFormFiles[avatarForm]
}

// avatarPolicy is the Content-Security-Policy of a picture's bytes,
// stricter than a page's.
const avatarPolicy = "default-src 'none'; frame-ancestors 'none'; sandbox"

// registerAvatarAPI adds setting and removing one's profile picture.
func (s *server) registerAvatarAPI(api huma.API) {
	// The multipart body is read here, its size capped, before huma parses
	// it (huma then reuses the parsed form): an oversized upload is
	// answered 413 instead of being spooled to disk in full.
	readBody := func(ctx huma.Context, next func(huma.Context)) {
		c := humagin.Unwrap(ctx)
		if _, ok := auth.ViewerFrom(c.Request.Context()); !ok {
			huma.WriteErr(api, ctx, http.StatusUnauthorized, "Sign in first: send a valid session token (Authorization: Bearer) or cookie.")
			return
		}
		if err := picture.ParseUpload(c.Writer, c.Request, 1); err != nil {
			huma.WriteErr(api, ctx, problem.Status(err), fault.Message(err))
			return
		}
		defer c.Request.MultipartForm.RemoveAll()
		next(ctx)
	}
	huma.Register(api, huma.Operation{
		OperationID: "set-avatar", Method: http.MethodPut, Path: "/profile/api/me/avatar",
		Summary: "Set my profile picture",
		Description: "Checked like a tweet's image, cropped to its middle square and kept as JPEG in 48, 96 and 256 " +
			"pixels, without any metadata. avatar_url in the answer is the 96-pixel one; the others end in -48.jpg " +
			"and -256.jpg. Each URL holds a hash of the picture, so it changes when the picture does.",
		Tags: []string{"me"}, Security: jsonapi.Security, Errors: []int{401, 413, 415, 422},
		Middlewares: huma.Middlewares{readBody},
	}, s.setAvatar)

	huma.Register(api, huma.Operation{
		OperationID: "remove-avatar", Method: http.MethodDelete, Path: "/profile/api/me/avatar",
		Summary: "Remove my profile picture", Description: "Idempotent; the initial shows again.",
		Tags: []string{"me"}, Security: jsonapi.Security, Errors: []int{401},
	}, s.removeAvatar)
}

func (s *server) setAvatar(ctx context.Context, in *avatarInput) (*userOutput, error) {
	v, err := viewer.Require(ctx)
	if err != nil {
		return nil, err
	}
	form := in.RawBody.Form
	if form == nil || len(form.File["file"]) != 1 {
		return nil, huma.Error422UnprocessableEntity("Send one image, in a part named file.")
	}
	data, err := picture.ReadUpload(form.File["file"][0])
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	u, err := s.Accounts.SetAvatar(ctx, v.ID, data)
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	return &userOutput{Body: userJSON(u)}, nil
}

func (s *server) removeAvatar(ctx context.Context, _ *struct{}) (*userOutput, error) {
	v, err := viewer.Require(ctx)
	if err != nil {
		return nil, err
	}
	u, err := s.Accounts.RemoveAvatar(ctx, v.ID)
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	return &userOutput{Body: userJSON(u)}, nil
}

// avatarFile serves /profile/avatars/<user id>/<key>-<size>.jpg. Its URL
// changes with the picture, so the answer is cached for good; a picture
// replaced or removed since is gone (404).
func (s *server) avatarFile(c *gin.Context) {
	name, ok := strings.CutSuffix(c.Param("file"), ".jpg")
	key, sizeText, ok2 := strings.Cut(name, "-")
	size, err := strconv.Atoi(sizeText)
	if !ok || !ok2 || err != nil {
		problem.Write(c.Writer, http.StatusNotFound, "No such picture.")
		return
	}
	data, err := s.Accounts.Avatar(c.Request.Context(), c.Param("id"), key, size)
	if err != nil {
		problem.Write(c.Writer, problem.Status(err), fault.Message(err))
		return
	}
	h := c.Writer.Header()
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", avatarPolicy)
	c.Data(http.StatusOK, "image/jpeg", data)
}
