package problem

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"murmur/fragments/internal/fault"
)

func TestStatus(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want int
	}{
		{fault.New(fault.Invalid, "x"), http.StatusUnprocessableEntity},
		{fault.New(fault.NotFound, "x"), http.StatusNotFound},
		{fault.New(fault.Forbidden, "x"), http.StatusForbidden},
		{fault.New(fault.Conflict, "x"), http.StatusConflict},
		{fault.New(fault.Unauthorized, "x"), http.StatusUnauthorized},
		{fault.New(fault.TooLarge, "x"), http.StatusRequestEntityTooLarge},
		{fault.New(fault.Unsupported, "x"), http.StatusUnsupportedMediaType},
		{fault.New(fault.TooMany, "x"), http.StatusTooManyRequests},
		{fault.Wrap(fault.Unavailable, errors.New("dial"), "x"), http.StatusServiceUnavailable},
		{errors.New("disk full"), http.StatusInternalServerError},
	} {
		if got := Status(tt.err); got != tt.want {
			t.Errorf("Status(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

func TestWrite(t *testing.T) {
	rec := httptest.NewRecorder()
	Write(rec, http.StatusForbidden, "cross-origin request refused")
	want := `{"type":"about:blank","title":"Forbidden","status":403,"detail":"cross-origin request refused"}`
	if rec.Code != http.StatusForbidden || rec.Header().Get("Content-Type") != ContentType || rec.Body.String() != want {
		t.Errorf("Write = %d %q %s, want 403 %s %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body, ContentType, want)
	}
}

// wait is an error that says when to ask again, as a rate limit's refusal does.
type wait time.Duration

func (w wait) Error() string             { return "limit reached" }
func (w wait) RetryAfter() time.Duration { return time.Duration(w) }

func TestSetRetryAfter(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
		want string
	}{
		{"whole seconds", fault.Wrap(fault.TooMany, wait(90*time.Second), "x"), "90"},
		{"rounded up", fault.Wrap(fault.TooMany, wait(1500*time.Millisecond), "x"), "2"},
		{"at least a second", fault.Wrap(fault.TooMany, wait(0), "x"), "1"},
		{"none for other errors", fault.New(fault.TooMany, "x"), ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			SetRetryAfter(h, tt.err)
			if got := h.Get("Retry-After"); got != tt.want {
				t.Errorf("Retry-After = %q, want %q", got, tt.want)
			}
		})
	}
}
