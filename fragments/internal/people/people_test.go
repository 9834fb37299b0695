package people_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/people"
)

func TestClient(t *testing.T) {
	var calls atomic.Int32
	var status atomic.Int32
	status.Store(http.StatusOK)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if s := int(status.Load()); s != http.StatusOK {
			w.WriteHeader(s)
			return
		}
		switch r.URL.Path {
		case "/profile/api/users/ada":
			w.Write([]byte(`{"id":"1","handle":"ada","display_name":"Ada"}`))
		case "/profile/api/users":
			w.Write([]byte(`{"items":[{"id":"1","handle":"ada","display_name":"Ada","avatar_url":null},{"id":"2","handle":"bob","display_name":"Bob","avatar_url":"/profile/avatars/2/ab-96.jpg"}]}`))
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	c := people.New(srv.URL, time.Minute)

	p, err := c.ByHandle(ctx, " ADA ")
	if err != nil || p.ID != "1" {
		t.Fatalf("ByHandle(ADA) = %+v, %v", p, err)
	}
	if _, err := c.ByHandle(ctx, "ada"); err != nil || calls.Load() != 1 {
		t.Errorf("a second lookup asked profile again (%d calls), want it cached", calls.Load())
	}
	if _, err := c.ByHandle(ctx, "nobody"); !fault.Is(err, fault.NotFound) {
		t.Errorf("unknown handle: %v, want NotFound", err)
	}
	m, err := c.ByIDs(ctx, []string{"1", "2", "1"})
	if err != nil || len(m) != 2 || m["2"].Handle != "bob" {
		t.Errorf("ByIDs = %+v, %v", m, err)
	}
	if m["2"].AvatarURL != "/profile/avatars/2/ab-96.jpg" || m["1"].AvatarURL != "" {
		t.Errorf("ByIDs avatars: %q and %q, want bob's picture and none for ada", m["2"].AvatarURL, m["1"].AvatarURL)
	}

	status.Store(http.StatusInternalServerError)
	if _, err := c.ByHandle(ctx, "carol"); !fault.Is(err, fault.Unavailable) {
		t.Errorf("profile answering 500: %v, want Unavailable", err)
	}
	srv.Close()
	if _, err := c.ByIDs(ctx, []string{"9"}); !fault.Is(err, fault.Unavailable) {
		t.Errorf("profile down: %v, want Unavailable", err)
	}
	if m, err := c.ByIDs(ctx, []string{"2"}); err != nil || m["2"].Handle != "bob" {
		t.Errorf("a cached person while profile is down: %+v, %v", m, err)
	}
}
