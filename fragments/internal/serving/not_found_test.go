package serving

import (
	"net/http/httptest"
	"strings"
	"testing"

	"murmur/fragments/internal/telemetry"
)

// A path the service does not serve is answered in the form its asker
// reads: a problem from the API, a partial for htmx, a page in the site's
// look for a browser, linking where the request came from.
func TestUnknownPathsAnswerInTheirForm(t *testing.T) {
	r := NewEngine("svc", telemetry.NewLogger("error"), telemetry.NewMetrics("svc"), nil)
	for _, tt := range []struct {
		name, path, shell string
		contentType       string
		want              []string
	}{
		{"API", "/svc/api/nothing", "", "application/problem+json",
			[]string{`"status":404`, `"title":"Not Found"`}},
		{"fragment", "/svc/frag/nothing", "", "text/html",
			[]string{`<div class="problem" role="alert">`}},
		{"page on its own", "/svc/nothing", "", "text/html",
			[]string{"<!doctype html>", `href="/svc/static/murmur.`, "This page doesn’t exist", `class="button" href="/svc/"`}},
		{"page behind the shell", "/svc/nothing", "1", "text/html",
			[]string{"<!doctype html>", `href="/static/murmur.`, `class="button" href="/"`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", tt.path, nil)
			if tt.shell != "" {
				req.Header.Set("X-Murmur-Shell", tt.shell)
			}
			rec := httptest.NewRecorder()
			r.ServeHTTP(rec, req)
			if rec.Code != 404 || !strings.HasPrefix(rec.Header().Get("Content-Type"), tt.contentType) {
				t.Fatalf("GET %s: %d %q, want 404 %s", tt.path, rec.Code, rec.Header().Get("Content-Type"), tt.contentType)
			}
			for _, w := range tt.want {
				if !strings.Contains(rec.Body.String(), w) {
					t.Errorf("GET %s lacks %q:\n%s", tt.path, w, rec.Body)
				}
			}
		})
	}
}
