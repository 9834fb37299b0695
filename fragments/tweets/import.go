package tweets

import "time"

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
