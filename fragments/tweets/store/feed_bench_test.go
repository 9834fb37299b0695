package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"murmur/fragments/internal/testkit"
	"murmur/fragments/tweets"
	"murmur/fragments/tweets/store"
	"murmur/fragments/tweets/tweetstest"
)

// The size of the benchmark's murmur: big enough that the feed query's
// cost is the cost of its index reads, not of a table that fits in a few
// pages, and small enough to seed through the store's own methods in
// seconds. The feed's work is bounded by authors × page size, whatever the
// table holds, so the figures carry over to a larger table give or take
// the depth of the indexes.
const (
	benchUsers  = 2_000
	benchTweets = 150_000
	benchLikes  = 60_000
	// Every benchImageEvery-th tweet carries an image, so the feed's
	// second query (the pages' images) finds some.
	benchImageEvery = 20
	// benchPageSize is a home timeline's page; the store is asked for one
	// more, as tweets.Service does, to learn whether a next page exists.
	benchPageSize = 20
)

// benchReader is a person whose home the benchmark reads: whom they
// follow, with themself, are the feed's authors.
type benchReader struct {
	id      string
	authors []string
}

// seedFeed fills a store through CreateMedia, CreateTweet and SetLike with
// benchTweets tweets by benchUsers people over about a month, posting
// skewed toward a few prolific authors, and benchLikes likes skewed toward
// recent tweets (as likes go: most come while a tweet is new), so the
// popular order has real counts to sort by. It returns readers following
// 10 and 1,000 people. The randomness is seeded: every run reads the same
// murmur.
func seedFeed(b *testing.B, st *store.Store) map[int]benchReader {
	b.Helper()
	ctx := context.Background()
	start := time.Now()
	rng := rand.New(rand.NewPCG(8, 2026))
	now := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	ids := tweets.NewIDs(func() time.Time { return now })
	user := func(i int) string { return tweets.FormatID(int64(i + 1)) }
	img, err := tweets.ProcessImage(tweetstest.PNG(b, 4, 3))
	if err != nil {
		b.Fatal(err)
	}

	posted := make([]string, 0, benchTweets)
	for i := range benchTweets {
		now = now.Add(17 * time.Second)
		u := rng.Float64()
		author := user(int(u * u * benchUsers)) // a quarter of the tweets come from 6% of the people
		n := tweets.NewTweet{NewID: ids.Next, AuthorID: author,
			Text: fmt.Sprintf("Tweet %d: notes on https://example.org/%d and the weather.", i, i), CreatedAt: now}
		if i%benchImageEvery == 0 {
			m, err := st.CreateMedia(ctx, tweets.NewMedia{ID: ids.Next(), OwnerID: author, Image: img, CreatedAt: now})
			if err != nil {
				b.Fatal(err)
			}
			n.Attachments = []tweets.Attachment{{ID: m.ID}}
		}
		tw, err := st.CreateTweet(ctx, n)
		if err != nil {
			b.Fatal(err)
		}
		posted = append(posted, tw.ID)
	}
	for range benchLikes {
		u := rng.Float64()
		tweet := posted[benchTweets-1-int(u*u*u*benchTweets)]
		if _, err := st.SetLike(ctx, tweet, user(rng.IntN(benchUsers)), true, now); err != nil {
			b.Fatal(err)
		}
	}

	readers := map[int]benchReader{}
	for i, following := range []int{10, 1000} {
		r := benchReader{id: user(i)}
		for _, p := range rng.Perm(benchUsers)[:following] {
			if p != i {
				r.authors = append(r.authors, user(p))
			}
		}
		r.authors = append(r.authors, r.id)
		readers[following] = r
	}
	b.Logf("seeded %d tweets (1 in %d with an image) by %d people and %d likes in %v",
		benchTweets, benchImageEvery, benchUsers, benchLikes, time.Since(start).Round(100*time.Millisecond))
	return readers
}

// BenchmarkFeed measures the store's half of reading a home timeline: one
// page of the tweets of the people a reader follows, newest first or most
// liked first, at the top or further down through a cursor. ns/author is
// the time per op divided by the number of authors: the feed's cost grows
// with whom the reader follows, and this shows by how much.
func BenchmarkFeed(b *testing.B) {
	ctx := context.Background()
	path := testkit.DBPath(b, "tweets")
	st, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	readers := seedFeed(b, st)
	if info, err := os.Stat(path); err == nil {
		b.Logf("database file: %.1f MB", float64(info.Size())/1e6)
	}

	for _, following := range []int{10, 1000} {
		r := readers[following]
		for _, sort := range []string{tweets.SortRecent, tweets.SortPopular} {
			top := tweets.FeedQuery{Authors: r.authors, Popular: sort == tweets.SortPopular,
				Limit: benchPageSize + 1, ViewerID: r.id}
			for _, page := range []int{1, 5} {
				q := top
				q.Below = feedPosition(b, st, top, page)
				b.Run(fmt.Sprintf("following=%d/%s/page=%d", following, sort, page), func(b *testing.B) {
					for b.Loop() {
						got, err := st.Feed(ctx, q)
						if err != nil {
							b.Fatal(err)
						}
						if len(got) != q.Limit {
							b.Fatalf("feed returned %d tweets, want a full page of %d", len(got), q.Limit)
						}
					}
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(q.Authors)), "ns/author")
				})
			}
		}
	}
}

// feedPosition is where the given page of a feed starts: the position of
// the last tweet of the page before, found by reading the feed the way a
// reader scrolls it.
func feedPosition(b *testing.B, st *store.Store, q tweets.FeedQuery, page int) tweets.FeedPosition {
	b.Helper()
	q.Below = tweets.FeedPosition{}
	q.Limit = benchPageSize
	for range page - 1 {
		list, err := st.Feed(context.Background(), q)
		if err != nil || len(list) < benchPageSize {
			b.Fatalf("reading up to page %d: %d tweets, %v", page, len(list), err)
		}
		last := list[len(list)-1]
		id, _ := tweets.ParseID(last.ID)
		q.Below = tweets.FeedPosition{Likes: last.LikeCount, ID: id}
	}
	return q.Below
}
