package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"murmur/fragments/internal/events"
	"murmur/fragments/tweets"
	"murmur/fragments/tweets/server"
	"murmur/fragments/tweets/tweetstest"
)

func TestPostAndGetTweet(t *testing.T) {
	s := mustStack(t)
	ada := s.mustUser(t, "ada", "Ada Lovelace")
	sub := s.mustSubscribe(t, events.TweetCreated)

	tw := s.mustPost(t, ada, "  Hello, murmur! 👋  ")
	if tw.Text != "Hello, murmur! 👋" {
		t.Errorf("text = %q, want it trimmed", tw.Text)
	}
	if tw.Author.ID != ada.ID || tw.Author.Handle != "ada" || tw.Author.DisplayName != "Ada Lovelace" {
		t.Errorf("author = %+v, want ada from profile", tw.Author)
	}
	if tw.Media == nil || len(tw.Media) != 0 || tw.LikeCount != 0 || tw.LikedByMe {
		t.Errorf("tweet = %+v, want empty media list and no likes", tw)
	}
	if _, ok := tweets.ParseID(tw.ID); !ok {
		t.Errorf("id = %q, want a decimal string", tw.ID)
	}

	var ev map[string]any
	sub.next(t, events.TweetCreated, &ev)
	if ev["id"] != tw.ID || ev["author_id"] != ada.ID || ev["text"] != tw.Text {
		t.Errorf("tweet.created = %v, want the tweet with author_id %s", ev, ada.ID)
	}
	if a, _ := ev["author"].(map[string]any); a["handle"] != "ada" {
		t.Errorf("tweet.created author = %v, want ada", ev["author"])
	}

	resp := s.do(t, "GET", "/tweets/api/tweets/"+tw.ID, ada.Token, nil)
	var got tweets.Tweet
	json.Unmarshal(resp.Body, &got)
	if resp.Status != http.StatusOK || got.ID != tw.ID || got.Text != tw.Text {
		t.Errorf("GET = %d %s, want the tweet", resp.Status, resp)
	}
	var raw map[string]any
	json.Unmarshal(resp.Body, &raw)
	for _, key := range []string{"id", "author", "text", "media", "like_count", "liked_by_me", "created_at"} {
		if _, ok := raw[key]; !ok {
			t.Errorf("Tweet JSON lacks %q: %s", key, resp)
		}
	}
}

func TestPostRefusals(t *testing.T) {
	s := mustStack(t)
	ada, bob := s.mustUser(t, "ada", "Ada"), s.mustUser(t, "bob", "Bob")
	bobs := s.mustUpload(t, bob, tweetstest.PNG(t, 8, 8))
	used := s.mustUpload(t, ada, tweetstest.PNG(t, 8, 8))
	s.mustPost(t, ada, "with image", used.ID)
	tests := []struct {
		name, text string
		media      []string
		status     int
		detail     string
	}{
		{"empty", "", nil, 422, "cannot be empty"},
		{"blank", "  \n\t ", nil, 422, "cannot be empty"},
		{"281 characters", strings.Repeat("x", 281), nil, 422, "at most 280"},
		{"281 emoji", strings.Repeat("🎉", 281), nil, 422, "at most 280"},
		{"someone else's image", "hi", []string{bobs.ID}, 422, "someone else"},
		{"image used before", "hi", []string{used.ID}, 422, "already part of another tweet"},
		{"unknown image", "hi", []string{"123"}, 422, "no uploaded image"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := s.do(t, "POST", "/tweets/api/tweets", ada.Token, map[string]any{"text": tc.text, "media_ids": tc.media})
			if resp.Status != tc.status {
				t.Fatalf("status = %d %s, want %d", resp.Status, resp, tc.status)
			}
			_, detail := resp.problem(t)
			if !strings.Contains(strings.ToLower(detail+" "+resp.String()), strings.ToLower(tc.detail)) {
				t.Errorf("detail = %q, want it to say %q", detail, tc.detail)
			}
		})
	}
	t.Run("280 emoji is fine", func(t *testing.T) {
		s.mustPost(t, ada, strings.Repeat("🎉", 280))
	})
	t.Run("signed out", func(t *testing.T) {
		resp := s.do(t, "POST", "/tweets/api/tweets", "", map[string]any{"text": "hi"})
		if resp.Status != http.StatusUnauthorized {
			t.Fatalf("status = %d, want 401", resp.Status)
		}
		resp.problem(t)
	})
	t.Run("forged token", func(t *testing.T) {
		resp := s.do(t, "POST", "/tweets/api/tweets", ada.Token+"x", map[string]any{"text": "hi"})
		if resp.Status != http.StatusUnauthorized {
			t.Fatalf("status = %d, want 401", resp.Status)
		}
	})
	t.Run("cross-site form post", func(t *testing.T) {
		resp := s.do(t, "POST", "/tweets/api/tweets", "", map[string]any{"text": "hi"},
			append(cookie(ada.Token), "Sec-Fetch-Site", "cross-site")...)
		if resp.Status != http.StatusForbidden {
			t.Fatalf("status = %d, want 403", resp.Status)
		}
	})
}

