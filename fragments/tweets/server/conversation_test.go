package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"murmur/fragments/internal/htmx"
	"murmur/fragments/internal/render"
)

// replyCount is the count a card or page shows for a tweet.
func replyCount(body, id string) string {
	m := regexp.MustCompile(`data-reply-count-for="` + id + `">(\d+)<`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// A card carries its reply count; signed in, a Reply button opens a box
// under it, prefilled with the author's handle.
func TestCardReplyButtonAndCount(t *testing.T) {
	s := mustStack(t)
	ada, bob := s.mustUser(t, "ada", "Ada"), s.mustUser(t, "bob", "Bob")
	root := s.mustPost(t, ada, "a question")
	s.mustReply(t, bob, "an answer", root.ID)

	t.Run("signed in", func(t *testing.T) {
		body := s.do(t, "GET", "/tweets/frag/tweets/"+root.ID, "", nil, cookie(bob.Token)...).String()
		if got := replyCount(body, root.ID); got != "1" {
			t.Errorf("reply count on the card = %q, want 1: %s", got, body)
		}
		if !strings.Contains(body, `hx-get="/tweets/frag/tweets/`+root.ID+`/reply"`) || !strings.Contains(body, `hx-target="next .reply-slot"`) ||
			!strings.Contains(body, `class="reply-slot"`) {
			t.Errorf("the card has no Reply button opening a box under it: %s", body)
		}
	})
	t.Run("signed out sees the count, not the button", func(t *testing.T) {
		body := s.do(t, "GET", "/tweets/frag/tweets/"+root.ID, "", nil).String()
		if got := replyCount(body, root.ID); got != "1" {
			t.Errorf("reply count on the card = %q, want 1", got)
		}
		if strings.Contains(body, "/reply\"") || strings.Contains(body, "<button") {
			t.Errorf("a signed-out card has a button: %s", body)
		}
	})
	t.Run("the time links to the tweet's page", func(t *testing.T) {
		own := s.do(t, "GET", "/tweets/frag/tweets/"+root.ID, "", nil).String()
		if !strings.Contains(own, `href="/tweets/u/ada/status/`+root.ID+`"><time`) {
			t.Errorf("on its own, the time does not link to tweets' own page: %s", own)
		}
		shell := s.do(t, "GET", "/tweets/frag/tweets/"+root.ID, "", nil, render.ShellHeader, "1").String()
		if !strings.Contains(shell, `href="/u/ada/status/`+root.ID+`"><time`) {
			t.Errorf("in the shell, the time does not link to /u/ada/status/%s: %s", root.ID, shell)
		}
	})
	t.Run("the box", func(t *testing.T) {
		resp := s.do(t, "GET", "/tweets/frag/tweets/"+root.ID+"/reply", "", nil, cookie(bob.Token)...)
		body := resp.String()
		if resp.Status != 200 || !strings.Contains(body, ">@ada </textarea>") || !strings.Contains(body, "data-focus-end") ||
			!strings.Contains(body, `hx-post="/tweets/frag/tweets/`+root.ID+`/replies"`) || !strings.Contains(body, `data-remove="form"`) {
			t.Errorf("reply box = %d %s, want a focused box prefilled with @ada, posting the reply, with Cancel", resp.Status, body)
		}
		own := s.do(t, "GET", "/tweets/frag/tweets/"+root.ID+"/reply", "", nil, cookie(ada.Token)...).String()
		if strings.Contains(own, "@ada") {
			t.Errorf("ada's box to her own tweet names her: %s", own)
		}
		out := s.do(t, "GET", "/tweets/frag/tweets/"+root.ID+"/reply", "", nil)
		if out.Status != 200 || !strings.Contains(out.String(), "Sign in to reply") || strings.Contains(out.String(), "<textarea") {
			t.Errorf("signed-out box = %d %s, want a sign-in prompt", out.Status, out)
		}
	})
}

// Posting a reply box fires reply-created with the replied-to tweet's new
// count; a refusal keeps what was typed and says why, never a 500.
func TestPostReplyFragment(t *testing.T) {
	s := mustStack(t)
	ada, bob := s.mustUser(t, "ada", "Ada"), s.mustUser(t, "bob", "Bob")
	root := s.mustPost(t, ada, "a question")

	t.Run("under a card", func(t *testing.T) {
		resp := s.do(t, "POST", "/tweets/frag/tweets/"+root.ID+"/replies", "", url.Values{"text": {"@ada yes"}, "place": {"card"}}, cookie(bob.Token)...)
		if resp.Status != 200 || len(resp.Body) != 0 {
			t.Fatalf("reply = %d %q, want 200 and nothing (the box closes)", resp.Status, resp)
		}
		var trigger map[string]struct {
			ID          string `json:"id"`
			InReplyToID string `json:"in_reply_to_id"`
			ReplyCount  int    `json:"reply_count"`
			Target      string `json:"target"`
		}
		if err := json.Unmarshal([]byte(resp.Header.Get("HX-Trigger")), &trigger); err != nil {
			t.Fatalf("HX-Trigger %q: %v", resp.Header.Get("HX-Trigger"), err)
		}
		got, ok := trigger[htmx.ReplyCreated]
		if !ok || got.InReplyToID != root.ID || got.ReplyCount != 1 || got.ID == "" || got.Target != "body" {
			t.Errorf("HX-Trigger = %s, want %s on body naming the reply, %s and count 1", resp.Header.Get("HX-Trigger"), htmx.ReplyCreated, root.ID)
		}
		card := s.do(t, "GET", "/tweets/frag/tweets/"+root.ID, "", nil, cookie(ada.Token)...).String()
		if replyCount(card, root.ID) != "1" {
			t.Errorf("the card after the reply shows %q replies, want 1", replyCount(card, root.ID))
		}
	})
	t.Run("on the tweet's page the box stays, empty", func(t *testing.T) {
		resp := s.do(t, "POST", "/tweets/frag/tweets/"+root.ID+"/replies", "", url.Values{"text": {"again"}, "place": {"page"}}, cookie(bob.Token)...)
		if resp.Status != 200 || !strings.Contains(resp.String(), "reply-box-page") || strings.Contains(resp.String(), "again") {
			t.Errorf("reply = %d %s, want an empty page box", resp.Status, resp)
		}
		if !strings.Contains(resp.Header.Get("HX-Trigger"), `"reply_count":2`) {
			t.Errorf("HX-Trigger = %s, want reply_count 2", resp.Header.Get("HX-Trigger"))
		}
	})

	gone := s.mustPost(t, ada, "soon gone")
	if resp := s.do(t, "DELETE", "/tweets/api/tweets/"+gone.ID, ada.Token, nil); resp.Status != 204 {
		t.Fatal(resp)
	}
	refusals := []struct {
		name, to, text string
		status         int
		want           string
	}{
		{"empty", root.ID, "   ", 422, "cannot be empty"},
		{"too long", root.ID, strings.Repeat("ab", 141), 422, "at most 280"},
		{"the tweet was deleted", gone.ID, "too late", 404, "This tweet was deleted"},
		{"no such tweet", "123", "hello?", 404, "This tweet was deleted"},
		{"not a tweet id", "abc", "hello?", 422, "tweet id"},
		{"escaped", root.ID, ssiAttack + scriptAttack + strings.Repeat("x", 280), 422, "at most 280"},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			resp := s.do(t, "POST", "/tweets/frag/tweets/"+tc.to+"/replies", "", url.Values{"text": {tc.text}, "place": {"card"}}, cookie(bob.Token)...)
			body := resp.String()
			if resp.Status != tc.status || !strings.Contains(body, tc.want) || !strings.Contains(body, `class="problem"`) {
				t.Errorf("reply = %d %s, want %d saying %q", resp.Status, body, tc.status, tc.want)
			}
			if resp.Header.Get("HX-Trigger") != "" {
				t.Error("a refused reply fired HX-Trigger")
			}
			if strings.TrimSpace(tc.text) != "" && !strings.Contains(body, template(tc.text)) {
				t.Error("the box lost what was typed")
			}
			assertEscaped(t, "refused reply box", body)
		})
	}
	t.Run("signed out", func(t *testing.T) {
		resp := s.do(t, "POST", "/tweets/frag/tweets/"+root.ID+"/replies", "", url.Values{"text": {"hi"}})
		if resp.Status != 401 || !strings.Contains(resp.String(), "Sign in") {
			t.Errorf("reply signed out = %d %s, want 401 and a sign-in prompt", resp.Status, resp)
		}
	})
	t.Run("cross-site", func(t *testing.T) {
		resp := s.do(t, "POST", "/tweets/frag/tweets/"+root.ID+"/replies", "", url.Values{"text": {"csrf"}},
			append(cookie(bob.Token), "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")...)
		if resp.Status != 403 {
			t.Errorf("status = %d, want 403", resp.Status)
		}
	})
}

