package web

import (
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"
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

// IPLimiter allows each client address a burst of attempts that refills at
// a steady rate: enough for a person who mistypes, too little for guessing.
type IPLimiter struct {
	every time.Duration
	burst int

	mu      sync.Mutex
	clients map[string]*client
	swept   time.Time
}

type client struct {
	limiter *rate.Limiter
	seen    time.Time
}

// NewIPLimiter allows burst attempts at once, and one more every interval.
func NewIPLimiter(every time.Duration, burst int) *IPLimiter {
	return &IPLimiter{every: every, burst: burst, clients: map[string]*client{}}
}

// Allow reports whether the address may make one more attempt now.
func (l *IPLimiter) Allow(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	// Forget addresses whose allowance has refilled, so the map stays small.
	full := l.every * time.Duration(l.burst)
	if now.Sub(l.swept) > full {
		for k, c := range l.clients {
			if now.Sub(c.seen) > full {
				delete(l.clients, k)
			}
		}
		l.swept = now
	}
	c, ok := l.clients[ip]
	if !ok {
		c = &client{limiter: rate.NewLimiter(rate.Every(l.every), l.burst)}
		l.clients[ip] = c
	}
	c.seen = now
	return c.limiter.Allow()
}
