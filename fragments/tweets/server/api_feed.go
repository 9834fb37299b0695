package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/validation"

	"murmur/fragments/internal/authorset"
	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/internal/viewer"
	"murmur/fragments/tweets"
)

// feedInput is the feed query's input. The body is taken raw and decoded
// by Resolve, once, rather than by huma: its validation decodes the body
// into generic values and then a second time into the struct, and for the
// thousand author ids of a heavy reader's home those decodings cost more
// than the rest of a remembered feed page. The operation documents the
// body as feedInputBody all the same (see registerFeedAPI).
type feedInput struct {
	RawBody []byte `contentType:"application/json"`
	body    feedInputBody
}

// feedInputBody is the feed query's body. Its tags are the documented
// schema; decodeFeedBody checks the same rules.
type feedInputBody struct {
	Authors    []string `json:"authors,omitempty" required:"false" maxItems:"50000" doc:"User ids whose tweets make up the feed (the timeline service sends the reader and everyone they follow). May be left out when authors_key names a list this service remembers."`
	AuthorsKey string   `json:"authors_key,omitempty" required:"false" pattern:"^[0-9a-f]{64}$" doc:"The name of the author list: the lowercase hex SHA-256 of the ids in order, each followed by a newline. Sent with authors, the service checks it and remembers the list; sent alone, it stands for that list, and 412 Precondition Failed asks for authors again (the service forgot it or never saw it)."`
	Hidden     []string `json:"hidden,omitempty" required:"false" maxItems:"50000" doc:"User ids whose tweets stay out of the feed even when one of the authors boosted them, and whose own entries stay out too: the reader's muted and blocked people and those who blocked the reader (follow's hidden set)."`
	Sort       string   `json:"sort,omitempty" required:"false" enum:"recent,popular" default:"recent" doc:"recent: newest first; popular: most liked first, ties newest first."`
	Cursor     string   `json:"cursor,omitempty" required:"false" maxLength:"40" doc:"The next value of the previous page."`
	After      string   `json:"after,omitempty" required:"false" maxLength:"20" doc:"Only tweets newer than this tweet id (recent only): what a reconnecting client missed."`
	Limit      int      `json:"limit,omitempty" required:"false" minimum:"1" maximum:"100" default:"20"`
}

// The bounds of the schema above, checked by feedInputBody.check.
const (
	feedMaxCursor = 40
	feedMaxAfter  = 20
	feedMinLimit  = 1
	feedMaxLimit  = 100
	feedLimit     = 20
)

var feedSorts = []string{tweets.SortRecent, tweets.SortPopular}

// Resolve decodes the body, answering what breaks the schema as huma's
// validation did: 422 "validation failed" with one entry per broken rule,
// 400 for a body that is not JSON, 415 for one not sent as JSON.
func (in *feedInput) Resolve(ctx huma.Context) []error {
	if ct := ctx.Header("Content-Type"); !jsonContentType(ct) {
		return []error{bodyError{http.StatusUnsupportedMediaType, &huma.ErrorDetail{
			Location: "body", Message: fmt.Errorf("%w: %s", huma.ErrUnknownContentType, ct).Error(), Value: string(in.RawBody)}}}
	}
	var problems []error
	in.body, problems = decodeFeedBody(in.RawBody)
	return problems
}

// jsonContentType reports whether huma reads a body of that Content-Type
// as JSON: no type at all, or application/json or json after any "+" and
// before any ";" (application/json; charset=utf-8, application/x+json).
func jsonContentType(ct string) bool {
	start, end := strings.IndexByte(ct, '+')+1, strings.IndexByte(ct, ';')
	if end == -1 {
		end = len(ct)
	}
	if end < start {
		return false
	}
	switch ct[start:end] {
	case "", "application/json", "json":
		return true
	}
	return false
}

// bodyError is a problem with the body answered with its own status.
type bodyError struct {
	status int
	detail *huma.ErrorDetail
}

