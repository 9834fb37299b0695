package live

import (
	"encoding/json"

	"murmur/fragments/internal/events"
	"murmur/fragments/timeline"
)

// Markup renders the messages of HTML sockets. The page they change is the
// timeline's, so its templates render them (server.LiveMarkup); tweets'
// cards are reached only through what tweets' markup names.
type Markup interface {
	// Arrived wraps tweets' cards (HTML from tweets) that arrive in a home.
	Arrived(cards string) []byte
	// Deleted removes a deleted tweet's card wherever the page shows it.
	Deleted(tweetID string) []byte
	// LikeCount shows a tweet's new like count on its cards.
	LikeCount(tweetID string, count int) []byte
	// BoostCount shows a tweet's new boost count on its cards.
	BoostCount(tweetID string, count int) []byte
	// Resync tells the page to read its feed afresh.
	Resync() []byte
	// ReplyCount shows a tweet's new reply count on its cards.
	ReplyCount(tweetID string, count int) []byte
	// ConversationChanged tells a tweet's page that its conversation
	// changed, so it reads its replies afresh.
	ConversationChanged(c ConversationChange) []byte
}

// ConversationChange is what a tweet's page is told: a new reply, a
// deleted tweet, or (all empty) that events were missed.
type ConversationChange struct {
	// ReplyID is the new reply, InReplyToID the tweet it answers and
	// ReplyCount that tweet's new count (-1 when unknown).
	ReplyID, InReplyToID string
	ReplyCount           int
	// DeletedID is a tweet of the page that was deleted.
	DeletedID string
}

// RepliesChanged is the stream's event for a tweet's new reply count.
const RepliesChanged = "replies.changed"

// message is one event as both kinds of socket get it.
type message struct {
	event      string
	json, html []byte
}

// The JSON sockets' messages are the stream API's events (DESIGN's
// /timeline/api/stream row).

func createdJSON(t timeline.Tweet) []byte {
	t.LikedByMe, t.BoostedByMe = false, false
	if t.Media == nil {
		t.Media = []timeline.Media{}
	}
	b, _ := json.Marshal(struct {
		Event string         `json:"event"`
		Tweet timeline.Tweet `json:"tweet"`
	}{events.TweetCreated, t})
	return b
}

func deletedJSON(id string) []byte {
	b, _ := json.Marshal(map[string]string{"event": events.TweetDeleted, "id": id})
	return b
}

func likeCountJSON(id string, count int) []byte {
	b, _ := json.Marshal(struct {
		Event     string `json:"event"`
		ID        string `json:"id"`
		LikeCount int    `json:"like_count"`
	}{events.LikeChanged, id, count})
	return b
}

func replyCountJSON(id string, count int) []byte {
	b, _ := json.Marshal(struct {
		Event      string `json:"event"`
		ID         string `json:"id"`
		ReplyCount int    `json:"reply_count"`
	}{RepliesChanged, id, count})
	return b
}

func boostCountJSON(id string, count int) []byte {
	b, _ := json.Marshal(struct {
		Event      string `json:"event"`
		ID         string `json:"id"`
		BoostCount int    `json:"boost_count"`
	}{events.BoostChanged, id, count})
	return b
}

var resyncJSON = []byte(`{"event":"resync"}`)

// apiTweet is a tweet from tweet.created in the timeline API's shape.
func apiTweet(t events.Tweet) timeline.Tweet {
	media := make([]timeline.Media, len(t.Media))
	for i, m := range t.Media {
		media[i] = timeline.Media(m)
	}
	return timeline.Tweet{
		ID: t.ID, Author: timeline.Author(t.Author), Text: t.Text, Media: media,
		InReplyToID: t.InReplyToID, ReplyCount: t.ReplyCount, LikeCount: t.LikeCount, BoostCount: t.BoostCount,
		CreatedAt: t.CreatedAt,
	}
}

// boostedTweet is the entry a boost makes in its booster's followers'
// homes, in the timeline API's shape.
func boostedTweet(e events.BoostChangedPayload) timeline.Tweet {
	t := apiTweet(*e.Tweet)
	t.BoostCount = e.BoostCount
	booster := timeline.Author(e.Booster)
	t.BoostedBy, t.BoostID = &booster, e.BoostID
	return t
}