// template escapes text as html/template writes it in an element.
func template(text string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")
	return r.Replace(text)
}

var (
	replyEntries = regexp.MustCompile(`<div class="reply-entry level-(\d)( in-thread)?">\s*<article class="card tweet[^"]*"(?: id="tweet-\d+")? data-(?:tweet|deleted)-id="(\d+)"`)
)

// entriesOf describes the replies of a page as "id/level", "*" marking
// the thread.
func entriesOf(body string) []string {
	var out []string
	for _, m := range replyEntries.FindAllStringSubmatch(body, -1) {
		mark := ""
		if m[2] != "" {
			mark = "*"
		}
		out = append(out, mark+m[3]+"/"+m[1])
	}
	return out
}

// A tweet's page: the chain above (a deleted tweet in it as such), the
// tweet, the reply box, and the replies threaded, the author's own thread
// first, indented at most four levels.
func TestConversationFragment(t *testing.T) {
	s := mustStack(t)
	ada, bob, cyd := s.mustUser(t, "ada", "Ada"), s.mustUser(t, "bob", "Bob"), s.mustUser(t, "cyd", "Cyd <b>")
	root := s.mustPost(t, ada, "root")
	middle := s.mustReply(t, bob, "middle", root.ID)
	focus := s.mustReply(t, cyd, "focus "+ssiAttack+scriptAttack, middle.ID)
	if resp := s.do(t, "DELETE", "/tweets/api/tweets/"+middle.ID, bob.Token, nil); resp.Status != 204 {
		t.Fatal(resp)
	}
	other := s.mustReply(t, bob, "bob answers", focus.ID)
	t1 := s.mustReply(t, cyd, "thread 1", focus.ID)
	t2 := s.mustReply(t, cyd, "thread 2", t1.ID)
	d2 := s.mustReply(t, ada, "deep 2", other.ID)
	d3 := s.mustReply(t, bob, "deep 3", d2.ID)
	d4 := s.mustReply(t, ada, "deep 4", d3.ID)
	d5 := s.mustReply(t, bob, "deep 5", d4.ID)

	resp := s.do(t, "GET", "/tweets/frag/tweets/"+focus.ID+"/conversation", "", nil, cookie(ada.Token)...)
	body := resp.String()
	if resp.Status != 200 {
		t.Fatalf("conversation = %d %s", resp.Status, body)
	}
	assertEscaped(t, "conversation", body)
	above, rest, _ := strings.Cut(body, `<article class="card tweet focus"`)
	if got := idsInOrder(above); len(got) != 1 || got[0] != root.ID {
		t.Errorf("living tweets above = %v, want root", got)
	}
	if !strings.Contains(above, `data-deleted-id="`+middle.ID+`"`) || !strings.Contains(above, "This tweet was deleted") ||
		strings.Index(above, root.ID) > strings.Index(above, `data-deleted-id="`+middle.ID+`"`) {
		t.Errorf("the chain above does not show root, then the deleted middle: %s", above)
	}
	if !strings.Contains(rest, `name="text"`) || !strings.Contains(rest, ">@cyd </textarea>") || !strings.Contains(rest, `value="page"`) {
		t.Errorf("no page reply box prefilled with @cyd: %s", rest)
	}
	if replyCount(rest, focus.ID) != "2" {
		t.Errorf("the tweet shows %q replies, want 2", replyCount(rest, focus.ID))
	}
	want := []string{"*" + t1.ID + "/1", "*" + t2.ID + "/1", other.ID + "/1", d2.ID + "/2", d3.ID + "/3", d4.ID + "/4"}
	if got := entriesOf(rest); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("replies = %v, want %v (cyd's thread first, then the rest depth first, deep 5 left out)", got, want)
	}
	if strings.Contains(rest, "deep 5") || strings.Contains(rest, d5.ID+`"`) {
		t.Error("a reply five levels down is shown")
	}
	if more := `<a class="more-replies" href="/tweets/u/ada/status/` + d4.ID + `">`; !strings.Contains(rest, more) {
		t.Errorf("the last level shown has no link to the rest (%s): %s", more, rest)
	}
	if !strings.Contains(rest, `hx-trigger="reply-created from:body, tweet-deleted from:body"`) {
		t.Error("the replies do not read themselves again on reply-created")
	}

	t.Run("signed out", func(t *testing.T) {
		resp := s.do(t, "GET", "/tweets/frag/tweets/"+focus.ID+"/conversation", "", nil)
		if resp.Status != 200 || !strings.Contains(resp.String(), "Sign in to reply") || strings.Contains(resp.String(), "<textarea") {
			t.Errorf("signed out = %d %s, want the page with a sign-in prompt for the box", resp.Status, resp)
		}
	})
	t.Run("no such tweet", func(t *testing.T) {
		for _, id := range []string{"123", "x", middle.ID} {
			resp := s.do(t, "GET", "/tweets/frag/tweets/"+id+"/conversation", "", nil)
			if resp.Status != 404 || !strings.Contains(resp.String(), "doesn’t exist") {
				t.Errorf("conversation of %s = %d %s, want 404", id, resp.Status, resp)
			}
		}
	})
}

