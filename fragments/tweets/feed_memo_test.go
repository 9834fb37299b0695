package tweets_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/people"
	"murmur/fragments/internal/testkit"
	"murmur/fragments/tweets"
	"murmur/fragments/tweets/store"
)

// nobody is a directory of people that knows no one: the feed tests are
// about which tweets a page holds, not whose names they show.
type nobody struct{}

func (nobody) ByIDs(context.Context, []string) (map[string]people.Person, error) {
	return map[string]people.Person{}, nil
}

// quiet drops the events the services announce.
type quiet struct{}

func (quiet) Publish(context.Context, string, any) {}

// feeds is one SQLite store read by two services: memo remembers feed
// pages and makes every write; fresh has its memo off, so each of its
// reads is a fresh computation to hold memo's answers to.
type feeds struct {
	store       *store.Store
	memo, fresh *tweets.Service
}

func mustFeeds(tb testing.TB, opts ...tweets.Option) *feeds {
	tb.Helper()
	st, err := store.Open(context.Background(), testkit.DBPath(tb, "tweets"))
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { st.Close() })
	return &feeds{
		store: st,
		memo:  tweets.NewService(st, nobody{}, quiet{}, opts...),
		fresh: tweets.NewService(st, nobody{}, quiet{}, append(opts, tweets.WithFeedMemo(0))...),
	}
}

// read reads a feed page through both services and fails unless they
// agree on every tweet (with its like count and the viewer's like) and on
// the next cursor.
func (f *feeds) read(tb testing.TB, r tweets.FeedRequest, viewer string) tweets.Page {
	tb.Helper()
	ctx := context.Background()
	v := auth.Viewer{ID: viewer}
	got, err := f.memo.Feed(ctx, r, v)
	if err != nil {
		tb.Fatalf("feed %s: %v", describe(r), err)
	}
	want, err := f.fresh.Feed(ctx, r, v)
	if err != nil {
		tb.Fatalf("fresh feed %s: %v", describe(r), err)
	}
	if !reflect.DeepEqual(got, want) {
		tb.Fatalf("feed %s, read by %s:\nmemo  %s\nfresh %s", describe(r), viewer, pageString(got), pageString(want))
	}
	return got
}

func describe(r tweets.FeedRequest) string {
	return fmt.Sprintf("{%d authors, sort %q, cursor %q, after %q, limit %d}", len(r.Authors), r.Sort, r.Cursor, r.After, r.Limit)
}

func pageString(p tweets.Page) string {
	s := "["
	for i, t := range p.Tweets {
		if i > 0 {
			s += " "
		}
		s += fmt.Sprintf("%s(by %s, %d likes, mine %v", t.ID, t.Author.ID, t.LikeCount, t.LikedByMe)
		if t.BoostedBy != nil {
			s += fmt.Sprintf(", boosted by %s as %s", t.BoostedBy.ID, t.BoostID)
		}
		s += ")"
	}
	return s + "] next " + strconv.Quote(p.Next)
}

func ids(p tweets.Page) []string {
	out := make([]string, len(p.Tweets))
	for i, t := range p.Tweets {
		out[i] = t.ID
	}
	return out
}

// TestFeedMemoMatchesFreshReads interleaves, at random, posts, replies,
// deletions, likes, unlikes, boosts, unboosts, bulk imports of tweets and likes, and reads of feeds of
// several author sets (few authors, and enough to be read in a window of
// everyone's tweets) in both orders, at the top, through the cursors the
// reads gave out and after a tweet; every read through the memo must
// equal a fresh computation of the same page.
func TestFeedMemoMatchesFreshReads(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			testFeedMemoMatchesFreshReads(t, seed)
		})
	}
}

