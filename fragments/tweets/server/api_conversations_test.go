package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"murmur/fragments/internal/events"
	"murmur/fragments/tweets"
)

// mustReply posts a reply through the API.
func (s *stack) mustReply(t *testing.T, u user, text, to string) tweets.Tweet {
	t.Helper()
	resp := s.do(t, "POST", "/tweets/api/tweets", u.Token, map[string]any{"text": text, "in_reply_to_id": to})
	if resp.Status != http.StatusCreated {
		t.Fatalf("reply %q to %s: %d %s", text, to, resp.Status, resp)
	}
	var tw tweets.Tweet
	if err := json.Unmarshal(resp.Body, &tw); err != nil {
		t.Fatal(err)
	}
	return tw
}

func (s *stack) mustGet(t *testing.T, u user, path string, into any) {
	t.Helper()
	resp := s.do(t, "GET", path, u.Token, nil)
	if resp.Status != http.StatusOK {
		t.Fatalf("GET %s = %d %s", path, resp.Status, resp)
	}
	if err := json.Unmarshal(resp.Body, into); err != nil {
		t.Fatalf("GET %s: %v in %s", path, err, resp)
	}
}

func TestRepliesThroughTheAPI(t *testing.T) {
	s := mustStack(t)
	ada, bob := s.mustUser(t, "ada", "Ada"), s.mustUser(t, "bob", "Bob")
	sub := s.mustSubscribe(t, events.TweetCreated)

	root := s.mustPost(t, ada, "What do you think?")
	var raw map[string]any
	json.Unmarshal(s.do(t, "GET", "/tweets/api/tweets/"+root.ID, bob.Token, nil).Body, &raw)
	if v, ok := raw["in_reply_to_id"]; !ok || v != nil || raw["reply_count"] != 0.0 {
		t.Errorf("a tweet that replies to none: in_reply_to_id %v (present %v), reply_count %v; want null and 0", v, ok, raw["reply_count"])
	}
	var ev map[string]any
	sub.next(t, events.TweetCreated, &ev)
	if v, ok := ev["in_reply_to_author_id"]; !ok || v != nil || ev["in_reply_to_id"] != nil {
		t.Errorf("tweet.created of a tweet: %v; want in_reply_to_id and in_reply_to_author_id null", ev)
	}

	reply := s.mustReply(t, bob, "I agree", root.ID)
	if reply.InReplyToID == nil || *reply.InReplyToID != root.ID || reply.ReplyCount != 0 || reply.Author.Handle != "bob" {
		t.Errorf("reply = %+v, want bob's reply to %s", reply, root.ID)
	}
	sub.next(t, events.TweetCreated, &ev)
	if ev["id"] != reply.ID || ev["in_reply_to_id"] != root.ID || ev["in_reply_to_author_id"] != ada.ID || ev["author_id"] != bob.ID {
		t.Errorf("tweet.created of the reply = %v, want in_reply_to_id %s and in_reply_to_author_id %s", ev, root.ID, ada.ID)
	}
	var got tweets.Tweet
	s.mustGet(t, ada, "/tweets/api/tweets/"+root.ID, &got)
	if got.ReplyCount != 1 {
		t.Errorf("reply_count = %d, want 1", got.ReplyCount)
	}
	if resp := s.do(t, "POST", "/tweets/api/tweets", bob.Token, map[string]any{"text": "not a reply", "in_reply_to_id": nil}); resp.Status != http.StatusCreated {
		t.Errorf("in_reply_to_id null = %d %s, want 201", resp.Status, resp)
	}

	gone := s.mustPost(t, ada, "soon gone")
	if resp := s.do(t, "DELETE", "/tweets/api/tweets/"+gone.ID, ada.Token, nil); resp.Status != http.StatusNoContent {
		t.Fatal(resp)
	}
	tests := []struct {
		name   string
		to     any
		status int
		detail string
	}{
		{"a tweet that does not exist", "123456", 404, "replying to does not exist"},
		{"a deleted tweet", gone.ID, 404, "replying to does not exist"},
		{"not an id", "abc", 422, "in_reply_to_id"},
		{"empty", "", 422, "in_reply_to_id"},
		{"zero", "0", 422, "in_reply_to_id"},
		{"too long", strings.Repeat("9", 21), 422, ""},
		{"a number, not a string", 123, 422, ""},
		{"an object", map[string]string{"id": root.ID}, 422, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := s.do(t, "POST", "/tweets/api/tweets", bob.Token, map[string]any{"text": "hi", "in_reply_to_id": tc.to})
			if resp.Status != tc.status {
				t.Fatalf("status = %d %s, want %d", resp.Status, resp, tc.status)
			}
			_, detail := resp.problem(t)
			if !strings.Contains(detail+" "+resp.String(), tc.detail) {
				t.Errorf("detail = %q, want it to say %q", detail, tc.detail)
			}
		})
	}
	sub.next(t, events.TweetCreated, &ev) // "not a reply"
	sub.next(t, events.TweetCreated, &ev) // "soon gone"
	if ev["id"] != gone.ID {
		t.Errorf("tweet.created for %v, want %s", ev["id"], gone.ID)
	}
	sub.none(t) // refused replies announce nothing

	// Deleting the replied-to tweet keeps the reply, which still names it.
	if resp := s.do(t, "DELETE", "/tweets/api/tweets/"+root.ID, ada.Token, nil); resp.Status != http.StatusNoContent {
		t.Fatal(resp)
	}
	s.mustGet(t, bob, "/tweets/api/tweets/"+reply.ID, &got)
	if got.InReplyToID == nil || *got.InReplyToID != root.ID {
		t.Errorf("after deleting what it replied to, the reply answers %v, want %s", got.InReplyToID, root.ID)
	}
}