func TestPostKeepsTheFirstFourImages(t *testing.T) {
	s := mustStack(t)
	ada := s.mustUser(t, "ada", "Ada")
	var five []string
	for range 5 {
		five = append(five, s.mustUpload(t, ada, tweetstest.PNG(t, 2, 2)).ID)
	}
	resp := s.do(t, "POST", "/tweets/api/tweets", ada.Token, map[string]any{"text": "five pictures", "media_ids": five})
	if resp.Status != http.StatusCreated {
		t.Fatalf("status = %d %s, want 201", resp.Status, resp)
	}
	var posted server.PostedTweet
	if err := json.Unmarshal(resp.Body, &posted); err != nil {
		t.Fatal(err)
	}
	var attached []string
	for _, m := range posted.Media {
		attached = append(attached, m.ID)
	}
	if !slices.Equal(attached, five[:4]) {
		t.Errorf("attached %v, want the first four of %v", attached, five)
	}
	if !slices.Equal(posted.MediaLeftOut, five[4:]) {
		t.Errorf("media_left_out = %v, want the fifth, %s", posted.MediaLeftOut, five[4])
	}
	if want := "at most 4 images, so " + five[4] + " was left out"; !strings.Contains(posted.Notice, want) {
		t.Errorf("notice = %q, want it to say %q", posted.Notice, want)
	}
	t.Run("the fifth is still mine to attach", func(t *testing.T) {
		tw := s.mustPost(t, ada, "the fifth picture", five[4])
		if len(tw.Media) != 1 || tw.Media[0].ID != five[4] {
			t.Errorf("media = %+v, want the fifth image", tw.Media)
		}
	})
	t.Run("nothing left out, nothing said", func(t *testing.T) {
		resp := s.do(t, "POST", "/tweets/api/tweets", ada.Token, map[string]any{"text": "no pictures", "media_ids": []string{}})
		if resp.Status != http.StatusCreated || strings.Contains(resp.String(), "left_out") || strings.Contains(resp.String(), "notice") {
			t.Errorf("answer = %d %s, want a tweet without media_left_out or notice", resp.Status, resp)
		}
	})
}

