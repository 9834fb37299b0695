package tweets_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/testkit"
	"murmur/fragments/tweets"
	"murmur/fragments/tweets/store"
)

// The size of the benchmark's murmur, as in the store's BenchmarkFeed:
// 150,000 tweets by 2,000 people, posting skewed toward a few, and 60,000
// likes crowding onto recent tweets. Seeded in bulk, in seconds.
const (
	memoBenchUsers  = 2_000
	memoBenchTweets = 150_000
	memoBenchLikes  = 60_000
)

// seedMemoBench fills st and returns the authors of a home of someone who
// follows 1,000 people (and themself).
func seedMemoBench(b *testing.B, svc *tweets.Service) (reader string, authors []string) {
	b.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(8, 2026))
	user := func(i int) string { return tweets.FormatID(int64(i + 1)) }
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ids := make([]int64, 0, memoBenchTweets)
	batch := make([]tweets.ImportedTweet, 0, 10_000)
	for i := range memoBenchTweets {
		at = at.Add(17 * time.Second)
		u := rng.Float64()
		id := tweets.IDAt(at, int64(i))
		ids = append(ids, id)
		batch = append(batch, tweets.ImportedTweet{ID: id, AuthorID: user(int(u * u * memoBenchUsers)),
			Text: fmt.Sprintf("Tweet %d: notes on the weather.", i), CreatedAt: at})
		if len(batch) == cap(batch) {
			if err := svc.ImportTweets(ctx, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	likes := make([]tweets.ImportedLike, 0, memoBenchLikes)
	for range memoBenchLikes {
		u := rng.Float64()
		likes = append(likes, tweets.ImportedLike{TweetID: ids[memoBenchTweets-1-int(u*u*u*memoBenchTweets)],
			UserID: user(rng.IntN(memoBenchUsers)), CreatedAt: at})
	}
	if _, err := svc.ImportLikes(ctx, likes); err != nil {
		b.Fatal(err)
	}
	reader = user(0)
	for _, p := range rng.Perm(memoBenchUsers)[:1000] {
		if user(p) != reader {
			authors = append(authors, user(p))
		}
	}
	return reader, append(authors, reader)
}

// BenchmarkFeedMemo measures tweets.Service.Feed on the first page of the
// home of someone who follows 1,000 people, as the timeline asks for it:
//
//   - off: no memo, every read runs the feed query (as before the memo);
//   - miss: the memo is on but never holds the page (the first page read
//     20 and 21 tweets at a time take turns in a memo of one), so each read
//     runs the query and remembers its answer;
//   - hit: the page is remembered, so a read checks the authors' change
//     sequences and reads only the page's tweets.
//
// Authors are filled in from a directory that knows nobody, so the figures
// are the feed's own cost.
func BenchmarkFeedMemo(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, testkit.DBPath(b, "tweets"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	start := time.Now()
	reader, authors := seedMemoBench(b, tweets.NewService(st, nobody{}, quiet{}))
	b.Logf("seeded %d tweets and %d likes in %v", memoBenchTweets, memoBenchLikes, time.Since(start).Round(100*time.Millisecond))
	viewer := auth.Viewer{ID: reader}

	for _, sort := range []string{tweets.SortRecent, tweets.SortPopular} {
		top := tweets.FeedRequest{Authors: authors, Sort: sort, Limit: 20}
		other := top
		other.Limit++
		for _, tc := range []struct {
			name  string
			pages int
			reads []tweets.FeedRequest
		}{
			{"off", 0, []tweets.FeedRequest{top}},
			{"miss", 1, []tweets.FeedRequest{top, other}},
			{"hit", tweets.DefaultFeedMemo, []tweets.FeedRequest{top}},
		} {
			svc := tweets.NewService(st, nobody{}, quiet{}, tweets.WithFeedMemo(tc.pages))
			i := 0 // across runs too: the reads of a miss keep taking turns
			b.Run(fmt.Sprintf("following=1000/%s/memo=%s", sort, tc.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					r := tc.reads[i%len(tc.reads)]
					page, err := svc.Feed(ctx, r, viewer)
					if err != nil || len(page.Tweets) != r.Limit {
						b.Fatalf("feed: %d tweets, %v; want a full page", len(page.Tweets), err)
					}
					i++
				}
				stats := svc.FeedMemoStats()
				if tc.name == "hit" && stats.Misses > 1 || tc.name == "miss" && stats.Hits > 0 {
					b.Fatalf("memo %s: %d hits, %d misses", tc.name, stats.Hits, stats.Misses)
				}
			})
		}
	}
}
