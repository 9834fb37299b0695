package render

import (
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
)

func TestLinks(t *testing.T) {
	req := httptest.NewRequest("GET", "/x", nil)
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = req
	l := LinksFor(c, "tweets")
	if l.Status("a_b", "42") != "/tweets/u/a_b/status/42" {
		t.Errorf("standalone tweet page: %s", l.Status("a_b", "42"))
	}
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
	if l.Status("a_b", "42") != "/u/a_b/status/42" {
		t.Errorf("shell tweet page: %s", l.Status("a_b", "42"))
	}
	if l.Home() != "/" || l.User("a_b") != "/u/a_b" || l.Page("").StaticPrefix != "/static" {
		t.Errorf("shell links: %s %s %s", l.Home(), l.User("a_b"), l.Page("").StaticPrefix)
	}
	if got := l.Tag("café"); got != "/tags/caf%C3%A9" {
		t.Errorf("shell tag page: %s", got)
	}
	req.Header.Del(ShellHeader)
	if got := LinksFor(c, "tweets").Tag("go_2"); got != "/tweets/tags/go_2" {
		t.Errorf("standalone tag page: %s", got)
	}
	req.Header.Set(MountHeader, "/timeline/tweets")
	if got := LinksFor(c, "tweets").Tag("ß"); got != "/timeline/tweets/tags/%C3%9F" {
		t.Errorf("mounted tag page: %s", got)
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