func TestUploadMedia(t *testing.T) {
	s := mustStack(t)
	ada := s.mustUser(t, "ada", "Ada")
	jpg := tweetstest.JPEG(t, 64, 48)
	big := make([]byte, tweets.MaxMediaBytes+10)
	copy(big, jpg)
	tests := []struct {
		name     string
		body     multipartBody
		status   int
		wantType string
	}{
		{"jpeg", upload(t, "file", [][]byte{jpg}), 201, "image/jpeg"},
		{"png", upload(t, "file", [][]byte{tweetstest.PNG(t, 10, 10)}), 201, "image/png"},
		{"gif", upload(t, "file", [][]byte{tweetstest.GIF(t, 10, 10, 2)}), 201, "image/gif"},
		{"webp", upload(t, "file", [][]byte{tweetstest.WebPLossy}), 201, "image/jpeg"},
		{"text file", upload(t, "file", [][]byte{[]byte("just words")}), 415, ""},
		{"html", upload(t, "file", [][]byte{[]byte("<!doctype html><script>alert(1)</script>")}), 415, ""},
		{"over 5 MB", upload(t, "file", [][]byte{big}), 413, ""},
		{"truncated", upload(t, "file", [][]byte{jpg[:len(jpg)/2]}), 422, ""},
		{"decompression bomb", upload(t, "file", [][]byte{tweetstest.PNGClaiming(t, 50_000, 50_000)}), 422, ""},
		{"no file", upload(t, "file", nil, "alt", "nothing"), 422, ""},
		{"two files", upload(t, "file", [][]byte{jpg, jpg}), 422, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := s.do(t, "POST", "/tweets/api/media", ada.Token, tc.body)
			if resp.Status != tc.status {
				t.Fatalf("status = %d %s, want %d", resp.Status, resp, tc.status)
			}
			if tc.status != 201 {
				resp.problem(t)
				return
			}
			var m tweets.Media
			json.Unmarshal(resp.Body, &m)
			if m.ContentType != tc.wantType || m.URL != "/tweets/media/"+m.ID || m.Width == 0 {
				t.Errorf("media = %+v, want %s served at /tweets/media/<id>", m, tc.wantType)
			}
		})
	}
	t.Run("not multipart", func(t *testing.T) {
		resp := s.do(t, "POST", "/tweets/api/media", ada.Token, jpg, "Content-Type", "image/jpeg")
		if resp.Status != http.StatusUnsupportedMediaType {
			t.Fatalf("status = %d %s, want 415", resp.Status, resp)
		}
		resp.problem(t)
	})
	t.Run("body far over the limit is refused by its length", func(t *testing.T) {
		huge := make([]byte, 3*tweets.MaxMediaBytes)
		resp := s.do(t, "POST", "/tweets/api/media", ada.Token, upload(t, "file", [][]byte{huge}))
		if resp.Status != http.StatusRequestEntityTooLarge {
			t.Fatalf("status = %d, want 413", resp.Status)
		}
		resp.problem(t)
	})
	t.Run("signed out", func(t *testing.T) {
		resp := s.do(t, "POST", "/tweets/api/media", "", upload(t, "file", [][]byte{jpg}))
		if resp.Status != http.StatusUnauthorized {
			t.Fatalf("status = %d, want 401", resp.Status)
		}
	})
	t.Run("alt text", func(t *testing.T) {
		resp := s.do(t, "POST", "/tweets/api/media", ada.Token, upload(t, "file", [][]byte{jpg}, "alt", "  a  cat\non a mat "))
		var m tweets.Media
		json.Unmarshal(resp.Body, &m)
		if resp.Status != 201 || m.Alt != "a cat on a mat" {
			t.Errorf("upload with alt = %d %+v, want alt %q", resp.Status, m, "a cat on a mat")
		}
	})
}

