package store

import (
	"context"
	"strings"

	"murmur/fragments/tweets"
)

// TweetsByTag lists the tweets with a hashtag (in its normal form, see
// entities.NormalizeTag) older than before (all when before is 0), newest
// first: a range of the tags table's primary key.
func (s *Store) TweetsByTag(ctx context.Context, tag string, before int64, limit int, viewerID string) ([]tweets.Tweet, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	return s.queryTweets(ctx, `SELECT `+tweetColumns+` FROM tags g JOIN tweets t ON t.id = g.tweet_id
		WHERE g.tag = ?2 AND g.tweet_id < ?3 ORDER BY g.tweet_id DESC LIMIT ?4`, viewerID, tag, before, limit)
}

// Search lists the tweets whose text holds every one of words (as whole
// words, case and accents aside) older than before (all when before is
// 0), newest first, from the full-text index.
//
// Each word goes to FTS5 as a string (in double quotes, its own quotes
// doubled), never as query syntax: AND, OR, NOT, NEAR(…), column filters,
// "*" and "^" in a word are plain characters, which the tokenizer treats
// as it treated the tweets' text. A word must hold at least one letter or
// digit (tweets.SearchWords sees to it), so no string is empty of tokens.
func (s *Store) Search(ctx context.Context, words []string, before int64, limit int, viewerID string) ([]tweets.Tweet, error) {
	if len(words) == 0 {
		return []tweets.Tweet{}, nil
	}
	if before <= 0 {
		before = 1<<63 - 1
	}
	return s.queryTweets(ctx, `SELECT `+tweetColumns+` FROM tweets t WHERE t.id IN (
			SELECT rowid FROM tweets_fts WHERE tweets_fts MATCH ?2 AND rowid < ?3 ORDER BY rowid DESC LIMIT ?4)
		ORDER BY t.id DESC`, viewerID, matchAll(words), before, limit)
}

// quoting writes a word inside an FTS5 string: a quote is doubled, and a
// NUL, which would end FTS5's reading of the query there, becomes a space,
// which separates words in a string as in the tweets' text.
var quoting = strings.NewReplacer(`"`, `""`, "\x00", " ")

// matchAll is the FTS5 query matching texts that hold every word.
func matchAll(words []string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = `"` + quoting.Replace(w) + `"`
	}
	return strings.Join(quoted, " ")
}
