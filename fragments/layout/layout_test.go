package layout

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestAgo(t *testing.T) {
	now := time.Now()
	for _, tt := range []struct {
		at   time.Time
		want string
	}{
		{now.Add(-10 * time.Second), "now"},
		{now.Add(-5 * time.Minute), "5m"},
		{now.Add(-3 * time.Hour), "3h"},
		{now.Add(-50 * time.Hour), "2d"},
		{time.Date(2001, 3, 4, 0, 0, 0, 0, time.UTC), "4 Mar 2001"},
	} {
		if got := Ago(tt.at); got != tt.want {
			t.Errorf("Ago(%v) = %q, want %q", tt.at, got, tt.want)
		}
	}
}

func TestAssetsAreServedUnderHashedNames(t *testing.T) {
	a := NewAssets(fstest.MapFS{"site.css": {Data: []byte("body{}")}, "app.js": {Data: []byte("1")}})
	name := a.Name("site.css")
	if !strings.HasPrefix(name, "site.") || !strings.HasSuffix(name, ".css") || name == "site.css" {
		t.Fatalf("hashed name %q", name)
	}
	if a.Name("missing.css") != "" {
		t.Error("a missing file has a name")
	}
	h := a.Handler("/s")
	for _, tt := range []struct{ path, cache string }{
		{"/s/" + name, "immutable"},
		{"/s/site.css", "no-cache"},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", tt.path, nil))
		body, _ := io.ReadAll(rec.Body)
		if rec.Code != 200 || string(body) != "body{}" || !strings.Contains(rec.Header().Get("Cache-Control"), tt.cache) ||
			rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: %d %q %v", tt.path, rec.Code, body, rec.Header())
		}
	}
}