func TestServedMediaHasNoMetadata(t *testing.T) {
	s := mustStack(t)
	ada := s.mustUser(t, "ada", "Ada")
	src := tweetstest.WithExif(t, tweetstest.JPEG(t, 40, 30), 6)
	if !tweetstest.HasExif(src) {
		t.Fatal("the test JPEG carries no EXIF")
	}
	m := s.mustUpload(t, ada, src)
	if m.Width != 30 || m.Height != 40 {
		t.Errorf("size = %d×%d, want 30×40 (turned upright per EXIF orientation 6)", m.Width, m.Height)
	}
	resp := s.do(t, "GET", m.URL, "", nil)
	if resp.Status != http.StatusOK {
		t.Fatalf("GET %s = %d", m.URL, resp.Status)
	}
	if tweetstest.HasExif(resp.Body) {
		t.Error("the served image still carries EXIF/GPS data")
	}
	for header, want := range map[string]string{
		"Content-Type":           "image/jpeg",
		"X-Content-Type-Options": "nosniff",
		"Cache-Control":          "public, max-age=31536000, immutable",
	} {
		if got := resp.Header.Get(header); got != want {
			t.Errorf("%s = %q, want %q", header, got, want)
		}
	}
	if got := resp.Header.Values("Content-Security-Policy"); len(got) != 1 || got[0] != server.MediaPolicy {
		t.Errorf("Content-Security-Policy = %q, want only the image's own %q", got, server.MediaPolicy)
	}
	t.Run("unknown", func(t *testing.T) {
		resp := s.do(t, "GET", "/tweets/media/123", "", nil)
		if resp.Status != http.StatusNotFound {
			t.Fatalf("status = %d, want 404", resp.Status)
		}
		resp.problem(t)
	})
}

func TestPostWithMedia(t *testing.T) {
	s := mustStack(t)
	ada := s.mustUser(t, "ada", "Ada")
	a, b := s.mustUpload(t, ada, tweetstest.PNG(t, 5, 5)), s.mustUpload(t, ada, tweetstest.JPEG(t, 8, 4))
	tw := s.mustPost(t, ada, "two pictures", b.ID, a.ID)
	if len(tw.Media) != 2 || tw.Media[0].ID != b.ID || tw.Media[1].ID != a.ID {
		t.Fatalf("media = %+v, want %s then %s", tw.Media, b.ID, a.ID)
	}
	if m := tw.Media[0]; m.ContentType != "image/jpeg" || m.Width != 8 || m.Height != 4 {
		t.Errorf("media[0] = %+v, want an 8×4 JPEG", m)
	}
}

func TestMediaCleanup(t *testing.T) {
	s := mustStack(t)
	ada := s.mustUser(t, "ada", "Ada")
	stale := s.mustUpload(t, ada, tweetstest.PNG(t, 2, 2))
	kept := s.mustUpload(t, ada, tweetstest.PNG(t, 2, 2))
	s.mustPost(t, ada, "keeps its image", kept.ID)
	s.Clock.Advance(23 * time.Hour)
	fresh := s.mustUpload(t, ada, tweetstest.PNG(t, 2, 2))
	if n, err := s.Tweets.CleanupMedia(t.Context()); err != nil || n != 0 {
		t.Fatalf("cleanup after 23h = %d, %v; want nothing removed", n, err)
	}
	s.Clock.Advance(2 * time.Hour)
	if n, err := s.Tweets.CleanupMedia(t.Context()); err != nil || n != 1 {
		t.Fatalf("cleanup after 25h = %d, %v; want 1 removed", n, err)
	}
	for _, tc := range []struct {
		name   string
		id     string
		status int
	}{{"unattached for a day", stale.ID, 404}, {"attached", kept.ID, 200}, {"uploaded 2h ago", fresh.ID, 200}} {
		if got := s.do(t, "GET", "/tweets/media/"+tc.id, "", nil).Status; got != tc.status {
			t.Errorf("%s: GET = %d, want %d", tc.name, got, tc.status)
		}
	}
	resp := s.do(t, "POST", "/tweets/api/tweets", ada.Token, map[string]any{"text": "late", "media_ids": []string{stale.ID}})
	if resp.Status != 422 {
		t.Errorf("attach a cleaned-up image: %d, want 422", resp.Status)
	}
}

