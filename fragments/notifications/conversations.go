package notifications

import "murmur/fragments/internal/events"

// Mentions and boosts are announced by tweets under these topics and
// payloads. They belong in the shared contract (events/contract.go) with
// the tweets service that publishes them; until it holds them, their
// shape is written here, and once it does these names give way to its.
const (
	// TweetMentioned: a tweet names people with @handle.
	TweetMentioned = "tweet.mentioned"
	// BoostChanged: someone boosted a tweet, or took the boost back.
	BoostChanged = "boost.changed"
)

// MentionedPayload is the payload of TweetMentioned.
type MentionedPayload struct {
	// TweetID is the mentioning tweet; AuthorID wrote it.
	TweetID  string `json:"tweet_id"`
	AuthorID string `json:"author_id"`
	// MentionedIDs are the people it names.
	MentionedIDs []string `json:"mentioned_ids"`
}

// BoostPayload is the payload of BoostChanged.
type BoostPayload struct {
	// TweetID is the boosted tweet and AuthorID its author; UserID boosted it.
	TweetID  string `json:"tweet_id"`
	UserID   string `json:"user_id"`
	AuthorID string `json:"author_id"`
	// Boosted is true for a boost, false when it is taken back.
	Boosted bool `json:"boosted"`
}

// onMentioned: a tweet names me.
func onMentioned(e events.Entry) (Change, error) {
	var p MentionedPayload
	if err := e.Decode(&p); err != nil {
		return Change{}, err
	}
	var c Change
	for _, id := range p.MentionedIDs {
		c.Add = append(c.Add, Fact{RecipientID: id, Kind: Mention, ActorID: p.AuthorID, TweetID: p.TweetID})
	}
	return c, nil
}

// onBoost: someone boosted my tweet; taking the boost back takes it back.
func onBoost(e events.Entry) (Change, error) {
	var p BoostPayload
	if err := e.Decode(&p); err != nil {
		return Change{}, err
	}
	return toggle(p.Boosted, Fact{RecipientID: p.AuthorID, Kind: Boost, ActorID: p.UserID, TweetID: p.TweetID}), nil
}
