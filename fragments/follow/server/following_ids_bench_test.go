package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"murmur/fragments/follow"
	"murmur/fragments/follow/server"
	"murmur/fragments/follow/store"
	"murmur/fragments/internal/people"
	"murmur/fragments/internal/telemetry"
	"murmur/fragments/internal/testkit"
	"murmur/fragments/profile/profiletest"
)

// quietBus stands in for Redis: listing ids publishes nothing, so the
// benchmark needs no Redis server.
type quietBus struct{}

func (quietBus) Publish(context.Context, string, any) {}

// BenchmarkFollowingIDs measures GET /follow/api/users/{id}/following/ids
// for a reader who follows 1,000 people, the timeline's question on every
// home page: the whole handler, from the bearer token's check (remembered
// after the first) to the answer.
//
//   - list: no If-None-Match, the whole list: a thousand ids read from the
//     index and written as JSON (some 7 KB here; the timeline then decodes
//     it).
//   - not-modified: If-None-Match with the list's current ETag, as the
//     timeline sends once it holds the list: one primary-key lookup and a
//     304 without a body.
func BenchmarkFollowingIDs(b *testing.B) {
	ctx := context.Background()
	sessions := testkit.MustSessions(b)
	profile := profiletest.MustServer(b, sessions)
	reader := profile.MustUser(b, "reader", "Reader")

	st, err := store.Open(ctx, testkit.DBPath(b, "follow"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	edges := make([]follow.Edge, 1000)
	now := time.Now()
	for i := range edges {
		edges[i] = follow.Edge{FollowerID: reader.ID, FolloweeID: strconv.Itoa(1000 + i), CreatedAt: now}
	}
	if _, err := st.ImportFollows(ctx, edges); err != nil {
		b.Fatal(err)
	}
	// The service's own log format, written nowhere: formatting the
	// request's log line is part of the cost.
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	h := server.New(server.Deps{
		Graph:    follow.NewGraph(st, people.New(profile.URL, time.Minute), quietBus{}),
		Verifier: sessions.Verifier, Logger: logger, Metrics: telemetry.NewMetrics("follow"),
	})

	path := "/follow/api/users/" + reader.ID + "/following/ids?limit=1000"
	get := func(b *testing.B, ifNoneMatch string, want int) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Authorization", "Bearer "+reader.Token)
		if ifNoneMatch != "" {
			req.Header.Set("If-None-Match", ifNoneMatch)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			b.Fatalf("GET %s (If-None-Match %q) = %d %s, want %d", path, ifNoneMatch, rec.Code, rec.Body, want)
		}
		return rec
	}
	etag := get(b, "", http.StatusOK).Header().Get("ETag")

	for _, bc := range []struct {
		name, ifNoneMatch string
		want              int
	}{
		{"list", "", http.StatusOK},
		{"not-modified", etag, http.StatusNotModified},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var body int
			for b.Loop() {
				body = get(b, bc.ifNoneMatch, bc.want).Body.Len()
			}
			b.ReportMetric(float64(body), "body-bytes")
		})
	}
}