func TestDeleteTweet(t *testing.T) {
	s := mustStack(t)
	ada, bob := s.mustUser(t, "ada", "Ada"), s.mustUser(t, "bob", "Bob")
	img := s.mustUpload(t, ada, tweetstest.PNG(t, 3, 3))
	tw := s.mustPost(t, ada, "short-lived", img.ID)
	s.do(t, "PUT", "/tweets/api/tweets/"+tw.ID+"/like", bob.Token, nil)
	sub := s.mustSubscribe(t, events.TweetDeleted)

	steps := []struct {
		name   string
		who    user
		id     string
		status int
	}{
		{"not the author", bob, tw.ID, 403},
		{"unknown", ada, "42", 404},
		{"malformed", ada, "abc", 404},
		{"the author", ada, tw.ID, 204},
		{"the author again", ada, tw.ID, 204},
		{"someone else after", bob, tw.ID, 403},
	}
	for _, st := range steps {
		resp := s.do(t, "DELETE", "/tweets/api/tweets/"+st.id, st.who.Token, nil)
		if resp.Status != st.status {
			t.Fatalf("%s: status = %d %s, want %d", st.name, resp.Status, resp, st.status)
		}
		if st.status >= 400 {
			resp.problem(t)
		}
	}
	var ev map[string]any
	sub.next(t, events.TweetDeleted, &ev)
	if ev["id"] != tw.ID || ev["author_id"] != ada.ID {
		t.Errorf("tweet.deleted = %v, want id %s author_id %s", ev, tw.ID, ada.ID)
	}
	sub.none(t)
	if got := s.do(t, "GET", "/tweets/api/tweets/"+tw.ID, ada.Token, nil).Status; got != 404 {
		t.Errorf("GET deleted tweet = %d, want 404", got)
	}
	if got := s.do(t, "GET", img.URL, "", nil).Status; got != 404 {
		t.Errorf("GET its image = %d, want 404", got)
	}
	if got := s.do(t, "PUT", "/tweets/api/tweets/"+tw.ID+"/like", bob.Token, nil).Status; got != 404 {
		t.Errorf("like deleted tweet = %d, want 404", got)
	}
}

func TestLikes(t *testing.T) {
	s := mustStack(t)
	ada, bob := s.mustUser(t, "ada", "Ada"), s.mustUser(t, "bob", "Bob")
	tw := s.mustPost(t, ada, "like this")
	sub := s.mustSubscribe(t, events.LikeChanged)
	path := "/tweets/api/tweets/" + tw.ID + "/like"

	steps := []struct {
		method    string
		wantCount int
		wantLiked bool
		event     bool
	}{
		{"PUT", 1, true, true},
		{"PUT", 1, true, false},
		{"DELETE", 0, false, true},
		{"DELETE", 0, false, false},
		{"PUT", 1, true, true},
	}
	for i, st := range steps {
		resp := s.do(t, st.method, path, bob.Token, nil)
		if resp.Status != http.StatusNoContent {
			t.Fatalf("step %d %s: status = %d %s, want 204", i, st.method, resp.Status, resp)
		}
		var got tweets.Tweet
		json.Unmarshal(s.do(t, "GET", "/tweets/api/tweets/"+tw.ID, bob.Token, nil).Body, &got)
		if got.LikeCount != st.wantCount || got.LikedByMe != st.wantLiked {
			t.Errorf("step %d %s: like_count=%d liked_by_me=%v, want %d %v", i, st.method, got.LikeCount, got.LikedByMe, st.wantCount, st.wantLiked)
		}
		if st.event {
			var ev struct {
				TweetID   string `json:"tweet_id"`
				UserID    string `json:"user_id"`
				Liked     bool   `json:"liked"`
				LikeCount int    `json:"like_count"`
			}
			sub.next(t, events.LikeChanged, &ev)
			if ev.TweetID != tw.ID || ev.UserID != bob.ID || ev.Liked != st.wantLiked || ev.LikeCount != st.wantCount {
				t.Errorf("step %d: like.changed = %+v, want tweet %s user %s liked=%v count=%d", i, ev, tw.ID, bob.ID, st.wantLiked, st.wantCount)
			}
		}
	}
	sub.none(t)
	var asAda tweets.Tweet
	json.Unmarshal(s.do(t, "GET", "/tweets/api/tweets/"+tw.ID, ada.Token, nil).Body, &asAda)
	if asAda.LikedByMe || asAda.LikeCount != 1 {
		t.Errorf("as ada: liked_by_me=%v count=%d, want false 1", asAda.LikedByMe, asAda.LikeCount)
	}
	for _, method := range []string{"PUT", "DELETE"} {
		resp := s.do(t, method, "/tweets/api/tweets/987654/like", bob.Token, nil)
		if resp.Status != 404 {
			t.Errorf("%s like of unknown tweet = %d, want 404", method, resp.Status)
		}
	}
}

