package systemtest

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// eventually retries check until it returns nil, for at most limit.
func eventually(t *testing.T, limit time.Duration, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still %v after %s", what, err, limit)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// getJSON reads a JSON answer into a map, reporting the status.
func getJSON(t *testing.T, c *Client, path string) (int, map[string]any) {
	t.Helper()
	status, data, _ := c.Do(t, "GET", path, nil)
	var m map[string]any
	json.Unmarshal(data, &m)
	return status, m
}

// tweetCounts are a tweet's like, boost and reply counts as the API says.
func tweetCounts(t *testing.T, c *Client, id string) (int, string) {
	t.Helper()
	status, m := getJSON(t, c, "/tweets/api/tweets/"+id)
	return status, fmt.Sprintf("likes %v boosts %v replies %v", num(m, "like_count"), num(m, "boost_count"), num(m, "reply_count"))
}

// Deleting an account while tweets is down: the account is gone from
// profile at once and its sessions refused everywhere; follow and
// notifications erase their part at once; tweets erases its part when it is
// back (its consumer group waited for it) — the tweets, the likes and boosts
// counted off others' tweets, a reply by someone else kept under "deleted".
// The handle stays reserved.
func TestDeletedAccountIsGoneEverywhereEvenFromAServiceThatWasDown(t *testing.T) {
	s := MustStack(t)
	ann, bob, cat := NewClient(s.URL()), NewClient(s.URL()), NewClient(s.URL())
	annU := ann.MustSignUp(t, "ann", "password-ann", "Ann")
	bobU := bob.MustSignUp(t, "bob", "password-bob", "Bob")
	catU := cat.MustSignUp(t, "cat", "password-cat", "Cat")

	var annTweet, bobTweet, catReply, annReply map[string]any
	ann.MustJSON(t, 201, "POST", "/tweets/api/tweets", map[string]any{"text": "ann was here", "media_ids": []string{mustUploadImage(t, ann)}}, &annTweet)
	bob.MustJSON(t, 201, "POST", "/tweets/api/tweets", map[string]any{"text": "bob says hi"}, &bobTweet)
	annID, bobID := str(annTweet, "id"), str(bobTweet, "id")
	cat.MustJSON(t, 201, "POST", "/tweets/api/tweets", map[string]any{"text": "cat answers ann", "in_reply_to_id": annID}, &catReply)
	ann.MustJSON(t, 201, "POST", "/tweets/api/tweets", map[string]any{"text": "ann answers bob", "in_reply_to_id": bobID}, &annReply)
	for _, w := range []struct {
		c      *Client
		method string
		path   string
	}{
		{ann, "PUT", "/tweets/api/tweets/" + bobID + "/like"},
		{ann, "PUT", "/tweets/api/tweets/" + bobID + "/boost"},
		{bob, "PUT", "/tweets/api/tweets/" + annID + "/like"},
		{ann, "PUT", "/follow/api/following/" + bobU.ID},
		{bob, "PUT", "/follow/api/following/" + annU.ID},
		{cat, "PUT", "/follow/api/following/" + annU.ID},
		{ann, "PUT", "/follow/api/mutes/" + catU.ID},
	} {
		if status, body, _ := w.c.Do(t, w.method, w.path, nil); status != http.StatusNoContent {
			t.Fatalf("%s %s: %d %s", w.method, w.path, status, body)
		}
	}
	if _, got := tweetCounts(t, bob, bobID); got != "likes 1 boosts 1 replies 1" {
		t.Fatalf("bob's tweet before: %s", got)
	}
	// bob is told of ann's like, boost, reply and follow.
	eventually(t, 20*time.Second, "bob's notifications", func() error {
		if _, m := getJSON(t, bob, "/notifications/api/unread"); num(m, "count") != 4 {
			return fmt.Errorf("unread %v, want 4", m)
		}
		return nil
	})

	checkExport(t, ann, annU, bobU, annTweet)

	if err := s.Kill("tweets"); err != nil {
		t.Fatal(err)
	}
	// The password is asked again.
	status, body, header := ann.Do(t, "DELETE", "/profile/api/me", map[string]string{"password": "not-the-password"})
	if status != http.StatusUnauthorized || !strings.HasPrefix(header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("wrong password: %d %s", status, body)
	}
	if status, body, _ = ann.Do(t, "DELETE", "/profile/api/me", `{}`); status != http.StatusUnprocessableEntity {
		t.Fatalf("no password: %d %s, want 422", status, body)
	}
	if status, body, _ = ann.Do(t, "DELETE", "/profile/api/me", map[string]string{"password": "password-ann"}); status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", status, body)
	}

	// Gone from profile at once, her sessions refused everywhere.
	if status, _ := getJSON(t, bob, "/profile/api/users/ann"); status != http.StatusNotFound {
		t.Errorf("ann's profile: %d, want 404", status)
	}
	if status, _ := getJSON(t, ann, "/profile/api/me"); status != http.StatusUnauthorized {
		t.Errorf("ann's token on profile: %d, want 401", status)
	}
	eventually(t, 10*time.Second, "ann's token on follow and notifications", func() error {
		for _, p := range []string{"/follow/api/users/" + bobU.ID, "/notifications/api/unread"} {
			if status, _ := getJSON(t, ann, p); status != http.StatusUnauthorized {
				return fmt.Errorf("%s: %d, want 401", p, status)
			}
		}
		return nil
	})
	// Follow and notifications erase their part at once.
	eventually(t, 20*time.Second, "follow counts and notifications without ann", func() error {
		for who, want := range map[string]string{bobU.ID: "0 0", annU.ID: "0 0"} {
			_, m := getJSON(t, cat, "/follow/api/users/"+who)
			if got := fmt.Sprintf("%v %v", num(m, "followers_count"), num(m, "following_count")); got != want {
				return fmt.Errorf("user %s followers/following %s, want %s", who, got, want)
			}
		}
		if _, m := getJSON(t, bob, "/notifications/api/unread"); num(m, "count") != 0 {
			return fmt.Errorf("bob's unread %v, want 0", m)
		}
		return nil
	})
	var catCounts map[string]any
	cat.MustJSON(t, 200, "GET", "/follow/api/users/"+str(mustMe(t, cat), "id"), nil, &catCounts)
	if num(catCounts, "following_count") != 0 {
		t.Errorf("cat still follows %v", catCounts["following_count"])
	}

	// The handle is reserved.
	other := NewClient(s.URL())
	status, body, _ = other.Do(t, "POST", "/profile/api/users", map[string]string{"handle": "Ann", "password": "password-new", "display_name": "Not Ann"})
	if status != http.StatusConflict || !strings.Contains(string(body), "reserved") {
		t.Errorf("sign up as ann: %d %s, want 409 saying the handle is reserved", status, body)
	}

	// tweets comes back and catches up.
	mustRestart(t, s, "tweets")
	eventually(t, 30*time.Second, "tweets without ann", func() error {
		if _, got := tweetCounts(t, bob, bobID); got != "likes 0 boosts 0 replies 0" {
			return fmt.Errorf("bob's tweet: %s", got)
		}
		if status, _ := tweetCounts(t, bob, annID); status != http.StatusNotFound {
			return fmt.Errorf("ann's tweet: %d, want 404", status)
		}
		return nil
	})
	if _, m := getJSON(t, bob, "/tweets/api/users/"+annU.ID+"/tweets"); len(items(m)) != 0 {
		t.Errorf("ann's tweets still listed: %v", m)
	}
	if status, _ := getJSON(t, bob, "/tweets/api/tweets/"+str(annReply, "id")); status != http.StatusNotFound {
		t.Errorf("ann's reply: %d, want 404", status)
	}
	for _, img := range annTweet["media"].([]any) {
		if status, _, _ := bob.Do(t, "GET", str(img.(map[string]any), "url"), nil); status != http.StatusNotFound {
			t.Errorf("ann's image %v: %d, want 404", img, status)
		}
	}
	// cat's reply stays, under "This tweet was deleted".
	_, ctx := getJSON(t, cat, "/tweets/api/tweets/"+str(catReply, "id")+"/context")
	if a, _ := ctx["ancestors"].([]any); len(a) != 1 || a[0].(map[string]any)["deleted"] != true {
		t.Errorf("cat's reply's chain: %v, want the deleted tweet", ctx["ancestors"])
	}
	_, home := getJSON(t, bob, "/timeline/api/home")
	for _, it := range items(home) {
		if author, _ := it["author"].(map[string]any); str(author, "id") == annU.ID || it["boosted_by"] != nil {
			t.Errorf("bob's home still holds %v", it)
		}
	}
	if len(items(home)) != 1 {
		t.Errorf("bob's home: %d items, want his own tweet", len(items(home)))
	}
	status, page, _ := bob.Do(t, "GET", "/u/bob", nil)
	if status != http.StatusOK || strings.Contains(string(page), "ann was here") || strings.Contains(string(page), "ann answers bob") {
		t.Errorf("bob's page: %d, shows ann's tweets", status)
	}
}

