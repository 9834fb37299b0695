package tweets_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/testkit"
	"murmur/fragments/tweets"
	"murmur/fragments/tweets/store"
)

// conversations is a service on a fresh store, with a helper to post.
type conversations struct {
	*tweets.Service
	texts map[string]string // tweet id → text, to describe entries
}

func mustConversations(tb testing.TB) *conversations {
	tb.Helper()
	st, err := store.Open(context.Background(), testkit.DBPath(tb, "tweets"))
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { st.Close() })
	return &conversations{Service: tweets.NewService(st, nobody{}, quiet{}), texts: map[string]string{}}
}

// post posts text by who, replying to the tweet posted with text to ("" for none).
func (c *conversations) post(tb testing.TB, who, text, to string) tweets.Tweet {
	tb.Helper()
	ctx := context.Background()
	var tw tweets.Tweet
	var err error
	if to == "" {
		tw, err = c.Post(ctx, auth.Viewer{ID: who}, text, nil)
	} else {
		tw, err = c.Reply(ctx, auth.Viewer{ID: who}, c.id(tb, to), text, nil)
	}
	if err != nil {
		tb.Fatalf("post %q: %v", text, err)
	}
	c.texts[tw.ID] = text
	return tw
}

// id is the id of the tweet posted with text.
func (c *conversations) id(tb testing.TB, text string) string {
	tb.Helper()
	for id, t := range c.texts {
		if t == text {
			return id
		}
	}
	tb.Fatalf("no tweet %q was posted", text)
	return ""
}

// describe writes entries as "text/depth", a deleted one as "(text)/depth".
func (c *conversations) describe(list []tweets.ConversationEntry) string {
	var out []string
	for _, e := range list {
		s := c.texts[e.ID]
		if e.Tweet == nil {
			s = "(" + s + ")"
		} else if e.Tweet.ID != e.ID || e.Tweet.Text != c.texts[e.ID] {
			s += "!mismatched"
		}
		out = append(out, fmt.Sprintf("%s/%d", s, e.Depth))
	}
	return strings.Join(out, " ")
}

func (c *conversations) read(tb testing.TB, text, cursor string, limit int) tweets.Conversation {
	tb.Helper()
	conv, err := c.Conversation(context.Background(), c.id(tb, text), auth.Viewer{ID: "9"}, cursor, limit)
	if err != nil {
		tb.Fatalf("conversation of %q: %v", text, err)
	}
	return conv
}

func TestConversationOrder(t *testing.T) {
	c := mustConversations(t)
	c.post(t, "ada", "root", "")
	c.post(t, "bob", "bob answers", "root")
	c.post(t, "ada", "thread 2", "root") // ada goes on after bob answered
	c.post(t, "ada", "thread 3", "thread 2")
	c.post(t, "cyd", "cyd on 3", "thread 3")
	c.post(t, "bob", "bob again", "root")
	c.post(t, "ada", "thread 4", "thread 3")
	c.post(t, "ada", "ada to bob", "bob answers")
	c.post(t, "bob", "bob to ada", "ada to bob")

	conv := c.read(t, "root", "", 100)
	want := "thread 2/1 thread 3/2 thread 4/3 cyd on 3/3 bob answers/1 ada to bob/2 bob to ada/3 bob again/1"
	if got := c.describe(conv.Descendants); got != want {
		t.Errorf("descendants of root:\n got %s\nwant %s\n(the author's own replies first, then others, oldest first; depth first)", got, want)
	}
	// The thread reads as one with root: its replies are not indented
	// further each, and what answers them is indented from there.
	var levels []string
	for _, e := range conv.Descendants {
		mark := ""
		if e.Thread {
			mark = "*"
		}
		levels = append(levels, fmt.Sprintf("%s%s/%d", mark, c.texts[e.ID], e.Level))
	}
	wantLevels := "*thread 2/1 *thread 3/1 *thread 4/1 cyd on 3/2 bob answers/1 ada to bob/2 bob to ada/3 bob again/1"
	if got := strings.Join(levels, " "); got != wantLevels {
		t.Errorf("thread marks and levels:\n got %s\nwant %s", got, wantLevels)
	}
	if len(conv.Ancestors) != 0 || conv.Next != "" {
		t.Errorf("root has ancestors %s and next %q, want none", c.describe(conv.Ancestors), conv.Next)
	}

	conv = c.read(t, "thread 4", "", 100)
	if got, want := c.describe(conv.Ancestors), "root/0 thread 2/0 thread 3/0"; got != want {
		t.Errorf("ancestors of thread 4 = %s, want %s (oldest first)", got, want)
	}
	if len(conv.Descendants) != 0 {
		t.Errorf("descendants of a leaf = %s, want none", c.describe(conv.Descendants))
	}
	if first := conv.Ancestors[0]; first.InReplyToID != nil || first.Tweet.ReplyCount != 3 {
		t.Errorf("root as an ancestor: in_reply_to %v, reply_count %d; want nil, 3", first.InReplyToID, first.Tweet.ReplyCount)
	}
	if e := conv.Ancestors[2]; e.InReplyToID == nil || *e.InReplyToID != c.id(t, "thread 2") || *e.Tweet.InReplyToID != *e.InReplyToID {
		t.Errorf("thread 3 as an ancestor answers %v, want thread 2", e.InReplyToID)
	}
}