func TestConcurrentLikesThroughAPI(t *testing.T) {
	s := mustStack(t)
	ada := s.mustUser(t, "ada", "Ada")
	tw := s.mustPost(t, ada, "everyone likes this")
	const people = 30
	var wg sync.WaitGroup
	statuses := make(chan int, people*2)
	for i := range people {
		token := s.sessions.Token(t, fmt.Sprint(1000+i), fmt.Sprintf("fan%d", i))
		for range 2 { // each person double-clicks
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses <- s.do(t, "PUT", "/tweets/api/tweets/"+tw.ID+"/like", token, nil).Status
			}()
		}
	}
	wg.Wait()
	close(statuses)
	for st := range statuses {
		if st != http.StatusNoContent {
			t.Fatalf("a concurrent like answered %d, want 204", st)
		}
	}
	var got tweets.Tweet
	json.Unmarshal(s.do(t, "GET", "/tweets/api/tweets/"+tw.ID, ada.Token, nil).Body, &got)
	if got.LikeCount != people {
		t.Errorf("like_count = %d, want %d", got.LikeCount, people)
	}
}

func TestUserTweetsPaging(t *testing.T) {
	s := mustStack(t)
	ada, bob := s.mustUser(t, "ada", "Ada"), s.mustUser(t, "bob", "Bob")
	var posted []string
	for i := range 5 {
		posted = append(posted, s.mustPost(t, ada, fmt.Sprintf("tweet %d", i)).ID)
		s.mustPost(t, bob, "noise")
	}
	var got []string
	cursor := ""
	for range 5 {
		path := "/tweets/api/users/" + ada.ID + "/tweets?limit=2"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		resp := s.do(t, "GET", path, bob.Token, nil)
		if resp.Status != 200 {
			t.Fatalf("GET %s = %d %s", path, resp.Status, resp)
		}
		var page struct {
			Items []tweets.Tweet `json:"items"`
			Next  *string        `json:"next"`
		}
		json.Unmarshal(resp.Body, &page)
		for _, tw := range page.Items {
			got = append(got, tw.ID)
		}
		if page.Next == nil {
			break
		}
		cursor = *page.Next
	}
	if len(got) != 5 {
		t.Fatalf("paged %d tweets, want 5", len(got))
	}
	for i := range got {
		if want := posted[len(posted)-1-i]; got[i] != want {
			t.Errorf("item %d = %s, want %s (newest first)", i, got[i], want)
		}
	}
	for _, tc := range []struct {
		name, query string
		status      int
	}{{"bad cursor", "?cursor=nope", 422}, {"limit over 100", "?limit=101", 422}, {"limit 0", "?limit=0", 422}} {
		if got := s.do(t, "GET", "/tweets/api/users/"+ada.ID+"/tweets"+tc.query, bob.Token, nil).Status; got != tc.status {
			t.Errorf("%s: status = %d, want %d", tc.name, got, tc.status)
		}
	}
	if got := s.do(t, "GET", "/tweets/api/users/"+ada.ID+"/tweets", "", nil).Status; got != 401 {
		t.Errorf("signed out: status = %d, want 401", got)
	}
}

