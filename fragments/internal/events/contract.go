package events

import "time"

// The facts services announce, and the payload each carries. This file is
// the whole contract between the services that publish and those that
// listen: like the JSON API it changes only by adding fields, never by
// renaming or removing one, and consumers ignore fields they do not know.
// Every payload is JSON; ids are decimal strings, times RFC 3339 in UTC.
const (
	// UserCreated is published by profile once an account exists; its
	// payload is a UserCreatedPayload.
	UserCreated = "user.created"
	// TweetCreated is published by tweets once a tweet is stored, a reply
	// too; its payload is a TweetCreatedPayload.
	TweetCreated = "tweet.created"
	// TweetMentioned is published by tweets right after tweet.created, for
	// a tweet whose text mentions (@handle) people with an account other
	// than its author; its payload is a TweetMentionedPayload.
	TweetMentioned = "tweet.mentioned"
	// TweetDeleted is published by tweets once a tweet, its likes and its
	// media are gone; its payload is a TweetDeletedPayload.
	TweetDeleted = "tweet.deleted"
	// LikeChanged is published by tweets when someone likes or unlikes a
	// tweet (not when they ask for the state it already has); its payload
	// is a LikeChangedPayload.
	LikeChanged = "like.changed"
	// BoostChanged is published by tweets when someone boosts or unboosts a
	// tweet (not when they ask for the state it already has); its payload
	// is a BoostChangedPayload.
	BoostChanged = "boost.changed"
	// FollowCreated is published by follow when someone starts following
	// someone; its payload is a FollowChangedPayload.
	FollowCreated = "follow.created"
	// FollowDeleted is published by follow when someone stops following
	// someone; its payload is a FollowChangedPayload.
	FollowDeleted = "follow.deleted"
	// BlockChanged is published by follow when someone blocks or unblocks
	// someone; its payload is a BlockChangedPayload. A block also ends the
	// follows between the two, each announced as follow.deleted before it.
	BlockChanged = "block.changed"
	// MuteChanged is published by follow when someone mutes or unmutes
	// someone; its payload is a MuteChangedPayload.
	MuteChanged = "mute.changed"
	// SessionsRevoked is appended by profile to the topic's stream (only:
	// there is no pub/sub message) when a user changed their password or
	// signed out everywhere; its payload is a SessionsRevokedPayload.
	// Every instance of every service reads the stream itself (Bus.Tail,
	// no consumer group): each must learn every revocation.
	SessionsRevoked = "sessions.revoked"
	// UserDeleted is appended by profile to the topic's stream (only:
	// there is no pub/sub message) once an account is deleted; its payload
	// is a UserDeletedPayload. Every service that keeps something of the
	// user reads it through a consumer group of its own (Bus.Consume), so
	// a service that was down erases its part when it is back, and erases
	// idempotently: the fact may be handed out more than once.
	UserDeleted = "user.deleted"
)

// Topics are every topic of the contract, in the order above.
var Topics = []string{UserCreated, TweetCreated, TweetMentioned, TweetDeleted, LikeChanged, BoostChanged, FollowCreated, FollowDeleted, BlockChanged, MuteChanged, SessionsRevoked, UserDeleted}

// UserCreatedPayload announces a new account.
type UserCreatedPayload struct {
	// ID is the account's user id.
	ID string `json:"id"`
	// Handle is the account's unique handle, lower case, without the "@".
	Handle string `json:"handle"`
	// DisplayName is the name shown on the account's tweets and card.
	DisplayName string `json:"display_name"`
	// CreatedAt is when the account was created.
	CreatedAt time.Time `json:"created_at"`
}

// Author is who wrote a tweet, as a tweet in an event names them.
type Author struct {
	// ID is the author's user id.
	ID string `json:"id"`
	// Handle is the author's handle when the tweet was posted.
	Handle string `json:"handle"`
	// DisplayName is the author's display name when the tweet was posted.
	DisplayName string `json:"display_name"`
	// AvatarURL is the author's profile picture when the tweet was posted
	// (profile's 96-pixel URL); null when they had none.
	AvatarURL *string `json:"avatar_url"`
}