func items(m map[string]any) []map[string]any {
	raw, _ := m["items"].([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, r := range raw {
		if it, ok := r.(map[string]any); ok {
			out = append(out, it)
		}
	}
	return out
}

func mustMe(t *testing.T, c *Client) map[string]any {
	t.Helper()
	var m map[string]any
	c.MustJSON(t, 200, "GET", "/profile/api/me", nil, &m)
	return m
}

// checkExport downloads ann's export and checks its files: the JSON parses
// and says what she did, the image is the one tweets serves.
func checkExport(t *testing.T, ann *Client, annU, bobU User, annTweet map[string]any) {
	t.Helper()
	status, body, header := ann.Do(t, "POST", "/profile/api/me/export", map[string]string{"password": "wrong-password"})
	if status != http.StatusUnauthorized || !strings.HasPrefix(header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("export with a wrong password: %d %s", status, body)
	}
	status, body, header = ann.Do(t, "POST", "/profile/api/me/export", map[string]string{"password": "password-ann"})
	if status != http.StatusOK || header.Get("Content-Type") != "application/zip" || !strings.Contains(header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %v %.200s", status, header, body)
	}
	z, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("export is no zip: %v", err)
	}
	files := map[string][]byte{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[strings.TrimPrefix(f.Name, "murmur-ann/")], _ = io.ReadAll(r)
		r.Close()
	}
	var prof map[string]any
	var tw struct {
		Tweets []map[string]any `json:"tweets"`
		Likes  []map[string]any `json:"likes"`
		Boosts []map[string]any `json:"boosts"`
	}
	var fo struct {
		Following []map[string]any `json:"following"`
		Followers []map[string]any `json:"followers"`
		Blocked   []map[string]any `json:"blocked"`
		Muted     []map[string]any `json:"muted"`
	}
	for name, into := range map[string]any{"profile.json": &prof, "tweets.json": &tw, "follow.json": &fo} {
		if err := json.Unmarshal(files[name], into); err != nil {
			t.Fatalf("%s: %v (%q)", name, err, files[name])
		}
	}
	if str(prof, "handle") != "ann" || str(prof, "id") != annU.ID {
		t.Errorf("profile.json: %v", prof)
	}
	if len(tw.Tweets) != 2 || len(tw.Likes) != 1 || len(tw.Boosts) != 1 {
		t.Errorf("tweets.json: %d tweets, %d likes, %d boosts; want 2, 1, 1", len(tw.Tweets), len(tw.Likes), len(tw.Boosts))
	}
	if len(fo.Following) != 1 || str(fo.Following[0], "handle") != "bob" || len(fo.Followers) != 2 ||
		len(fo.Muted) != 1 || str(fo.Muted[0], "handle") != "cat" || fo.Blocked == nil || len(fo.Blocked) != 0 {
		t.Errorf("follow.json: %+v", fo)
	}
	img := annTweet["media"].([]any)[0].(map[string]any)
	_, served, _ := ann.Do(t, "GET", str(img, "url"), nil)
	if got := files["media/"+str(img, "id")+".png"]; len(got) == 0 || !bytes.Equal(got, served) {
		t.Errorf("media/%s.png: %d bytes, not the %d bytes tweets serves (files %v)", str(img, "id"), len(got), len(served), keys(files))
	}
	if _, ok := files["README.txt"]; !ok {
		t.Errorf("no README.txt in %v", keys(files))
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