// contextBody is the context answer as raw entries, to check their shapes.
type contextBody struct {
	Ancestors   []map[string]any `json:"ancestors"`
	Descendants []map[string]any `json:"descendants"`
	Next        *string          `json:"next"`
}

func TestContextThroughTheAPI(t *testing.T) {
	s := mustStack(t)
	ada, bob := s.mustUser(t, "ada", "Ada"), s.mustUser(t, "bob", "Bob")
	root := s.mustPost(t, ada, "root")
	middle := s.mustReply(t, bob, "middle", root.ID)
	below := s.mustReply(t, ada, "below", middle.ID)
	other := s.mustReply(t, bob, "other", root.ID)
	if resp := s.do(t, "DELETE", "/tweets/api/tweets/"+middle.ID, bob.Token, nil); resp.Status != http.StatusNoContent {
		t.Fatal(resp)
	}

	var c contextBody
	s.mustGet(t, bob, "/tweets/api/tweets/"+below.ID+"/context", &c)
	if len(c.Ancestors) != 2 || len(c.Descendants) != 0 || c.Next != nil {
		t.Fatalf("context of below = %+v, want two ancestors", c)
	}
	if a := c.Ancestors[0]; a["id"] != root.ID || a["text"] != "root" || a["in_reply_to_id"] != nil || a["reply_count"] != 1.0 {
		t.Errorf("ancestor 0 = %v, want the root Tweet with one reply left", a)
	}
	wantDeleted := map[string]any{"id": middle.ID, "deleted": true, "in_reply_to_id": root.ID}
	if a := c.Ancestors[1]; fmt.Sprint(a) != fmt.Sprint(wantDeleted) {
		t.Errorf("ancestor 1 = %v, want exactly %v", a, wantDeleted)
	}
	if _, ok := c.Ancestors[0]["deleted"]; ok {
		t.Errorf("a Tweet carries deleted: %v", c.Ancestors[0])
	}

	s.mustGet(t, ada, "/tweets/api/tweets/"+root.ID+"/context", &c)
	var got []string
	for _, d := range c.Descendants {
		got = append(got, fmt.Sprint(d["id"], "/", d["depth"], "/", d["deleted"]))
	}
	want := []string{middle.ID + "/1/true", below.ID + "/2/<nil>", other.ID + "/1/<nil>"}
	if !slices.Equal(got, want) || len(c.Ancestors) != 0 {
		t.Errorf("descendants of root = %v, want %v and no ancestors", got, want)
	}
	if d := c.Descendants[1]; d["text"] != "below" || d["liked_by_me"] != false || d["author"].(map[string]any)["handle"] != "ada" {
		t.Errorf("a reply = %v, want a whole Tweet with its depth", d)
	}

	t.Run("pages", func(t *testing.T) {
		var first, second contextBody
		s.mustGet(t, ada, "/tweets/api/tweets/"+root.ID+"/context?limit=2", &first)
		if len(first.Descendants) != 2 || first.Next == nil || *first.Next != below.ID {
			t.Fatalf("first page = %v next %v, want two and a cursor naming the last", first.Descendants, first.Next)
		}
		s.mustGet(t, ada, "/tweets/api/tweets/"+root.ID+"/context?limit=2&cursor="+*first.Next, &second)
		if len(second.Descendants) != 1 || second.Descendants[0]["id"] != other.ID || second.Next != nil {
			t.Errorf("second page = %v next %v, want the last reply and no cursor", second.Descendants, second.Next)
		}
	})
	t.Run("refusals", func(t *testing.T) {
		for _, tc := range []struct {
			name, path, token string
			status            int
		}{
			{"unknown tweet", "/tweets/api/tweets/987654/context", ada.Token, 404},
			{"malformed id", "/tweets/api/tweets/abc/context", ada.Token, 404},
			{"deleted tweet", "/tweets/api/tweets/" + middle.ID + "/context", ada.Token, 404},
			{"a cursor from elsewhere", "/tweets/api/tweets/" + root.ID + "/context?cursor=" + root.ID, ada.Token, 422},
			{"a cursor that is no id", "/tweets/api/tweets/" + root.ID + "/context?cursor=%22%3B--", ada.Token, 422},
			{"limit 0", "/tweets/api/tweets/" + root.ID + "/context?limit=0", ada.Token, 422},
			{"limit 201", "/tweets/api/tweets/" + root.ID + "/context?limit=201", ada.Token, 422},
			{"a huge id", "/tweets/api/tweets/99999999999999999999/context", ada.Token, 404},
			{"signed out", "/tweets/api/tweets/" + root.ID + "/context", "", 401},
		} {
			resp := s.do(t, "GET", tc.path, tc.token, nil)
			if resp.Status != tc.status {
				t.Errorf("%s: status = %d %s, want %d", tc.name, resp.Status, resp, tc.status)
				continue
			}
			resp.problem(t)
		}
	})
}

