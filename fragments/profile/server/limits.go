package server

import (
	"net/http"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humagin"
	"golang.org/x/time/rate"
)

// addressLimiter allows each client address a burst of sign-in and sign-up
// attempts that refills at a steady rate: enough for a person who mistypes,
// too little for guessing.
type addressLimiter struct {
	every time.Duration
	burst int

	mu      sync.Mutex
	clients map[string]*client
	swept   time.Time
}

// client is one address's allowance and when it was last used.
type client struct {
	limiter *rate.Limiter
	seen    time.Time
}

// newAddressLimiter allows burst attempts at once, and one more every interval.
func newAddressLimiter(every time.Duration, burst int) *addressLimiter {
	return &addressLimiter{every: every, burst: burst, clients: map[string]*client{}}
}

// Allow reports whether the address may make one more attempt now.
func (l *addressLimiter) Allow(ip string) bool {
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

// limitAttempts is the JSON API's sign-in limit: sign-up and sign-in
// attempts past the client address's allowance are answered 429.
func (s *server) limitAttempts(api huma.API) func(ctx huma.Context, next func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		if !s.limiter.Allow(humagin.Unwrap(ctx).ClientIP()) {
			huma.WriteErr(api, ctx, http.StatusTooManyRequests, "Too many attempts from your address. Wait a minute and try again.")
			return
		}
		next(ctx)
	}
}
