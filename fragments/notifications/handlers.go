package notifications

import (
	"slices"

	"murmur/fragments/internal/events"
)

// Handlers say what each topic's event does to the notifications: one
// small function a kind, which only decodes the payload and names the
// facts to add or remove. Store.Apply makes it happen once per event,
// skips what people did to themselves, and announces the change. A topic
// not in this map is not read at all (Topics).
var Handlers = map[string]func(events.Entry) (Change, error){
	events.FollowCreated:  onFollow(true),
	events.FollowDeleted:  onFollow(false),
	events.LikeChanged:    onLike,
	events.TweetCreated:   onTweetCreated,
	events.TweetDeleted:   onTweetDeleted,
	events.TweetMentioned: onMentioned,
	events.BoostChanged:   onBoost,
	events.UserDeleted:    onUserDeleted,
}

// Topics are the topics the service reads: those it has a handler for,
// in the contract's order.
func Topics() []string {
	var out []string
	for _, t := range events.Topics {
		if _, ok := Handlers[t]; ok && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// added or removed is a change of one fact.
func toggle(on bool, f Fact) Change {
	if on {
		return Change{Add: []Fact{f}}
	}
	return Change{Remove: []Fact{f}}
}

// onFollow: someone followed me; an unfollow takes the notification back.
func onFollow(created bool) func(events.Entry) (Change, error) {
	return func(e events.Entry) (Change, error) {
		var p events.FollowChangedPayload
		if err := e.Decode(&p); err != nil {
			return Change{}, err
		}
		return toggle(created, Fact{RecipientID: p.FolloweeID, Kind: Follow, ActorID: p.FollowerID}), nil
	}
}

// onLike: someone liked my tweet; an unlike takes it back.
func onLike(e events.Entry) (Change, error) {
	var p events.LikeChangedPayload
	if err := e.Decode(&p); err != nil {
		return Change{}, err
	}
	return toggle(p.Liked, Fact{RecipientID: p.AuthorID, Kind: Like, ActorID: p.UserID, TweetID: p.TweetID}), nil
}

// onTweetCreated: someone replied to my tweet.
func onTweetCreated(e events.Entry) (Change, error) {
	var p events.TweetCreatedPayload
	if err := e.Decode(&p); err != nil {
		return Change{}, err
	}
	if p.InReplyToAuthorID == nil {
		return Change{}, nil
	}
	return Change{Add: []Fact{{RecipientID: *p.InReplyToAuthorID, Kind: Reply, ActorID: p.AuthorID, TweetID: p.ID}},
		At: p.CreatedAt}, nil
}

// onTweetDeleted: a tweet is gone, and every notification about it.
func onTweetDeleted(e events.Entry) (Change, error) {
	var p events.TweetDeletedPayload
	if err := e.Decode(&p); err != nil {
		return Change{}, err
	}
	return Change{TweetGone: p.ID}, nil
}

// onUserDeleted: an account is gone, and every notification by or for it.
func onUserDeleted(e events.Entry) (Change, error) {
	var p events.UserDeletedPayload
	if err := e.Decode(&p); err != nil {
		return Change{}, err
	}
	return Change{UserGone: p.UserID}, nil
}
