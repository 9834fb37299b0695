package server_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/people"
	"murmur/fragments/internal/telemetry"
	"murmur/fragments/internal/testkit"
	"murmur/fragments/profile/profiletest"
	"murmur/fragments/tweets"
	"murmur/fragments/tweets/server"
	"murmur/fragments/tweets/store"
	"murmur/fragments/tweets/tweetstest"
)

// quietBus stands in for Redis: reading cards publishes nothing, so the
// benchmark needs no Redis server.
type quietBus struct{}

func (quietBus) Publish(context.Context, string, any) {}

// BenchmarkCardsFragment measures GET /tweets/frag/cards?ids=, how the
// timeline shows every page of a home: the whole handler, from the session
// cookie's check through the store's read and the authors' lookup (cached
// by then, as it mostly is in a running service) to the rendered HTML.
// ns/card is the time per request divided by the cards it rendered; the
// gap between cards=1 and cards=20 is the per-request part.
func BenchmarkCardsFragment(b *testing.B) {
	ctx := context.Background()
	sessions := testkit.MustSessions(b)
	profile := profiletest.MustServer(b, sessions)
	var authors []profiletest.User
	for i := range 20 {
		authors = append(authors, profile.MustUser(b, fmt.Sprintf("author%d", i), fmt.Sprintf("Author Number %d", i)))
	}
	reader := authors[0]

	st, err := store.Open(ctx, testkit.DBPath(b, "tweets"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	dir := people.New(profile.URL, time.Minute)
	// The service's own log format, written nowhere: formatting the
	// request's log line is part of the cost.
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	h := server.New(server.Deps{
		Tweets: tweets.NewService(st, dir, quietBus{}, tweets.WithLogger(logger)), People: dir,
		Verifier: sessions.Verifier, Logger: logger, Metrics: telemetry.NewMetrics("tweets"),
	})

	ids := seedCards(b, st, authors, reader.ID, 100)
	for _, n := range []int{1, 20, 100} {
		b.Run(fmt.Sprintf("cards=%d", n), func(b *testing.B) {
			path := "/tweets/frag/cards?ids=" + strings.Join(ids[:n], ",")
			cookie := (&http.Cookie{Name: auth.CookieName, Value: reader.Token}).String()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				req.Header.Set("Cookie", cookie)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("GET %s = %d %s", path, rec.Code, rec.Body)
				}
				if got := bytes.Count(rec.Body.Bytes(), []byte(`<article class="card tweet"`)); got != n {
					b.Fatalf("rendered %d cards, want %d", got, n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/card")
		})
	}
}

// seedCards stores n tweets of the kinds a home shows — plain, with a
// link, with an image, long, liked by the reader — by the given authors,
// and returns their ids newest first, as a feed would list them.
func seedCards(b *testing.B, st *store.Store, authors []profiletest.User, reader string, n int) []string {
	b.Helper()
	ctx := context.Background()
	now := time.Now().UTC().Add(-24 * time.Hour)
	ids := tweets.NewIDs(func() time.Time { return now })
	img, err := tweets.ProcessImage(tweetstest.PNG(b, 40, 30))
	if err != nil {
		b.Fatal(err)
	}
	texts := []string{
		"Good morning, murmur!",
		"Reading https://example.org/articles/2026/why-small-services and thinking about it.",
		"A longer thought: " + strings.Repeat("words that go on for a while, ", 8),
		"Quotes \"and\" <angle brackets> & ampersands are escaped 👋",
	}
	out := make([]string, n)
	for i := range n {
		now = now.Add(time.Minute)
		author := authors[i%len(authors)].ID
		t := tweets.NewTweet{NewID: ids.Next, AuthorID: author, Text: texts[i%len(texts)], CreatedAt: now}
		if i%5 == 0 {
			m, err := st.CreateMedia(ctx, tweets.NewMedia{ID: ids.Next(), OwnerID: author, Alt: "a gradient", Image: img, CreatedAt: now})
			if err != nil {
				b.Fatal(err)
			}
			t.Attachments = []tweets.Attachment{{ID: m.ID}}
		}
		tw, err := st.CreateTweet(ctx, t)
		if err != nil {
			b.Fatal(err)
		}
		if i%3 == 0 {
			if _, err := st.SetLike(ctx, tw.ID, reader, true, now); err != nil {
				b.Fatal(err)
			}
		}
		out[n-1-i] = tw.ID
	}
	return out
}
