package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"murmur/fragments/internal/fault"
	"murmur/fragments/tweets"
)

// counts is how a tweet's counters read in a test.
type counts struct{ likes, boosts, replies int }

func (f *fixture) mustCounts(t *testing.T, id string) counts {
	t.Helper()
	tw := f.mustRead(t, id)
	return counts{tw.LikeCount, tw.BoostCount, tw.ReplyCount}
}

func (f *fixture) mustLike(t *testing.T, tweetID, user string) {
	t.Helper()
	f.now = f.now.Add(time.Second)
	if _, err := f.SetLike(context.Background(), tweetID, user, true, f.now); err != nil {
		t.Fatalf("like %s by %s: %v", tweetID, user, err)
	}
}

func markIDs(list []tweets.Mark) []string {
	out := []string{}
	for _, m := range list {
		out = append(out, m.TweetID)
	}
	return out
}

// Erasing a deleted account takes their tweets (with their images, tags,
// and the likes and boosts of others on them), their likes and boosts
// (counted off others' tweets) and their loose images; replies by others
// stay, under a tombstone; a second erasure changes nothing.
func TestEraseUser(t *testing.T) {
	ctx := context.Background()
	f := mustStore(t)
	const ann, bob, cat = "1", "2", "3"

	img := f.mustMedia(t, ann, f.now)
	loose := f.mustMedia(t, ann, f.now)
	annTweet := f.mustTweet(t, ann, "ann says #goodbye", tweets.Attachment{ID: img.ID})
	bobTweet := f.mustTweet(t, bob, "bob says hi")
	catTweet := f.mustTweet(t, cat, "cat says hi")
	bobImg := f.mustMedia(t, bob, f.now)

	// Others on ann's tweet.
	f.mustLike(t, annTweet.ID, bob)
	f.mustBoost(t, annTweet.ID, cat, true)
	bobReply := f.mustReply(t, bob, "bob answers ann", annTweet.ID)
	// Ann on others' tweets.
	f.mustLike(t, bobTweet.ID, cat)
	f.mustBoost(t, bobTweet.ID, cat, true)
	f.mustLike(t, bobTweet.ID, ann)
	f.mustBoost(t, bobTweet.ID, ann, true)
	f.mustLike(t, catTweet.ID, ann)
	annReply := f.mustReply(t, ann, "ann answers bob", bobTweet.ID)

	if got, want := f.mustCounts(t, bobTweet.ID), (counts{2, 2, 1}); got != want {
		t.Fatalf("before: bob's tweet counts %+v, want %+v", got, want)
	}

	t.Run("the export lists ann's likes and boosts, oldest first", func(t *testing.T) {
		likes, boosts, err := f.ExportMarks(ctx, ann)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := markIDs(likes), []string{bobTweet.ID, catTweet.ID}; !slices.Equal(got, want) {
			t.Errorf("likes = %v, want %v", got, want)
		}
		if got, want := markIDs(boosts), []string{bobTweet.ID}; !slices.Equal(got, want) {
			t.Errorf("boosts = %v, want %v", got, want)
		}
		if len(likes) == 2 && !likes[0].At.Before(likes[1].At) {
			t.Errorf("likes at %v then %v, want oldest first", likes[0].At, likes[1].At)
		}
		if likes, boosts, err := f.ExportMarks(ctx, "99"); err != nil || likes == nil || boosts == nil || len(likes)+len(boosts) != 0 {
			t.Errorf("ExportMarks(nobody) = %v, %v, %v; want two empty lists (not null in JSON)", likes, boosts, err)
		}
	})

	e, err := f.EraseUser(ctx, ann, f.now)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := e.TweetIDs, []string{annTweet.ID, annReply.ID}; !slices.Equal(got, want) {
		t.Errorf("erased tweets = %v, want %v", got, want)
	}
	if len(e.Tweets) != 2 || !e.Tweets[0].Deleted || e.Tweets[0].AuthorID != ann || !slices.Equal(e.Tweets[0].Boosters, []string{cat}) {
		t.Errorf("erased = %+v, want ann's tweets, the first boosted by cat", e.Tweets)
	}
	if e.Rows == 0 {
		t.Error("rows changed = 0, want the erasure counted")
	}

	check := func(t *testing.T) {
		t.Helper()
		for _, id := range []string{annTweet.ID, annReply.ID} {
			if got, err := f.Tweets(ctx, []string{id}, ""); err != nil || len(got) != 0 {
				t.Errorf("tweet %s = %v, %v; want gone", id, got, err)
			}
		}
		if got, err := f.TweetsByAuthor(ctx, ann, 0, 100, ""); err != nil || len(got) != 0 {
			t.Errorf("ann's tweets = %v, %v; want none", texts(got), err)
		}
		for _, m := range []tweets.Media{img, loose} {
			if _, err := f.MediaFile(ctx, m.ID); !fault.Is(err, fault.NotFound) {
				t.Errorf("ann's image %s: %v, want NotFound", m.ID, err)
			}
		}
		if _, err := f.MediaFile(ctx, bobImg.ID); err != nil {
			t.Errorf("bob's image: %v, want kept", err)
		}
		if got, want := f.mustCounts(t, bobTweet.ID), (counts{1, 1, 0}); got != want {
			t.Errorf("bob's tweet counts %+v, want %+v (ann's like, boost and reply counted off)", got, want)
		}
		if got, want := f.mustCounts(t, catTweet.ID), (counts{0, 0, 0}); got != want {
			t.Errorf("cat's tweet counts %+v, want %+v", got, want)
		}
		got := f.mustRead(t, bobReply.ID)
		if got.InReplyToID == nil || *got.InReplyToID != annTweet.ID {
			t.Errorf("bob's reply answers %v, want still %s", got.InReplyToID, annTweet.ID)
		}
		up, err := f.Ancestors(ctx, mustID(t, annTweet.ID), 10)
		if want := []tweets.ThreadNode{node(annTweet.ID, "", ann, true)}; err != nil || nodesString(up) != nodesString(want) {
			t.Errorf("Ancestors(ann's tweet) = %s, %v; want the tombstone %s", nodesString(up), err, nodesString(want))
		}
		down, err := f.Replies(ctx, mustID(t, annTweet.ID), 10, 100)
		if want := []tweets.ThreadNode{node(bobReply.ID, annTweet.ID, bob, false)}; err != nil || nodesString(down) != nodesString(want) {
			t.Errorf("Replies(ann's tweet) = %s, %v; want bob's reply %s", nodesString(down), err, nodesString(want))
		}
		if got, err := f.TweetsByTag(ctx, "goodbye", 0, 10, ""); err != nil || len(got) != 0 {
			t.Errorf("#goodbye = %v, %v; want nothing", texts(got), err)
		}
		if got, err := f.Search(ctx, []string{"ann"}, 0, 10, ""); err != nil || !slices.Equal(texts(got), []string{"bob answers ann"}) {
			t.Errorf("search ann = %v, %v; want only bob's reply", texts(got), err)
		}
		f.mustIntegrity(t)
		for _, who := range []string{ann, bob} {
			likes, boosts, err := f.ExportMarks(ctx, who)
			if who == ann && (err != nil || len(likes)+len(boosts) != 0) {
				t.Errorf("ann's marks = %v, %v, %v; want none", likes, boosts, err)
			}
			if who == bob && (err != nil || len(likes) != 0) {
				t.Errorf("bob's likes = %v, %v; want none (ann's tweet he liked is gone)", markIDs(likes), err)
			}
		}
		mine, _, _ := f.ExportMarks(ctx, cat)
		if got, want := markIDs(mine), []string{bobTweet.ID}; !slices.Equal(got, want) {
			t.Errorf("cat's likes = %v, want %v", got, want)
		}
	}
	t.Run("after", check)

	t.Run("a second time changes nothing", func(t *testing.T) {
		again, err := f.EraseUser(ctx, ann, f.now.Add(time.Hour))
		if err != nil || again.Rows != 0 || len(again.TweetIDs) != 0 {
			t.Fatalf("EraseUser again = %+v, %v; want nothing changed", again, err)
		}
		check(t)
	})
}
