package tweets_test

import (
	"context"
	"slices"
	"testing"

	"murmur/fragments/internal/auth"
	"murmur/fragments/tweets"
)

// TestFeedHidesHiddenPeople checks the hidden set of a home: a hidden
// person's tweets stay out even when someone of the home boosts them, and
// their own entries stay out even when listed among the authors; the memo
// keeps a page read with one hidden set apart from a page read without it.
func TestFeedHidesHiddenPeople(t *testing.T) {
	f := mustFeeds(t)
	ctx := context.Background()
	ada, bob, cyd := auth.Viewer{ID: "1"}, auth.Viewer{ID: "2"}, auth.Viewer{ID: "3"}
	byCyd, err := f.memo.Post(ctx, cyd, "from cyd", nil)
	if err != nil {
		t.Fatal(err)
	}
	byBob, err := f.memo.Post(ctx, bob, "from bob", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.memo.SetBoost(ctx, byCyd.ID, bob, true); err != nil {
		t.Fatal(err)
	}
	home := []string{bob.ID, ada.ID}
	for _, sort := range []string{tweets.SortRecent, tweets.SortPopular} {
		// Read twice each: the second read comes from the memo.
		for range 2 {
			open := f.read(t, tweets.FeedRequest{Authors: home, Sort: sort, Limit: 20}, ada.ID)
			if !slices.Equal(ids(open), []string{byCyd.ID, byBob.ID}) && !slices.Equal(ids(open), []string{byBob.ID, byCyd.ID}) {
				t.Fatalf("%s home without a hidden set = %s, want bob's tweet and cyd's boosted", sort, pageString(open))
			}
			hid := f.read(t, tweets.FeedRequest{Authors: home, Hidden: []string{cyd.ID}, Sort: sort, Limit: 20}, ada.ID)
			if !slices.Equal(ids(hid), []string{byBob.ID}) {
				t.Errorf("%s home hiding cyd = %s, want bob's tweet alone", sort, pageString(hid))
			}
			muted := f.read(t, tweets.FeedRequest{Authors: home, Hidden: []string{bob.ID}, Sort: sort, Limit: 20}, ada.ID)
			if len(muted.Tweets) != 0 {
				t.Errorf("%s home hiding bob = %s, want nothing (his tweet and his boost)", sort, pageString(muted))
			}
		}
	}
}
