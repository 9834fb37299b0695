package server

import (
	"context"
	"mime/multipart"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humagin"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/internal/picture"
	"murmur/fragments/internal/problem"
	"murmur/fragments/internal/ratelimit"
	"murmur/fragments/internal/viewer"
	"murmur/fragments/tweets"
)

// multipartOverhead is room in a request body for the multipart framing
// and the small fields sent along with the files.
const multipartOverhead = picture.UploadOverhead

// parseUpload reads a multipart upload of at most files images
// (picture.ParseUpload). The caller removes the form's temporary files.
func parseUpload(w http.ResponseWriter, r *http.Request, files int) error {
	return picture.ParseUpload(w, r, files)
}

// readImage reads one uploaded file (picture.ReadUpload).
func readImage(fh *multipart.FileHeader) ([]byte, error) { return picture.ReadUpload(fh) }

type uploadForm struct {
	File huma.FormFile `form:"file" required:"true" doc:"A JPEG, PNG, GIF or WebP image of at most 5 MB; the type is read from the bytes."`
	Alt  string        `form:"alt" required:"false" maxLength:"4000" doc:"A description of the image (alt text), up to 1000 characters."`
}

type uploadInput struct {
	RawBody huma.MultipartFormFiles[uploadForm]
}

type mediaOutput struct{ Body tweets.Media }

type mediaFileInput struct {
	ID string `path:"id" maxLength:"20"`
}

// MediaPolicy is the Content-Security-Policy of an uploaded image's bytes,
// stricter than a page's.
const MediaPolicy = "default-src 'none'; frame-ancestors 'none'; sandbox"

type mediaFileOutput struct {
	ContentType  string `header:"Content-Type"`
	CacheControl string `header:"Cache-Control"`
	NoSniff      string `header:"X-Content-Type-Options"`
	Policy       string `header:"Content-Security-Policy"`
	Body         []byte
}

// registerMediaAPI adds uploading an image and reading an image's bytes.
func (s *server) registerMediaAPI(api huma.API) {
	// The multipart body is read here, with its size capped, before huma
	// parses it (huma then reuses the parsed form): an oversized upload is
	// answered 413 instead of being spooled to disk in full, and one past
	// the account's upload limit 429 before it is read at all.
	readBody := func(ctx huma.Context, next func(huma.Context)) {
		c := humagin.Unwrap(ctx)
		v, ok := auth.ViewerFrom(c.Request.Context())
		if !ok {
			huma.WriteErr(api, ctx, http.StatusUnauthorized, "Sign in first: send a valid session token (Authorization: Bearer) or cookie.")
			return
		}
		if err := s.Limits.Check(c.Request.Context(), ratelimit.Upload, v.ID, 1); err != nil {
			jsonapi.WriteError(api, ctx, err)
			return
		}
		if err := parseUpload(c.Writer, c.Request, 1); err != nil {
			huma.WriteErr(api, ctx, problem.Status(err), fault.Message(err))
			return
		}
		defer c.Request.MultipartForm.RemoveAll()
		next(ctx)
	}

	huma.Register(api, huma.Operation{
		OperationID: "upload-media", Method: http.MethodPost, Path: "/tweets/api/media",
		Summary: "Upload an image", Tags: []string{"media"}, DefaultStatus: http.StatusCreated,
		Description: "Checks and re-encodes the image (no EXIF or other metadata survives) and keeps it for a day " +
			"for you to attach to a tweet with media_ids. Over 5 MB is 413; a file that is not a JPEG, PNG, GIF or WebP " +
			"is 415; a damaged image or one too large in pixels is 422. Uploads are limited per account " +
			"(MURMUR_LIMIT_UPLOAD); past the limit, 429 with Retry-After.",
		Security: jsonapi.Security, Errors: []int{401, 413, 415, 422, 429},
		Middlewares: huma.Middlewares{readBody},
	}, s.uploadMedia)

	huma.Register(api, huma.Operation{
		OperationID: "get-media", Method: http.MethodGet, Path: "/tweets/media/{id}",
		Summary: "An image's bytes", Tags: []string{"media"}, Errors: []int{404},
		Description: "Public, and never changes: served with a one-year cache lifetime.",
		Responses: map[string]*huma.Response{"200": {
			Description: "The image",
			Content: map[string]*huma.MediaType{
				"image/jpeg": {}, "image/png": {}, "image/gif": {},
			},
		}},
	}, s.mediaFile)
}

func (s *server) uploadMedia(ctx context.Context, in *uploadInput) (*mediaOutput, error) {
	v, err := viewer.Require(ctx)
	if err != nil {
		return nil, err
	}
	form := in.RawBody.Data()
	if form.File.File != nil {
		form.File.Close()
	}
	fhs := in.RawBody.Form.File["file"]
	if len(fhs) != 1 {
		return nil, huma.Error422UnprocessableEntity("Send exactly one image, in a part named file.")
	}
	data, err := readImage(fhs[0])
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	m, err := s.Tweets.Upload(ctx, v.ID, data, form.Alt)
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	return &mediaOutput{Body: m}, nil
}

func (s *server) mediaFile(ctx context.Context, in *mediaFileInput) (*mediaFileOutput, error) {
	f, err := s.Tweets.MediaFile(ctx, in.ID)
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	return &mediaFileOutput{
		ContentType: f.ContentType, Body: f.Data,
		CacheControl: "public, max-age=31536000, immutable",
		NoSniff:      "nosniff",
		// Opened on its own, an image cannot run anything, nor be framed.
		Policy: MediaPolicy,
	}, nil
}
