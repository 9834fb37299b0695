package render

import (
	"net"
	"net/url"
	"regexp"
	"strings"

	"github.com/gin-gonic/gin"

	"murmur/fragments/layout"
)

// ShellHeader is set by nginx on every request it proxies, so a fragment
// knows whether its links should lead to the shell's pages or to the
// service's own.
const ShellHeader = "X-Murmur-Shell"

// MountHeader names the path under which another service, opened on its
// own, forwards this service's URLs (the timeline forwards /timeline/tweets/…
// to tweets), so that the fragments it embeds link, load images and post
// where that page's origin can reach them.
const MountHeader = "X-Murmur-Mount"

// mountRule is the only shape a mount may have: /<other service>/<this service>.
var mountRule = regexp.MustCompile(`^/[a-z]+/[a-z]+$`)

// Links builds the URLs fragments link to, which differ between the shell,
// a service opened on its own, and a service mounted in another.
type Links struct {
	Shell   bool
	Service string
	// Mount is where the service's own URLs are reached from the page;
	// "/<service>" unless it is mounted in another service.
	Mount string
}

// LinksFor tells the links of a request to the named service.
func LinksFor(c *gin.Context, service string) Links {
	l := Links{Shell: c.GetHeader(ShellHeader) != "", Service: service, Mount: "/" + service}
	if m := c.GetHeader(MountHeader); !l.Shell && mountRule.MatchString(m) && strings.HasSuffix(m, "/"+service) {
		l.Mount = m
	}
	return l
}

// Self is the prefix of the service's own URLs as the page reaches them.
func (l Links) Self() string { return l.Mount }

// Home is the page to return to: the shell's home, or the service's own page.
func (l Links) Home() string {
	if l.Shell {
		return "/"
	}
	return l.Mount + "/"
}

// User is the page of the person with the given handle.
func (l Links) User(handle string) string {
	if l.Shell {
		return "/u/" + url.PathEscape(handle)
	}
	return l.Mount + "/u/" + url.PathEscape(handle)
}

// Status is the page of one tweet, by the person with the given handle:
// the shell's /u/<handle>/status/<id>, or the same path under the
// service's own prefix. The id is escaped too, though tweet ids are digits.
func (l Links) Status(handle, id string) string {
	return l.User(handle) + "/status/" + url.PathEscape(id)
}

// Tag is the page of the tweets with a hashtag, given in its normal form
// (without "#"): the shell's /tags/<tag>, or the tweets service's own.
func (l Links) Tag(tag string) string {
	if l.Shell {
		return "/tags/" + url.PathEscape(tag)
	}
	return l.Mount + "/tags/" + url.PathEscape(tag)
}

// Settings is the signed-in person's settings page: the shell's, or
// profile's own (the service that owns accounts).
func (l Links) Settings() string {
	if l.Shell {
		return "/settings"
	}
	return "/profile/settings"
}

// Page returns an empty page in the common layout for this request.
func (l Links) Page(title string) layout.Page {
	p := layout.Page{Title: title, Home: l.Home(), StaticPrefix: "/static"}
	if !l.Shell {
		p.StaticPrefix = l.Mount + "/static"
	}
	return p
}

// SignedInNav is the data of the "signed-in-nav" header that tweets, follow
// and timeline show when opened on their own.
type SignedInNav struct {
	Links Links
	// Handle is the signed-in viewer's, empty when signed out.
	Handle string
	// SignIn is where the Sign in button leads.
	SignIn string
}

// OnBrowserHost points a link to another service opened on its own (a URL
// from configuration, such as http://127.0.0.1:4041/profile/) at the host
// name the browser used for this page, keeping the other service's port.
// Session cookies belong to a host name, not a port, so localhost and
// 127.0.0.1 hold separate sessions; only loopback names are swapped.
func OnBrowserHost(c *gin.Context, target string) string {
	u, err := url.Parse(target)
	if err != nil {
		return target
	}
	reqHost, _, err := net.SplitHostPort(c.Request.Host)
	if err != nil {
		reqHost = c.Request.Host
	}
	loopback := func(h string) bool {
		ip := net.ParseIP(h)
		return h == "localhost" || (ip != nil && ip.IsLoopback())
	}
	if host := u.Hostname(); loopback(host) && loopback(reqHost) && host != reqHost {
		port := u.Port()
		u.Host = net.JoinHostPort(reqHost, port)
		if port == "" {
			u.Host = strings.TrimSuffix(u.Host, ":")
		}
	}
	return u.String()
}

// The tweets service's feed fragment (POST /tweets/frag/feed) answers a
// page of cards as HTML and tells the timeline the rest in these headers.
const (
	// FeedNextHeader is the cursor of the next page; absent at the end.
	FeedNextHeader = "X-Murmur-Feed-Next"
	// FeedNewestHeader is the newest tweet id of the feed's authors in the
	// recent order ("0" when they have none), on a first page only: where
	// the live socket starts.
	FeedNewestHeader = "X-Murmur-Feed-Newest"
	// FeedCountHeader is how many cards the page holds.
	FeedCountHeader = "X-Murmur-Feed-Count"
)
