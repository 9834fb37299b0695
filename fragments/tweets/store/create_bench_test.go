package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"murmur/fragments/tweets"
	"murmur/fragments/tweets/store"
)

// benchPostingTweets is how many tweets the posting benchmark's store
// holds before it writes: enough that the search index has many segments
// and deep b-trees, as a store that has run for a while does.
const benchPostingTweets = 200_000

// BenchmarkCreateTweet writes tweets as the load tool's posting scenario
// does (a few words, a number, a hashtag) into a store that already holds
// benchPostingTweets tweets: the cost of a write transaction with its
// hashtags and its search index.
func BenchmarkCreateTweet(b *testing.B) {
	// One writer at a time: each tweet pays a transaction of its own.
	b.Run("one-writer", func(b *testing.B) { benchCreate(b, 1) })
	// Sixteen at once, as under load: writes arriving together share a
	// transaction (sqlite.Store.Write).
	b.Run("16-writers", func(b *testing.B) { benchCreate(b, 16) })
}

func benchCreate(b *testing.B, writers int) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "tweets.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	now := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	batch := make([]tweets.ImportedTweet, 0, 10_000)
	for i := range benchPostingTweets {
		batch = append(batch, tweets.ImportedTweet{ID: int64(i + 1), AuthorID: tweets.FormatID(int64(i%2_000 + 1)),
			Text: fmt.Sprintf("seeded tweet %d about the day #tag%d", i, i%50), CreatedAt: now.Add(time.Duration(i) * time.Second)})
		if len(batch) == cap(batch) {
			if err := st.ImportTweets(ctx, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	ids := tweets.NewIDs(time.Now)
	var n atomic.Int64
	b.ResetTimer()
	var wg sync.WaitGroup
	for range writers {
		wg.Go(func() {
			for i := n.Add(1); i <= int64(b.N); i = n.Add(1) {
				_, err := st.CreateTweet(ctx, tweets.NewTweet{AuthorID: tweets.FormatID(i%2_000 + 1),
					Text: fmt.Sprintf("load tweet %d #load", i), NewID: ids.Next, CreatedAt: time.Now()})
				if err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}
