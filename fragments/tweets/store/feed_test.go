package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"murmur/fragments/tweets"
)

// feedIDs reads a whole feed page by page, limit at a time, and returns
// the texts in the order read.
func feedTexts(t *testing.T, f *fixture, q tweets.FeedQuery) []string {
	t.Helper()
	var out []string
	for range 100 {
		page, err := f.Feed(context.Background(), q)
		if err != nil {
			t.Fatalf("Feed(%+v): %v", q, err)
		}
		for _, tw := range page {
			out = append(out, tw.Text)
		}
		if len(page) < q.Limit {
			return out
		}
		last := page[len(page)-1]
		id, _ := tweets.ParseID(last.FeedPosition())
		q.Below = tweets.FeedPosition{Likes: last.LikeCount, ID: id}
	}
	t.Fatal("feed never ended")
	return nil
}

func TestFeed(t *testing.T) {
	ctx := context.Background()
	f := mustStore(t)
	post := func(author, text string, likes ...string) tweets.Tweet {
		f.now = f.now.Add(time.Second)
		tw := f.mustTweet(t, author, text)
		for _, u := range likes {
			if _, err := f.SetLike(ctx, tw.ID, u, true, f.now); err != nil {
				t.Fatal(err)
			}
		}
		return tw
	}
	post("1", "a1", "9")
	post("2", "b1", "8", "9")
	post("3", "c1 stranger", "7", "8", "9")
	post("1", "a2")
	post("2", "b2", "9")
	post("1", "a3", "8", "9")

	cases := []struct {
		name    string
		popular bool
		limit   int
		want    []string
	}{
		{"recent, one page", false, 10, []string{"a3", "b2", "a2", "b1", "a1"}},
		{"recent, pages of two", false, 2, []string{"a3", "b2", "a2", "b1", "a1"}},
		{"popular, ties newest first", true, 10, []string{"a3", "b1", "b2", "a1", "a2"}},
		{"popular, pages of one", true, 1, []string{"a3", "b1", "b2", "a1", "a2"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := feedTexts(t, f, tweets.FeedQuery{Authors: []string{"1", "2"}, Popular: c.popular, Limit: c.limit, ViewerID: "9"})
			if !slices.Equal(got, c.want) {
				t.Errorf("feed = %v, want %v", got, c.want)
			}
		})
	}

	t.Run("liked by the viewer", func(t *testing.T) {
		page, err := f.Feed(ctx, tweets.FeedQuery{Authors: []string{"1"}, Limit: 10, ViewerID: "8"})
		if err != nil {
			t.Fatal(err)
		}
		liked := map[string]bool{}
		for _, tw := range page {
			liked[tw.Text] = tw.LikedByMe
		}
		if !liked["a3"] || liked["a1"] || liked["a2"] {
			t.Errorf("liked_by_me for viewer 8 = %v, want only a3", liked)
		}
	})

	t.Run("above an id is what came later", func(t *testing.T) {
		first, _ := f.Feed(ctx, tweets.FeedQuery{Authors: []string{"1", "2"}, Limit: 10})
		mid, _ := tweets.ParseID(first[2].ID) // a2
		page, err := f.Feed(ctx, tweets.FeedQuery{Authors: []string{"1", "2"}, Above: mid, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, tw := range page {
			got = append(got, tw.Text)
		}
		if want := []string{"a3", "b2"}; !slices.Equal(got, want) {
			t.Errorf("feed above a2 = %v, want %v", got, want)
		}
	})

	t.Run("no authors, no tweets", func(t *testing.T) {
		page, err := f.Feed(ctx, tweets.FeedQuery{Authors: []string{"404"}, Limit: 10})
		if err != nil || len(page) != 0 {
			t.Errorf("feed of an author without tweets = %v, %v; want empty", page, err)
		}
	})
}

func TestFeedManyAuthorsReadsOnlyTheirShare(t *testing.T) {
	f := mustStore(t)
	var authors []string
	for i := range 1000 {
		authors = append(authors, tweets.FormatID(int64(i+1)))
	}
	for i := range 3000 {
		f.now = f.now.Add(time.Millisecond)
		f.mustTweet(t, authors[i%len(authors)], "t")
	}
	page, err := f.Feed(context.Background(), tweets.FeedQuery{Authors: authors, Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 20 {
		t.Fatalf("got %d tweets, want 20", len(page))
	}
	for i := 1; i < len(page); i++ {
		a, _ := tweets.ParseID(page[i-1].ID)
		b, _ := tweets.ParseID(page[i].ID)
		if a <= b {
			t.Fatalf("page not newest first at %d: %s then %s", i, page[i-1].ID, page[i].ID)
		}
	}
}