// Media is an image attached to a tweet in an event.
type Media struct {
	// ID is the image's id.
	ID string `json:"id"`
	// URL is where tweets serves the image, a path under /tweets/.
	URL string `json:"url"`
	// ContentType is the image's media type (image/jpeg, image/png, ...).
	ContentType string `json:"content_type"`
	// Width is the image's width in pixels.
	Width int `json:"width"`
	// Height is the image's height in pixels.
	Height int `json:"height"`
	// Alt describes the image for people who cannot see it; may be empty.
	Alt string `json:"alt"`
}

// Tweet is a tweet in the JSON API's shape, as an event carries it.
type Tweet struct {
	// ID is the tweet's id; a later tweet has a larger id.
	ID string `json:"id"`
	// Author is who wrote it.
	Author Author `json:"author"`
	// Text is the tweet's text, at most 280 characters.
	Text string `json:"text"`
	// Media are the attached images, in order; an empty list when none.
	Media []Media `json:"media"`
	// InReplyToID is the tweet this one replies to; null when it replies
	// to none.
	InReplyToID *string `json:"in_reply_to_id"`
	// ReplyCount is how many replies to it exist: 0 for a new tweet.
	ReplyCount int `json:"reply_count"`
	// LikeCount is how many people like it.
	LikeCount int `json:"like_count"`
	// LikedByMe is always false: an event is nobody's view of the tweet.
	// It is there so the payload is the API's Tweet, field for field.
	LikedByMe bool `json:"liked_by_me"`
	// BoostCount is how many people boosted it: 0 for a new tweet.
	BoostCount int `json:"boost_count"`
	// BoostedByMe is always false, as LikedByMe.
	BoostedByMe bool `json:"boosted_by_me"`
	// CreatedAt is when it was posted.
	CreatedAt time.Time `json:"created_at"`
}

// TweetCreatedPayload announces a new tweet, replies included: the tweet
// as the JSON API shows it, with its author's id repeated at the top level
// so consumers can route it without reading the tweet.
type TweetCreatedPayload struct {
	Tweet
	// AuthorID is Tweet.Author.ID.
	AuthorID string `json:"author_id"`
	// InReplyToAuthorID wrote the tweet a reply answers (who may be told
	// of it, whose followers may see it); null when the tweet is no reply.
	InReplyToAuthorID *string `json:"in_reply_to_author_id"`
	// InReplyToReplyCount is the replied-to tweet's reply_count with this
	// reply counted, so open pages can show it without asking tweets;
	// null when the tweet is no reply.
	InReplyToReplyCount *int `json:"in_reply_to_reply_count"`
}

// TweetMentionedPayload announces that a new tweet mentions people: whom
// to tell (the notifications service reads it from the topic's stream).
// Which handles name which account is decided once, when the tweet is
// posted, by asking profile: a handle nobody had then is no mention here,
// and if profile could not be reached, the mentions it could not resolve
// are not announced.
type TweetMentionedPayload struct {
	// TweetID is the tweet that mentions them.
	TweetID string `json:"tweet_id"`
	// AuthorID wrote it: who mentioned them.
	AuthorID string `json:"author_id"`
	// MentionedIDs are the user ids of the people mentioned, each once, in
	// the order the text first mentions them; never the author, never
	// empty.
	MentionedIDs []string `json:"mentioned_ids"`
	// InReplyToID is the tweet it replies to; null when it replies to none.
	InReplyToID *string `json:"in_reply_to_id"`
	// CreatedAt is when the tweet was posted.
	CreatedAt time.Time `json:"created_at"`
}

// TweetDeletedPayload announces that a tweet is gone.
type TweetDeletedPayload struct {
	// ID is the deleted tweet's id.
	ID string `json:"id"`
	// AuthorID is who wrote it: the homes that held it are theirs and
	// their followers'.
	AuthorID string `json:"author_id"`
	// BoosterIDs are who had boosted it (their boosts are gone with it):
	// their followers' homes held it too. An empty list when nobody had.
	BoosterIDs []string `json:"booster_ids"`
}

// LikeChangedPayload announces that someone liked or unliked a tweet.
type LikeChangedPayload struct {
	// TweetID is the tweet liked or unliked.
	TweetID string `json:"tweet_id"`
	// AuthorID wrote the tweet: the homes that hold it are theirs and
	// their followers'.
	AuthorID string `json:"author_id"`
	// UserID is who liked or unliked it.
	UserID string `json:"user_id"`
	// Liked is true for a like, false for an unlike.
	Liked bool `json:"liked"`
	// LikeCount is how many people like the tweet after the change.
	LikeCount int `json:"like_count"`
}

