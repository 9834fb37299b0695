package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
)

func TestLinks(t *testing.T) {
	req := httptest.NewRequest("GET", "/x", nil)
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = req
	l := LinksFor(c, "tweets")
	if l.Home() != "/tweets/" || l.User("a_b") != "/tweets/u/a_b" || l.Page("").StaticPrefix != "/tweets/static" {
		t.Errorf("standalone links: %s %s %s", l.Home(), l.User("a_b"), l.Page("").StaticPrefix)
	}
	req.Header.Set(MountHeader, "/timeline/tweets")
	l = LinksFor(c, "tweets")
	if l.Self() != "/timeline/tweets" || l.User("a") != "/timeline/tweets/u/a" || l.Page("").StaticPrefix != "/timeline/tweets/static" {
		t.Errorf("mounted links: %s %s %s", l.Self(), l.User("a"), l.Page("").StaticPrefix)
	}
	for _, bad := range []string{"/timeline/follow", "//evil.example/tweets", "/a/b/tweets", "javascript:alert(1)//tweets"} {
		req.Header.Set(MountHeader, bad)
		if got := LinksFor(c, "tweets").Self(); got != "/tweets" {
			t.Errorf("mount %q accepted: Self = %q", bad, got)
		}
	}
	req.Header.Del(MountHeader)
	req.Header.Set(ShellHeader, "1")
	l = LinksFor(c, "tweets")
	if l.Home() != "/" || l.User("a_b") != "/u/a_b" || l.Page("").StaticPrefix != "/static" {
		t.Errorf("shell links: %s %s %s", l.Home(), l.User("a_b"), l.Page("").StaticPrefix)
	}
}

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
	r := NewEngine("svc", NewLogger("error"), NewMetrics("svc"))
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

func TestOnBrowserHost(t *testing.T) {
	for _, tt := range []struct{ page, target, want string }{
		{"localhost:4042", "http://127.0.0.1:4041/profile/", "http://localhost:4041/profile/"},
		{"127.0.0.1:4042", "http://127.0.0.1:4041/profile/", "http://127.0.0.1:4041/profile/"},
		{"[::1]:4042", "http://localhost:4041/profile/#signin", "http://[::1]:4041/profile/#signin"},
		{"murmur.example", "http://127.0.0.1:4041/profile/", "http://127.0.0.1:4041/profile/"},
		{"localhost:4042", "https://profile.example/profile/", "https://profile.example/profile/"},
	} {
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest("GET", "/", nil)
		c.Request.Host = tt.page
		if got := OnBrowserHost(c, tt.target); got != tt.want {
			t.Errorf("page on %s, link to %s: %s, want %s", tt.page, tt.target, got, tt.want)
		}
	}
}

func TestProfilesServeCPUProfiles(t *testing.T) {
	srv := httptest.NewServer(Profiles())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/debug/pprof/profile?seconds=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	// A CPU profile is a gzipped protocol buffer.
	if resp.StatusCode != http.StatusOK || len(body) < 2 || body[0] != 0x1f || body[1] != 0x8b {
		t.Errorf("GET profile = %d, %d bytes starting %x; want 200 and a gzipped profile", resp.StatusCode, len(body), body[:min(len(body), 2)])
	}
}