func (e bodyError) Error() string                  { return e.detail.Error() }
func (e bodyError) ErrorDetail() *huma.ErrorDetail { return e.detail }
func (e bodyError) GetStatus() int                 { return e.status }

// feedWire is the body as sent: a nil member was absent or null. Unnamed
// (an alias), so that decoding errors name its fields as huma's did.
type feedWire = struct {
	Authors    *[]string `json:"authors"`
	AuthorsKey *string   `json:"authors_key"`
	Hidden     *[]string `json:"hidden"`
	Sort       *string   `json:"sort"`
	Cursor     *string   `json:"cursor"`
	After      *string   `json:"after"`
	Limit      *int      `json:"limit"`
}

// decodeFeedBody decodes a feed body and tells where it breaks the schema.
// A body of the expected shape is decoded once and checked here, rule by
// rule; one of another shape (not JSON, a member of the wrong type, an
// unknown member, no authors) is rare, and is handed to huma's validation
// against the schema, which tells what is wrong the way it always did.
func decodeFeedBody(data []byte) (feedInputBody, []error) {
	var w feedWire
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(&w)
	if err == nil && len(bytes.TrimLeft(data[dec.InputOffset():], " \t\r\n")) > 0 {
		err = errors.New("more than one JSON value")
	}
	// Absent and null authors decode alike, and a null among them decodes
	// as "": huma tells what is wrong with the shape, check the rest.
	if err != nil || (w.Authors != nil && slices.Contains(*w.Authors, "")) || (w.Hidden != nil && slices.Contains(*w.Hidden, "")) || (w.Authors == nil && w.AuthorsKey == nil) {
		if problems := validateFeedBody(data); len(problems) > 0 {
			return feedInputBody{}, problems
		}
		if err != nil {
			// Valid by the schema, yet not decodable (a limit of 2e1):
			// what huma said when decoding after validating.
			return feedInputBody{}, []error{&huma.ErrorDetail{Location: "body", Message: err.Error(), Value: string(data)}}
		}
	}
	b := feedInputBody{Sort: tweets.SortRecent, Limit: feedLimit}
	if w.Authors != nil {
		b.Authors = *w.Authors
	}
	if w.AuthorsKey != nil {
		b.AuthorsKey = *w.AuthorsKey
	}
	if w.Hidden != nil {
		b.Hidden = *w.Hidden
	}
	if w.Sort != nil {
		b.Sort = *w.Sort
	}
	if w.Cursor != nil {
		b.Cursor = *w.Cursor
	}
	if w.After != nil {
		b.After = *w.After
	}
	if w.Limit != nil {
		b.Limit = *w.Limit
	}
	return b, b.check(w)
}

// check applies the schema's rules to a body of the right shape, in the
// order huma's validation reports them (members by name).
func (b *feedInputBody) check(w feedWire) []error {
	var problems []error
	add := func(member string, value any, message string) {
		problems = append(problems, &huma.ErrorDetail{Location: "body." + member, Message: message, Value: value})
	}
	if w.After != nil && utf8.RuneCountInString(b.After) > feedMaxAfter {
		add("after", b.After, fmt.Sprintf(validation.MsgExpectedMaxLength, feedMaxAfter))
	}
	if w.Authors == nil && w.AuthorsKey == nil {
		// authors is required unless authors_key stands for it (null
		// counts as absent).
		problems = append(problems, &huma.ErrorDetail{Location: "body", Message: fmt.Sprintf(validation.MsgExpectedRequiredProperty, "authors")})
	}
	if len(b.Authors) > tweets.MaxFeedAuthors {
		add("authors", b.Authors, fmt.Sprintf(validation.MsgExpectedMaxItems, tweets.MaxFeedAuthors))
	}
	if w.AuthorsKey != nil && !authorset.Valid(b.AuthorsKey) {
		add("authors_key", b.AuthorsKey, fmt.Sprintf(validation.MsgExpectedMatchPattern, "^[0-9a-f]{64}$"))
	}
	if len(b.Hidden) > tweets.MaxFeedAuthors {
		add("hidden", b.Hidden, fmt.Sprintf(validation.MsgExpectedMaxItems, tweets.MaxFeedAuthors))
	}
	if w.Cursor != nil && utf8.RuneCountInString(b.Cursor) > feedMaxCursor {
		add("cursor", b.Cursor, fmt.Sprintf(validation.MsgExpectedMaxLength, feedMaxCursor))
	}
	if w.Limit != nil {
		switch {
		case b.Limit < feedMinLimit:
			add("limit", b.Limit, fmt.Sprintf(validation.MsgExpectedMinimumNumber, feedMinLimit))
		case b.Limit > feedMaxLimit:
			add("limit", b.Limit, fmt.Sprintf(validation.MsgExpectedMaximumNumber, feedMaxLimit))
		}
	}
	if w.Sort != nil && !slices.Contains(feedSorts, b.Sort) {
		add("sort", b.Sort, fmt.Sprintf(validation.MsgExpectedOneOf, strings.Join(feedSorts, ", ")))
	}
	return problems
}

