package store_test

import (
	"context"
	"testing"
	"time"

	"murmur/fragments/internal/fault"
	"murmur/fragments/tweets"
)

func TestImportTweetsAndLikes(t *testing.T) {
	ctx := context.Background()
	f := mustStore(t)
	base := f.now.Add(-time.Hour)
	var list []tweets.ImportedTweet
	for i := range 5 {
		at := base.Add(time.Duration(i) * time.Minute)
		list = append(list, tweets.ImportedTweet{ID: tweets.IDAt(at, int64(i)), AuthorID: "1", Text: "seeded", CreatedAt: at})
	}
	if err := f.ImportTweets(ctx, list); err != nil {
		t.Fatalf("ImportTweets: %v", err)
	}
	t.Run("a tweet made later sorts above the imported ones", func(t *testing.T) {
		fresh := f.mustTweet(t, "1", "new")
		page, err := f.Feed(ctx, tweets.FeedQuery{Authors: []string{"1"}, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) != 6 || page[0].ID != fresh.ID || page[5].ID != tweets.FormatID(list[0].ID) {
			t.Errorf("feed = %d tweets starting %v; want 6, the new one first and the oldest import last", len(page), page)
		}
	})
	t.Run("likes count once and keep like_count in step", func(t *testing.T) {
		likes := []tweets.ImportedLike{
			{TweetID: list[0].ID, UserID: "2", CreatedAt: base},
			{TweetID: list[0].ID, UserID: "3", CreatedAt: base},
			{TweetID: list[0].ID, UserID: "2", CreatedAt: base}, // again
		}
		added, err := f.ImportLikes(ctx, likes)
		if err != nil || added != 2 {
			t.Fatalf("ImportLikes = %d, %v; want 2 new likes", added, err)
		}
		got, err := f.Tweets(ctx, []string{tweets.FormatID(list[0].ID)}, "2")
		if err != nil || len(got) != 1 || got[0].LikeCount != 2 || !got[0].LikedByMe {
			t.Errorf("tweet after likes = %+v, %v; want like_count 2, liked by 2", got, err)
		}
		// Liking again through the service's own path does not double count.
		l, err := f.SetLike(ctx, tweets.FormatID(list[0].ID), "3", true, f.now)
		if err != nil || l.Changed || l.LikeCount != 2 {
			t.Errorf("SetLike after import = %+v, %v; want unchanged count 2", l, err)
		}
	})
	t.Run("a like of a missing tweet changes nothing", func(t *testing.T) {
		_, err := f.ImportLikes(ctx, []tweets.ImportedLike{
			{TweetID: list[1].ID, UserID: "9", CreatedAt: base},
			{TweetID: 12345, UserID: "9", CreatedAt: base},
		})
		if !fault.Is(err, fault.NotFound) {
			t.Fatalf("err = %v; want NotFound", err)
		}
		got, _ := f.Tweets(ctx, []string{tweets.FormatID(list[1].ID)}, "9")
		if len(got) != 1 || got[0].LikeCount != 0 {
			t.Errorf("tweet = %+v; want like_count 0 after the refused batch", got)
		}
	})
	t.Run("a taken id refuses the whole batch", func(t *testing.T) {
		at := f.now.Add(time.Minute)
		err := f.ImportTweets(ctx, []tweets.ImportedTweet{
			{ID: tweets.IDAt(at, 1), AuthorID: "4", Text: "a", CreatedAt: at},
			{ID: list[2].ID, AuthorID: "4", Text: "b", CreatedAt: at},
		})
		if !fault.Is(err, fault.Conflict) {
			t.Fatalf("err = %v; want Conflict", err)
		}
		page, _ := f.Feed(ctx, tweets.FeedQuery{Authors: []string{"4"}, Limit: 10})
		if len(page) != 0 {
			t.Errorf("author 4 has %d tweets; want none after the refused batch", len(page))
		}
	})
}

func TestIDAtKeepsTimeOrder(t *testing.T) {
	at := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	a, b, c := tweets.IDAt(at, 7), tweets.IDAt(at, 8), tweets.IDAt(at.Add(time.Millisecond), 0)
	if !(a < b && b < c) || !tweets.IDTime(a).Equal(at) {
		t.Errorf("IDAt gave %d, %d, %d (time %v); want increasing ids that keep their time", a, b, c, tweets.IDTime(a))
	}
}
