package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"

	"github.com/danielgtaylor/huma/v2"

	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/internal/viewer"
	"murmur/fragments/tweets"
)

// DeletedTweet is the place of a deleted tweet in a conversation: what
// remains is its id and what it replied to.
type DeletedTweet struct {
	ID          string  `json:"id" doc:"The deleted tweet's id."`
	Deleted     bool    `json:"deleted" enum:"true" doc:"Always true: this tweet was deleted. A Tweet has no deleted member."`
	InReplyToID *string `json:"in_reply_to_id" doc:"The tweet the deleted one replied to; null when none (or unknown)."`
}

// Reply is a tweet below another in a conversation, with how deep.
type Reply struct {
	tweets.Tweet
	Depth int `json:"depth" minimum:"1" doc:"1 for a reply to the conversation's tweet, 2 for a reply to such a reply, and so on."`
}

// DeletedReply is the place of a deleted reply that replies to it keep.
type DeletedReply struct {
	DeletedTweet
	Depth int `json:"depth" minimum:"1" doc:"As a Reply's depth."`
}

// ancestor is one of the tweets above a tweet: a Tweet, or a DeletedTweet.
type ancestor struct{ tweets.ConversationEntry }

func (a ancestor) MarshalJSON() ([]byte, error) {
	if a.Tweet != nil {
		return json.Marshal(a.Tweet)
	}
	return json.Marshal(DeletedTweet{ID: a.ID, Deleted: true, InReplyToID: a.InReplyToID})
}

// Schema documents an ancestor as one of its two shapes.
func (ancestor) Schema(r huma.Registry) *huma.Schema {
	return oneOf(r, reflect.TypeFor[tweets.Tweet](), reflect.TypeFor[DeletedTweet]())
}

// descendant is one of the replies below a tweet: a Reply, or a
// DeletedReply.
type descendant struct{ tweets.ConversationEntry }

func (d descendant) MarshalJSON() ([]byte, error) {
	if d.Tweet != nil {
		return json.Marshal(Reply{Tweet: *d.Tweet, Depth: d.Depth})
	}
	return json.Marshal(DeletedReply{DeletedTweet: DeletedTweet{ID: d.ID, Deleted: true, InReplyToID: d.InReplyToID}, Depth: d.Depth})
}

// Schema documents a descendant as one of its two shapes.
func (descendant) Schema(r huma.Registry) *huma.Schema {
	return oneOf(r, reflect.TypeFor[Reply](), reflect.TypeFor[DeletedReply]())
}

func oneOf(r huma.Registry, types ...reflect.Type) *huma.Schema {
	s := &huma.Schema{}
	for _, t := range types {
		s.OneOf = append(s.OneOf, r.Schema(t, true, t.Name()))
	}
	return s
}

// Conversation is what surrounds a tweet.
type Conversation struct {
	Ancestors   []ancestor   `json:"ancestors" nullable:"false" doc:"The tweets this one replies to, oldest first, ending with the one it answers; at most the nearest 100. A deleted one is a DeletedTweet and the chain goes on through it. When the first still has an in_reply_to_id, the chain goes on above it: ask that tweet's context for the rest."`
	Descendants []descendant `json:"descendants" nullable:"false" doc:"The replies below this tweet, depth first: each reply is followed by the replies to it before its next sibling. Siblings come oldest first, except that the replies of the replied-to tweet's own author come first, so a thread (an author replying to themselves) reads in order. A deleted reply is a DeletedReply, kept only while replies to it remain. At most limit entries; next continues. Replies deeper than 50 levels, or beyond the first 2,000 of the conversation read level by level, are not listed: a tweet's reply_count tells whether it has replies, and its own context lists them."`
	Next        *string      `json:"next" doc:"Cursor of the rest of descendants (pass it as cursor); null when none is left."`
}

type conversationOutput struct{ Body Conversation }

type conversationInput struct {
	ID     string `path:"id" maxLength:"20" doc:"A tweet id."`
	Limit  int    `query:"limit" minimum:"1" maximum:"200" default:"100" doc:"How many descendants to list."`
	Cursor string `query:"cursor" maxLength:"20" doc:"The next value of the previous answer."`
}

// registerContextAPI adds reading the conversation around a tweet.
func (s *server) registerContextAPI(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "get-tweet-context", Method: http.MethodGet, Path: "/tweets/api/tweets/{id}/context",
		Summary: "The conversation around a tweet", Tags: []string{"tweets"},
		Description: "The chain of tweets this one replies to (ancestors) and the replies below it (descendants), " +
			"each a Tweet or, where a tweet was deleted, its place: {id, deleted: true, in_reply_to_id}. " +
			"Descendants carry their depth below this tweet, so a page can indent them, and come a page at a time. " +
			fmt.Sprintf("404 when the tweet does not exist or was deleted; 422 for a cursor this conversation did not give out. "+
				"Bounds: %d ancestors, %d levels and %d replies read.", tweets.MaxAncestors, tweets.MaxReplyDepth, tweets.MaxConversation),
		Security: jsonapi.Security, Errors: []int{401, 404, 422},
	}, s.getContext)
}

func (s *server) getContext(ctx context.Context, in *conversationInput) (*conversationOutput, error) {
	v, err := viewer.Require(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.Tweets.Conversation(ctx, in.ID, v, in.Cursor, in.Limit)
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	out := Conversation{Ancestors: make([]ancestor, len(c.Ancestors)), Descendants: make([]descendant, len(c.Descendants)),
		Next: jsonapi.Next(c.Next)}
	for i, e := range c.Ancestors {
		out.Ancestors[i] = ancestor{e}
	}
	for i, e := range c.Descendants {
		out.Descendants[i] = descendant{e}
	}
	return &conversationOutput{Body: out}, nil
}
