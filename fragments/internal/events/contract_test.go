package events_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"reflect"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"murmur/fragments/follow"
	followstore "murmur/fragments/follow/store"
	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/events"
	"murmur/fragments/internal/people"
	"murmur/fragments/internal/testkit"
	"murmur/fragments/profile"
	"murmur/fragments/profile/profiletest"
	profilestore "murmur/fragments/profile/store"
	"murmur/fragments/tweets"
	tweetsstore "murmur/fragments/tweets/store"
	"murmur/fragments/tweets/tweetstest"
)

// The real publishers (profile's accounts, tweets' service, follow's
// graph, each on its own SQLite file) announce every topic of the
// contract; each payload, read off Redis, decodes into the contract's type
// for its topic with no field left over, and says what happened.
func TestPublishersKeepTheContract(t *testing.T) {
	ctx := context.Background()
	rd := testkit.MustRedis(t)
	bus := mustBus(t, rd.URL)
	heard := mustListen(t, rd.URL)

	pst, err := profilestore.Open(ctx, testkit.DBPath(t, "profile"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pst.Close() })
	accounts := profile.NewAccounts(pst, profile.Passwords{Memory: 64, Time: 1, Threads: 1}, bus)
	eve, err := accounts.SignUp(ctx, "eve", "correct horse", "Eve")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := accounts.ChangePassword(ctx, eve.ID, "correct horse", "battery staple"); err != nil {
		t.Fatal(err)
	}
	gone, err := accounts.DeleteAccount(ctx, eve.ID, "battery staple")
	if err != nil {
		t.Fatal(err)
	}

	// tweets and follow look people up in a profile service, as they do in production.
	dir := profiletest.MustServer(t, testkit.MustSessions(t))
	ada, bob := dir.MustUser(t, "ada", "Ada"), dir.MustUser(t, "bob", "Bob")
	directory := people.New(dir.URL, time.Minute)
	tst, err := tweetsstore.Open(ctx, testkit.DBPath(t, "tweets"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tst.Close() })
	clock := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	posts := tweets.NewService(tst, directory, bus, tweets.WithLogger(slog.New(slog.DiscardHandler)),
		tweets.WithClock(func() time.Time { return clock }))
	img, err := posts.Upload(ctx, ada.ID, tweetstest.PNG(t, 40, 30), "a square")
	if err != nil {
		t.Fatal(err)
	}
	// A mention of someone, of herself and of a handle nobody has: only
	// bob is told.
	text := "hello @Bob, @ada and @nobody_here"
	tw, err := posts.Post(ctx, auth.Viewer{ID: ada.ID, Handle: ada.Handle}, text, []tweets.Attachment{{ID: img.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := posts.SetLike(ctx, tw.ID, auth.Viewer{ID: bob.ID, Handle: bob.Handle}, true); err != nil {
		t.Fatal(err)
	}
	boost, err := posts.SetBoost(ctx, tw.ID, auth.Viewer{ID: bob.ID, Handle: bob.Handle}, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := posts.Delete(ctx, tw.ID, auth.Viewer{ID: ada.ID, Handle: ada.Handle}); err != nil {
		t.Fatal(err)
	}

	fst, err := followstore.Open(ctx, testkit.DBPath(t, "follow"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fst.Close() })
	graph := follow.NewGraph(fst, directory, bus)
	if _, err := graph.Follow(ctx, bob.ID, ada.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := graph.Unfollow(ctx, bob.ID, ada.ID); err != nil {
		t.Fatal(err)
	}
	// No follow stands between them any more: the block announces itself alone.
	if _, err := graph.Block(ctx, ada.ID, bob.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := graph.Mute(ctx, bob.ID, ada.ID); err != nil {
		t.Fatal(err)
	}

	want := map[string]any{
		events.UserCreated: &events.UserCreatedPayload{ID: eve.ID, Handle: "eve", DisplayName: "Eve", CreatedAt: eve.CreatedAt},
		events.TweetCreated: &events.TweetCreatedPayload{AuthorID: ada.ID, Tweet: events.Tweet{
			ID: tw.ID, Author: events.Author{ID: ada.ID, Handle: "ada", DisplayName: "Ada"}, Text: text,
			Media:     []events.Media{{ID: img.ID, URL: img.URL, ContentType: "image/png", Width: 40, Height: 30, Alt: "a square"}},
			CreatedAt: tw.CreatedAt,
		}},
		events.TweetMentioned: &events.TweetMentionedPayload{TweetID: tw.ID, AuthorID: ada.ID, MentionedIDs: []string{bob.ID},
			CreatedAt: tw.CreatedAt},
		events.LikeChanged: &events.LikeChangedPayload{TweetID: tw.ID, AuthorID: ada.ID, UserID: bob.ID, Liked: true, LikeCount: 1},
		events.BoostChanged: &events.BoostChangedPayload{TweetID: tw.ID, AuthorID: ada.ID, UserID: bob.ID,
			Booster: events.Author{ID: bob.ID, Handle: "bob", DisplayName: "Bob"}, Boosted: true, BoostCount: 1,
			BoostID: boost.ID, At: clock, Tweet: &events.Tweet{
				ID: tw.ID, Author: events.Author{ID: ada.ID, Handle: "ada", DisplayName: "Ada"}, Text: text,
				Media:     []events.Media{{ID: img.ID, URL: img.URL, ContentType: "image/png", Width: 40, Height: 30, Alt: "a square"}},
				LikeCount: 1, BoostCount: 1, CreatedAt: tw.CreatedAt,
			}},
		events.TweetDeleted:  &events.TweetDeletedPayload{ID: tw.ID, AuthorID: ada.ID, BoosterIDs: []string{bob.ID}},
		events.FollowCreated: &events.FollowChangedPayload{FollowerID: bob.ID, FolloweeID: ada.ID},
		events.FollowDeleted: &events.FollowChangedPayload{FollowerID: bob.ID, FolloweeID: ada.ID},
		events.BlockChanged:  &events.BlockChangedPayload{BlockerID: ada.ID, BlockedID: bob.ID, Blocked: true},
		events.MuteChanged:   &events.MuteChangedPayload{MuterID: bob.ID, MutedID: ada.ID, Muted: true},
	}
	// Facts appended to their stream only, with no pub/sub message.
	streamOnly := map[string][]any{
		events.SessionsRevoked: {
			&events.SessionsRevokedPayload{UserID: eve.ID, TokenVersion: 1, Reason: "password"},
			&events.SessionsRevokedPayload{UserID: eve.ID, TokenVersion: events.DeletedTokenVersion, Reason: "deleted"},
		},
		events.UserDeleted: {&events.UserDeletedPayload{UserID: eve.ID, Handle: "eve", DeletedAt: gone.DeletedAt}},
	}
	if len(want)+len(streamOnly) != len(events.Topics) {
		t.Fatalf("the test covers %d topics, the contract has %d: add the new one", len(want)+len(streamOnly), len(events.Topics))
	}
	raw := redis.NewClient(mustOptions(t, rd.URL))
	t.Cleanup(func() { raw.Close() })
	for topic, ws := range streamOnly {
		entries, err := raw.XRange(ctx, events.StreamKey(topic), "-", "+").Result()
		if err != nil || len(entries) != len(ws) {
			t.Fatalf("%s: stream holds %v (%v), want %d facts", topic, entries, err, len(ws))
		}
		for i, w := range ws {
			got := reflect.New(reflect.TypeOf(w).Elem()).Interface()
			dec := json.NewDecoder(bytes.NewReader([]byte(entries[i].Values["payload"].(string))))
			dec.DisallowUnknownFields()
			if err := dec.Decode(got); err != nil {
				t.Fatalf("%s: %s does not decode into %T: %v", topic, entries[i].Values["payload"], got, err)
			}
			// The time is the publisher's: checked for being recent, then left out.
			if p, ok := got.(*events.SessionsRevokedPayload); ok {
				if time.Since(p.RevokedAt) > time.Minute || p.RevokedAt.Location() != time.UTC {
					t.Errorf("%s: revoked_at %v, want just now in UTC", topic, p.RevokedAt)
				}
				p.RevokedAt = time.Time{}
			}
			if p, ok := got.(*events.UserDeletedPayload); ok && (time.Since(p.DeletedAt) > time.Minute || p.DeletedAt.Location() != time.UTC) {
				t.Errorf("%s: deleted_at %v, want just now in UTC", topic, p.DeletedAt)
			}
			if !reflect.DeepEqual(got, w) {
				t.Errorf("%s:\n got %+v\nwant %+v", topic, got, w)
			}
		}
	}
	for range len(want) {
		var msg *redis.Message
		select {
		case msg = <-heard:
		case <-time.After(10 * time.Second):
			t.Fatalf("still waiting for %d topics", len(want))
		}
		w, ok := want[msg.Channel]
		if !ok {
			t.Errorf("%s published twice or not in the contract: %s", msg.Channel, msg.Payload)
			continue
		}
		delete(want, msg.Channel)
		got := reflect.New(reflect.TypeOf(w).Elem()).Interface()
		dec := json.NewDecoder(bytes.NewReader([]byte(msg.Payload)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(got); err != nil {
			t.Errorf("%s: %s does not decode into %T: %v", msg.Channel, msg.Payload, got, err)
			continue
		}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("%s:\n got %+v\nwant %+v", msg.Channel, got, w)
		}
		// The stream carries the very same payload, for durable consumers.
		entries, err := raw.XRange(ctx, events.StreamKey(msg.Channel), "-", "+").Result()
		if err != nil || len(entries) != 1 || entries[0].Values["payload"] != msg.Payload {
			t.Errorf("%s: stream holds %v (%v), want the one payload published", msg.Channel, entries, err)
		}
	}
}

func mustBus(tb testing.TB, url string, options ...events.Option) *events.Bus {
	tb.Helper()
	b, err := events.Connect(url, slog.New(slog.DiscardHandler), nil, options...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { b.Close() })
	return b
}

func mustOptions(tb testing.TB, url string) *redis.Options {
	tb.Helper()
	opts, err := redis.ParseURL(url)
	if err != nil {
		tb.Fatal(err)
	}
	return opts
}

// mustListen subscribes to every topic of the contract and returns what arrives.
func mustListen(tb testing.TB, url string) <-chan *redis.Message {
	tb.Helper()
	client := redis.NewClient(mustOptions(tb, url))
	tb.Cleanup(func() { client.Close() })
	sub := client.Subscribe(context.Background(), events.Topics...)
	tb.Cleanup(func() { sub.Close() })
	for range events.Topics {
		if _, err := sub.Receive(context.Background()); err != nil {
			tb.Fatal(err)
		}
	}
	return sub.Channel()
}

// A reply is announced as tweet.created like any tweet, naming what it
// replies to and who wrote that; the payload decodes into the contract's
// type with no field left over.
func TestReplyKeepsTheContract(t *testing.T) {
	ctx := context.Background()
	rd := testkit.MustRedis(t)
	bus := mustBus(t, rd.URL)
	heard := mustListen(t, rd.URL)
	dir := profiletest.MustServer(t, testkit.MustSessions(t))
	ada, bob := dir.MustUser(t, "ada", "Ada"), dir.MustUser(t, "bob", "Bob")
	tst, err := tweetsstore.Open(ctx, testkit.DBPath(t, "tweets"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tst.Close() })
	posts := tweets.NewService(tst, people.New(dir.URL, time.Minute), bus, tweets.WithLogger(slog.New(slog.DiscardHandler)))
	root, err := posts.Post(ctx, auth.Viewer{ID: ada.ID, Handle: ada.Handle}, "a question", nil)
	if err != nil {
		t.Fatal(err)
	}
	reply, err := posts.Reply(ctx, auth.Viewer{ID: bob.ID, Handle: bob.Handle}, root.ID, "an answer", nil)
	if err != nil {
		t.Fatal(err)
	}

	one := 1
	want := []events.TweetCreatedPayload{
		{AuthorID: ada.ID, Tweet: events.Tweet{ID: root.ID, Author: events.Author{ID: ada.ID, Handle: "ada", DisplayName: "Ada"},
			Text: "a question", Media: []events.Media{}, CreatedAt: root.CreatedAt}},
		{AuthorID: bob.ID, InReplyToAuthorID: &ada.ID, InReplyToReplyCount: &one, Tweet: events.Tweet{ID: reply.ID, Author: events.Author{ID: bob.ID, Handle: "bob", DisplayName: "Bob"},
			Text: "an answer", Media: []events.Media{}, InReplyToID: &root.ID, CreatedAt: reply.CreatedAt}},
	}
	for _, w := range want {
		var msg *redis.Message
		select {
		case msg = <-heard:
		case <-time.After(10 * time.Second):
			t.Fatalf("no tweet.created for %s", w.ID)
		}
		var got events.TweetCreatedPayload
		dec := json.NewDecoder(bytes.NewReader([]byte(msg.Payload)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&got); err != nil || msg.Channel != events.TweetCreated {
			t.Fatalf("%s: %s does not decode into a TweetCreatedPayload: %v", msg.Channel, msg.Payload, err)
		}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("tweet.created:\n got %s\nwant %+v", msg.Payload, w)
		}
	}
}

// tweet.mentioned names each person a tweet mentions once, in the order
// the text first mentions them, never its author and never a handle no
// account has; a tweet that mentions nobody with an account but its author is not
// announced. A reply names what it answers.
func TestMentionKeepsTheContract(t *testing.T) {
	ctx := context.Background()
	rd := testkit.MustRedis(t)
	bus := mustBus(t, rd.URL)
	heard := mustListen(t, rd.URL)
	dir := profiletest.MustServer(t, testkit.MustSessions(t))
	ada, bob, cy := dir.MustUser(t, "ada", "Ada"), dir.MustUser(t, "bob", "Bob"), dir.MustUser(t, "cyrus", "Cy")
	tst, err := tweetsstore.Open(ctx, testkit.DBPath(t, "tweets"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tst.Close() })
	posts := tweets.NewService(tst, people.New(dir.URL, time.Minute), bus, tweets.WithLogger(slog.New(slog.DiscardHandler)))
	asAda, asBob := auth.Viewer{ID: ada.ID, Handle: ada.Handle}, auth.Viewer{ID: bob.ID, Handle: bob.Handle}
	for _, text := range []string{"note to @ada: buy milk", "no one here, mail ada@example.org or see https://x.org/@cyrus", "@ghost_of_nobody?"} {
		if _, err := posts.Post(ctx, asAda, text, nil); err != nil {
			t.Fatal(err)
		}
	}
	root, err := posts.Post(ctx, asAda, "who is coming?", nil)
	if err != nil {
		t.Fatal(err)
	}
	reply, err := posts.Reply(ctx, asBob, root.ID, "@cyrus and @ADA, @bob too; @ada again (@nobody_at_all)", nil)
	if err != nil {
		t.Fatal(err)
	}
	// Her own handle links too: it names an account; she is not told.
	if want := []string{"ada", "bob", "cyrus"}; !reflect.DeepEqual(reply.Mentioned, want) {
		t.Errorf("the reply's linked mentions are %v, want %v", reply.Mentioned, want)
	}
	want := events.TweetMentionedPayload{TweetID: reply.ID, AuthorID: bob.ID, MentionedIDs: []string{cy.ID, ada.ID},
		InReplyToID: &root.ID, CreatedAt: reply.CreatedAt}
	for {
		var msg *redis.Message
		select {
		case msg = <-heard:
		case <-time.After(10 * time.Second):
			t.Fatal("no tweet.mentioned for the reply")
		}
		if msg.Channel != events.TweetMentioned {
			continue
		}
		var got events.TweetMentionedPayload
		dec := json.NewDecoder(bytes.NewReader([]byte(msg.Payload)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("%s does not decode into a TweetMentionedPayload: %v", msg.Payload, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("tweet.mentioned (the first one published):\n got %s\nwant %+v", msg.Payload, want)
		}
		break
	}
	// Read back, the tweets link the same mentions they were written with.
	list, err := posts.Tweets(ctx, []string{reply.ID, root.ID}, asAda)
	if err != nil || len(list) != 2 || !reflect.DeepEqual(list[0].Mentioned, []string{"ada", "bob", "cyrus"}) || list[1].Mentioned != nil {
		t.Errorf("read back: %+v, %v", list, err)
	}
}
