package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"murmur/fragments/follow"
)

func edgeIDs(list []follow.ExportedEdge) []string {
	out := []string{}
	for _, e := range list {
		out = append(out, e.UserID)
	}
	return out
}

// The export lists whom one follows and who follows one, oldest first, with
// when; someone else's edges are not in it.
func TestExport(t *testing.T) {
	ctx := context.Background()
	st := mustStore(t)
	start := time.Now().Add(-time.Second)
	mustFollow(t, st, "1", "3")
	mustFollow(t, st, "1", "2")
	mustFollow(t, st, "4", "1")
	mustFollow(t, st, "2", "1")
	mustFollow(t, st, "2", "3")

	e, err := st.Export(ctx, "1")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := edgeIDs(e.Following), []string{"3", "2"}; !slices.Equal(got, want) {
		t.Errorf("following = %v, want %v (oldest first)", got, want)
	}
	if got, want := edgeIDs(e.Followers), []string{"4", "2"}; !slices.Equal(got, want) {
		t.Errorf("followers = %v, want %v (oldest first)", got, want)
	}
	for _, x := range append(slices.Clone(e.Following), e.Followers...) {
		if x.At.Before(start) || x.At.After(time.Now().Add(time.Second)) || x.At.Location() != time.UTC {
			t.Errorf("edge %+v: at %v, want the time of the follow, in UTC", x, x.At)
		}
	}
	none, err := st.Export(ctx, "9")
	if err != nil || none.Following == nil || none.Followers == nil || len(none.Following)+len(none.Followers) != 0 {
		t.Errorf("Export(nobody) = %+v, %v; want two empty lists (not null in JSON)", none, err)
	}
}

// Erasing an account removes its follows both ways, with everyone's counts
// and the versions of whom its followers follow; a second time, nothing.
func TestEraseUser(t *testing.T) {
	ctx := context.Background()
	st := mustStore(t)
	const ann = "1"
	mustFollow(t, st, ann, "2")
	mustFollow(t, st, ann, "3")
	mustFollow(t, st, "2", ann)
	mustFollow(t, st, "4", ann)
	mustFollow(t, st, "2", "3")
	mustFollow(t, st, "4", "2")
	before2, err := st.FollowingVersion(ctx, "2")
	if err != nil {
		t.Fatal(err)
	}

	n, err := st.EraseUser(ctx, ann)
	if err != nil || n < 4 {
		t.Fatalf("EraseUser = %d rows, %v; want at least the 4 edges", n, err)
	}

	check := func(t *testing.T) {
		t.Helper()
		for _, c := range []struct {
			id   string
			want follow.Counts
		}{
			{ann, follow.Counts{}},
			{"2", follow.Counts{Following: 1, Followers: 1}},
			{"3", follow.Counts{Followers: 1}},
			{"4", follow.Counts{Following: 1}},
		} {
			if got := mustCounts(t, st, c.id); got != c.want {
				t.Errorf("counts of %s = %+v, want %+v", c.id, got, c.want)
			}
		}
		if got := allIDs(t, st.Followers, "3", 10); !slices.Equal(got, []string{"2"}) {
			t.Errorf("followers of 3 = %v, want [2]", got)
		}
		if got := allIDs(t, st.Following, "4", 10); !slices.Equal(got, []string{"2"}) {
			t.Errorf("4 follows %v, want [2]", got)
		}
		for _, list := range []func(context.Context, string, int, string) (follow.IDPage, error){st.Followers, st.Following} {
			if got := allIDs(t, list, ann, 10); len(got) != 0 {
				t.Errorf("ann's edges = %v, want none", got)
			}
		}
		e, err := st.Export(ctx, ann)
		if err != nil || len(e.Following)+len(e.Followers) != 0 {
			t.Errorf("Export(ann) = %+v, %v; want nothing", e, err)
		}
	}
	check(t)
	if after2, _ := st.FollowingVersion(ctx, "2"); after2 == before2 {
		t.Errorf("2's following version stayed %d, want it moved (they no longer follow ann)", after2)
	}

	t.Run("a second time changes nothing", func(t *testing.T) {
		v2, _ := st.FollowingVersion(ctx, "2")
		n, err := st.EraseUser(ctx, ann)
		if err != nil || n != 0 {
			t.Fatalf("EraseUser again = %d rows, %v; want 0", n, err)
		}
		check(t)
		if got, _ := st.FollowingVersion(ctx, "2"); got != v2 {
			t.Errorf("2's following version moved from %d to %d, want unchanged", v2, got)
		}
	})
}
