package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"murmur/fragments/internal/fault"
	"murmur/fragments/tweets"
)

func (f *fixture) mustReply(t *testing.T, author, text, to string) tweets.Tweet {
	t.Helper()
	parent, ok := tweets.ParseID(to)
	if !ok {
		t.Fatalf("reply to %q: not an id", to)
	}
	tw, err := f.CreateTweet(context.Background(), tweets.NewTweet{NewID: f.ids.Next, AuthorID: author, Text: text, InReplyTo: parent, CreatedAt: f.now})
	if err != nil {
		t.Fatalf("reply to %s: %v", to, err)
	}
	return tw
}

func (f *fixture) mustRead(t *testing.T, id string) tweets.Tweet {
	t.Helper()
	got, err := f.Tweets(context.Background(), []string{id}, "")
	if err != nil || len(got) != 1 {
		t.Fatalf("read %s = %v, %v; want the tweet", id, got, err)
	}
	return got[0]
}

// node is a ThreadNode written for a test's wants.
func node(id string, parent string, author string, deleted bool) tweets.ThreadNode {
	n, _ := tweets.ParseID(id)
	p, _ := tweets.ParseID(parent)
	return tweets.ThreadNode{ID: n, InReplyTo: p, AuthorID: author, Deleted: deleted}
}

func nodesString(list []tweets.ThreadNode) string {
	var b strings.Builder
	for _, n := range list {
		fmt.Fprintf(&b, "[%d→%d by %s deleted=%v]", n.ID, n.InReplyTo, n.AuthorID, n.Deleted)
	}
	return b.String()
}

func TestRepliesCountAndOutliveWhatTheyAnswer(t *testing.T) {
	ctx := context.Background()
	f := mustStore(t)
	root := f.mustTweet(t, "1", "root")
	a := f.mustReply(t, "2", "a", root.ID)
	b := f.mustReply(t, "1", "b", root.ID)
	a1 := f.mustReply(t, "1", "a1", a.ID)

	if a.InReplyToID == nil || *a.InReplyToID != root.ID || a.InReplyToAuthorID != "1" {
		t.Errorf("created reply = in_reply_to %v by %q, want %s by 1", a.InReplyToID, a.InReplyToAuthorID, root.ID)
	}
	for _, tc := range []struct {
		id      string
		parent  string
		replies int
	}{{root.ID, "", 2}, {a.ID, root.ID, 1}, {b.ID, root.ID, 0}, {a1.ID, a.ID, 0}} {
		got := f.mustRead(t, tc.id)
		parent := ""
		if got.InReplyToID != nil {
			parent = *got.InReplyToID
		}
		if parent != tc.parent || got.ReplyCount != tc.replies {
			t.Errorf("tweet %s: in_reply_to %q, reply_count %d; want %q, %d", got.Text, parent, got.ReplyCount, tc.parent, tc.replies)
		}
	}

	t.Run("a reply to what does not exist", func(t *testing.T) {
		for _, parent := range []int64{42, mustID(t, root.ID) + 1_000_000} {
			_, err := f.CreateTweet(ctx, tweets.NewTweet{NewID: f.ids.Next, AuthorID: "1", Text: "x", InReplyTo: parent, CreatedAt: f.now})
			if fault.KindOf(err) != fault.NotFound || !strings.Contains(fault.Message(err), "replying to") {
				t.Errorf("reply to %d: %v, want NotFound about the replied-to tweet", parent, err)
			}
		}
	})

	// Deleting a reply counts it off; deleting the tweet it answers keeps
	// the replies, which still name it.
	if _, err := f.DeleteTweet(ctx, b.ID, "1", f.now); err != nil {
		t.Fatal(err)
	}
	if got := f.mustRead(t, root.ID).ReplyCount; got != 1 {
		t.Errorf("after deleting reply b, root's reply_count = %d, want 1", got)
	}
	if _, err := f.DeleteTweet(ctx, a.ID, "2", f.now); err != nil {
		t.Fatal(err)
	}
	if got := f.mustRead(t, a1.ID); got.InReplyToID == nil || *got.InReplyToID != a.ID {
		t.Errorf("after deleting a, a1 answers %v, want still %s", got.InReplyToID, a.ID)
	}
	if got := f.mustRead(t, root.ID).ReplyCount; got != 0 {
		t.Errorf("after deleting reply a, root's reply_count = %d, want 0", got)
	}
	t.Run("a reply to a deleted tweet", func(t *testing.T) {
		_, err := f.CreateTweet(ctx, tweets.NewTweet{NewID: f.ids.Next, AuthorID: "1", Text: "x", InReplyTo: mustID(t, a.ID), CreatedAt: f.now})
		if fault.KindOf(err) != fault.NotFound {
			t.Errorf("reply to deleted a: %v, want NotFound", err)
		}
	})

	t.Run("up through a deleted tweet", func(t *testing.T) {
		got, err := f.Ancestors(ctx, mustID(t, a.ID), 10)
		want := []tweets.ThreadNode{node(a.ID, root.ID, "2", true), node(root.ID, "", "1", false)}
		if err != nil || nodesString(got) != nodesString(want) {
			t.Errorf("Ancestors(a) = %s, %v; want %s", nodesString(got), err, nodesString(want))
		}
		if got, _ := f.Ancestors(ctx, mustID(t, a.ID), 1); len(got) != 1 {
			t.Errorf("Ancestors(a, max 1) = %s, want one place", nodesString(got))
		}
		got, err = f.Ancestors(ctx, 77, 10)
		if want := []tweets.ThreadNode{{ID: 77, Deleted: true}}; err != nil || nodesString(got) != nodesString(want) {
			t.Errorf("Ancestors(unknown) = %s, %v; want one deleted place answering nothing", nodesString(got), err)
		}
	})
	t.Run("down through a deleted tweet", func(t *testing.T) {
		got, err := f.Replies(ctx, mustID(t, root.ID), 10, 100)
		// b was deleted too: its tombstone is read, the order decides
		// whether it is shown.
		want := []tweets.ThreadNode{node(a.ID, root.ID, "2", true), node(b.ID, root.ID, "1", true), node(a1.ID, a.ID, "1", false)}
		if err != nil || nodesString(got) != nodesString(want) {
			t.Errorf("Replies(root) = %s, %v\nwant %s", nodesString(got), err, nodesString(want))
		}
	})
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	n, ok := tweets.ParseID(s)
	if !ok {
		t.Fatalf("%q is not an id", s)
	}
	return n
}