func TestConversationKeepsThePlacesOfDeletedTweets(t *testing.T) {
	ctx := context.Background()
	c := mustConversations(t)
	c.post(t, "ada", "root", "")
	c.post(t, "bob", "middle", "root")
	c.post(t, "cyd", "below", "middle")
	c.post(t, "bob", "leaf", "root")
	for _, text := range []string{"middle", "leaf"} {
		if err := c.Delete(ctx, c.id(t, text), auth.Viewer{ID: "bob"}); err != nil {
			t.Fatal(err)
		}
	}
	conv := c.read(t, "root", "", 100)
	if got, want := c.describe(conv.Descendants), "(middle)/1 below/2"; got != want {
		t.Errorf("descendants = %s, want %s: a deleted reply keeps its place while replies to it remain", got, want)
	}
	if e := conv.Descendants[0]; e.InReplyToID == nil || *e.InReplyToID != c.id(t, "root") {
		t.Errorf("the deleted reply's place answers %v, want root", e.InReplyToID)
	}
	conv = c.read(t, "below", "", 100)
	if got, want := c.describe(conv.Ancestors), "root/0 (middle)/0"; got != want {
		t.Errorf("ancestors of below = %s, want %s: the chain goes on through a deleted tweet", got, want)
	}
	for _, gone := range []string{"middle", "12345", "x"} {
		id := gone
		if gone == "middle" {
			id = c.id(t, gone)
		}
		if _, err := c.Conversation(ctx, id, auth.Viewer{}, "", 10); fault.KindOf(err) != fault.NotFound {
			t.Errorf("conversation of %q: %v, want NotFound", gone, err)
		}
	}
}

func TestConversationPages(t *testing.T) {
	ctx := context.Background()
	c := mustConversations(t)
	c.post(t, "ada", "root", "")
	for i := range 4 {
		c.post(t, "bob", fmt.Sprint("r", i), "root")
		c.post(t, "cyd", fmt.Sprint("r", i, "a"), fmt.Sprint("r", i))
	}
	whole := c.describe(c.read(t, "root", "", 100).Descendants)
	for _, limit := range []int{1, 2, 3, 8} {
		var got []string
		cursor := ""
		for pages := 0; ; pages++ {
			conv := c.read(t, "root", cursor, limit)
			if len(conv.Descendants) > limit || pages > 8 {
				t.Fatalf("limit %d: a page of %d, or too many pages", limit, len(conv.Descendants))
			}
			got = append(got, c.describe(conv.Descendants))
			if conv.Next == "" {
				break
			}
			cursor = conv.Next
		}
		if joined := strings.Join(got, " "); joined != whole {
			t.Errorf("limit %d: pages read %s, want %s", limit, joined, whole)
		}
	}

	// A cursor naming a reply deleted since still continues after it.
	conv := c.read(t, "root", "", 3)
	if err := c.Delete(ctx, conv.Next, auth.Viewer{ID: "bob"}); err != nil {
		t.Fatal(err)
	}
	next := c.read(t, "root", conv.Next, 100)
	if got, want := c.describe(next.Descendants), "r1a/2 r2/1 r2a/2 r3/1 r3a/2"; got != want {
		t.Errorf("after a deleted cursor: %s, want %s", got, want)
	}
	for _, bad := range []string{"nope", "1", c.id(t, "root")} {
		if _, err := c.Conversation(ctx, c.id(t, "root"), auth.Viewer{}, bad, 10); fault.KindOf(err) != fault.Invalid {
			t.Errorf("cursor %q: %v, want Invalid", bad, err)
		}
	}
}

