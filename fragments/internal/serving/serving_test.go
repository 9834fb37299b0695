package serving

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/gin-gonic/gin"

	"murmur/fragments/internal/telemetry"
	"murmur/fragments/layout"
)

func TestProtectRefusesCrossSiteWrites(t *testing.T) {
	h := Protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))
	for _, tt := range []struct {
		method, site string
		want         int
	}{
		{"POST", "cross-site", 403},
		{"DELETE", "cross-site", 403},
		{"POST", "same-origin", 204},
		{"GET", "cross-site", 204},
		{"POST", "", 204},
	} {
		req := httptest.NewRequest(tt.method, "/x", nil)
		if tt.site != "" {
			req.Header.Set("Sec-Fetch-Site", tt.site)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tt.want {
			t.Errorf("%s with Sec-Fetch-Site %q: %d, want %d", tt.method, tt.site, rec.Code, tt.want)
		}
	}
}

func TestClientAddressIsBelievedOnlyFromTheShell(t *testing.T) {
	r := NewEngine("svc", telemetry.NewLogger("error"), telemetry.NewMetrics("svc"), nil)
	r.GET("/svc/ip", func(c *gin.Context) { c.String(200, c.ClientIP()) })
	for _, tt := range []struct{ remote, want string }{
		{"127.0.0.1:5000", "203.0.113.9"}, // nginx on this machine
		{"10.1.2.3:5000", "10.1.2.3"},     // anyone else
	} {
		req := httptest.NewRequest("GET", "/svc/ip", nil)
		req.RemoteAddr = tt.remote
		req.Header.Set("X-Real-IP", "203.0.113.9")
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		if got := rec.Body.String(); got != tt.want {
			t.Errorf("from %s with X-Real-IP 203.0.113.9: client %q, want %q", tt.remote, got, tt.want)
		}
	}
}

func TestEveryAnswerCarriesTheSecurityHeaders(t *testing.T) {
	r := NewEngine("svc", telemetry.NewLogger("error"), telemetry.NewMetrics("svc"), nil)
	r.GET("/svc/page", func(c *gin.Context) { c.Data(200, "text/html", []byte("<p>hi</p>")) })
	r.GET("/svc/api/thing", func(c *gin.Context) { c.JSON(200, gin.H{"ok": true}) })
	r.GET("/svc/own-policy", func(c *gin.Context) {
		c.Header("Content-Security-Policy", "default-src 'none'")
		c.Status(204)
	})
	r.GET("/svc/panics", func(c *gin.Context) { panic("boom") })
	for _, tt := range []struct {
		path   string
		status int
		csp    string
	}{
		{"/svc/page", 200, layout.ContentSecurityPolicy},
		{"/svc/api/thing", 200, layout.ContentSecurityPolicy},
		{"/svc/static/murmur.css", 200, layout.ContentSecurityPolicy},
		{"/svc/healthz", 200, layout.ContentSecurityPolicy},
		{"/svc/no-such-page", 404, layout.ContentSecurityPolicy},
		{"/svc/panics", 500, layout.ContentSecurityPolicy},
		{"/svc/own-policy", 204, "default-src 'none'"},
	} {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest("GET", tt.path, nil))
		if rec.Code != tt.status {
			t.Errorf("GET %s: status %d, want %d", tt.path, rec.Code, tt.status)
		}
		for _, h := range layout.SecurityHeaders {
			want := h.Value
			if h.Name == "Content-Security-Policy" {
				want = tt.csp
			}
			if got := rec.Header().Values(h.Name); len(got) != 1 || got[0] != want {
				t.Errorf("GET %s: %s = %q, want exactly %q", tt.path, h.Name, got, want)
			}
		}
	}
}

func TestOverHTTPSBelievesOnlyTheShell(t *testing.T) {
	r := NewEngine("svc", telemetry.NewLogger("error"), telemetry.NewMetrics("svc"), []string{"127.0.0.1", "10.9.0.0/16"})
	r.GET("/svc/https", func(c *gin.Context) { c.String(200, strconv.FormatBool(OverHTTPS(c.Request.Context()))) })
	for _, tt := range []struct {
		name, remote, proto string
		tls                 bool
		want                string
	}{
		{"plain HTTP from nginx", "127.0.0.1:5000", "", false, "false"},
		{"nginx says https", "127.0.0.1:5000", "https", false, "true"},
		{"nginx says HTTPS", "127.0.0.1:5000", "HTTPS", false, "true"},
		{"nginx says http", "127.0.0.1:5000", "http", false, "false"},
		{"a trusted network says https", "10.9.3.4:5000", "https", false, "true"},
		{"anyone else says https", "10.1.2.3:5000", "https", false, "false"},
		{"a TLS connection", "10.1.2.3:5000", "", true, "true"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/svc/https", nil)
			req.RemoteAddr = tt.remote
			if tt.proto != "" {
				req.Header.Set("X-Forwarded-Proto", tt.proto)
			}
			if tt.tls {
				req.TLS = &tls.ConnectionState{}
			}
			rec := httptest.NewRecorder()
			r.ServeHTTP(rec, req)
			if got := rec.Body.String(); got != tt.want {
				t.Errorf("OverHTTPS from %s (X-Forwarded-Proto %q, TLS %v) = %s, want %s", tt.remote, tt.proto, tt.tls, got, tt.want)
			}
		})
	}
}