func TestRepliesAreBounded(t *testing.T) {
	ctx := context.Background()
	f := mustStore(t)
	root := f.mustTweet(t, "1", "root")
	// Three replies to root, each with two replies, each of those with one.
	var level1, level2 []tweets.Tweet
	for i := range 3 {
		level1 = append(level1, f.mustReply(t, "2", fmt.Sprint("r", i), root.ID))
	}
	for _, r := range level1 {
		for j := range 2 {
			level2 = append(level2, f.mustReply(t, "3", fmt.Sprint(r.Text, j), r.ID))
		}
	}
	for _, r := range level2 {
		f.mustReply(t, "1", r.Text+"x", r.ID)
	}
	tests := []struct {
		depth, nodes int
		want         int
		last         string
	}{
		{10, 100, 15, ""},
		{1, 100, 3, level1[2].ID},
		{2, 100, 9, level2[5].ID},
		{10, 4, 4, level2[0].ID},
		{10, 9, 9, level2[5].ID},
	}
	for _, tc := range tests {
		got, err := f.Replies(ctx, mustID(t, root.ID), tc.depth, tc.nodes)
		if err != nil || len(got) != tc.want {
			t.Errorf("Replies(depth %d, nodes %d) = %d places (%v), want %d", tc.depth, tc.nodes, len(got), err, tc.want)
			continue
		}
		if tc.last != "" && tweets.FormatID(got[len(got)-1].ID) != tc.last {
			t.Errorf("Replies(depth %d, nodes %d) ends with %d, want %s (levels in order, each oldest first)", tc.depth, tc.nodes, got[len(got)-1].ID, tc.last)
		}
	}
}

// TestReplyQueriesUseTheirIndexes checks a level of replies is read
// through the replies indexes, never by scanning every tweet.
func TestReplyQueriesUseTheirIndexes(t *testing.T) {
	f := mustStore(t)
	for table, index := range map[string]string{"tweets": "tweets_replies", "deleted_tweets": "deleted_tweets_replies"} {
		rows, err := f.DB.Query(`EXPLAIN QUERY PLAN SELECT y.id, y.in_reply_to_id, y.author_id, 0
			FROM json_each(?1) p CROSS JOIN `+table+` y ON y.in_reply_to_id = p.value LIMIT ?2`, "[1,2]", 10)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			rows.Scan(&id, &parent, &unused, &detail)
			plan = append(plan, detail)
		}
		rows.Close()
		if joined := strings.Join(plan, "; "); !strings.Contains(joined, "USING INDEX "+index) {
			t.Errorf("the replies of a level in %s are read by %q, want %s", table, joined, index)
		}
	}
}

// TestConcurrentRepliesCountExactly replies many times at once, while the
// tweet replied to is deleted: every reply either counts or is refused
// because the tweet is gone, and the count is what the replies say.
func TestConcurrentRepliesCountExactly(t *testing.T) {
	ctx := context.Background()
	f := mustStore(t)
	root := f.mustTweet(t, "1", "root")
	rootID := mustID(t, root.ID)
	const replies = 40
	var wg sync.WaitGroup
	var mu sync.Mutex
	made, refused := 0, 0
	for i := range replies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.CreateTweet(ctx, tweets.NewTweet{NewID: f.ids.Next, AuthorID: testUserID(i), Text: "hi", InReplyTo: rootID, CreatedAt: f.now})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				made++
			case fault.KindOf(err) == fault.NotFound:
				refused++
			default:
				t.Errorf("reply %d: %v", i, err)
			}
		}()
		if i == replies/2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := f.DeleteTweet(ctx, root.ID, "1", f.now); err != nil {
					t.Errorf("delete root: %v", err)
				}
			}()
		}
	}
	wg.Wait()
	if made+refused != replies {
		t.Fatalf("%d made and %d refused of %d", made, refused, replies)
	}
	got, err := f.Replies(ctx, rootID, 1, 1000)
	if err != nil || len(got) != made {
		t.Errorf("%d replies made, %d found (%v)", made, len(got), err)
	}

	again := f.mustTweet(t, "1", "again")
	againID := mustID(t, again.ID)
	for i := range replies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := f.CreateTweet(ctx, tweets.NewTweet{NewID: f.ids.Next, AuthorID: testUserID(i), Text: "hi", InReplyTo: againID, CreatedAt: f.now}); err != nil {
				t.Errorf("reply %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if got := f.mustRead(t, again.ID).ReplyCount; got != replies {
		t.Errorf("reply_count after %d concurrent replies = %d", replies, got)
	}
}
