// Package jsonapi sets up a service's JSON API with huma: the OpenAPI 3.1
// description and docs page under /<service>/api/, the ways an operation
// accepts a session, problem+json errors with all four members, and the
// one way a list answer names its next page.
package jsonapi

import (
	"html/template"
	"log/slog"
	"net/http"
	"slices"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humagin"
	"github.com/gin-gonic/gin"

	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/problem"
	"murmur/fragments/internal/render"
	"murmur/fragments/layout"
)

// New mounts a JSON API for the named service on r, with its OpenAPI 3.1
// description at /<service>/api/openapi.json and a docs page at
// /<service>/api/docs whose scripts are served by the service itself.
func New(r *gin.Engine, service, title, description string) huma.API {
	cfg := huma.DefaultConfig(title, "1.0.0")
	cfg.Info.Description = description
	cfg.OpenAPIPath = "/" + service + "/api/openapi"
	cfg.SchemasPath = "/" + service + "/api/schemas"
	cfg.DocsPath = ""
	// No "$schema" member in bodies and no Link headers: the contract's
	// shapes are exactly the documented fields.
	cfg.CreateHooks = nil
	cfg.Transformers = append(cfg.Transformers, completeProblem)
	cfg.OnAddOperation = append(cfg.OnAddOperation, documentRetryAfter)
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer", BearerFormat: "JWT"},
		"cookie": {Type: "apiKey", In: "cookie", Name: "murmur_session"},
	}
	api := humagin.New(r, cfg)
	page := template.Must(template.New("docs").Parse(docsPage))
	r.GET("/"+service+"/api/docs", func(c *gin.Context) {
		c.Header("Content-Security-Policy", layout.DocsContentSecurityPolicy)
		p := layout.Page{StaticPrefix: "/" + service + "/static"}
		render.HTML(c, http.StatusOK, page, "docs", map[string]string{
			"Title": title, "Spec": "/" + service + "/api/openapi.json",
			"CSS": p.Asset("vendor/swagger-ui/swagger-ui.css"), "JS": p.Asset("vendor/swagger-ui/swagger-ui-bundle.js"),
			"Init": p.Asset("docs.js"),
		})
	})
	return api
}

// completeProblem gives every error body huma writes (our own, and its
// validation errors) the problem type, which huma leaves out, so each one
// is RFC 9457 problem details with all four members; error details that
// name nothing are dropped.
func completeProblem(_ huma.Context, _ string, v any) (any, error) {
	if e, ok := v.(*huma.ErrorModel); ok {
		if e.Type == "" {
			e.Type = problem.Type
		}
		e.Errors = slices.DeleteFunc(e.Errors, func(d *huma.ErrorDetail) bool { return d == nil })
	}
	return v, nil
}

// documentRetryAfter documents the Retry-After header of every 429 an
// operation lists (a rate limit's refusal, see Error).
func documentRetryAfter(_ *huma.OpenAPI, op *huma.Operation) {
	if r := op.Responses["429"]; r != nil {
		r.Headers = map[string]*huma.Header{"Retry-After": {
			Description: "Seconds to wait before trying again.",
			Schema:      &huma.Schema{Type: huma.TypeInteger},
		}}
	}
}

const docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} — API</title><link rel="stylesheet" href="{{.CSS}}"></head>
<body><div id="docs" data-spec="{{.Spec}}"></div>
<script src="{{.JS}}"></script><script src="{{.Init}}"></script></body></html>`

// Security lists the ways an authenticated operation accepts a session.
var Security = []map[string][]string{{"bearer": {}}, {"cookie": {}}}

// Error turns a domain error into a problem+json error, with a
// Retry-After header when the error says when to ask again (a rate
// limit's refusal); internal errors are logged and answered without their
// details.
func Error(err error) error {
	status := problem.Status(err)
	switch status {
	case http.StatusInternalServerError:
		slog.Error("request failed", "err", err)
	case http.StatusServiceUnavailable:
		slog.Warn("request degraded", "err", err)
	}
	e := huma.NewError(status, fault.Message(err))
	h := http.Header{}
	problem.SetRetryAfter(h, err)
	if len(h) > 0 {
		return huma.ErrorWithHeaders(e, h)
	}
	return e
}

// WriteError answers from an operation's middleware, before the operation
// runs, with the problem and headers Error gives a domain error.
func WriteError(api huma.API, ctx huma.Context, err error) {
	h := http.Header{}
	problem.SetRetryAfter(h, err)
	for name, values := range h {
		for _, v := range values {
			ctx.AppendHeader(name, v)
		}
	}
	huma.WriteErr(api, ctx, problem.Status(err), fault.Message(err))
}

// Next is the "next" member of a list answer: the cursor of the next page,
// or null on the last page (an empty cursor).
func Next(cursor string) *string {
	if cursor == "" {
		return nil
	}
	return &cursor
}
