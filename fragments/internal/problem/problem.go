// Package problem is how a failure is answered over HTTP: the status each
// kind of domain error maps to, and the RFC 9457 problem+json body every
// service writes, from its JSON API or outside it (a refused cross-site
// request, a refused websocket handshake).
package problem

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"murmur/fragments/internal/fault"
)

// Type is the type of every murmur problem: RFC 9457's "about:blank", which
// says the status and title tell what went wrong.
const Type = "about:blank"

// ContentType is the media type of a problem body.
const ContentType = "application/problem+json"

// statuses are the HTTP statuses of the kinds of failure; Internal, and
// an error without a kind, are 500.
var statuses = map[fault.Kind]int{
	fault.Invalid:      http.StatusUnprocessableEntity,
	fault.NotFound:     http.StatusNotFound,
	fault.Forbidden:    http.StatusForbidden,
	fault.Conflict:     http.StatusConflict,
	fault.Unauthorized: http.StatusUnauthorized,
	fault.TooLarge:     http.StatusRequestEntityTooLarge,
	fault.Unsupported:  http.StatusUnsupportedMediaType,
	fault.TooMany:      http.StatusTooManyRequests,
	fault.Unavailable:  http.StatusServiceUnavailable,
	fault.Precondition: http.StatusPreconditionFailed,
}

// Status maps the kind of err to an HTTP status code: the one place domain
// errors meet HTTP.
func Status(err error) int {
	if status, ok := statuses[fault.KindOf(err)]; ok {
		return status
	}
	return http.StatusInternalServerError
}

// SetRetryAfter sets the Retry-After header, in whole seconds, when err
// says how long to wait before asking again (a rate limit's refusal does:
// it has a RetryAfter method).
func SetRetryAfter(h http.Header, err error) {
	var later interface{ RetryAfter() time.Duration }
	if errors.As(err, &later) {
		// Rounded up, so a client that waits that long is let in; what is
		// left of a millisecond is arithmetic noise, not a wait.
		secs := math.Ceil(later.RetryAfter().Round(time.Millisecond).Seconds())
		h.Set("Retry-After", strconv.Itoa(max(1, int(secs))))
	}
}

// New is the problem body of a status with a detail for people, with all
// four members the contract names. It is the JSON API's own error model, so
// problems written outside the API have exactly the API's shape.
func New(status int, detail string) *huma.ErrorModel {
	return &huma.ErrorModel{Type: Type, Title: http.StatusText(status), Status: status, Detail: detail}
}

// Write answers a request with a problem.
func Write(w http.ResponseWriter, status int, detail string) {
	body, _ := json.Marshal(New(status, detail))
	w.Header().Set("Content-Type", ContentType)
	w.WriteHeader(status)
	w.Write(body)
}
