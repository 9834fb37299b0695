package problem

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

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