// Replies come a page at a time; "Show more replies" appends the next.
func TestRepliesPages(t *testing.T) {
	s := mustStack(t)
	ada, bob := s.mustUser(t, "ada", "Ada"), s.mustUser(t, "bob", "Bob")
	root := s.mustPost(t, ada, "popular")
	var ids []string
	for range 53 {
		ids = append(ids, s.mustReply(t, bob, "me too", root.ID).ID)
	}
	first := s.do(t, "GET", "/tweets/frag/tweets/"+root.ID+"/replies", "", nil).String()
	got := idsInOrder(first)
	if len(got) != 50 || got[0] != ids[0] {
		t.Fatalf("first page holds %d replies starting %v, want 50 from the oldest", len(got), got[:1])
	}
	m := regexp.MustCompile(`hx-get="(/tweets/frag/tweets/\d+/replies\?cursor=\d+)"`).FindStringSubmatch(first)
	if m == nil || !strings.Contains(first, "Show more replies") {
		t.Fatalf("no Show more replies: %s", first)
	}
	next := s.do(t, "GET", m[1], "", nil)
	if got := idsInOrder(next.String()); next.Status != 200 || strings.Join(got, ",") != strings.Join(ids[50:], ",") {
		t.Errorf("next page = %d %v, want %v", next.Status, got, ids[50:])
	}
	if strings.Contains(next.String(), "Show more") || strings.Contains(next.String(), "<section") {
		t.Errorf("the last page offers more, or is not rows alone: %s", next)
	}
	if bad := s.do(t, "GET", "/tweets/frag/tweets/"+root.ID+"/replies?cursor=nope", "", nil); bad.Status != 422 || !strings.Contains(bad.String(), "cursor") {
		t.Errorf("a bad cursor = %d %s, want 422 saying so", bad.Status, bad)
	}
}

