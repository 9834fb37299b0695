package server

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/gin-gonic/gin"

	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/tweets"
)

// problemSet is problems as sorted JSON. huma's validation names the
// unexpected members of an object in no fixed order, and where a member's
// name holds a dot, the locations of the members named after it depend on
// that order: then only the messages are compared.
func problemSet(problems []error) []string {
	out := make([]string, len(problems))
	unexpected := false
	for _, p := range problems {
		var d *huma.ErrorDetail
		unexpected = unexpected || (errors.As(p, &d) && d.Message == "unexpected property")
	}
	for i, p := range problems {
		var d *huma.ErrorDetail
		if unexpected && errors.As(p, &d) {
			out[i] = d.Message
			continue
		}
		b, _ := json.Marshal(p)
		out[i] = string(b)
	}
	slices.Sort(out)
	return out
}

// FuzzFeedBody holds the feed query's own reading of its body to what
// huma did before it: validate against the documented schema, then decode.
// For any body, decodeFeedBody accepts exactly what huma accepted (and
// has authors or authors_key), into
// the same values (defaults included), and refuses what breaks the schema
// with the problems huma's validation names; for any Content-Type,
// jsonContentType takes the body as JSON exactly when huma would.
func FuzzFeedBody(f *testing.F) {
	gin.SetMode(gin.ReleaseMode)
	api := jsonapi.New(gin.New(), "tweets", "tweets", "")
	f.Fuzz(func(t *testing.T, contentType string, data []byte) {
		var v any
		err := api.Unmarshal(contentType, []byte(`{}`), &v)
		if asJSON := !errors.Is(err, huma.ErrUnknownContentType); jsonContentType(contentType) != asJSON {
			t.Fatalf("jsonContentType(%q) = %v; huma reads it as JSON: %v", contentType, !asJSON, asJSON)
		}

		body, problems := decodeFeedBody(data)
		want := validateFeedBody(data)
		validated := len(want) == 0
		wantBody := feedInputBody{Sort: tweets.SortRecent, Limit: feedLimit}
		if validated {
			if err := json.Unmarshal(data, &wantBody); err != nil {
				want = []error{err}
			} else if wantBody.Authors == nil && wantBody.AuthorsKey == "" {
				// The one rule the schema cannot say: authors, or
				// authors_key standing for them (null counts as absent).
				want = []error{&huma.ErrorDetail{Location: "body", Message: "expected required property authors to be present"}}
			}
		}
		switch {
		case len(problems) == 0 && len(want) > 0:
			t.Fatalf("body %q accepted as %+v; huma refused it: %v", data, body, want)
		case len(problems) > 0 && len(want) == 0:
			t.Fatalf("body %q refused (%v); huma accepted it as %+v", data, problems, wantBody)
		case len(problems) == 0 && !reflect.DeepEqual(body, wantBody):
			t.Fatalf("body %q read as %+v; huma read %+v", data, body, wantBody)
		case len(problems) > 0 && !validated:
			if got, wanted := problemSet(problems), problemSet(want); !slices.Equal(got, wanted) {
				t.Fatalf("body %q: problems %q; huma's validation named %q", data, got, wanted)
			}
		}
	})
}
