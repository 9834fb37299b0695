package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"murmur/fragments/internal/jsonapi"
	"murmur/fragments/internal/ratelimit"
	"murmur/fragments/internal/viewer"
	"murmur/fragments/tweets"
)

type tweetOutput struct{ Body tweets.Tweet }

// PostedTweet is the answer to posting a tweet: the tweet, and what was
// left out of it.
type PostedTweet struct {
	tweets.Tweet
	MediaLeftOut []string `json:"media_left_out,omitempty" doc:"Present when more than 4 images were sent: the ids past the fourth, which were not attached. They stay yours to attach to another tweet until they expire."`
	Notice       string   `json:"notice,omitempty" doc:"Present when something was left out: why, in words for the person posting."`
}

type postedTweetOutput struct{ Body PostedTweet }

type createTweetInput struct {
	Body struct {
		Text     string   `json:"text" maxLength:"10000" doc:"1 to 280 characters as a person counts them (one emoji is one), after trimming."`
		MediaIDs []string `json:"media_ids,omitempty" required:"false" maxItems:"100" doc:"Up to 4 ids of images you uploaded and have not used yet, in the order to show them. Past the fourth they are left out (see media_left_out in the answer)."`
		// InReplyToID makes the tweet a reply.
		InReplyToID *string `json:"in_reply_to_id,omitempty" required:"false" nullable:"true" maxLength:"20" doc:"The id of the tweet this one replies to; absent or null for a tweet that replies to none."`
	}
}

type tweetIDInput struct {
	ID string `path:"id" maxLength:"20" doc:"A tweet id."`
}

type userTweetsInput struct {
	UserID string `path:"user_id" maxLength:"64"`
	Limit  int    `query:"limit" minimum:"1" maximum:"100" default:"20"`
	Cursor string `query:"cursor" maxLength:"20" doc:"The next value of the previous page."`
}

// TweetList is a page of tweets, newest first.
type TweetList struct {
	Items []tweets.Tweet `json:"items"`
	Next  *string        `json:"next" doc:"Cursor of the next page; null on the last."`
}

type tweetListOutput struct{ Body TweetList }

// tweetPage answers a page of tweets.
func tweetPage(page tweets.Page) *tweetListOutput {
	return &tweetListOutput{Body: TweetList{Items: page.Tweets, Next: jsonapi.Next(page.Next)}}
}

// registerTweetsAPI adds posting, reading and deleting a tweet, and
// reading a person's tweets.
func (s *server) registerTweetsAPI(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "create-tweet", Method: http.MethodPost, Path: "/tweets/api/tweets",
		Summary: "Post a tweet or a reply", Tags: []string{"tweets"}, DefaultStatus: http.StatusCreated,
		Description: "Publishes a tweet and announces tweet.created. Attach images by uploading them first. " +
			"With in_reply_to_id the tweet is a reply: it counts on the replied-to tweet's reply_count, and " +
			"tweet.created names the replied-to tweet and its author (in_reply_to_author_id). " +
			"A reply to a tweet that does not exist or was deleted is 404; an in_reply_to_id that is no tweet id is 422. " +
			"The text's #hashtags and @mentions are kept with the tweet (see list-tag-tweets). " +
			"A tweet holds at most 4 images: given more ids, it is posted with the first 4, and the answer " +
			"lists the others in media_left_out and says why in notice. " +
			"Posts are limited per account (MURMUR_LIMIT_POST); past the limit, 429 with Retry-After.",
		Security: jsonapi.Security, Errors: []int{401, 404, 422, 429},
	}, s.createTweet)

	huma.Register(api, huma.Operation{
		OperationID: "get-tweet", Method: http.MethodGet, Path: "/tweets/api/tweets/{id}",
		Summary: "A tweet", Tags: []string{"tweets"}, Security: jsonapi.Security, Errors: []int{401, 404},
	}, s.getTweet)

	huma.Register(api, huma.Operation{
		OperationID: "delete-tweet", Method: http.MethodDelete, Path: "/tweets/api/tweets/{id}",
		Summary: "Delete my tweet", Tags: []string{"tweets"}, DefaultStatus: http.StatusNoContent,
		Description: "Removes the tweet with its likes and images and announces tweet.deleted. " +
			"Its replies stay, their in_reply_to_id still naming it; a reply deleted counts off its replied-to tweet's reply_count. " +
			"Deleting a tweet you already deleted succeeds again.",
		Security: jsonapi.Security, Errors: []int{401, 403, 404},
	}, s.deleteTweet)

	huma.Register(api, huma.Operation{
		OperationID: "list-user-tweets", Method: http.MethodGet, Path: "/tweets/api/users/{user_id}/tweets",
		Summary: "A user's tweets, newest first", Tags: []string{"tweets"}, Security: jsonapi.Security, Errors: []int{401, 422},
	}, s.listUserTweets)
}

func (s *server) createTweet(ctx context.Context, in *createTweetInput) (*postedTweetOutput, error) {
	v, err := viewer.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.Limits.Check(ctx, ratelimit.Post, v.ID, 1); err != nil {
		return nil, jsonapi.Error(err)
	}
	ids := in.Body.MediaIDs
	keep := tweets.RoomForMedia(0, len(ids))
	ids, leftOut := ids[:keep], ids[keep:]
	media := make([]tweets.Attachment, len(ids))
	for i, id := range ids {
		media[i] = tweets.Attachment{ID: id}
	}
	var t tweets.Tweet
	if in.Body.InReplyToID != nil {
		t, err = s.Tweets.Reply(ctx, v, *in.Body.InReplyToID, in.Body.Text, media)
	} else {
		t, err = s.Tweets.Post(ctx, v, in.Body.Text, media)
	}
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	out := &postedTweetOutput{Body: PostedTweet{Tweet: t}}
	if len(leftOut) > 0 {
		out.Body.MediaLeftOut, out.Body.Notice = leftOut, tweets.LeftOutNotice(leftOut)
	}
	return out, nil
}

func (s *server) getTweet(ctx context.Context, in *tweetIDInput) (*tweetOutput, error) {
	v, err := viewer.Require(ctx)
	if err != nil {
		return nil, err
	}
	t, err := s.Tweets.Tweet(ctx, in.ID, v)
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	return &tweetOutput{Body: t}, nil
}

func (s *server) deleteTweet(ctx context.Context, in *tweetIDInput) (*struct{}, error) {
	v, err := viewer.Require(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.Tweets.Delete(ctx, in.ID, v); err != nil {
		return nil, jsonapi.Error(err)
	}
	return nil, nil
}

func (s *server) listUserTweets(ctx context.Context, in *userTweetsInput) (*tweetListOutput, error) {
	v, err := viewer.Require(ctx)
	if err != nil {
		return nil, err
	}
	page, err := s.Tweets.ByAuthor(ctx, in.UserID, in.Cursor, in.Limit, v)
	if err != nil {
		return nil, jsonapi.Error(err)
	}
	return tweetPage(page), nil
}
