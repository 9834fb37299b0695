package sources_test

import (
	"net/http"
	"slices"
	"testing"

	"murmur/fragments/internal/fault"
	"murmur/fragments/timeline"
	"murmur/fragments/timeline/sources"
	"murmur/fragments/timeline/timelinetest"
)

// TestFollowingKeepsUnchangedIDs checks the follow source's kept lists:
// every read asks follow, an unchanged list comes back as a 304 and the
// kept ids, and any change (here an unfollow) shows on the very next read,
// in every timeline instance.
func TestFollowingKeepsUnchangedIDs(t *testing.T) {
	s := timelinetest.MustSources(t)
	reader, amy, ben, cyd := s.Profile.MustUser(t, "reader", "Reader"), s.Profile.MustUser(t, "amy", "Amy"),
		s.Profile.MustUser(t, "ben", "Ben"), s.Profile.MustUser(t, "cyd", "Cyd")
	s.MustFollow(t, reader, amy, true)
	s.MustFollow(t, reader, ben, true)
	rec := timelinetest.MustRecorder(t, s.Follow.URL)
	f := sources.NewFollow(rec.URL)
	c := timeline.Caller{ViewerID: reader.ID, Handle: "reader", Token: reader.Token}

	// read reads whom reader follows through src and returns what follow
	// was asked and answered on the way.
	read := func(t *testing.T, src *sources.Follow, want ...string) []timelinetest.Exchange {
		t.Helper()
		n := rec.Count()
		got, err := src.Following(t.Context(), c)
		if err != nil {
			t.Fatalf("Following: %v", err)
		}
		if !slices.Equal(got.IDs, want) {
			t.Errorf("Following = %v, want %v", got, want)
		}
		return rec.Since(n)
	}

	var etag string
	t.Run("the first read lists them", func(t *testing.T) {
		seen := read(t, f, ben.ID, amy.ID)
		if len(seen) != 1 || seen[0].Status != http.StatusOK || seen[0].IfNoneMatch != "" || seen[0].ETag == "" {
			t.Fatalf("follow saw %+v, want one plain request answered 200 with an ETag", seen)
		}
		etag = seen[0].ETag
	})
	t.Run("an unchanged list is asked about, not sent", func(t *testing.T) {
		for range 2 {
			seen := read(t, f, ben.ID, amy.ID)
			if len(seen) != 1 || seen[0].IfNoneMatch != etag || seen[0].Status != http.StatusNotModified {
				t.Fatalf("follow saw %+v, want one request with If-None-Match %s answered 304", seen, etag)
			}
		}
	})
	t.Run("callers cannot spoil the kept ids", func(t *testing.T) {
		got, err := f.Following(t.Context(), c)
		if err != nil {
			t.Fatal(err)
		}
		got.IDs[0] = "spoiled"
		read(t, f, ben.ID, amy.ID)
	})

	other := sources.NewFollow(rec.URL) // another timeline instance
	read(t, other, ben.ID, amy.ID)
	t.Run("an unfollow shows on the next read", func(t *testing.T) {
		s.MustFollow(t, reader, amy, false)
		seen := read(t, f, ben.ID)
		if len(seen) != 1 || seen[0].IfNoneMatch != etag || seen[0].Status != http.StatusOK {
			t.Errorf("follow saw %+v, want the kept list's ETag answered 200 with the new list", seen)
		}
		read(t, other, ben.ID)
	})
	t.Run("a follow shows on the next read", func(t *testing.T) {
		s.MustFollow(t, reader, cyd, true)
		read(t, f, cyd.ID, ben.ID)
		read(t, other, cyd.ID, ben.ID)
	})
	t.Run("with follow down the read fails", func(t *testing.T) {
		rec.Close()
		if ids, err := f.Following(t.Context(), c); !fault.Is(err, fault.Unavailable) {
			t.Errorf("Following with follow down = %v, %v; want Unavailable, not the kept ids", ids, err)
		}
	})
}