func testFeedMemoMatchesFreshReads(t *testing.T, seed uint64) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	f := mustFeeds(t, tweets.WithClock(clock), tweets.WithFeedMemo(32))
	rng := rand.New(rand.NewPCG(seed, 2026))

	user := func(i int) string { return strconv.Itoa(i + 1) }
	authorSets := [][]string{{user(0), user(1), user(2)}, {}, {}, {user(70)}}
	for i := range 10 {
		authorSets[1] = append(authorSets[1], user(i*3))
	}
	for i := range 60 {
		authorSets[2] = append(authorSets[2], user(i))
	}
	// The same set as the first, in another order, repeated and with an
	// empty id: another key, the same answer.
	authorSets = append(authorSets, []string{user(2), user(0), "", user(1), user(0)})

	live := map[string]string{} // tweet id → author
	var liveIDs []string
	addLive := func(id, author string) { live[id] = author; liveIDs = append(liveIDs, id) }
	// Writes pick, half the time, a tweet a read has just shown: a change
	// deep down a feed no page holds would prove little.
	var shown []string
	pick := func() (string, string, bool) {
		if len(shown) > 0 && rng.IntN(2) == 0 {
			id := shown[rng.IntN(len(shown))]
			if author, ok := live[id]; ok {
				return id, author, true
			}
		}
		for len(liveIDs) > 0 {
			i := rng.IntN(len(liveIDs))
			if author, ok := live[liveIDs[i]]; ok {
				return liveIDs[i], author, true
			}
			liveIDs = slices.Delete(liveIDs, i, i+1)
		}
		return "", "", false
	}
	// Authors post unevenly: the first three the most.
	poster := func() string {
		if rng.IntN(2) == 0 {
			return user(rng.IntN(3))
		}
		return user(rng.IntN(72))
	}
	cursors := map[string][]string{} // set and sort → cursors given out
	imported := int64(0)

	for range 300 {
		now = now.Add(time.Millisecond * time.Duration(1+rng.IntN(5000)))
		tw, err := f.memo.Post(ctx, auth.Viewer{ID: poster()}, "seed", nil)
		if err != nil {
			t.Fatal(err)
		}
		addLive(tw.ID, tw.Author.ID)
	}

	const steps = 1500
	for step := range steps {
		now = now.Add(time.Millisecond * time.Duration(1+rng.IntN(5000)))
		switch op := rng.IntN(20); {
		case op < 2: // post
			tw, err := f.memo.Post(ctx, auth.Viewer{ID: poster()}, fmt.Sprintf("step %d", step), nil)
			if err != nil {
				t.Fatal(err)
			}
			addLive(tw.ID, tw.Author.ID)
		case op == 2: // reply, which counts on the tweet replied to
			if id, _, ok := pick(); ok {
				tw, err := f.memo.Reply(ctx, auth.Viewer{ID: poster()}, id, fmt.Sprintf("reply %d", step), nil)
				if err != nil {
					t.Fatal(err)
				}
				addLive(tw.ID, tw.Author.ID)
			}
		case op < 5: // delete
			if id, author, ok := pick(); ok {
				if err := f.memo.Delete(ctx, id, auth.Viewer{ID: author}); err != nil {
					t.Fatal(err)
				}
				delete(live, id)
			}
		case op < 9: // like or unlike
			if id, _, ok := pick(); ok {
				if _, err := f.memo.SetLike(ctx, id, auth.Viewer{ID: user(100 + rng.IntN(8))}, rng.IntN(3) > 0); err != nil {
					t.Fatal(err)
				}
			}
		case op == 9: // a bulk import of older tweets
			var list []tweets.ImportedTweet
			for range 1 + rng.IntN(4) {
				imported++
				at := now.Add(-time.Duration(rng.IntN(3_600_000)) * time.Millisecond)
				list = append(list, tweets.ImportedTweet{ID: tweets.IDAt(at, imported), AuthorID: poster(), Text: "imported", CreatedAt: at})
			}
			if err := f.memo.ImportTweets(ctx, list); err != nil {
				t.Fatal(err)
			}
			for _, it := range list {
				addLive(tweets.FormatID(it.ID), it.AuthorID)
			}
		case op == 11 || op == 12: // a boost or unboost by anyone, of a tweet shown or not
			if id, _, ok := pick(); ok {
				if _, err := f.memo.SetBoost(ctx, id, auth.Viewer{ID: poster()}, op == 11); err != nil {
					t.Fatal(err)
				}
			}
		case op == 10: // a bulk import of likes
			var likes []tweets.ImportedLike
			for range 1 + rng.IntN(6) {
				if id, _, ok := pick(); ok {
					n, _ := tweets.ParseID(id)
					likes = append(likes, tweets.ImportedLike{TweetID: n, UserID: user(100 + rng.IntN(8)), CreatedAt: now})
				}
			}
			if _, err := f.memo.ImportLikes(ctx, likes); err != nil {
				t.Fatal(err)
			}
		default: // read, often a page read before
			set := rng.IntN(len(authorSets))
			r := tweets.FeedRequest{Authors: authorSets[set], Sort: tweets.SortRecent, Limit: []int{1, 3, 5, 20}[rng.IntN(4)]}
			if rng.IntN(2) == 0 {
				r.Sort = tweets.SortPopular
			}
			key := fmt.Sprint(set%4, r.Sort) // sets 0 and 4 are the same set
			switch given := cursors[key]; {
			case len(given) > 0 && rng.IntN(2) == 0:
				r.Cursor = given[rng.IntN(len(given))]
			case r.Sort == tweets.SortRecent && rng.IntN(4) == 0:
				if id, _, ok := pick(); ok {
					r.After = id
				}
			}
			viewer := user(100 + rng.IntN(8))
			for range 1 + rng.IntN(2) {
				p := f.read(t, r, viewer)
				if len(p.Tweets) > 0 {
					shown = ids(p)
				}
				if p.Next != "" && len(cursors[key]) < 50 {
					cursors[key] = append(cursors[key], p.Next)
				}
			}
		}
	}
	stats := f.memo.FeedMemoStats()
	t.Logf("memo: %d hits, %d misses", stats.Hits, stats.Misses)
	if stats.Hits < 100 || stats.Misses < 100 {
		t.Errorf("memo: %d hits and %d misses; want many of each, or the test proves little", stats.Hits, stats.Misses)
	}
}

