package server_test

import (
	"encoding/json"
	"net/http"
	"testing"
)

// Replies are tweets: the home API and the JSON stream carry what a reply
// answers and how many replies a tweet has, as the tweets service's Tweet
// does.
func TestRepliesInTheHomeAPIAndStream(t *testing.T) {
	e := mustEnv(t)
	ada, bob := e.profile.MustUser(t, "ada", "Ada"), e.profile.MustUser(t, "bob", "Bob")
	e.mustFollow(t, ada, bob, true)
	stream := e.socket(t, "/timeline/api/stream", ada)

	root := e.mustPost(t, bob, "a thread, 1/2")
	status, body := call(t, "POST", e.tweets.URL+"/tweets/api/tweets", &bob, map[string]any{"text": "2/2", "in_reply_to_id": root})
	if status != http.StatusCreated {
		t.Fatalf("reply: %d %s", status, body)
	}
	var reply struct {
		ID string `json:"id"`
	}
	json.Unmarshal([]byte(body), &reply)

	type tweet struct {
		ID          string  `json:"id"`
		InReplyToID *string `json:"in_reply_to_id"`
		ReplyCount  *int    `json:"reply_count"`
	}
	for _, want := range []string{root, reply.ID} {
		var msg struct {
			Event string `json:"event"`
			Tweet tweet  `json:"tweet"`
		}
		if err := json.Unmarshal([]byte(read(t, stream)), &msg); err != nil || msg.Tweet.ID != want {
			t.Fatalf("stream: %+v (%v), want tweet.created of %s", msg, err, want)
		}
		if want == reply.ID && (msg.Tweet.InReplyToID == nil || *msg.Tweet.InReplyToID != root || msg.Tweet.ReplyCount == nil) {
			t.Errorf("the reply on the stream = %+v, want in_reply_to_id %s and a reply_count", msg.Tweet, root)
		}
	}

	status, body = call(t, "GET", e.timeline.URL+"/timeline/api/home", &ada, nil)
	var home struct {
		Items []tweet `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &home); status != http.StatusOK || err != nil || len(home.Items) != 2 {
		t.Fatalf("home: %d %s", status, body)
	}
	if got := home.Items[0]; got.ID != reply.ID || got.InReplyToID == nil || *got.InReplyToID != root {
		t.Errorf("home's reply = %+v, want it to answer %s", got, root)
	}
	if got := home.Items[1]; got.ID != root || got.InReplyToID != nil || got.ReplyCount == nil || *got.ReplyCount != 1 {
		t.Errorf("home's root = %+v, want no in_reply_to_id and reply_count 1", got)
	}
}
