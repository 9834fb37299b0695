package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"murmur/fragments/internal/people"
	"murmur/fragments/internal/telemetry"
	"murmur/fragments/internal/testkit"
	"murmur/fragments/profile/profiletest"
	"murmur/fragments/tweets"
	"murmur/fragments/tweets/server"
	"murmur/fragments/tweets/store"
)

// BenchmarkFeedAPI measures POST /tweets/api/feed as the timeline sends
// it for someone who follows 1,000 people: the whole handler, from the
// bearer token's check and the body's decoding (a thousand author ids)
// through the feed to the JSON answer, with the feed memo off (every
// request runs the feed query) and on (the page is remembered).
func BenchmarkFeedAPI(b *testing.B) {
	ctx := context.Background()
	sessions := testkit.MustSessions(b)
	profile := profiletest.MustServer(b, sessions)
	reader := profile.MustUser(b, "reader", "Reader")
	// The newest tweets, the ones a first page shows, are by twenty people
	// the directory knows (and soon caches, as in a running service); 980
	// more followees posted before them.
	authors := []string{reader.ID}
	var known []string
	for i := range 20 {
		known = append(known, profile.MustUser(b, fmt.Sprintf("author%d", i), "Author").ID)
	}
	authors = append(authors, known...)
	for i := range 980 {
		authors = append(authors, fmt.Sprint(900_000+i))
	}
	st, err := store.Open(ctx, testkit.DBPath(b, "tweets"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	var list []tweets.ImportedTweet
	at := time.Now().UTC().Add(-24 * time.Hour).Truncate(time.Millisecond)
	for i := range 20_000 {
		at = at.Add(time.Second)
		author := authors[21+i%980]
		if i >= 19_000 {
			author = known[i%len(known)]
		}
		list = append(list, tweets.ImportedTweet{ID: tweets.IDAt(at, 0), AuthorID: author, Text: fmt.Sprint("tweet ", i), CreatedAt: at})
	}
	if err := st.ImportTweets(ctx, list); err != nil {
		b.Fatal(err)
	}
	body, err := json.Marshal(map[string]any{"authors": authors, "sort": tweets.SortRecent, "limit": 20})
	if err != nil {
		b.Fatal(err)
	}
	dir := people.New(profile.URL, time.Minute)
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	for _, memo := range []int{0, tweets.DefaultFeedMemo} {
		h := server.New(server.Deps{
			Tweets: tweets.NewService(st, dir, quietBus{}, tweets.WithLogger(logger), tweets.WithFeedMemo(memo)), People: dir,
			Verifier: sessions.Verifier, Logger: logger, Metrics: telemetry.NewMetrics("tweets"),
		})
		name := "off"
		if memo > 0 {
			name = "hit"
		}
		b.Run(fmt.Sprintf("following=1000/memo=%s", name), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/tweets/api/feed", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+reader.Token)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK || !bytes.Contains(rec.Body.Bytes(), []byte(`"next":"`)) {
					b.Fatalf("POST /tweets/api/feed = %d %.200s, want a full page", rec.Code, rec.Body)
				}
			}
		})
	}
}
