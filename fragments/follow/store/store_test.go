package store_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"

	"murmur/fragments/follow"
	"murmur/fragments/follow/store"
	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/testkit"
)

func mustStore(tb testing.TB) *store.Store {
	tb.Helper()
	st, err := store.Open(context.Background(), testkit.DBPath(tb, "follow"))
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}

func mustFollow(tb testing.TB, st *store.Store, follower, followee string) {
	tb.Helper()
	if _, err := st.Follow(context.Background(), follower, followee); err != nil {
		tb.Fatalf("follow %s -> %s: %v", follower, followee, err)
	}
}

func mustCounts(tb testing.TB, st *store.Store, id string) follow.Counts {
	tb.Helper()
	c, err := st.Counts(context.Background(), id)
	if err != nil {
		tb.Fatalf("counts of %s: %v", id, err)
	}
	return c
}

func TestFollowUnfollowIdempotent(t *testing.T) {
	ctx := context.Background()
	st := mustStore(t)
	steps := []struct {
		name         string
		op           func(context.Context, string, string) (bool, error)
		wantChanged  bool
		want1, want2 follow.Counts
	}{
		{"first follow", st.Follow, true, follow.Counts{Following: 1}, follow.Counts{Followers: 1}},
		{"double follow", st.Follow, false, follow.Counts{Following: 1}, follow.Counts{Followers: 1}},
		{"unfollow", st.Unfollow, true, follow.Counts{}, follow.Counts{}},
		{"unfollow again", st.Unfollow, false, follow.Counts{}, follow.Counts{}},
		{"follow again", st.Follow, true, follow.Counts{Following: 1}, follow.Counts{Followers: 1}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			changed, err := s.op(ctx, "1", "2")
			if err != nil {
				t.Fatal(err)
			}
			if changed != s.wantChanged {
				t.Errorf("changed = %v, want %v", changed, s.wantChanged)
			}
			if got := mustCounts(t, st, "1"); got != s.want1 {
				t.Errorf("counts of 1 = %+v, want %+v", got, s.want1)
			}
			if got := mustCounts(t, st, "2"); got != s.want2 {
				t.Errorf("counts of 2 = %+v, want %+v", got, s.want2)
			}
		})
	}
	t.Run("unknown person has zero counts", func(t *testing.T) {
		if got := mustCounts(t, st, "777"); got != (follow.Counts{}) {
			t.Errorf("counts = %+v, want zero", got)
		}
	})
	t.Run("unfollow of a stranger changes nothing", func(t *testing.T) {
		changed, err := st.Unfollow(ctx, "1", "3")
		if err != nil || changed {
			t.Errorf("Unfollow(stranger) = %v, %v; want false, nil", changed, err)
		}
		if got := mustCounts(t, st, "3"); got != (follow.Counts{}) {
			t.Errorf("counts of stranger = %+v, want zero", got)
		}
	})
	t.Run("self follow is refused by the schema", func(t *testing.T) {
		if _, err := st.Follow(ctx, "4", "4"); err == nil {
			t.Error("Follow(4, 4) succeeded, want a constraint error")
		}
	})
}

