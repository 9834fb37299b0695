package jsonapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/gin-gonic/gin"

	"murmur/fragments/internal/fault"
)

// later is a refusal that says when to ask again, as a rate limit's does.
type later time.Duration

func (l later) Error() string             { return "limit reached" }
func (l later) RetryAfter() time.Duration { return time.Duration(l) }

// A refused operation answers 429 problem+json with Retry-After, from the
// operation and from a middleware alike, and its OpenAPI says so.
func TestRetryAfter(t *testing.T) {
	gin.SetMode(gin.TestMode)
	r := gin.New()
	api := New(r, "test", "test API", "")
	refused := fault.Wrap(fault.TooMany, later(90*time.Second), "Slow down. Try again in 2 minutes.")
	huma.Register(api, huma.Operation{
		OperationID: "from-operation", Method: http.MethodPost, Path: "/test/api/operation", Errors: []int{429},
	}, func(context.Context, *struct{}) (*struct{}, error) { return nil, Error(refused) })
	huma.Register(api, huma.Operation{
		OperationID: "from-middleware", Method: http.MethodPost, Path: "/test/api/middleware", Errors: []int{429},
		Middlewares: huma.Middlewares{func(ctx huma.Context, _ func(huma.Context)) { WriteError(api, ctx, refused) }},
	}, func(context.Context, *struct{}) (*struct{}, error) { return nil, nil })

	for _, path := range []string{"/test/api/operation", "/test/api/middleware"} {
		t.Run(path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			r.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, nil))
			var p huma.ErrorModel
			json.Unmarshal(rec.Body.Bytes(), &p)
			if rec.Code != 429 || rec.Header().Get("Retry-After") != "90" || p.Status != 429 || p.Detail != "Slow down. Try again in 2 minutes." {
				t.Errorf("answer %d, Retry-After %q, problem %+v; want 429, 90 and the message", rec.Code, rec.Header().Get("Retry-After"), p)
			}
		})
	}

	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/test/api/openapi.json", nil))
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]struct{ Headers map[string]any }
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if _, ok := doc.Paths["/test/api/operation"]["post"].Responses["429"].Headers["Retry-After"]; !ok {
		t.Errorf("the 429 response documents no Retry-After header: %s", rec.Body)
	}
}