// TestFeedMemoSeesEveryWrite reads a feed twice (the second read answered
// from the memo), makes one write of each kind that changes that feed's
// answer, and reads again: the page must show the write. A write path that
// forgot to mark its authors changed would answer the remembered page.
func TestFeedMemoSeesEveryWrite(t *testing.T) {
	ctx := context.Background()
	ada, bob, cyd := auth.Viewer{ID: "1"}, auth.Viewer{ID: "2"}, auth.Viewer{ID: "3"}
	authors := []string{ada.ID, bob.ID}
	recent := tweets.FeedRequest{Authors: authors, Sort: tweets.SortRecent, Limit: 10}
	popular := tweets.FeedRequest{Authors: authors, Sort: tweets.SortPopular, Limit: 10}
	// Deleted tweets are left out of any page, remembered or not, since the
	// page's tweets are read afresh; what shows a stale page is the tweet
	// that should have moved up into a full page, and the next cursor.
	recentTwo, popularTwo := recent, popular
	recentTwo.Limit, popularTwo.Limit = 2, 2

	// setup posts three tweets a second apart, the middle one liked by cyd,
	// so both orders have something to change.
	setup := func(t *testing.T) (*feeds, []string) {
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		f := mustFeeds(t, tweets.WithClock(func() time.Time { now = now.Add(time.Second); return now }))
		var posted []string
		for _, by := range []auth.Viewer{ada, bob, ada} {
			tw, err := f.memo.Post(ctx, by, "hello from "+by.ID, nil)
			if err != nil {
				t.Fatal(err)
			}
			posted = append(posted, tw.ID)
		}
		if _, err := f.memo.SetLike(ctx, posted[1], cyd, true); err != nil {
			t.Fatal(err)
		}
		return f, posted
	}
	// between is a moment just after a tweet (and well before the next one
	// setup posts) and the id of a tweet imported for it.
	between := func(after string) (time.Time, int64) {
		n, _ := tweets.ParseID(after)
		at := tweets.IDTime(n).Add(time.Millisecond)
		return at, tweets.IDAt(at, 1)
	}
	// remembered reads r twice and checks the second came from the memo.
	remembered := func(t *testing.T, f *feeds, r tweets.FeedRequest) tweets.Page {
		t.Helper()
		f.read(t, r, cyd.ID)
		before := f.memo.FeedMemoStats().Hits
		p := f.read(t, r, cyd.ID)
		if f.memo.FeedMemoStats().Hits != before+1 {
			t.Fatalf("the second read of %s was not answered from the memo", describe(r))
		}
		return p
	}

	tests := []struct {
		name  string
		read  tweets.FeedRequest
		write func(t *testing.T, f *feeds, posted []string) error
		// want is the page's ids after the write; new stands for a tweet
		// the write made.
		want func(posted []string, made string) []string
	}{
		{"post moves the recent order", recent,
			func(t *testing.T, f *feeds, posted []string) error {
				_, err := f.memo.Post(ctx, bob, "news", nil)
				return err
			},
			func(p []string, made string) []string { return []string{made, p[2], p[1], p[0]} }},
		{"post moves the popular order", popular,
			func(t *testing.T, f *feeds, posted []string) error {
				_, err := f.memo.Post(ctx, bob, "news", nil)
				return err
			},
			func(p []string, made string) []string { return []string{p[1], made, p[2], p[0]} }},
		{"reply moves the recent order", recent,
			func(t *testing.T, f *feeds, posted []string) error {
				_, err := f.memo.Reply(ctx, bob, posted[0], "re", nil)
				return err
			},
			func(p []string, made string) []string { return []string{made, p[2], p[1], p[0]} }},
		{"reply moves the popular order", popular,
			func(t *testing.T, f *feeds, posted []string) error {
				_, err := f.memo.Reply(ctx, ada, posted[1], "re", nil)
				return err
			},
			func(p []string, made string) []string { return []string{p[1], made, p[2], p[0]} }},
		{"delete leaves the recent order", recentTwo,
			func(t *testing.T, f *feeds, posted []string) error { return f.memo.Delete(ctx, posted[2], ada) },
			func(p []string, _ string) []string { return []string{p[1], p[0]} }},
		{"delete leaves the popular order", popularTwo,
			func(t *testing.T, f *feeds, posted []string) error { return f.memo.Delete(ctx, posted[1], bob) },
			func(p []string, _ string) []string { return []string{p[2], p[0]} }},
		{"like moves the popular order", popular,
			func(t *testing.T, f *feeds, posted []string) error {
				for _, fan := range []string{"8", "9"} {
					if _, err := f.memo.SetLike(ctx, posted[0], auth.Viewer{ID: fan}, true); err != nil {
						return err
					}
				}
				return nil
			},
			func(p []string, _ string) []string { return []string{p[0], p[1], p[2]} }},
		{"unlike moves the popular order", popular,
			func(t *testing.T, f *feeds, posted []string) error {
				_, err := f.memo.SetLike(ctx, posted[1], cyd, false)
				return err
			},
			func(p []string, _ string) []string { return []string{p[2], p[1], p[0]} }},
		{"imported tweets join the recent order", recent,
			func(t *testing.T, f *feeds, posted []string) error {
				at, id := between(posted[0])
				return f.memo.ImportTweets(ctx, []tweets.ImportedTweet{{ID: id, AuthorID: bob.ID, Text: "old", CreatedAt: at}})
			},
			func(p []string, _ string) []string {
				_, id := between(p[0])
				return []string{p[2], p[1], tweets.FormatID(id), p[0]}
			}},
		{"imported likes move the popular order", popular,
			func(t *testing.T, f *feeds, posted []string) error {
				n, _ := tweets.ParseID(posted[0])
				_, err := f.memo.ImportLikes(ctx, []tweets.ImportedLike{
					{TweetID: n, UserID: "8", CreatedAt: time.Now()}, {TweetID: n, UserID: "9", CreatedAt: time.Now()}})
				return err
			},
			func(p []string, _ string) []string { return []string{p[0], p[1], p[2]} }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, posted := setup(t)
			before := remembered(t, f, tc.read)
			if err := tc.write(t, f, posted); err != nil {
				t.Fatal(err)
			}
			made := ""
			if list, err := f.fresh.Feed(ctx, recent, cyd); err == nil && len(list.Tweets) > 0 && !slices.Contains(posted, list.Tweets[0].ID) {
				made = list.Tweets[0].ID
			}
			after := f.read(t, tc.read, cyd.ID)
			if want := tc.want(posted, made); !slices.Equal(ids(after), want) {
				t.Errorf("after the write the page is %v (before %v), want %v", ids(after), ids(before), want)
			}
		})
	}

	t.Run("a write by someone else keeps the page", func(t *testing.T) {
		f, _ := setup(t)
		remembered(t, f, recent)
		if _, err := f.memo.Post(ctx, cyd, "not in the feed", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := f.memo.SetLike(ctx, "1", cyd, true); err == nil {
			t.Fatal("liking a tweet that does not exist succeeded")
		}
		before := f.memo.FeedMemoStats().Hits
		f.read(t, recent, cyd.ID)
		if f.memo.FeedMemoStats().Hits != before+1 {
			t.Error("a post by someone outside the feed made the page be read again")
		}
	})
	t.Run("a reply from outside the feed keeps the page and shows in its reply count", func(t *testing.T) {
		f, posted := setup(t)
		remembered(t, f, recent)
		if _, err := f.memo.Reply(ctx, cyd, posted[0], "not in the feed, but counted", nil); err != nil {
			t.Fatal(err)
		}
		before := f.memo.FeedMemoStats().Hits
		p := f.read(t, recent, cyd.ID)
		if f.memo.FeedMemoStats().Hits != before+1 {
			t.Error("a reply by someone outside the feed made the page be read again")
		}
		if last := p.Tweets[len(p.Tweets)-1]; last.ID != posted[0] || last.ReplyCount != 1 {
			t.Errorf("the replied-to tweet reads %+v, want its reply_count read afresh: 1", last)
		}
	})
	// boosted sets up a tweet by cyd, outside the feed, boosted by bob, in
	// it, and remembers the page in the order given.
	boosted := func(t *testing.T, r tweets.FeedRequest) (*feeds, []string, string) {
		t.Helper()
		f, posted := setup(t)
		tw, err := f.memo.Post(ctx, cyd, "boost me", nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.memo.SetBoost(ctx, tw.ID, bob, true); err != nil {
			t.Fatal(err)
		}
		if p := remembered(t, f, r); !slices.Contains(ids(p), tw.ID) {
			t.Fatalf("the boosted tweet is not in the page: %s", pageString(p))
		}
		return f, posted, tw.ID
	}
	t.Run("a boost moves both orders", func(t *testing.T) {
		for _, r := range []tweets.FeedRequest{recent, popular} {
			f, _ := setup(t)
			remembered(t, f, r)
			tw, err := f.memo.Post(ctx, cyd, "boost me", nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.memo.SetBoost(ctx, tw.ID, bob, true); err != nil {
				t.Fatal(err)
			}
			if p := f.read(t, r, cyd.ID); !slices.Contains(ids(p), tw.ID) || p.Tweets[slices.Index(ids(p), tw.ID)].BoostedBy == nil {
				t.Errorf("%s: the page after bob's boost is %s, want cyd's tweet boosted by bob", r.Sort, pageString(p))
			}
		}
	})
	t.Run("an unboost takes it out", func(t *testing.T) {
		for _, r := range []tweets.FeedRequest{recent, popular} {
			f, _, tw := boosted(t, r)
			if _, err := f.memo.SetBoost(ctx, tw, bob, false); err != nil {
				t.Fatal(err)
			}
			if p := f.read(t, r, cyd.ID); slices.Contains(ids(p), tw) {
				t.Errorf("%s: the page after the unboost is %s, still with %s", r.Sort, pageString(p), tw)
			}
		}
	})
	t.Run("deleting a boosted tweet takes it out", func(t *testing.T) {
		f, _, tw := boosted(t, recent)
		if err := f.memo.Delete(ctx, tw, cyd); err != nil {
			t.Fatal(err)
		}
		// A deleted tweet is never read back, remembered or not: what shows
		// a stale page is the next cursor and the page size.
		if p := f.read(t, recentTwo, cyd.ID); slices.Contains(ids(p), tw) || len(p.Tweets) != 2 {
			t.Errorf("the page after the delete is %s", pageString(p))
		}
	})
	t.Run("a like of a boosted tweet moves the popular order", func(t *testing.T) {
		f, posted, tw := boosted(t, popular)
		for _, fan := range []string{"8", "9"} {
			if _, err := f.memo.SetLike(ctx, tw, auth.Viewer{ID: fan}, true); err != nil {
				t.Fatal(err)
			}
		}
		if p := f.read(t, popular, cyd.ID); p.Tweets[0].ID != tw {
			t.Errorf("the page after two likes of the boosted tweet is %s, want it first (before %v)", pageString(p), posted)
		}
	})
	t.Run("likes keep the recent order", func(t *testing.T) {
		f, posted := setup(t)
		remembered(t, f, recent)
		if _, err := f.memo.SetLike(ctx, posted[0], cyd, true); err != nil {
			t.Fatal(err)
		}
		before := f.memo.FeedMemoStats().Hits
		p := f.read(t, recent, cyd.ID)
		if f.memo.FeedMemoStats().Hits != before+1 {
			t.Error("a like made the recent page be read again")
		}
		if last := p.Tweets[len(p.Tweets)-1]; last.ID != posted[0] || last.LikeCount != 1 || !last.LikedByMe {
			t.Errorf("the liked tweet reads %s, want its new like count and cyd's like read afresh", pageString(p))
		}
	})
	t.Run("the same authors listed alike are the same page", func(t *testing.T) {
		f, _ := setup(t)
		remembered(t, f, recent)
		// The key names the authors as listed: another order is read
		// again (and answers the same page).
		stats := f.memo.FeedMemoStats()
		reordered := tweets.FeedRequest{Authors: []string{bob.ID, "", ada.ID, bob.ID}, Sort: tweets.SortRecent, Limit: 10}
		f.read(t, reordered, cyd.ID)
		f.read(t, reordered, cyd.ID)
		if got := f.memo.FeedMemoStats(); got.Misses != stats.Misses+1 || got.Hits != stats.Hits+1 {
			t.Errorf("reading a reordered list twice: %d misses and %d hits more, want one of each",
				got.Misses-stats.Misses, got.Hits-stats.Hits)
		}
	})
}

// TestFeedMemoUnderConcurrentWrites runs writers and readers at once (run
// it with -race). Each writer posts, deletes, likes and unlikes its own
// tweets and, after every write, reads its own feed through the memo: a
// write that has returned is always seen. Readers meanwhile read the feed
// of everyone, which every write invalidates. Once all have stopped, every
// page read through the memo equals a fresh computation.
func TestFeedMemoUnderConcurrentWrites(t *testing.T) {
	ctx := context.Background()
	f := mustFeeds(t, tweets.WithFeedMemo(64))
	const writers, rounds = 4, 40
	var everyone []string
	for w := range writers {
		everyone = append(everyone, fmt.Sprint("writer", w))
	}
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for r := range 3 {
		readers.Go(func() {
			v := auth.Viewer{ID: fmt.Sprint("reader", r)}
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				sort := []string{tweets.SortRecent, tweets.SortPopular}[i%2]
				if _, err := f.memo.Feed(ctx, tweets.FeedRequest{Authors: everyone, Sort: sort, Limit: 5}, v); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}

	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			me := auth.Viewer{ID: everyone[w]}
			mine := []tweets.FeedRequest{
				{Authors: []string{me.ID}, Sort: tweets.SortRecent, Limit: 3},
				{Authors: []string{me.ID}, Sort: tweets.SortPopular, Limit: 3},
			}
			// check reads the writer's own feeds, which only it changes:
			// through the memo and afresh, the same pages.
			check := func(what string) bool {
				for _, r := range mine {
					for cursor := ""; ; {
						r.Cursor = cursor
						got, err := f.memo.Feed(ctx, r, me)
						if err != nil {
							t.Error(err)
							return false
						}
						want, err := f.fresh.Feed(ctx, r, me)
						if err != nil {
							t.Error(err)
							return false
						}
						if !reflect.DeepEqual(got, want) {
							t.Errorf("%s: after %s, %s reads\n%s\nwant\n%s", me.ID, what, describe(r), pageString(got), pageString(want))
							return false
						}
						if cursor = got.Next; cursor == "" {
							break
						}
					}
				}
				return true
			}
			var posted []string
			for i := range rounds {
				var what string
				switch op := rng.IntN(4); {
				case op == 0 || len(posted) < 3:
					tw, err := f.memo.Post(ctx, me, fmt.Sprint("round ", i), nil)
					if err != nil {
						t.Error(err)
						return
					}
					posted, what = append(posted, tw.ID), "posting "+tw.ID
				case op == 1:
					j := rng.IntN(len(posted))
					if err := f.memo.Delete(ctx, posted[j], me); err != nil {
						t.Error(err)
						return
					}
					what = "deleting " + posted[j]
					posted = slices.Delete(posted, j, j+1)
				default:
					id, liked := posted[rng.IntN(len(posted))], op == 2
					if _, err := f.memo.SetLike(ctx, id, auth.Viewer{ID: fmt.Sprint("fan", rng.IntN(3))}, liked); err != nil {
						t.Error(err)
						return
					}
					what = fmt.Sprintf("liking (%v) %s", liked, id)
				}
				if !check(what) {
					return
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	readers.Wait()

	for _, sort := range []string{tweets.SortRecent, tweets.SortPopular} {
		r := tweets.FeedRequest{Authors: everyone, Sort: sort, Limit: 5}
		for {
			p := f.read(t, r, "reader0")
			if r.Cursor = p.Next; r.Cursor == "" {
				break
			}
		}
	}
	stats := f.memo.FeedMemoStats()
	t.Logf("memo: %d hits, %d misses", stats.Hits, stats.Misses)
}

// racingStore is the real store with a write slipped in between a feed
// query and its answer: a write committing while a page is being read.
type racingStore struct {
	*store.Store
	during func()
}

func (r *racingStore) Feed(ctx context.Context, q tweets.FeedQuery) ([]tweets.Tweet, error) {
	list, err := r.Store.Feed(ctx, q)
	if during := r.during; during != nil {
		r.during = nil
		during()
	}
	return list, err
}

// A page read while a write to its feed committed may or may not hold the
// write, so it is not remembered as true: the next read shows the write.
func TestFeedMemoForgetsAPageReadDuringAWrite(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, testkit.DBPath(t, "tweets"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	racing := &racingStore{Store: st}
	svc := tweets.NewService(racing, nobody{}, quiet{})
	ada := auth.Viewer{ID: "1"}
	first, err := svc.Post(ctx, ada, "first", nil)
	if err != nil {
		t.Fatal(err)
	}
	var raced tweets.Tweet
	racing.during = func() {
		if raced, err = svc.Post(ctx, ada, "posted while the page was read", nil); err != nil {
			t.Error(err)
		}
	}
	r := tweets.FeedRequest{Authors: []string{ada.ID}, Limit: 10}
	page, err := svc.Feed(ctx, r, ada)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(page); !slices.Equal(got, []string{first.ID}) {
		t.Fatalf("the page read before the write = %v, want only %s", got, first.ID)
	}
	page, err = svc.Feed(ctx, r, ada)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ids(page), []string{raced.ID, first.ID}; !slices.Equal(got, want) {
		t.Errorf("the next read = %v, want %v", got, want)
	}
}