func TestTagsThroughTheAPI(t *testing.T) {
	s := mustStack(t)
	ada, bob := s.mustUser(t, "ada", "Ada"), s.mustUser(t, "bob", "Bob")
	var posted []string
	for i := range 5 {
		posted = append(posted, s.mustPost(t, ada, fmt.Sprintf("number %d of #MurmurDays", i)).ID)
		s.mustPost(t, bob, "#elsewhere")
	}
	s.mustPost(t, bob, "C#MurmurDays is no tag, nor https://example.org/#murmurdays")
	for _, spelling := range []string{"murmurdays", "MurmurDays", "%23murmurdays", "%EF%BC%ADurmurdays"} {
		t.Run(spelling, func(t *testing.T) {
			var got []string
			cursor := ""
			for range 5 {
				var page struct {
					Items []tweets.Tweet `json:"items"`
					Next  *string        `json:"next"`
				}
				s.mustGet(t, bob, "/tweets/api/tags/"+spelling+"?limit=2&cursor="+cursor, &page)
				for _, tw := range page.Items {
					got = append(got, tw.ID)
				}
				if page.Next == nil {
					break
				}
				cursor = *page.Next
			}
			want := slices.Clone(posted)
			slices.Reverse(want)
			if !slices.Equal(got, want) {
				t.Errorf("pages of #%s = %v, want %v (newest first)", spelling, got, want)
			}
		})
	}
	var empty struct {
		Items []tweets.Tweet `json:"items"`
	}
	s.mustGet(t, bob, "/tweets/api/tags/nobodyuses", &empty)
	if empty.Items == nil || len(empty.Items) != 0 {
		t.Errorf("an unused tag = %v, want an empty list", empty.Items)
	}
	for _, tc := range []struct {
		name, tag string
		status    int
	}{
		{"only digits", "42", 422},
		{"two words", "two%20words", 422},
		{"punctuation", "go%21", 422},
		{"two hashes", "%23%23go", 422},
		{"invalid UTF-8", "%FF", 422},
		{"too long", strings.Repeat("a", 101), 422},
		{"far too long", strings.Repeat("a", 401), 422},
		{"a quote", "%22%3B--", 422},
	} {
		resp := s.do(t, "GET", "/tweets/api/tags/"+tc.tag, bob.Token, nil)
		if resp.Status != tc.status {
			t.Errorf("%s: status = %d %s, want %d", tc.name, resp.Status, resp, tc.status)
			continue
		}
		resp.problem(t)
	}
	if got := s.do(t, "GET", "/tweets/api/tags/go?cursor=x", bob.Token, nil).Status; got != 422 {
		t.Errorf("bad cursor: %d, want 422", got)
	}
	if got := s.do(t, "GET", "/tweets/api/tags/go", "", nil).Status; got != 401 {
		t.Errorf("signed out: %d, want 401", got)
	}
}