// feedBodySchema is the body's schema as huma makes it from the tags, for
// validateFeedBody: the same schema the OpenAPI description documents.
var feedBodySchema = sync.OnceValues(func() (huma.Registry, *huma.Schema) {
	r := huma.NewMapRegistry("#/components/schemas/", huma.DefaultSchemaNamer)
	s := r.Schema(reflect.TypeFor[feedInputBody](), true, "")
	for s.Ref != "" {
		s = r.SchemaFromRef(s.Ref)
	}
	s.PrecomputeMessages()
	return r, s
})

// validateFeedBody is huma's validation of a feed body against its schema.
func validateFeedBody(data []byte) []error {
	var parsed any
	if err := json.Unmarshal(data, &parsed); err != nil {
		return []error{bodyError{http.StatusBadRequest, &huma.ErrorDetail{Location: "body", Message: err.Error(), Value: string(data)}}}
	}
	r, s := feedBodySchema()
	var res huma.ValidateResult
	path := huma.NewPathBuffer([]byte{}, 0)
	path.Push("body")
	huma.Validate(r, s, path, huma.ModeWriteToServer, parsed, &res)
	return res.Errors
}

// registerFeedAPI adds the feed query the timeline service reads home
// timelines with: fan-out on read against this service's own tables.
func (s *server) registerFeedAPI(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "query-feed", Method: http.MethodPost, Path: "/tweets/api/feed",
		Summary: "The tweets of a set of authors, a page at a time",
		Description: "A read, sent as POST because the author list can be long. Answers newest first " +
			"(sort=recent) or most liked first, ties newest first (sort=popular); the cursor is a position " +
			"in that order, so tweets posted meanwhile never repeat or skip entries of later pages.",
		Tags: []string{"tweets"}, Security: jsonapi.Security, Errors: []int{401, 412, 422},
		// Room for the longest author list allowed.
		MaxBodyBytes: 2 << 20,
		// Resolve checks the body, decoding it once.
		SkipValidateBody: true,
	}, s.queryFeed)
	// Taken raw, the body would be documented as bytes: it is documented
	// as the schema it is checked against.
	body := api.OpenAPI().Paths["/tweets/api/feed"].Post.RequestBody.Content["application/json"]
	body.Schema = api.OpenAPI().Components.Schemas.Schema(reflect.TypeFor[feedInputBody](), true, "")
}

func (s *server) queryFeed(ctx context.Context, in *feedInput) (*tweetListOutput, error) {
	v, err := viewer.Require(ctx)
	if err != nil {
		return nil, err
	}
	b := in.body
	page, err := s.Tweets.Feed(ctx, tweets.FeedRequest{
		Authors: b.Authors, AuthorsKey: b.AuthorsKey, Hidden: b.Hidden, Sort: b.Sort, Cursor: b.Cursor, After: b.After, Limit: b.Limit,
	}, v)
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	return tweetPage(page), nil
}
