package tweets

import (
	"context"
	"time"
)

// ImportedTweet is a tweet loaded in bulk (the load tool's seed), with its
// id made from its time by IDAt so that ids keep the newest-first order.
type ImportedTweet struct {
	ID        int64
	AuthorID  string
	Text      string
	CreatedAt time.Time
}

// ImportedLike is a like loaded in bulk.
type ImportedLike struct {
	TweetID   int64
	UserID    string
	CreatedAt time.Time
}

// IDAt is the id of the seq-th tweet made in the millisecond of t: ids of
// later moments are larger, as with IDs, but many can be made for times in
// the past. seq must be below 2^22.
func IDAt(t time.Time, seq int64) int64 {
	return t.Sub(epoch).Milliseconds()<<seqBits | seq&(1<<seqBits-1)
}

// ImportTweets inserts many tweets (without images) in one transaction, all
// or none, announcing nothing: for loading data in bulk. The texts must
// already be valid (CleanText).
func (s *Service) ImportTweets(ctx context.Context, list []ImportedTweet) error {
	err := s.store.ImportTweets(ctx, list)
	// Told even on failure, as Post does: the import may have committed.
	if s.memo != nil {
		seen := map[string]bool{}
		for _, t := range list {
			if !seen[t.AuthorID] {
				seen[t.AuthorID] = true
				s.memo.tweetChanged(t.AuthorID)
			}
		}
	}
	return err
}

// ImportLikes records many likes in one transaction, all or none, skipping
// likes already there, and tells how many were new. It announces nothing.
func (s *Service) ImportLikes(ctx context.Context, likes []ImportedLike) (int, error) {
	n, err := s.store.ImportLikes(ctx, likes)
	// The likes name tweets, not their authors: rather than look every
	// author up, every remembered page is dropped (imports are rare).
	if n > 0 || err != nil {
		s.memo.everythingChanged()
	}
	return n, err
}