func TestSearchThroughTheAPI(t *testing.T) {
	s := mustStack(t)
	ada := s.mustUser(t, "ada", "Ada")
	old := s.mustPost(t, ada, "Brewing coffee at the Café")
	tagged := s.mustPost(t, ada, "More #coffee, please")
	s.mustPost(t, ada, "tea for two")
	odd := s.mustPost(t, ada, `quotes "NEAR(x)" and text:col OR NOT *`)

	search := func(t *testing.T, q string) (response, []string) {
		t.Helper()
		resp := s.do(t, "GET", "/tweets/api/search?q="+url.QueryEscape(q), ada.Token, nil)
		var page struct {
			Items []tweets.Tweet `json:"items"`
		}
		json.Unmarshal(resp.Body, &page)
		var ids []string
		for _, tw := range page.Items {
			ids = append(ids, tw.ID)
		}
		return resp, ids
	}
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"coffee", []string{tagged.ID, old.ID}},
		{"CAFE coffee", []string{old.ID}},
		{"#coffee", []string{tagged.ID, old.ID}}, // the word of a tag, as any word
		{`"NEAR(x)"`, []string{odd.ID}},
		{"text:col", []string{odd.ID}},
		{"OR NOT", []string{odd.ID}},
		{"coffee tea", nil},
	} {
		resp, got := search(t, tc.q)
		if resp.Status != 200 || !slices.Equal(got, tc.want) {
			t.Errorf("search %q = %d %v, want %v", tc.q, resp.Status, got, tc.want)
		}
	}
	t.Run("pages", func(t *testing.T) {
		var page struct {
			Items []tweets.Tweet `json:"items"`
			Next  *string        `json:"next"`
		}
		s.mustGet(t, ada, "/tweets/api/search?q=coffee&limit=1", &page)
		if len(page.Items) != 1 || page.Next == nil {
			t.Fatalf("first page = %v, want one and a cursor", page)
		}
		s.mustGet(t, ada, "/tweets/api/search?q=coffee&limit=1&cursor="+*page.Next, &page)
		if len(page.Items) != 1 || page.Items[0].ID != old.ID {
			t.Errorf("second page = %v, want the older coffee", page.Items)
		}
	})

	// Hostile searches are answered, never with a server error: as words,
	// or refused with a message.
	hostile := []string{
		`"`, `"""`, `*`, `a*`, `^a`, `NEAR(`, `NEAR(a b, 1)`, `a AND`, `OR`, `NOT a`, `text:`, `{text}:a`, `-a`, `+`,
		`a OR b NOT c`, `(a`, `a)`, `'`, `\`, `%`, `_`, `a\x00b`, "a\x00", strings.Repeat(`"a" `, 40), strings.Repeat("é", 200),
		strings.Repeat("x", 1001), strings.Repeat("w ", 17) + manyWords(17), "\xff\xfe", "",
	}
	for _, q := range hostile {
		resp, _ := search(t, q)
		switch resp.Status {
		case 200:
		case 422:
			if _, detail := resp.problem(t); detail == "" {
				t.Errorf("search %q refused without a message", q)
			}
		default:
			t.Errorf("search %q = %d %s, want 200 or a 422 problem", q, resp.Status, resp)
		}
	}
	for q, want := range map[string]string{
		"":                       "at least one word",
		"* ( )":                  "at least one word",
		manyWords(17):            "at most 16 words",
		strings.Repeat("é", 201): "at most 200 characters",
		"caf\xe9":                "UTF-8",
	} {
		resp, _ := search(t, q)
		if resp.Status != 422 {
			t.Errorf("search %q = %d, want 422", q, resp.Status)
			continue
		}
		if _, detail := resp.problem(t); !strings.Contains(detail, want) {
			t.Errorf("search %q: %q, want it to say %q", q, detail, want)
		}
	}
	if got := s.do(t, "GET", "/tweets/api/search?q=coffee", "", nil).Status; got != 401 {
		t.Errorf("signed out: %d, want 401", got)
	}
}

func manyWords(n int) string {
	var out []string
	for i := range n {
		out = append(out, fmt.Sprint("w", i))
	}
	return strings.Join(out, " ")
}
