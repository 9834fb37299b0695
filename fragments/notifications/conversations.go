package notifications

import "murmur/fragments/internal/events"

// Mentions are announced by tweets as events.TweetMentioned (the shared
// contract). Boosts are announced under this topic and payload; it
// belongs in the contract with the tweets service that publishes it;
// until it holds it, its shape is written here, and once it does this
// name gives way to its.
const (
	// BoostChanged: someone boosted a tweet, or took the boost back.
	BoostChanged = "boost.changed"
)

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
	var p events.TweetMentionedPayload
	if err := e.Decode(&p); err != nil {
		return Change{}, err
	}
	c := Change{At: p.CreatedAt}
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
