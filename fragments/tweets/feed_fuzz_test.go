package tweets

import (
	"strings"
	"testing"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/testkit"
)

// readFeedCursor reads a cursor by the documented rule, without the
// service's parser: a tweet id for the recent order, "<likes>_<id>" for
// the popular one, every number written as feedCursor writes it.
func readFeedCursor(c string, popular bool) (FeedPosition, bool) {
	if !popular {
		id, ok := testkit.CanonicalID(c)
		return FeedPosition{ID: id}, ok
	}
	likes, id, found := strings.Cut(c, "_")
	n, likesOK := testkit.CanonicalCount(likes)
	pos := FeedPosition{Likes: int(n)}
	var idOK bool
	pos.ID, idOK = testkit.CanonicalID(id)
	return pos, found && likesOK && idOK
}

// FuzzFeedCursor holds the cursors of tweet lists to round trips: the
// feed's cursor parser reads back exactly what feedCursor writes, in
// either order, and refuses everything else; ids (a person's list's
// cursor, the feed's after, every tweet and media id in a URL) are read
// only in the one form FormatID writes. A feed request is refused exactly
// when its cursor or after is one of those refused.
func FuzzFeedCursor(f *testing.F) {
	viewer := auth.Viewer{ID: "1"}
	f.Fuzz(func(t *testing.T, c string, popular bool, likes int, id int64) {
		pos, ok := parseFeedCursor(c, popular)
		want, cursorOK := readFeedCursor(c, popular)
		if ok != cursorOK || (ok && pos != want) {
			t.Fatalf("parseFeedCursor(%q, popular %v) = %+v, %v; want %+v, %v", c, popular, pos, ok, want, cursorOK)
		}
		if ok {
			if back := feedCursor(Tweet{ID: FormatID(pos.ID), LikeCount: pos.Likes}, popular); back != c {
				t.Fatalf("cursor %q reads as %+v, which is written %q", c, pos, back)
			}
		}
		if likes >= 0 && id > 0 {
			made := feedCursor(Tweet{ID: FormatID(id), LikeCount: likes}, popular)
			back, ok := parseFeedCursor(made, popular)
			want := FeedPosition{ID: id}
			if popular {
				want.Likes = likes
			}
			if !ok || back != want {
				t.Fatalf("cursor %q of %+v reads back as %+v, %v", made, want, back, ok)
			}
		}

		n, ok := ParseID(c)
		wantID, idOK := testkit.CanonicalID(c)
		if ok != idOK || (ok && n != wantID) {
			t.Fatalf("ParseID(%q) = %d, %v; want %d, %v", c, n, ok, wantID, idOK)
		}
		if id > 0 {
			if back, ok := ParseID(FormatID(id)); !ok || back != id {
				t.Fatalf("id %d is written %q, which reads as %d, %v", id, FormatID(id), back, ok)
			}
		}

		order := SortRecent
		if popular {
			order = SortPopular
		}
		_, err := feedQuery(FeedRequest{Authors: []string{"1"}, Sort: order, Cursor: c}, viewer)
		if (err == nil) != (c == "" || cursorOK) || (err != nil && !fault.Is(err, fault.Invalid)) {
			t.Fatalf("a %s feed with cursor %q: %v", order, c, err)
		}
		_, err = feedQuery(FeedRequest{Authors: []string{"1"}, Sort: order, After: c}, viewer)
		if (err == nil) != (c == "" || (!popular && idOK)) || (err != nil && !fault.Is(err, fault.Invalid)) {
			t.Fatalf("a %s feed after %q: %v", order, c, err)
		}
	})
}
