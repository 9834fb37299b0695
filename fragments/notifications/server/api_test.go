package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"murmur/fragments/internal/events"
	"murmur/fragments/internal/people"
	"murmur/fragments/internal/telemetry"
	"murmur/fragments/internal/testkit"
	"murmur/fragments/notifications"
	"murmur/fragments/notifications/live"
	"murmur/fragments/notifications/server"
	"murmur/fragments/notifications/store"
	"murmur/fragments/profile/profiletest"
)

type env struct {
	srv     *httptest.Server
	inbox   *notifications.Inbox
	profile *profiletest.Server
	entry   int
}

func mustEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	rd := testkit.MustRedis(t)
	sessions := testkit.MustSessions(t)
	e := &env{profile: profiletest.MustServer(t, sessions)}
	st, err := store.Open(ctx, testkit.DBPath(t, "notifications"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	opts, _ := redis.ParseURL(rd.URL)
	client := redis.NewClient(opts)
	t.Cleanup(func() { client.Close() })
	logger := slog.New(slog.DiscardHandler)
	hub := live.NewHub(client, func(ctx context.Context, id string) (int, error) { return st.Unread(ctx, id, nil) }, logger)
	e.inbox = notifications.NewInbox(st, people.New(e.profile.URL, time.Minute), hub)
	e.srv = httptest.NewServer(server.New(server.Deps{
		Inbox: e.inbox, Hub: hub, Verifier: sessions.Verifier, Logger: logger, Metrics: telemetry.NewMetrics("notifications"),
		ProfileURL: e.profile.URL, TweetsURL: "http://127.0.0.1:1",
	}))
	t.Cleanup(e.srv.Close)
	return e
}

// event hands one fact to the inbox as the streams would.
func (e *env) event(t *testing.T, topic string, payload any) {
	t.Helper()
	data, _ := json.Marshal(payload)
	e.entry++
	if err := e.inbox.Handle(context.Background(), events.Entry{Topic: topic, ID: fmt.Sprintf("%d-%d", time.Now().UnixMilli(), e.entry), Payload: data}); err != nil {
		t.Fatal(err)
	}
}

func (e *env) do(t *testing.T, method, path, token, body string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func TestNotificationsAPI(t *testing.T) {
	e := mustEnv(t)
	ann := e.profile.MustUser(t, "ann", "Ann <b>")
	bob := e.profile.MustUser(t, "bob", "Bob")
	e.event(t, events.FollowCreated, events.FollowChangedPayload{FollowerID: bob.ID, FolloweeID: ann.ID})
	e.event(t, events.LikeChanged, events.LikeChangedPayload{TweetID: "500", AuthorID: ann.ID, UserID: bob.ID, Liked: true, LikeCount: 1})
	e.event(t, events.LikeChanged, events.LikeChangedPayload{TweetID: "500", AuthorID: ann.ID, UserID: ann.ID, Liked: true, LikeCount: 2})
	reply := events.TweetCreatedPayload{Tweet: events.Tweet{ID: "501", Author: events.Author{ID: bob.ID}}, AuthorID: bob.ID, InReplyToAuthorID: &ann.ID}
	e.event(t, events.TweetCreated, reply)

	status, _, body := e.do(t, "GET", "/notifications/api/notifications", ann.Token, "")
	if status != 200 {
		t.Fatalf("list: %d %s", status, body)
	}
	var list struct {
		Items []struct {
			ID, Kind string
			TweetID  string `json:"tweet_id"`
			Actor    struct{ ID, Handle string }
			Read     bool
		}
		Next *string
	}
	json.Unmarshal([]byte(body), &list)
	if len(list.Items) != 3 || list.Next != nil {
		t.Fatalf("items = %s, want the reply, the like and the follow (not ann's own like)", body)
	}
	for i, want := range []string{"reply", "like", "follow"} {
		if it := list.Items[i]; it.Kind != want || it.Actor.Handle != "bob" || it.Read {
			t.Errorf("item %d = %+v, want an unread %s by bob", i, it, want)
		}
	}
	if list.Items[2].TweetID != "" || !strings.Contains(body, `"tweet_id":"500"`) {
		t.Errorf("tweet ids wrong: %s", body)
	}
	if status, _, body := e.do(t, "GET", "/notifications/api/unread", ann.Token, ""); status != 200 || !strings.Contains(body, `"count":3`) {
		t.Errorf("unread: %d %s, want 3", status, body)
	}
	if status, _, body := e.do(t, "POST", "/notifications/api/read", ann.Token, `{"up_to":"`+list.Items[1].ID+`"}`); status != 204 {
		t.Fatalf("read: %d %s", status, body)
	}
	if _, _, body := e.do(t, "GET", "/notifications/api/unread", ann.Token, ""); !strings.Contains(body, `"count":1`) {
		t.Errorf("unread after marking = %s, want 1", body)
	}
	// An unlike takes the like back.
	e.event(t, events.LikeChanged, events.LikeChangedPayload{TweetID: "500", AuthorID: ann.ID, UserID: bob.ID, Liked: false})
	if _, _, body := e.do(t, "GET", "/notifications/api/notifications", ann.Token, ""); strings.Contains(body, `"kind":"like"`) {
		t.Errorf("the like stays after the unlike: %s", body)
	}
	// The replying tweet deleted takes the reply with it.
	e.event(t, events.TweetDeleted, events.TweetDeletedPayload{ID: "501", AuthorID: bob.ID})
	if _, _, body := e.do(t, "GET", "/notifications/api/notifications", ann.Token, ""); strings.Contains(body, `"kind":"reply"`) {
		t.Errorf("the reply stays after its tweet was deleted: %s", body)
	}
	// Bob has nothing: the follow and like were his own doing.
	if _, _, body := e.do(t, "GET", "/notifications/api/notifications", bob.Token, ""); !strings.Contains(body, `"items":[]`) {
		t.Errorf("bob's list = %s, want empty", body)
	}
}

func TestBadInputIsAProblem(t *testing.T) {
	e := mustEnv(t)
	ann := e.profile.MustUser(t, "ann", "Ann")
	for _, tt := range []struct {
		name, method, path, token, body string
		status                          int
	}{
		{"signed out list", "GET", "/notifications/api/notifications", "", "", 401},
		{"signed out unread", "GET", "/notifications/api/unread", "", "", 401},
		{"signed out read", "POST", "/notifications/api/read", "", `{"up_to":"1"}`, 401},
		{"limit 0", "GET", "/notifications/api/notifications?limit=0", ann.Token, "", 422},
		{"limit 101", "GET", "/notifications/api/notifications?limit=101", ann.Token, "", 422},
		{"cursor not an id", "GET", "/notifications/api/notifications?cursor=abc", ann.Token, "", 422},
		{"cursor zero", "GET", "/notifications/api/notifications?cursor=0", ann.Token, "", 422},
		{"up_to not an id", "POST", "/notifications/api/read", ann.Token, `{"up_to":"-4"}`, 422},
		{"up_to missing", "POST", "/notifications/api/read", ann.Token, `{}`, 422},
		{"up_to a number", "POST", "/notifications/api/read", ann.Token, `{"up_to":4}`, 422},
		{"not JSON", "POST", "/notifications/api/read", ann.Token, `up_to=4`, 400},
	} {
		t.Run(tt.name, func(t *testing.T) {
			status, h, body := e.do(t, tt.method, tt.path, tt.token, tt.body)
			if status != tt.status {
				t.Fatalf("status %d, want %d: %s", status, tt.status, body)
			}
			var p struct {
				Type, Title, Detail string
				Status              int
			}
			if ct := h.Get("Content-Type"); ct != "application/problem+json" || json.Unmarshal([]byte(body), &p) != nil || p.Status != tt.status || p.Title == "" {
				t.Errorf("answer %s %s, want a problem with status %d", ct, body, tt.status)
			}
		})
	}
}

// The list groups likes of one tweet and escapes what people wrote.
func TestListFragmentGroupsAndEscapes(t *testing.T) {
	e := mustEnv(t)
	ann := e.profile.MustUser(t, "ann", "Ann")
	for _, h := range []string{"bob", "cyd", "dee", "eve"} {
		u := e.profile.MustUser(t, h, "<i>"+h+"</i>")
		e.event(t, events.LikeChanged, events.LikeChangedPayload{TweetID: "900", AuthorID: ann.ID, UserID: u.ID, Liked: true})
	}
	req, _ := http.NewRequest("GET", e.srv.URL+"/notifications/frag/list", nil)
	req.Header.Set("Authorization", "Bearer "+ann.Token)
	req.Header.Set("X-Murmur-Shell", "1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(b)
	if strings.Count(page, `data-testid="notification"`) != 1 {
		t.Errorf("want the four likes as one line:\n%s", page)
	}
	for _, want := range []string{"&lt;i&gt;eve&lt;/i&gt;", "and 3 others", "liked", `href="/u/ann/status/900"`, `href="/u/eve"`, `name="up_to" value="`} {
		if !strings.Contains(page, want) {
			t.Errorf("list lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "<i>") {
		t.Error("a display name reached the page unescaped")
	}
}
