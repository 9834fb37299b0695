package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"murmur/fragments/internal/testkit"
	"murmur/fragments/tweets"
	"murmur/fragments/tweets/store"
)

// BenchmarkFeedHidden measures what a hidden set (the people a reader
// muted or blocked, or who blocked them) adds to the store's half of a
// home read: the same home of a reader following 1,000 people, read with
// no hidden set and with one of 20 people, in a murmur where boosts are
// common (one tweet in four is boosted), since the set is checked on
// boosts only.
func BenchmarkFeedHidden(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, testkit.DBPath(b, "tweets"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	const users, posts = 2_000, 40_000
	rng := rand.New(rand.NewPCG(14, 2026))
	now := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	ids := tweets.NewIDs(func() time.Time { return now })
	user := func(i int) string { return tweets.FormatID(int64(i + 1)) }
	for i := range posts {
		now = now.Add(17 * time.Second)
		tw, err := st.CreateTweet(ctx, tweets.NewTweet{NewID: ids.Next, AuthorID: user(rng.IntN(users)),
			Text: fmt.Sprintf("Tweet %d", i), CreatedAt: now})
		if err != nil {
			b.Fatal(err)
		}
		if i%4 == 0 {
			if _, err := st.SetBoost(ctx, tweets.NewBoost{NewID: ids.Next, TweetID: tw.ID,
				UserID: user(rng.IntN(users)), Boosted: true, At: now}); err != nil {
				b.Fatal(err)
			}
		}
	}
	reader := user(0)
	var authors, hidden []string
	for _, p := range rng.Perm(users)[:1020] {
		if p == 0 {
			continue
		}
		if len(hidden) < 20 {
			hidden = append(hidden, user(p))
			continue
		}
		authors = append(authors, user(p))
	}
	authors = append(authors, reader)
	for _, sort := range []string{tweets.SortRecent, tweets.SortPopular} {
		for _, set := range []struct {
			name   string
			hidden []string
		}{{"none", nil}, {"20", hidden}} {
			q := tweets.FeedQuery{Authors: authors, Hidden: set.hidden, Popular: sort == tweets.SortPopular,
				Limit: benchPageSize + 1, ViewerID: reader}
			b.Run(fmt.Sprintf("following=1000/%s/hidden=%s", sort, set.name), func(b *testing.B) {
				for b.Loop() {
					got, err := st.Feed(ctx, q)
					if err != nil {
						b.Fatal(err)
					}
					if len(got) != q.Limit {
						b.Fatalf("feed returned %d entries, want %d", len(got), q.Limit)
					}
				}
			})
		}
	}
}
