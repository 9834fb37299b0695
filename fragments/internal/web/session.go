package web

import (
	"net"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
)

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