// BoostChangedPayload announces that someone boosted or unboosted a tweet.
type BoostChangedPayload struct {
	// TweetID is the tweet boosted or unboosted.
	TweetID string `json:"tweet_id"`
	// AuthorID wrote the tweet (who may be told of the boost): the homes
	// that hold the original are theirs and their followers'.
	AuthorID string `json:"author_id"`
	// InReplyToAuthorID wrote the tweet the boosted tweet replies to; null
	// when it is no reply. With AuthorID it says who sees the original in
	// their home (the home rule for replies), and so gets no boost of it.
	InReplyToAuthorID *string `json:"in_reply_to_author_id"`
	// UserID is who boosted or unboosted it: the homes that get the boost
	// are theirs and their followers'.
	UserID string `json:"user_id"`
	// Booster is UserID's public identity, as a home shows "<name> boosted".
	Booster Author `json:"booster"`
	// Boosted is true for a boost, false for an unboost.
	Boosted bool `json:"boosted"`
	// BoostCount is how many people boost the tweet after the change.
	BoostCount int `json:"boost_count"`
	// BoostID is the boost's id (the one made, or the one taken back):
	// time-ordered like tweet ids, it is the boost's place in a home.
	BoostID string `json:"boost_id"`
	// At is when the boost or unboost happened.
	At time.Time `json:"at"`
	// Tweet is the boosted tweet as the JSON API shows it, on a boost;
	// null on an unboost.
	Tweet *Tweet `json:"tweet"`
}

// FollowChangedPayload announces that someone started (follow.created) or
// stopped (follow.deleted) following someone.
type FollowChangedPayload struct {
	// FollowerID is who follows, or stopped following.
	FollowerID string `json:"follower_id"`
	// FolloweeID is who is, or no longer is, followed.
	FolloweeID string `json:"followee_id"`
}

// BlockChangedPayload announces that someone blocked (Blocked true) or
// unblocked (false) someone. Consumers use it to refresh what they keep of
// the two people's homes; no service keeps a copy of the blocks themselves
// (they ask follow, see README), so a lost one delays only live updates.
type BlockChangedPayload struct {
	// BlockerID is who blocked, or lifted the block.
	BlockerID string `json:"blocker_id"`
	// BlockedID is who is, or no longer is, blocked.
	BlockedID string `json:"blocked_id"`
	// Blocked is true for a block, false for an unblock.
	Blocked bool `json:"blocked"`
}

// MuteChangedPayload announces that someone muted (Muted true) or unmuted
// (false) someone.
type MuteChangedPayload struct {
	// MuterID is who muted, or lifted the mute.
	MuterID string `json:"muter_id"`
	// MutedID is who is, or no longer is, muted.
	MutedID string `json:"muted_id"`
	// Muted is true for a mute, false for an unmute.
	Muted bool `json:"muted"`
}

// SessionsRevokedPayload announces that every session of a user signed
// before now is signed out: tokens whose "ver" claim is below
// TokenVersion are refused from now on, on every service, and sockets
// opened with them are closed.
type SessionsRevokedPayload struct {
	// UserID is whose sessions are revoked.
	UserID string `json:"user_id"`
	// TokenVersion is the user's token version from now on; it only grows.
	TokenVersion int64 `json:"token_version"`
	// Reason is "password" (the password was changed), "sign-out"
	// (signed out everywhere) or "deleted" (the account was deleted: its
	// TokenVersion is then DeletedTokenVersion, above any token's).
	Reason string `json:"reason"`
	// RevokedAt is when it happened.
	RevokedAt time.Time `json:"revoked_at"`
}

// DeletedTokenVersion is the token version of a deleted account: above
// any version a token can carry, so every token of the account is refused.
// It is the largest integer a JSON number holds exactly everywhere.
const DeletedTokenVersion int64 = 1<<53 - 1

// UserDeletedPayload announces that an account is gone: every service
// erases what it keeps of the user (tweets, images, likes, boosts,
// follows both ways, notifications by or for them). Handling it twice
// changes nothing more.
type UserDeletedPayload struct {
	// UserID is the deleted account's user id. Ids are never given to
	// another account.
	UserID string `json:"user_id"`
	// Handle is the handle the account had, lower case, without the "@";
	// profile keeps it reserved for a while.
	Handle string `json:"handle"`
	// DeletedAt is when the account was deleted.
	DeletedAt time.Time `json:"deleted_at"`
}
