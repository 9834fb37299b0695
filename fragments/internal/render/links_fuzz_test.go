package render

import (
	"net"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// linkPrefix is every shape a service's own URLs may take on a page: its
// prefix, or the prefix of another service it is mounted in, then its own.
var linkPrefix = regexp.MustCompile(`^/[a-z]+(/[a-z]+)?$`)

// signInTargets are configured URLs of services opened on their own, as
// OnBrowserHost receives them.
var signInTargets = []string{
	"http://127.0.0.1:4041/profile/",
	"http://localhost:4041/profile/#signin",
	"http://[::1]:4043/follow/",
	"http://127.0.0.1/profile/",
	"https://profile.example/profile/",
}

func loopbackHost(h string) bool {
	ip := net.ParseIP(h)
	return h == "localhost" || (ip != nil && ip.IsLoopback())
}

// FuzzLinks holds the links fragments write to what the request's headers
// may change, whatever a client puts in them (X-Murmur-Shell,
// X-Murmur-Mount, Host, a handle from the URL). A service's links stay
// under its own prefix, or under a mount of the one allowed shape ending
// in it, never when nginx says the page is the shell's; a person's link
// holds their handle as one escaped path segment, a hashtag's page its tag; a link to another
// service keeps its scheme, port, path and fragment, and changes its host
// only from one loopback name to the loopback name the browser used.
func FuzzLinks(f *testing.F) {
	gin.SetMode(gin.ReleaseMode)
	f.Fuzz(func(t *testing.T, shell, mount, host, handle string) {
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest("GET", "/", nil)
		c.Request.Header.Set(ShellHeader, shell)
		c.Request.Header.Set(MountHeader, mount)
		c.Request.Host = host
		for _, service := range []string{"profile", "tweets", "follow", "timeline"} {
			l := LinksFor(c, service)
			self := l.Self()
			switch {
			case !linkPrefix.MatchString(self) || !strings.HasSuffix(self, "/"+service):
				t.Fatalf("%s's links under %q (mount %q)", service, self, mount)
			case self != "/"+service && (shell != "" || self != mount):
				t.Fatalf("%s's links under %q (shell %q, mount %q)", service, self, shell, mount)
			}
			home := l.Home()
			user := l.User(handle)
			segment, found := strings.CutPrefix(user, strings.TrimSuffix(home, "/")+"/u/")
			if !found {
				t.Fatalf("the link to %q is %q, not under %q", handle, user, home)
			}
			if strings.ContainsAny(segment, "/?#\"'<> \\") {
				t.Fatalf("the link to %q is %q: its handle is not one escaped segment", handle, user)
			}
			if back, err := url.PathUnescape(segment); err != nil || back != handle {
				t.Fatalf("the link to %q is %q, which names %q (%v)", handle, user, back, err)
			}
			// A tweet's page is its author's page, then /status/ and the
			// id as one escaped segment (the handle stands in for an id).
			status := l.Status(handle, handle)
			id, found := strings.CutPrefix(status, user+"/status/")
			if !found || strings.ContainsAny(id, "/?#\"'<> \\") {
				t.Fatalf("the page of tweet %q by %q is %q", handle, handle, status)
			}
			if back, err := url.PathUnescape(id); err != nil || back != handle {
				t.Fatalf("the page of tweet %q is %q, which names %q (%v)", handle, status, back, err)
			}
			// A hashtag's page, likewise, holds the tag as one segment.
			tag := l.Tag(handle)
			segment, found = strings.CutPrefix(tag, strings.TrimSuffix(home, "/")+"/tags/")
			if !found || strings.ContainsAny(segment, "/?#\"'<> \\") {
				t.Fatalf("the page of #%q is %q, not one escaped segment under %q", handle, tag, home)
			}
			if back, err := url.PathUnescape(segment); err != nil || back != handle {
				t.Fatalf("the page of #%q is %q, which names %q (%v)", handle, tag, back, err)
			}
		}

		page := host
		if h, _, err := net.SplitHostPort(host); err == nil {
			page = h
		}
		for _, target := range signInTargets {
			got := OnBrowserHost(c, target)
			u, err := url.Parse(got)
			want, _ := url.Parse(target)
			switch {
			case err != nil:
				t.Fatalf("page on %q: the link to %s is %q: %v", host, target, got, err)
			case u.Scheme != want.Scheme || u.Port() != want.Port() || u.Path != want.Path || u.Fragment != want.Fragment:
				t.Fatalf("page on %q: the link to %s is %q", host, target, got)
			case u.Hostname() != want.Hostname() && !(loopbackHost(want.Hostname()) && loopbackHost(u.Hostname()) && u.Hostname() == page):
				t.Fatalf("page on %q: the link to %s leads to %q", host, target, got)
			}
		}
	})
}
