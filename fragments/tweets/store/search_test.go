package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"murmur/fragments/tweets"
)

func texts(list []tweets.Tweet) []string {
	out := make([]string, len(list))
	for i, t := range list {
		out[i] = t.Text
	}
	return out
}

// mustIntegrity checks the full-text index agrees with the tweets table
// word for word, as FTS5's integrity check with the content table does.
func (f *fixture) mustIntegrity(t *testing.T) {
	t.Helper()
	if _, err := f.DB.Exec(`INSERT INTO tweets_fts (tweets_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Fatalf("the search index disagrees with the tweets: %v", err)
	}
}

func TestTagsAndMentionsAreKeptWithTheTweet(t *testing.T) {
	ctx := context.Background()
	f := mustStore(t)
	first := f.mustTweet(t, "1", "#Go is fun, ask @Ada")
	f.mustTweet(t, "2", "nothing to see")
	second := f.mustTweet(t, "2", "#go #GO #golang cc @ada @bob")
	third := f.mustReply(t, "3", "replies have #go too", first.ID)

	got, err := f.TweetsByTag(ctx, "go", 0, 10, "")
	if want := []string{third.Text, second.Text, first.Text}; err != nil || !slices.Equal(texts(got), want) {
		t.Errorf("TweetsByTag(go) = %q, %v; want %q, newest first", texts(got), err, want)
	}
	got, _ = f.TweetsByTag(ctx, "go", mustID(t, second.ID), 10, "")
	if want := []string{first.Text}; !slices.Equal(texts(got), want) {
		t.Errorf("TweetsByTag(go) below the second = %q, want %q", texts(got), want)
	}
	if got, _ := f.TweetsByTag(ctx, "Go", 0, 10, ""); len(got) != 0 {
		t.Errorf("TweetsByTag(Go) = %q; the store keeps normal forms only, the domain normalises", texts(got))
	}
	mentions := func() map[string][]string {
		rows, err := f.DB.Query(`SELECT handle, tweet_id FROM mentions ORDER BY handle, tweet_id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string][]string{}
		for rows.Next() {
			var handle string
			var id int64
			rows.Scan(&handle, &id)
			out[handle] = append(out[handle], tweets.FormatID(id))
		}
		return out
	}
	if got := mentions(); !slices.Equal(got["ada"], []string{first.ID, second.ID}) || !slices.Equal(got["bob"], []string{second.ID}) || len(got) != 2 {
		t.Errorf("mentions = %v, want ada in the first and second, bob in the second", got)
	}

	if _, err := f.DeleteTweet(ctx, second.ID, "2", f.now); err != nil {
		t.Fatal(err)
	}
	got, _ = f.TweetsByTag(ctx, "golang", 0, 10, "")
	if len(got) != 0 {
		t.Errorf("after deleting its only tweet, #golang lists %q", texts(got))
	}
	if got := mentions(); len(got["bob"]) != 0 || !slices.Equal(got["ada"], []string{first.ID}) {
		t.Errorf("after deleting the second, mentions = %v, want ada in the first only", got)
	}
}

