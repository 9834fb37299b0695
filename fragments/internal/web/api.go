package web

import (
	"html/template"
	"log/slog"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humagin"
	"github.com/gin-gonic/gin"

	"murmur/fragments/internal/fault"
	"murmur/fragments/layout"
)

func init() {
	// Every error body is RFC 9457 problem details with all four members,
	// "type" included.
	huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
		details := make([]*huma.ErrorDetail, 0, len(errs))
		for _, e := range errs {
			if e == nil {
				continue
			}
			if d, ok := e.(huma.ErrorDetailer); ok {
				details = append(details, d.ErrorDetail())
			} else {
				details = append(details, &huma.ErrorDetail{Message: e.Error()})
			}
		}
		if len(details) == 0 {
			details = nil
		}
		return &huma.ErrorModel{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: msg, Errors: details}
	}
}

// NewAPI mounts a JSON API for the named service on r, with its OpenAPI 3.1
// description at /<service>/api/openapi.json and a docs page at
// /<service>/api/docs whose scripts are served by the service itself.
func NewAPI(r *gin.Engine, service, title, description string) huma.API {
	cfg := huma.DefaultConfig(title, "1.0.0")
	cfg.Info.Description = description
	cfg.OpenAPIPath = "/" + service + "/api/openapi"
	cfg.SchemasPath = "/" + service + "/api/schemas"
	cfg.DocsPath = ""
	// No "$schema" member in bodies and no Link headers: the contract's
	// shapes are exactly the documented fields.
	cfg.CreateHooks = nil
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer", BearerFormat: "JWT"},
		"cookie": {Type: "apiKey", In: "cookie", Name: "murmur_session"},
	}
	api := humagin.New(r, cfg)
	page := template.Must(template.New("docs").Parse(docsPage))
	r.GET("/"+service+"/api/docs", func(c *gin.Context) {
		p := layout.Page{StaticPrefix: "/" + service + "/static"}
		HTML(c, http.StatusOK, page, "docs", map[string]string{
			"Title": title, "Spec": "/" + service + "/api/openapi.json",
			"CSS": p.Asset("vendor/swagger-ui/swagger-ui.css"), "JS": p.Asset("vendor/swagger-ui/swagger-ui-bundle.js"),
			"Init": p.Asset("docs.js"),
		})
	})
	return api
}

const docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} — API</title><link rel="stylesheet" href="{{.CSS}}"></head>
<body><div id="docs" data-spec="{{.Spec}}"></div>
<script src="{{.JS}}"></script><script src="{{.Init}}"></script></body></html>`

// Security lists the ways an authenticated operation accepts a session.
var Security = []map[string][]string{{"bearer": {}}, {"cookie": {}}}

// APIError turns a domain error into a problem+json error; internal errors
// are logged and answered without their details.
func APIError(err error) error {
	status := fault.Status(err)
	switch status {
	case http.StatusInternalServerError:
		slog.Error("request failed", "err", err)
	case http.StatusServiceUnavailable:
		slog.Warn("request degraded", "err", err)
	}
	return huma.NewError(status, fault.Message(err))
}