func TestWritesSucceedWithRedisDown(t *testing.T) {
	s := mustStack(t)
	ada, bob := s.mustUser(t, "ada", "Ada"), s.mustUser(t, "bob", "Bob")
	img := s.mustUpload(t, ada, tweetstest.PNG(t, 2, 2))
	s.Redis.Stop()

	tw := s.mustPost(t, ada, "Redis is down, and yet", img.ID)
	if got := s.do(t, "PUT", "/tweets/api/tweets/"+tw.ID+"/like", bob.Token, nil).Status; got != 204 {
		t.Errorf("like with Redis down = %d, want 204", got)
	}
	if got := s.do(t, "DELETE", "/tweets/api/tweets/"+tw.ID, ada.Token, nil).Status; got != 204 {
		t.Errorf("delete with Redis down = %d, want 204", got)
	}
	metrics := s.do(t, "GET", "/tweets/metrics", "", nil).String()
	for _, topic := range []string{events.TweetCreated, events.LikeChanged, events.TweetDeleted} {
		want := fmt.Sprintf(`murmur_events_publish_failures_total{topic=%q} 1`, topic)
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}

	s.Redis.Start(t)
	sub := s.mustSubscribe(t, events.TweetCreated)
	again := s.mustPost(t, ada, "and back")
	var ev map[string]any
	sub.next(t, events.TweetCreated, &ev)
	if ev["id"] != again.ID {
		t.Errorf("after Redis returned: tweet.created for %v, want %s", ev["id"], again.ID)
	}
}

func TestAuthorsWhenProfileIsDown(t *testing.T) {
	s := mustStack(t)
	ada := s.mustUser(t, "ada", "Ada")
	bob := s.mustUser(t, "bob", "Bob")
	// Fresh ids the people cache has not seen: made while profile is down.
	s.profile.Close()
	own := s.mustPost(t, ada, "profile is down")
	if own.Author.Handle != "ada" {
		t.Errorf("own tweet author = %+v, want the handle from the session", own.Author)
	}
	var seen tweets.Tweet
	json.Unmarshal(s.do(t, "GET", "/tweets/api/tweets/"+own.ID, bob.Token, nil).Body, &seen)
	if seen.Author.Handle != "unknown" || seen.Author.ID != ada.ID {
		t.Errorf("as seen by bob = %+v, want author %s shown as unknown", seen.Author, ada.ID)
	}
}

func TestOpenAPIAndDocs(t *testing.T) {
	s := mustStack(t)
	resp := s.do(t, "GET", "/tweets/api/openapi.json", "", nil)
	if resp.Status != 200 {
		t.Fatalf("openapi.json = %d", resp.Status)
	}
	var spec struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	json.Unmarshal(resp.Body, &spec)
	want := map[string][]string{
		"/tweets/api/media":                  {"post"},
		"/tweets/api/tweets":                 {"post"},
		"/tweets/api/tweets/{id}":            {"get", "delete"},
		"/tweets/api/tweets/{id}/like":       {"put", "delete"},
		"/tweets/api/tweets/{id}/context":    {"get"},
		"/tweets/api/tags/{tag}":             {"get"},
		"/tweets/api/search":                 {"get"},
		"/tweets/api/users/{user_id}/tweets": {"get"},
		"/tweets/media/{id}":                 {"get"},
	}
	for path, methods := range want {
		for _, m := range methods {
			if _, ok := spec.Paths[path][m]; !ok {
				t.Errorf("openapi lacks %s %s", strings.ToUpper(m), path)
			}
		}
	}
	if got := s.do(t, "GET", "/tweets/api/docs", "", nil); got.Status != 200 || !strings.Contains(got.String(), "/tweets/api/openapi.json") {
		t.Errorf("docs page = %d, want a page pointing at the spec", got.Status)
	}
	if got := s.do(t, "GET", "/tweets/healthz", "", nil).Status; got != 200 {
		t.Errorf("healthz = %d", got)
	}
}