func TestSearch(t *testing.T) {
	ctx := context.Background()
	f := mustStore(t)
	cafe := f.mustTweet(t, "1", "Coffee at the Café this morning")
	tag := f.mustTweet(t, "2", "Reading about #murmur and coffee")
	quote := f.mustTweet(t, "3", `She said "NEAR(me)" AND meant it; text:column * ^start`)
	gone := f.mustTweet(t, "1", "coffee that will be deleted")
	if _, err := f.DeleteTweet(ctx, gone.ID, "1", f.now); err != nil {
		t.Fatal(err)
	}
	f.mustIntegrity(t)

	tests := []struct {
		name  string
		words []string
		want  []string
	}{
		{"one word, newest first, the deleted one gone", []string{"coffee"}, []string{tag.Text, cafe.Text}},
		{"every word", []string{"coffee", "murmur"}, []string{tag.Text}},
		{"case and accents aside", []string{"CAFE"}, []string{cafe.Text}},
		{"whole words only", []string{"coff"}, nil},
		{"a hashtag's word", []string{"#murmur"}, []string{tag.Text}},
		{"operators are words", []string{"NEAR(me)", "AND"}, []string{quote.Text}},
		{"quotes inside a word", []string{`"NEAR(me)"`}, []string{quote.Text}},
		{"a column filter is words", []string{"text:column"}, []string{quote.Text}},
		{"prefix and initial marks are characters", []string{"*", "^start"}, []string{quote.Text}},
		{"an unbalanced quote", []string{`me"`, `"said`}, []string{quote.Text}},
		{"nothing matches", []string{"tea"}, nil},
		{"no words", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.Search(ctx, tc.words, 0, 10, "")
			if err != nil {
				t.Fatalf("Search(%q): %v", tc.words, err)
			}
			if !slices.Equal(texts(got), tc.want) {
				t.Errorf("Search(%q) = %q, want %q", tc.words, texts(got), tc.want)
			}
		})
	}
	t.Run("below a cursor", func(t *testing.T) {
		got, err := f.Search(ctx, []string{"coffee"}, mustID(t, tag.ID), 10, "")
		if err != nil || !slices.Equal(texts(got), []string{cafe.Text}) {
			t.Errorf("Search(coffee) below %s = %q, %v; want the older one", tag.ID, texts(got), err)
		}
	})
	t.Run("imported tweets are found", func(t *testing.T) {
		at := f.now.Add(time.Minute)
		if err := f.ImportTweets(ctx, []tweets.ImportedTweet{{ID: tweets.IDAt(at, 1), AuthorID: "4", Text: "imported #coffee", CreatedAt: at}}); err != nil {
			t.Fatal(err)
		}
		got, _ := f.Search(ctx, []string{"coffee"}, 0, 1, "")
		byTag, _ := f.TweetsByTag(ctx, "coffee", 0, 10, "")
		if !slices.Equal(texts(got), []string{"imported #coffee"}) || !slices.Equal(texts(byTag), []string{"imported #coffee"}) {
			t.Errorf("after an import: search %q, #coffee %q; want the imported tweet in both", texts(got), texts(byTag))
		}
		f.mustIntegrity(t)
	})
	t.Run("hostile words never fail", func(t *testing.T) {
		for _, w := range []string{`"`, `""`, `"""`, `\`, `'`, `NEAR(a b, 2)`, `OR`, `NOT`, `{text}:a`, `a*`, `+`, `-a`, `(`, `)`,
			strings.Repeat(`"a`, 500), strings.Repeat("x", 5000), "a\x00b", "日本語"} {
			if _, err := f.Search(ctx, []string{w}, 0, 10, ""); err != nil {
				t.Errorf("Search(%q): %v", w, err)
			}
		}
	})
}

// The accounts a tweet's mentions named when it was written are kept with
// them and read back with the tweet, wherever tweets are read: only those
// handles are Mentioned; a handle without an account stays out, and so do
// the mentions of tweets imported or written before accounts were kept.
func TestMentionedAccountsAreReadWithTheTweet(t *testing.T) {
	ctx := context.Background()
	f := mustStore(t)
	tw, err := f.CreateTweet(ctx, tweets.NewTweet{NewID: f.ids.Next, AuthorID: "1", CreatedAt: f.now,
		Text:      "@Zed, @ada and @nobody: see @ada's #plan",
		Mentioned: map[string]string{"ada": "7", "zed": "9", "someone_else": "3"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"ada", "zed"}; !slices.Equal(tw.Mentioned, want) {
		t.Errorf("CreateTweet's Mentioned = %q, want %q", tw.Mentioned, want)
	}
	plain := f.mustTweet(t, "1", "@ada without a lookup")
	if err := f.ImportTweets(ctx, []tweets.ImportedTweet{{ID: f.ids.Next(), AuthorID: "2", Text: "imported @ada", CreatedAt: f.now}}); err != nil {
		t.Fatal(err)
	}
	for name, read := range map[string]func() ([]tweets.Tweet, error){
		"Tweets":         func() ([]tweets.Tweet, error) { return f.Tweets(ctx, []string{tw.ID, plain.ID}, "") },
		"TweetsByAuthor": func() ([]tweets.Tweet, error) { return f.TweetsByAuthor(ctx, "1", 0, 10, "") },
		"Search":         func() ([]tweets.Tweet, error) { return f.Search(ctx, []string{"ada"}, 0, 10, "") },
	} {
		list, err := read()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, got := range list {
			want := []string(nil)
			if got.ID == tw.ID {
				want = []string{"ada", "zed"}
			}
			if !slices.Equal(got.Mentioned, want) {
				t.Errorf("%s: %q mentions %q, want %q", name, got.Text, got.Mentioned, want)
			}
		}
	}
	var ids []string
	rows, err := f.DB.Query(`SELECT handle || '=' || coalesce(user_id, '') FROM mentions WHERE tweet_id = ? ORDER BY handle`, mustID(t, tw.ID))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		rows.Scan(&s)
		ids = append(ids, s)
	}
	if want := []string{"ada=7", "nobody=", "zed=9"}; !slices.Equal(ids, want) {
		t.Errorf("mentions kept = %q, want %q", ids, want)
	}
}