// The shell asks whether /u/<handle>/status/<id> names a tweet by that
// person; tweets on its own serves the same page in the common layout.
func TestTweetPageOnItsOwn(t *testing.T) {
	s := mustStack(t)
	ada, bob := s.mustUser(t, "ada", "Ada"), s.mustUser(t, "bob", "Bob")
	root := s.mustPost(t, ada, "hello world")
	reply := s.mustReply(t, bob, "hello ada", root.ID)

	cases := []struct {
		handle, id string
		want       int
	}{
		{"ada", root.ID, 204},
		{"ADA", root.ID, 204},
		{"bob", reply.ID, 204},
		{"bob", root.ID, 404},
		{"nobody", root.ID, 404},
		{"ada", "999", 404},
		{"ada", "x", 404},
	}
	for _, tc := range cases {
		resp := s.do(t, "GET", "/tweets/frag/u/"+tc.handle+"/status/"+tc.id+"/exists", "", nil)
		if resp.Status != tc.want {
			t.Errorf("exists %s/%s = %d, want %d", tc.handle, tc.id, resp.Status, tc.want)
		}
	}

	page := s.do(t, "GET", "/tweets/u/ada/status/"+root.ID, "", nil, cookie(bob.Token)...)
	body := page.String()
	if page.Status != 200 || !strings.Contains(body, "<!doctype html") && !strings.Contains(body, "<!DOCTYPE html") {
		t.Fatalf("own page = %d %s", page.Status, body)
	}
	for _, want := range []string{`data-testid="focus-tweet"`, "hello world", "hello ada", `data-testid="nav-me"`, "@ada </textarea>",
		`href="/tweets/u/bob/status/` + reply.ID + `"`,
		// The tweet large has the card's actions: like and boost (bob is
		// not its author: no delete).
		`hx-put="/tweets/frag/tweets/` + root.ID + `/like"`, `hx-put="/tweets/frag/tweets/` + root.ID + `/boost"`} {
		if !strings.Contains(body, want) {
			t.Errorf("own tweet page lacks %q", want)
		}
	}
	if missing := s.do(t, "GET", "/tweets/u/bob/status/"+root.ID, "", nil); missing.Status != 404 || !strings.Contains(missing.String(), "doesn’t exist") ||
		!strings.Contains(missing.String(), "<html") {
		t.Errorf("someone else's tweet under bob = %d %s, want a styled 404 page", missing.Status, missing)
	}
	if http.StatusOK != s.do(t, "GET", "/tweets/u/ada/status/"+root.ID, "", nil).Status {
		t.Error("the tweet page is not public")
	}
}