// TestCountsExactUnderConcurrency follows and unfollows from many goroutines
// at once, repeating some, and checks the counts equal the edges.
func TestCountsExactUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	st := mustStore(t)
	const n = 40
	const target = "1000"
	var wg sync.WaitGroup
	errs := make(chan error, 8*n)
	for i := 1; i <= n; i++ {
		id := strconv.Itoa(i)
		wg.Go(func() {
			// Everyone follows the target twice and is followed back.
			for range 2 {
				if _, err := st.Follow(ctx, id, target); err != nil {
					errs <- err
				}
			}
			if _, err := st.Follow(ctx, target, id); err != nil {
				errs <- err
			}
			// Odd ones change their minds: unfollow (twice) then the
			// target unfollows them too.
			if i%2 == 1 {
				for range 2 {
					if _, err := st.Unfollow(ctx, id, target); err != nil {
						errs <- err
					}
				}
				if _, err := st.Unfollow(ctx, target, id); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent write failed: %v", err)
	}
	want := follow.Counts{Followers: n / 2, Following: n / 2}
	if got := mustCounts(t, st, target); got != want {
		t.Errorf("target counts = %+v, want %+v", got, want)
	}
	for i := 1; i <= n; i++ {
		want := follow.Counts{Followers: 1, Following: 1}
		if i%2 == 1 {
			want = follow.Counts{}
		}
		if got := mustCounts(t, st, strconv.Itoa(i)); got != want {
			t.Errorf("counts of %d = %+v, want %+v", i, got, want)
		}
	}
	all := allIDs(t, st.Followers, target, 7)
	if len(all) != n/2 {
		t.Errorf("followers listed = %d, want %d", len(all), n/2)
	}
}

// allIDs reads a list to its end, page by page.
func allIDs(tb testing.TB, list func(context.Context, string, int, string) (follow.IDPage, error), id string, limit int) []string {
	tb.Helper()
	var out []string
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 1000 {
			tb.Fatal("paging does not end")
		}
		p, err := list(context.Background(), id, limit, cursor)
		if err != nil {
			tb.Fatalf("list page %d: %v", pages, err)
		}
		if len(p.IDs) > limit {
			tb.Fatalf("page %d has %d ids, limit %d", pages, len(p.IDs), limit)
		}
		out = append(out, p.IDs...)
		if p.Next == "" {
			return out
		}
		cursor = p.Next
	}
}

func TestPaging(t *testing.T) {
	ctx := context.Background()
	st := mustStore(t)
	const n = 25
	var newestFirst []string
	for i := 1; i <= n; i++ {
		mustFollow(t, st, strconv.Itoa(i), "100")
		mustFollow(t, st, "100", strconv.Itoa(i))
		newestFirst = append([]string{strconv.Itoa(i)}, newestFirst...)
	}
	for _, tc := range []struct {
		name  string
		list  func(context.Context, string, int, string) (follow.IDPage, error)
		limit int
	}{
		{"followers by 10", st.Followers, 10},
		{"following by 10", st.Following, 10},
		{"followers by 25", st.Followers, 25},
		{"followers by 100", st.Followers, 100},
		{"following by 1", st.Following, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := allIDs(t, tc.list, "100", tc.limit)
			if !slices.Equal(got, newestFirst) {
				t.Errorf("ids = %v, want newest first %v", got, newestFirst)
			}
		})
	}
	t.Run("pages and cursors", func(t *testing.T) {
		p1, err := st.Followers(ctx, "100", 10, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(p1.IDs) != 10 || p1.Next == "" {
			t.Fatalf("first page = %d ids, next %q; want 10 and a cursor", len(p1.IDs), p1.Next)
		}
		p3, err := st.Followers(ctx, "100", 10, "")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(p1.IDs, p3.IDs) || p1.Next != p3.Next {
			t.Errorf("same request gave a different page")
		}
	})
	t.Run("a refollow moves to the top", func(t *testing.T) {
		if _, err := st.Unfollow(ctx, "3", "100"); err != nil {
			t.Fatal(err)
		}
		mustFollow(t, st, "3", "100")
		p, err := st.Followers(ctx, "100", 1, "")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(p.IDs, []string{"3"}) {
			t.Errorf("newest follower = %v, want [3]", p.IDs)
		}
	})
	t.Run("empty list", func(t *testing.T) {
		p, err := st.Following(ctx, "555", 20, "")
		if err != nil || len(p.IDs) != 0 || p.Next != "" {
			t.Errorf("Following(nobody) = %+v, %v; want empty, no cursor", p, err)
		}
	})
	for _, bad := range []string{"!!!", "bm9wZQ", "MA", "LTU"} {
		t.Run("bad cursor "+bad, func(t *testing.T) {
			_, err := st.Followers(ctx, "100", 10, bad)
			if !fault.Is(err, fault.Invalid) {
				t.Errorf("err = %v, want Invalid", err)
			}
		})
	}
}

func TestSuggestions(t *testing.T) {
	ctx := context.Background()
	st := mustStore(t)
	// me=1 follows 2 and 3. 2 follows 4 and 5; 3 follows 4 and 6.
	// 7 is followed by 8, 9 and 5: the most followed.
	edges := [][2]int{{1, 2}, {1, 3}, {2, 4}, {2, 5}, {3, 4}, {3, 6}, {8, 7}, {9, 7}, {5, 7}, {6, 1}}
	for _, e := range edges {
		mustFollow(t, st, strconv.Itoa(e[0]), strconv.Itoa(e[1]))
	}
	fof := []struct {
		name  string
		limit int
		skip  []string
		want  []string
	}{
		// 4 is followed by two of my followees; 5 and 6 by one each
		// (tie: both have one follower, smaller id first). Never 1 (me,
		// followed by 6? no: 6 is not my followee) nor 2, 3 (followed).
		{"ranked", 10, nil, []string{"4", "5", "6"}},
		{"limited", 2, nil, []string{"4", "5"}},
		{"skipping shown", 10, []string{"4", "6"}, []string{"5"}},
	}
	for _, tc := range fof {
		t.Run("followed by followees "+tc.name, func(t *testing.T) {
			got, err := st.FollowedByFollowees(ctx, "1", tc.limit, tc.skip)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	popular := []struct {
		name, me string
		limit    int
		skip     []string
		want     []string
	}{
		// Followers: 7:3, 4:2, 1:1, 2:1, 3:1, 5:1, 6:1.
		{"signed out", "", 10, nil, []string{"7", "4", "1", "2", "3", "5", "6"}},
		{"never me nor whom I follow", "1", 10, nil, []string{"7", "4", "5", "6"}},
		{"skip and limit", "1", 2, []string{"7"}, []string{"4", "5"}},
	}
	for _, tc := range popular {
		t.Run("most followed "+tc.name, func(t *testing.T) {
			got, err := st.MostFollowed(ctx, tc.me, tc.limit, tc.skip)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestFollowedAmong(t *testing.T) {
	st := mustStore(t)
	for _, id := range []string{"2", "4", "6"} {
		mustFollow(t, st, "1", id)
	}
	got, err := st.FollowedAmong(context.Background(), "1", []string{"2", "3", "4", "5", "6", "x"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"2": true, "4": true, "6": true}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("FollowedAmong = %v, want %v", got, want)
	}
}

// TestSuggestionsComeFromRecentFollowees checks friends of friends are
// drawn from the 50 people followed most recently, not from everyone.
func TestSuggestionsComeFromRecentFollowees(t *testing.T) {
	ctx := context.Background()
	st := mustStore(t)
	// 1000 follows 100 and 2 follows 200. Me (1): 1000 first, then 49
	// quiet people (3..51), then 2 last.
	mustFollow(t, st, "1000", "100")
	mustFollow(t, st, "2", "200")
	mustFollow(t, st, "1", "1000")
	for i := 3; i <= 51; i++ {
		mustFollow(t, st, "1", strconv.Itoa(i))
	}
	mustFollow(t, st, "1", "2")
	got, err := st.FollowedByFollowees(ctx, "1", 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []string{"200"}) {
		t.Errorf("suggestions = %v; want only 200: 100 is followed by my oldest followee, past the 50 most recent", got)
	}
}
