package server_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"murmur/fragments/internal/config"
	"murmur/fragments/internal/ratelimit"
	"murmur/fragments/internal/testkit"
	"murmur/fragments/tweets/tweetstest"
)

// checkRefused asserts a 429 that says when to come back (testkit.CheckRefused).
func checkRefused(t *testing.T, what string, r response, message string) {
	t.Helper()
	testkit.CheckRefused(t, what, r.Status, r.Header, r.String(), message, "Try again in")
}

// Posting is limited per account, through the API and the compose box
// alike; a refused post is not kept, the box keeps what was typed, and
// another account posts on.
func TestPostingIsLimitedPerAccount(t *testing.T) {
	s := mustStack(t, withLimits(map[string]config.Limit{ratelimit.Post: {Count: 3, Period: time.Hour}}))
	ada, bob := s.mustUser(t, "ada", "Ada"), s.mustUser(t, "bob", "Bob")
	s.mustPost(t, ada, "one")
	s.mustPost(t, ada, "two")
	if r := s.do(t, "POST", "/tweets/frag/tweets", "", url.Values{"text": {"three"}}, cookie(ada.Token)...); r.Status != 200 {
		t.Fatalf("third post, from the box: %d %s", r.Status, r)
	}
	const words = "You have posted a lot in a short time."

	r := s.do(t, "POST", "/tweets/api/tweets", ada.Token, map[string]any{"text": "four"})
	checkRefused(t, "API", r, words)
	if _, detail := r.problem(t); !strings.HasPrefix(detail, words) {
		t.Errorf("problem detail %q, want it to start %q", detail, words)
	}
	r = s.do(t, "POST", "/tweets/frag/tweets", "", url.Values{"text": {"four, typed with care"}}, cookie(ada.Token)...)
	checkRefused(t, "compose box", r, words)
	if body := r.String(); !strings.Contains(body, `id="compose-text"`) || !strings.Contains(body, "four, typed with care") {
		t.Errorf("refused compose box lost what was typed: %s", body)
	}

	var list struct{ Items []json.RawMessage }
	json.Unmarshal(s.do(t, "GET", "/tweets/api/users/"+ada.ID+"/tweets", ada.Token, nil).Body, &list)
	if len(list.Items) != 3 {
		t.Errorf("ada has %d tweets, want the 3 allowed", len(list.Items))
	}
	s.mustPost(t, bob, "bob's own allowance")
	if r := s.do(t, "POST", "/tweets/frag/tweets", "", url.Values{"text": {"and again"}}, cookie(bob.Token)...); r.Status != 200 {
		t.Errorf("another account from the box: %d %s, want 200", r.Status, r)
	}
}

// Liking is limited per account, through the API and the like button;
// taking a like back never is; another account likes on.
func TestLikingIsLimitedPerAccount(t *testing.T) {
	s := mustStack(t, withLimits(map[string]config.Limit{ratelimit.Like: {Count: 2, Period: time.Hour}}))
	ada, bob := s.mustUser(t, "ada", "Ada"), s.mustUser(t, "bob", "Bob")
	one, two, three := s.mustPost(t, bob, "one"), s.mustPost(t, bob, "two"), s.mustPost(t, bob, "three")
	like := func(id string) string { return "/tweets/api/tweets/" + id + "/like" }
	button := func(id string) string { return "/tweets/frag/tweets/" + id + "/like" }
	const words = "You have liked a lot in a short time."

	if r := s.do(t, "PUT", like(one.ID), ada.Token, nil); r.Status != 204 {
		t.Fatalf("first like: %d %s", r.Status, r)
	}
	if r := s.do(t, "PUT", button(two.ID), "", nil, cookie(ada.Token)...); r.Status != 200 {
		t.Fatalf("second like, from the button: %d %s", r.Status, r)
	}
	r := s.do(t, "PUT", like(three.ID), ada.Token, nil)
	checkRefused(t, "API", r, words)
	r.problem(t)
	r = s.do(t, "PUT", button(three.ID), "", nil, cookie(ada.Token)...)
	checkRefused(t, "like button", r, words)
	if !strings.Contains(r.String(), `class="problem"`) {
		t.Errorf("refused like button: want the problem partial, got %s", r)
	}
	var got struct {
		LikeCount int  `json:"like_count"`
		LikedByMe bool `json:"liked_by_me"`
	}
	json.Unmarshal(s.do(t, "GET", "/tweets/api/tweets/"+three.ID, ada.Token, nil).Body, &got)
	if got.LikeCount != 0 || got.LikedByMe {
		t.Errorf("a refused like counted: %+v", got)
	}

	if r := s.do(t, "DELETE", like(one.ID), ada.Token, nil); r.Status != 204 {
		t.Errorf("taking a like back past the limit, API: %d %s, want 204", r.Status, r)
	}
	if r := s.do(t, "DELETE", button(two.ID), "", nil, cookie(ada.Token)...); r.Status != 200 || !strings.Contains(r.String(), `aria-pressed="false"`) {
		t.Errorf("taking a like back past the limit, button: %d %s, want the unliked button", r.Status, r)
	}
	if r := s.do(t, "PUT", like(three.ID), bob.Token, nil); r.Status != 204 {
		t.Errorf("another account likes: %d %s, want 204", r.Status, r)
	}
	if r := s.do(t, "PUT", button(one.ID), "", nil, cookie(bob.Token)...); r.Status != 200 {
		t.Errorf("another account likes from the button: %d %s, want 200", r.Status, r)
	}
}

// Uploads are limited per account and image, through the API (refused
// before the body is read) and the compose box's image picker.
func TestUploadsAreLimitedPerAccountAndImage(t *testing.T) {
	s := mustStack(t, withLimits(map[string]config.Limit{ratelimit.Upload: {Count: 3, Period: time.Hour}}))
	ada, bob := s.mustUser(t, "ada", "Ada"), s.mustUser(t, "bob", "Bob")
	img := func() [][]byte { return [][]byte{tweetstest.PNG(t, 3, 3)} }
	const words = "You have uploaded a lot of images in a short time."

	s.mustUpload(t, ada, tweetstest.PNG(t, 3, 3))
	pair := upload(t, "file", [][]byte{tweetstest.PNG(t, 3, 3), tweetstest.JPEG(t, 3, 3)})
	if r := s.do(t, "POST", "/tweets/frag/media", "", pair, cookie(ada.Token)...); r.Status != 200 {
		t.Fatalf("two images from the picker: %d %s", r.Status, r)
	}
	r := s.do(t, "POST", "/tweets/api/media", ada.Token, upload(t, "file", img()))
	checkRefused(t, "API", r, words)
	r.problem(t)
	r = s.do(t, "POST", "/tweets/frag/media", "", upload(t, "file", img()), cookie(ada.Token)...)
	checkRefused(t, "image picker", r, words)
	if !strings.Contains(r.String(), `class="attachment failed"`) {
		t.Errorf("refused picker: want a failed attachment entry, got %s", r)
	}

	// Bob's allowance is his own, counted per image: two of three, then a
	// pair is too many, and the refused pair took nothing.
	if r := s.do(t, "POST", "/tweets/frag/media", "", pair, cookie(bob.Token)...); r.Status != 200 {
		t.Fatalf("another account's pair: %d %s", r.Status, r)
	}
	checkRefused(t, "a pair with one image left", s.do(t, "POST", "/tweets/frag/media", "", pair, cookie(bob.Token)...), words)
	s.mustUpload(t, bob, tweetstest.PNG(t, 3, 3))
}
