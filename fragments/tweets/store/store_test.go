package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/testkit"
	"murmur/fragments/tweets"
	"murmur/fragments/tweets/store"
	"murmur/fragments/tweets/tweetstest"
)

// fixture is a store on a fresh SQLite file with an id generator.
type fixture struct {
	*store.Store
	ids *tweets.IDs
	now time.Time
}

func mustStore(t *testing.T) *fixture {
	t.Helper()
	st, err := store.Open(context.Background(), testkit.DBPath(t, "tweets"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	f := &fixture{Store: st, now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	f.ids = tweets.NewIDs(func() time.Time { return f.now })
	return f
}

func (f *fixture) mustMedia(t *testing.T, owner string, at time.Time) tweets.Media {
	t.Helper()
	img, err := tweets.ProcessImage(tweetstest.PNG(t, 4, 3))
	if err != nil {
		t.Fatal(err)
	}
	m, err := f.CreateMedia(context.Background(), tweets.NewMedia{ID: f.ids.Next(), OwnerID: owner, Image: img, CreatedAt: at})
	if err != nil {
		t.Fatalf("create media: %v", err)
	}
	return m
}

func (f *fixture) mustTweet(t *testing.T, author, text string, media ...tweets.Attachment) tweets.Tweet {
	t.Helper()
	tw, err := f.CreateTweet(context.Background(), tweets.NewTweet{NewID: f.ids.Next, AuthorID: author, Text: text, Attachments: media, CreatedAt: f.now})
	if err != nil {
		t.Fatalf("create tweet: %v", err)
	}
	return tw
}

func TestCreateAndReadTweets(t *testing.T) {
	ctx := context.Background()
	f := mustStore(t)
	m1, m2 := f.mustMedia(t, "1", f.now), f.mustMedia(t, "1", f.now)
	alt := "a red square"
	tw := f.mustTweet(t, "1", "hello", tweets.Attachment{ID: m2.ID, Alt: &alt}, tweets.Attachment{ID: m1.ID})

	got, err := f.Tweets(ctx, []string{tw.ID}, "")
	if err != nil || len(got) != 1 {
		t.Fatalf("Tweets = %v, %v; want the tweet", got, err)
	}
	g := got[0]
	if g.Text != "hello" || g.Author.ID != "1" || !g.CreatedAt.Equal(f.now) {
		t.Errorf("tweet = %+v, want text hello by 1 at %v", g, f.now)
	}
	if len(g.Media) != 2 || g.Media[0].ID != m2.ID || g.Media[1].ID != m1.ID {
		t.Fatalf("media = %+v, want %s then %s, in the order attached", g.Media, m2.ID, m1.ID)
	}
	if g.Media[0].Alt != alt || g.Media[0].URL != "/tweets/media/"+m2.ID || g.Media[0].Width != 4 || g.Media[0].Height != 3 {
		t.Errorf("media[0] = %+v, want alt %q, its URL and 4×3", g.Media[0], alt)
	}
	file, err := f.MediaFile(ctx, m1.ID)
	if err != nil || file.ContentType != "image/png" || len(file.Data) == 0 {
		t.Errorf("MediaFile = %s, %d bytes, %v; want a PNG", file.ContentType, len(file.Data), err)
	}
}

func TestTweetsByIDsKeepOrderAndSkipUnknown(t *testing.T) {
	f := mustStore(t)
	a, b, c := f.mustTweet(t, "1", "a"), f.mustTweet(t, "2", "b"), f.mustTweet(t, "1", "c")
	got, err := f.Tweets(context.Background(), []string{c.ID, "999", "junk", a.ID, b.ID, a.ID}, "")
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, tw := range got {
		texts = append(texts, tw.Text)
	}
	if want := []string{"c", "a", "b"}; len(texts) != 3 || texts[0] != want[0] || texts[1] != want[1] || texts[2] != want[2] {
		t.Errorf("texts = %v, want %v", texts, want)
	}
}

func TestAttachingMedia(t *testing.T) {
	ctx := context.Background()
	f := mustStore(t)
	mine, theirs, used := f.mustMedia(t, "1", f.now), f.mustMedia(t, "2", f.now), f.mustMedia(t, "1", f.now)
	f.mustTweet(t, "1", "first", tweets.Attachment{ID: used.ID})
	tests := []struct {
		name  string
		media string
	}{
		{"someone else's image", theirs.ID},
		{"an image already used", used.ID},
		{"an unknown image", "12345"},
		{"a malformed id", "abc"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.CreateTweet(ctx, tweets.NewTweet{NewID: f.ids.Next, AuthorID: "1", Text: "x",
				Attachments: []tweets.Attachment{{ID: mine.ID}, {ID: tc.media}}, CreatedAt: f.now})
			if !fault.Is(err, fault.Invalid) {
				t.Fatalf("error = %v, want Invalid", err)
			}
		})
	}
	// None of the refused tweets exists, and the good image is still free.
	page, _ := f.TweetsByAuthor(ctx, "1", 0, 10, "")
	if len(page) != 1 {
		t.Errorf("author 1 has %d tweets, want 1 (refused tweets rolled back)", len(page))
	}
	f.mustTweet(t, "1", "second", tweets.Attachment{ID: mine.ID})
}

func TestTweetsByAuthorPagesByID(t *testing.T) {
	ctx := context.Background()
	f := mustStore(t)
	var ids []string
	for i := range 7 {
		f.now = f.now.Add(time.Millisecond)
		ids = append(ids, f.mustTweet(t, "1", string(rune('a'+i))).ID)
		f.mustTweet(t, "2", "other")
	}
	var got []string
	var before int64
	for range 4 {
		page, err := f.TweetsByAuthor(ctx, "1", before, 3, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, tw := range page {
			got = append(got, tw.ID)
		}
		if len(page) < 3 {
			break
		}
		before, _ = tweets.ParseID(page[len(page)-1].ID)
	}
	if len(got) != 7 {
		t.Fatalf("paged through %d tweets, want 7", len(got))
	}
	for i := range got {
		if want := ids[len(ids)-1-i]; got[i] != want {
			t.Errorf("tweet %d = %s, want %s (newest first)", i, got[i], want)
		}
	}
}

func TestDeleteTweet(t *testing.T) {
	ctx := context.Background()
	f := mustStore(t)
	m := f.mustMedia(t, "1", f.now)
	tw := f.mustTweet(t, "1", "bye", tweets.Attachment{ID: m.ID})
	if _, err := f.SetLike(ctx, tw.ID, "2", true, f.now); err != nil {
		t.Fatal(err)
	}

	t.Run("not the author", func(t *testing.T) {
		if _, err := f.DeleteTweet(ctx, tw.ID, "2", f.now); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("error = %v, want Forbidden", err)
		}
	})
	t.Run("unknown", func(t *testing.T) {
		if _, err := f.DeleteTweet(ctx, "42", "1", f.now); !fault.Is(err, fault.NotFound) {
			t.Fatalf("error = %v, want NotFound", err)
		}
	})
	t.Run("the author", func(t *testing.T) {
		d, err := f.DeleteTweet(ctx, tw.ID, "1", f.now)
		if err != nil || !d.Deleted || d.AuthorID != "1" {
			t.Fatalf("DeleteTweet = %+v, %v; want deleted by 1", d, err)
		}
		if got, _ := f.Tweets(ctx, []string{tw.ID}, ""); len(got) != 0 {
			t.Error("the tweet is still there")
		}
		if _, err := f.MediaFile(ctx, m.ID); !fault.Is(err, fault.NotFound) {
			t.Errorf("its image: error = %v, want NotFound (deleted with it)", err)
		}
		if _, err := f.SetLike(ctx, tw.ID, "2", false, f.now); !fault.Is(err, fault.NotFound) {
			t.Errorf("unlike after delete: error = %v, want NotFound", err)
		}
	})
	t.Run("again by the author", func(t *testing.T) {
		d, err := f.DeleteTweet(ctx, tw.ID, "1", f.now)
		if err != nil || d.Deleted {
			t.Fatalf("DeleteTweet again = %+v, %v; want no error and nothing deleted", d, err)
		}
	})
	t.Run("again by someone else", func(t *testing.T) {
		if _, err := f.DeleteTweet(ctx, tw.ID, "2", f.now); !fault.Is(err, fault.Forbidden) {
			t.Fatalf("error = %v, want Forbidden", err)
		}
	})
}

func TestLikesAreIdempotent(t *testing.T) {
	ctx := context.Background()
	f := mustStore(t)
	tw := f.mustTweet(t, "1", "like me")
	steps := []struct {
		user        string
		liked       bool
		wantChanged bool
		wantCount   int
	}{
		{"2", true, true, 1},
		{"2", true, false, 1},
		{"3", true, true, 2},
		{"2", false, true, 1},
		{"2", false, false, 1},
		{"4", false, false, 1},
	}
	for i, s := range steps {
		l, err := f.SetLike(ctx, tw.ID, s.user, s.liked, f.now)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if l.Changed != s.wantChanged || l.LikeCount != s.wantCount || l.Liked != s.liked {
			t.Errorf("step %d (user %s liked=%v): got changed=%v count=%d, want changed=%v count=%d",
				i, s.user, s.liked, l.Changed, l.LikeCount, s.wantChanged, s.wantCount)
		}
	}
	got, _ := f.Tweets(ctx, []string{tw.ID}, "3")
	if !got[0].LikedByMe || got[0].LikeCount != 1 {
		t.Errorf("as user 3: liked_by_me=%v count=%d, want true 1", got[0].LikedByMe, got[0].LikeCount)
	}
	got, _ = f.Tweets(ctx, []string{tw.ID}, "2")
	if got[0].LikedByMe {
		t.Error("as user 2: liked_by_me = true, want false after unliking")
	}
	if _, err := f.SetLike(ctx, "777", "2", true, f.now); !fault.Is(err, fault.NotFound) {
		t.Errorf("like an unknown tweet: error = %v, want NotFound", err)
	}
}

func TestConcurrentLikesCountExactly(t *testing.T) {
	ctx := context.Background()
	f := mustStore(t)
	tw := f.mustTweet(t, "1", "popular")
	const users, repeats = 40, 3
	var wg sync.WaitGroup
	errs := make(chan error, users*repeats*2)
	for u := range users {
		for range repeats {
			wg.Add(1)
			go func() {
				defer wg.Done()
				user := testUserID(u)
				if _, err := f.SetLike(ctx, tw.ID, user, true, f.now); err != nil {
					errs <- err
				}
				// Every third user changes their mind, concurrently with the others.
				if u%3 == 0 {
					if _, err := f.SetLike(ctx, tw.ID, user, false, f.now); err != nil {
						errs <- err
					}
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent like: %v", err)
	}
	got, _ := f.Tweets(ctx, []string{tw.ID}, "")
	want := users - (users+2)/3
	if got[0].LikeCount != want {
		t.Errorf("like_count = %d, want %d", got[0].LikeCount, want)
	}
}

func testUserID(i int) string { return tweets.FormatID(int64(i + 100)) }

func TestDeleteUnattachedMedia(t *testing.T) {
	ctx := context.Background()
	f := mustStore(t)
	old := f.now.Add(-25 * time.Hour)
	oldFree := f.mustMedia(t, "1", old)
	oldUsed := f.mustMedia(t, "1", old)
	fresh := f.mustMedia(t, "1", f.now.Add(-time.Hour))
	f.mustTweet(t, "1", "with image", tweets.Attachment{ID: oldUsed.ID})

	n, err := f.DeleteUnattachedMedia(ctx, f.now.Add(-24*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("DeleteUnattachedMedia = %d, %v; want 1", n, err)
	}
	for _, tc := range []struct {
		name string
		id   string
		gone bool
	}{{"old unattached", oldFree.ID, true}, {"old attached", oldUsed.ID, false}, {"fresh unattached", fresh.ID, false}} {
		_, err := f.MediaFile(ctx, tc.id)
		if gone := fault.Is(err, fault.NotFound); gone != tc.gone {
			t.Errorf("%s: gone = %v (%v), want %v", tc.name, gone, err, tc.gone)
		}
	}
}

// Ids grow in commit order even when the generator hands a later writer a
// smaller id (it made its id before waiting for the write lock).
func TestTweetIDsFollowCommitOrder(t *testing.T) {
	f := mustStore(t)
	ctx := context.Background()
	for _, tt := range []struct{ made int64 }{{5_000_000_000}, {4_000_000_000}, {4_000_000_001}} {
		before := f.mustTweet(t, "1", "earlier")
		made := tt.made
		tw, err := f.CreateTweet(ctx, tweets.NewTweet{NewID: func() int64 { return made }, AuthorID: "1", Text: "later", CreatedAt: f.now})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := tweets.ParseID(before.ID)
		a, _ := tweets.ParseID(tw.ID)
		if a <= b {
			t.Errorf("tweet committed after %d got id %d (generator said %d), want a larger id", b, a, made)
		}
	}
}