func TestConversationBounds(t *testing.T) {
	c := mustConversations(t)
	// A thread longer than both bounds.
	chain := tweets.MaxAncestors + 5
	c.post(t, "ada", "t0", "")
	for i := 1; i < chain; i++ {
		c.post(t, "ada", fmt.Sprint("t", i), fmt.Sprint("t", i-1))
	}
	last := c.read(t, fmt.Sprint("t", chain-1), "", 10)
	if len(last.Ancestors) != tweets.MaxAncestors {
		t.Fatalf("the last of %d has %d ancestors, want %d", chain, len(last.Ancestors), tweets.MaxAncestors)
	}
	first := last.Ancestors[0]
	if c.texts[first.ID] != fmt.Sprint("t", chain-1-tweets.MaxAncestors) || first.InReplyToID == nil {
		t.Errorf("the first ancestor is %s answering %v; want the nearest %d, the first saying the chain goes on",
			c.texts[first.ID], first.InReplyToID, tweets.MaxAncestors)
	}

	top := c.read(t, "t0", "", tweets.MaxConversationPage)
	if len(top.Descendants) != tweets.MaxReplyDepth || top.Next != "" {
		t.Fatalf("t0 lists %d replies (next %q), want the first %d levels", len(top.Descendants), top.Next, tweets.MaxReplyDepth)
	}
	deepest := top.Descendants[len(top.Descendants)-1]
	if deepest.Depth != tweets.MaxReplyDepth || deepest.Tweet.ReplyCount != 1 {
		t.Errorf("the deepest listed is at depth %d with %d replies; want depth %d, its reply_count telling there is more",
			deepest.Depth, deepest.Tweet.ReplyCount, tweets.MaxReplyDepth)
	}
	if got := c.read(t, "t0", "", 0).Descendants; len(got) != 1 {
		t.Errorf("limit 0 lists %d, want at least one", len(got))
	}
	if got := c.read(t, "t0", "", 1000).Descendants; len(got) != tweets.MaxReplyDepth {
		t.Errorf("limit 1000 lists %d, want %d", len(got), tweets.MaxReplyDepth)
	}
}

func TestReplyRefusals(t *testing.T) {
	ctx := context.Background()
	c := mustConversations(t)
	root := c.post(t, "ada", "root", "")
	tests := []struct {
		name, to, text string
		kind           fault.Kind
	}{
		{"malformed id", "abc", "hi", fault.Invalid},
		{"negative id", "-5", "hi", fault.Invalid},
		{"no such tweet", "12345", "hi", fault.NotFound},
		{"empty text", root.ID, "  ", fault.Invalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Reply(ctx, auth.Viewer{ID: "bob"}, tc.to, tc.text, nil)
			if fault.KindOf(err) != tc.kind {
				t.Errorf("Reply(%q, %q) = %v, want kind %v", tc.to, tc.text, err, tc.kind)
			}
		})
	}
	got, err := c.Tweet(ctx, root.ID, auth.Viewer{})
	if err != nil || got.ReplyCount != 0 {
		t.Errorf("after refused replies reply_count = %d (%v), want 0", got.ReplyCount, err)
	}
}

func TestSearchWords(t *testing.T) {
	tests := []struct {
		name, q string
		want    []string
		kind    fault.Kind
	}{
		{"words", "  hello   world ", []string{"hello", "world"}, 0},
		{"repeats once", "a a b", []string{"a", "b"}, 0},
		{"symbols alone dropped", `* - ( ) " NEAR( x`, []string{"NEAR(", "x"}, 0},
		{"operators are words", "a AND b OR NOT c", []string{"a", "AND", "b", "OR", "NOT", "c"}, 0},
		{"control characters separate", "a\x00b\tc", []string{"a", "b", "c"}, 0},
		{"nothing to look for", ` * "" -- `, nil, fault.Invalid},
		{"empty", "", nil, fault.Invalid},
		{"too many words", strings.Repeat("w ", tweets.MaxSearchWords+1), []string{"w"}, 0},
		{"as many words as allowed", manyWords(tweets.MaxSearchWords), strings.Fields(manyWords(tweets.MaxSearchWords)), 0},
		{"too many different words", manyWords(tweets.MaxSearchWords + 1), nil, fault.Invalid},
		{"too long", strings.Repeat("é", tweets.MaxSearchQuery+1), nil, fault.Invalid},
		{"long enough", strings.Repeat("é", tweets.MaxSearchQuery), []string{strings.Repeat("é", tweets.MaxSearchQuery)}, 0},
		{"invalid UTF-8", "caf\xe9", nil, fault.Invalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tweets.SearchWords(tc.q)
			if tc.kind != 0 {
				if fault.KindOf(err) != tc.kind || !strings.Contains(fault.Message(err), "earch") {
					t.Errorf("SearchWords(%q) = %q, %v; want a %v fault about the search", tc.q, got, err, tc.kind)
				}
				return
			}
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("SearchWords(%q) = %q, %v; want %q", tc.q, got, err, tc.want)
			}
		})
	}
}

func manyWords(n int) string {
	var out []string
	for i := range n {
		out = append(out, fmt.Sprint("w", i))
	}
	return strings.Join(out, " ")
}

func TestParseTag(t *testing.T) {
	for in, want := range map[string]string{"go": "go", "#Go": "go", "ＧＯ": "go", "#Straße": "strasse"} {
		if got, err := tweets.ParseTag(in); err != nil || got != want {
			t.Errorf("ParseTag(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "#", "##go", "42", "two words", "go!", strings.Repeat("a", 101)} {
		if got, err := tweets.ParseTag(bad); fault.KindOf(err) != fault.Invalid {
			t.Errorf("ParseTag(%q) = %q, %v; want Invalid", bad, got, err)
		}
	}
}
