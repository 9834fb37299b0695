package notifications

import "murmur/fragments/internal/events"

// Mentions and boosts are announced by tweets as events.TweetMentioned
// and events.BoostChanged (the shared contract).

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
	var p events.BoostChangedPayload
	if err := e.Decode(&p); err != nil {
		return Change{}, err
	}
	c := toggle(p.Boosted, Fact{RecipientID: p.AuthorID, Kind: Boost, ActorID: p.UserID, TweetID: p.TweetID})
	c.At = p.At
	return c, nil
}
