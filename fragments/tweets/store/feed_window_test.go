package store_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"murmur/fragments/tweets"
)

// TestFeedOfManyAuthors pages through the feeds of readers who follow
// many authors (a page found in the window of everyone's tweets) and few
// of the prolific ones among many quiet ones (the window falls short and
// each author is asked), in both orders, and checks each against the
// order computed here from every tweet: no tweet skipped, none repeated,
// none by anyone else.
func TestFeedOfManyAuthors(t *testing.T) {
	ctx := context.Background()
	f := mustStore(t)
	rng := rand.New(rand.NewPCG(7, 8))
	type row struct {
		id     int64
		author string
		likes  int
	}
	var all []row
	// 120 authors; authors 0-9 post most, the rest rarely.
	var list []tweets.ImportedTweet
	at := f.now.Add(-24 * time.Hour)
	for i := range 6000 {
		a := rng.IntN(10)
		if rng.IntN(4) == 0 {
			a = 10 + rng.IntN(110)
		}
		at = at.Add(time.Second)
		id := tweets.IDAt(at, int64(i))
		list = append(list, tweets.ImportedTweet{ID: id, AuthorID: strconv.Itoa(a + 1), Text: fmt.Sprint(i), CreatedAt: at})
		all = append(all, row{id: id, author: strconv.Itoa(a + 1)})
	}
	if err := f.ImportTweets(ctx, list); err != nil {
		t.Fatal(err)
	}
	var likes []tweets.ImportedLike
	for i := range all {
		// Few likes, so many ties that only the id breaks.
		for u := range rng.IntN(4) * rng.IntN(3) {
			likes = append(likes, tweets.ImportedLike{TweetID: all[i].id, UserID: strconv.Itoa(1000 + u), CreatedAt: at})
			all[i].likes++
		}
	}
	if _, err := f.ImportLikes(ctx, likes); err != nil {
		t.Fatal(err)
	}
	authorsOf := func(from, to int) []string {
		var out []string
		for a := from; a <= to; a++ {
			out = append(out, strconv.Itoa(a))
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		authors []string
	}{
		{"many authors, prolific ones among them", authorsOf(1, 80)},
		{"many quiet authors only", authorsOf(40, 120)},
		{"many authors who hardly post (the window falls short)", append(authorsOf(2000, 2060), "57")},
		{"a few authors", []string{"3", "57"}},
	} {
		for _, popular := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, popular=%v", tc.name, popular), func(t *testing.T) {
				var want []string
				var rows []row
				for _, r := range all {
					if slices.Contains(tc.authors, r.author) {
						rows = append(rows, r)
					}
				}
				slices.SortFunc(rows, func(a, b row) int {
					if popular && a.likes != b.likes {
						return cmp.Compare(b.likes, a.likes)
					}
					return cmp.Compare(b.id, a.id)
				})
				for _, r := range rows {
					want = append(want, tweets.FormatID(r.id))
				}
				var got []string
				q := tweets.FeedQuery{Authors: tc.authors, Popular: popular, Limit: 21}
				for range 1000 {
					page, err := f.Feed(ctx, q)
					if err != nil {
						t.Fatal(err)
					}
					for _, tw := range page {
						got = append(got, tw.ID)
					}
					if len(page) < q.Limit {
						break
					}
					last := page[len(page)-1]
					id, _ := tweets.ParseID(last.ID)
					q.Below = tweets.FeedPosition{Likes: last.LikeCount, ID: id}
				}
				if !slices.Equal(got, want) {
					t.Errorf("read %d tweets, want %d; first difference at %d", len(got), len(want), firstDiff(got, want))
				}
			})
		}
	}
	t.Run("newer than a tweet (catching up)", func(t *testing.T) {
		authors := authorsOf(1, 80)
		above := all[len(all)-200].id
		var want []string
		for _, r := range slices.Backward(all) {
			if r.id > above && slices.Contains(authors, r.author) && len(want) < 21 {
				want = append(want, tweets.FormatID(r.id))
			}
		}
		page, err := f.Feed(ctx, tweets.FeedQuery{Authors: authors, Above: above, Limit: 21})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, tw := range page {
			got = append(got, tw.ID)
		}
		if !slices.Equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
