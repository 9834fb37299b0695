package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"murmur/fragments/internal/fault"
	"murmur/fragments/tweets"
)

func (f *fixture) mustBoost(t *testing.T, tweetID, user string, boosted bool) tweets.Boost {
	t.Helper()
	f.now = f.now.Add(time.Second)
	b, err := f.SetBoost(context.Background(), tweets.NewBoost{NewID: f.ids.Next, TweetID: tweetID, UserID: user, Boosted: boosted, At: f.now})
	if err != nil {
		t.Fatalf("SetBoost(%s, %s, %v): %v", tweetID, user, boosted, err)
	}
	return b
}

// entry is how a feed entry reads in a test: its text, and who boosted it.
func entry(tw tweets.Tweet) string {
	if tw.BoostedBy != nil {
		return tw.Text + " (boosted by " + tw.BoostedBy.ID + ")"
	}
	return tw.Text
}

func feedEntries(t *testing.T, f *fixture, q tweets.FeedQuery) []string {
	t.Helper()
	var out []string
	for range 100 {
		page, err := f.Feed(context.Background(), q)
		if err != nil {
			t.Fatalf("Feed(%+v): %v", q, err)
		}
		for _, tw := range page {
			out = append(out, entry(tw))
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

func TestBoostsAreIdempotent(t *testing.T) {
	ctx := context.Background()
	f := mustStore(t)
	tw := f.mustTweet(t, "1", "boost me")
	steps := []struct {
		user    string
		boosted bool
		changed bool
		count   int
	}{
		{"2", true, true, 1},
		{"2", true, false, 1},
		{"3", true, true, 2},
		{"1", true, true, 3}, // one's own tweet may be boosted
		{"2", false, true, 2},
		{"2", false, false, 2},
	}
	for i, s := range steps {
		b := f.mustBoost(t, tw.ID, s.user, s.boosted)
		if b.Changed != s.changed || b.BoostCount != s.count || b.AuthorID != "1" || (b.ID != "") != s.changed {
			t.Errorf("step %d: %+v, want changed=%v count=%d author 1", i, b, s.changed, s.count)
		}
	}
	got, err := f.Tweets(ctx, []string{tw.ID}, "3")
	if err != nil || len(got) != 1 || got[0].BoostCount != 2 || !got[0].BoostedByMe {
		t.Fatalf("tweet as 3 sees it = %+v, %v; want 2 boosts, boosted by me", got, err)
	}
	if got, _ := f.Tweets(ctx, []string{tw.ID}, "2"); got[0].BoostedByMe {
		t.Error("2 took their boost back, yet boosted_by_me")
	}
	for _, id := range []string{"42", "nope"} {
		if _, err := f.SetBoost(ctx, tweets.NewBoost{NewID: f.ids.Next, TweetID: id, UserID: "2", Boosted: true, At: f.now}); !fault.Is(err, fault.NotFound) {
			t.Errorf("boost %q: error = %v, want NotFound", id, err)
		}
	}
}

func TestDeleteRemovesBoosts(t *testing.T) {
	ctx := context.Background()
	f := mustStore(t)
	tw := f.mustTweet(t, "1", "boosted then gone")
	f.mustBoost(t, tw.ID, "2", true)
	f.mustBoost(t, tw.ID, "3", true)
	d, err := f.DeleteTweet(ctx, tw.ID, "1", f.now)
	if err != nil || !d.Deleted || !slices.Equal(d.Boosters, []string{"2", "3"}) {
		t.Fatalf("DeleteTweet = %+v, %v; want deleted, boosters 2 and 3", d, err)
	}
	if got := feedEntries(t, f, tweets.FeedQuery{Authors: []string{"2", "3", "9"}, Limit: 10, ViewerID: "9"}); len(got) != 0 {
		t.Errorf("home of a follower of the boosters = %v, want nothing", got)
	}
	var left int
	if err := f.DB.QueryRowContext(ctx, `SELECT count(*) FROM boosts`).Scan(&left); err != nil || left != 0 {
		t.Errorf("boosts left = %d, %v; want 0", left, err)
	}
	if _, err := f.SetBoost(ctx, tweets.NewBoost{NewID: f.ids.Next, TweetID: tw.ID, UserID: "4", Boosted: true, At: f.now}); !fault.Is(err, fault.NotFound) {
		t.Errorf("boost a deleted tweet: error = %v, want NotFound", err)
	}
}

// A boosted tweet is one entry of a home, placed by the newest boost of
// the people in it, and none when the home holds the tweet itself.
func TestFeedWithBoosts(t *testing.T) {
	f := mustStore(t)
	a1 := f.mustTweet(t, "A", "a1")
	f.now = f.now.Add(time.Second)
	b1 := f.mustTweet(t, "B", "b1")
	f.now = f.now.Add(time.Second)
	f.mustTweet(t, "D", "d1")
	f.mustBoost(t, a1.ID, "B", true) // B boosts A's tweet
	f.now = f.now.Add(time.Second)
	f.mustTweet(t, "B", "b2")
	f.mustBoost(t, a1.ID, "D", true) // D boosts it later: it moves up
	f.mustBoost(t, b1.ID, "D", true) // D boosts B's tweet
	f.mustBoost(t, a1.ID, "X", true) // someone C does not follow

	for _, c := range []struct {
		name    string
		authors []string
		popular bool
		want    []string
	}{
		{"C follows B and D", []string{"B", "D", "C"}, false,
			[]string{"a1 (boosted by D)", "b2", "d1", "b1"}},
		{"C follows B only", []string{"B", "C"}, false,
			[]string{"b2", "a1 (boosted by B)", "b1"}},
		{"C follows A, B and D: only the originals", []string{"A", "B", "D", "C"}, false,
			[]string{"b2", "d1", "b1", "a1"}},
		{"popular, C follows B and D", []string{"B", "D", "C"}, true,
			[]string{"a1 (boosted by D)", "b2", "d1", "b1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, limit := range []int{1, 2, 10} {
				got := feedEntries(t, f, tweets.FeedQuery{Authors: c.authors, Popular: c.popular, Limit: limit, ViewerID: "C"})
				if !slices.Equal(got, c.want) {
					t.Errorf("pages of %d: home = %q, want %q", limit, got, c.want)
				}
			}
		})
	}

	t.Run("unboost moves it back, then out", func(t *testing.T) {
		f.mustBoost(t, a1.ID, "D", false)
		q := tweets.FeedQuery{Authors: []string{"B", "D", "C"}, Limit: 10, ViewerID: "C"}
		// B boosted it before b2 was posted; b1, B's own, is there as itself.
		if got, want := feedEntries(t, f, q), []string{"b2", "a1 (boosted by B)", "d1", "b1"}; !slices.Equal(got, want) {
			t.Errorf("home = %q, want %q", got, want)
		}
		f.mustBoost(t, a1.ID, "B", false)
		if got, want := feedEntries(t, f, q), []string{"b2", "d1", "b1"}; !slices.Equal(got, want) {
			t.Errorf("home = %q, want %q", got, want)
		}
	})
}

// Paging a home while tweets and boosts arrive never repeats or skips an
// entry that was there all along: cursors are places in the one order of
// tweet and boost ids.
func TestFeedCursorsWhileBoostsArrive(t *testing.T) {
	f := mustStore(t)
	var olds []tweets.Tweet
	for i := range 30 {
		f.now = f.now.Add(time.Second)
		author := []string{"A", "B", "D"}[i%3]
		olds = append(olds, f.mustTweet(t, author, "old "+author+string(rune('a'+i))))
	}
	// B and D boost A's old tweets (C follows B and D, not A).
	for i, tw := range olds {
		if tw.Author.ID == "A" && i%2 == 0 {
			f.mustBoost(t, tw.ID, "B", true)
		}
	}
	q := tweets.FeedQuery{Authors: []string{"B", "D", "C"}, Limit: 4, ViewerID: "C"}
	before := feedEntries(t, f, q)
	seen := map[string]int{}
	for range 100 {
		page, err := f.Feed(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for _, tw := range page {
			seen[tw.Text]++
		}
		// Meanwhile tweets and boosts arrive: a new tweet of D, B's boost
		// of a new tweet of A, and D's boost of a tweet of A already read
		// (which moves it up, above the cursor: not read twice).
		f.now = f.now.Add(time.Second)
		f.mustTweet(t, "D", "new")
		f.mustBoost(t, f.mustTweet(t, "A", "new by A").ID, "B", true)
		for _, tw := range page {
			if tw.BoostedBy != nil && tw.BoostedBy.ID == "B" {
				f.mustBoost(t, tw.ID, "D", true)
			}
		}
		if len(page) < q.Limit {
			break
		}
		last := page[len(page)-1]
		id, _ := tweets.ParseID(last.FeedPosition())
		q.Below = tweets.FeedPosition{ID: id}
	}
	for _, e := range before {
		text := strings.TrimSuffix(e, " (boosted by B)")
		if seen[text] != 1 {
			t.Errorf("%q read %d times while paging, want once", e, seen[text])
		}
	}
	if seen["new"] != 0 || seen["new by A"] != 0 {
		t.Errorf("entries that arrived meanwhile showed up below the cursor (%d, %d times)", seen["new"], seen["new by A"])
	}
}

// The home rule for replies: a reply reaches a home when its author is in
// it and it answers themself, someone in it, or the reader; or the reader
// wrote it.
func TestFeedHomeRuleForReplies(t *testing.T) {
	f := mustStore(t)
	a := f.mustTweet(t, "A", "by A")
	z := f.mustTweet(t, "Z", "by Z, a stranger")
	c := f.mustTweet(t, "C", "by C, the reader")
	f.mustReply(t, "A", "A to A (thread)", a.ID)
	f.mustReply(t, "A", "A to Z", z.ID)
	b := f.mustTweet(t, "B", "by B")
	f.mustReply(t, "A", "A to B", b.ID)
	f.mustReply(t, "A", "A to C", c.ID)
	f.mustReply(t, "C", "C to Z", z.ID)
	f.mustReply(t, "Z", "Z to A", a.ID)
	for _, popular := range []bool{false, true} {
		got := feedEntries(t, f, tweets.FeedQuery{Authors: []string{"A", "B", "C"}, Popular: popular, Limit: 3, ViewerID: "C"})
		slices.Sort(got)
		want := []string{"A to A (thread)", "A to B", "A to C", "C to Z", "by A", "by B", "by C, the reader"}
		if !slices.Equal(got, want) {
			t.Errorf("popular=%v: C's home = %q, want %q", popular, got, want)
		}
	}
	// Many authors: the window finds the same.
	many := []string{"A", "B", "C"}
	for i := range 60 {
		many = append(many, "nobody"+string(rune('a'+i)))
	}
	got := feedEntries(t, f, tweets.FeedQuery{Authors: many, Limit: 20, ViewerID: "C"})
	slices.Sort(got)
	if want := []string{"A to A (thread)", "A to B", "A to C", "C to Z", "by A", "by B", "by C, the reader"}; !slices.Equal(got, want) {
		t.Errorf("window: C's home = %q, want %q", got, want)
	}
	// A boost of a reply the home rule keeps out brings it in, once.
	f.mustBoost(t, mustFind(t, f, "A to Z").ID, "B", true)
	got = feedEntries(t, f, tweets.FeedQuery{Authors: []string{"A", "B", "C"}, Limit: 5, ViewerID: "C"})
	if got[0] != "A to Z (boosted by B)" {
		t.Errorf("home after B boosted A's reply to Z starts %q, want the boost", got[0])
	}
}

func mustFind(t *testing.T, f *fixture, text string) tweets.Tweet {
	t.Helper()
	list, err := f.Search(context.Background(), []string{text[:1]}, 0, 100, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tw := range list {
		if tw.Text == text {
			return tw
		}
	}
	t.Fatalf("no tweet %q", text)
	return tweets.Tweet{}
}
