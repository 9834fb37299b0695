// Package peer is how a murmur service calls another: an HTTP client whose
// connections stay open between calls.
package peer

import (
	"net"
	"net/http"
	"time"
)

// Client returns an HTTP client for calls to other murmur services, giving
// up on a call after timeout. Go's default transport keeps two idle
// connections per host: under a few dozen concurrent page requests every
// other call would open, and leave in TIME_WAIT, a new TCP connection (seen
// in the load tool's profiles as connect and close system calls). This one
// keeps enough for a busy page's fragments to reuse theirs.
func Client(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: Transport()}
}

// Transport is Client's transport, for callers that need their own client
// around it (a reverse proxy).
func Transport() *http.Transport {
	return &http.Transport{
		Proxy:                 nil, // services talk directly, never through an HTTP proxy
		DialContext:           (&net.Dialer{Timeout: 2 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   64,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: 15 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}
