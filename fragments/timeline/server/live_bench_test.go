package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"murmur/fragments/follow"
	followserver "murmur/fragments/follow/server"
	followstore "murmur/fragments/follow/store"
	"murmur/fragments/internal/auth"
	"murmur/fragments/internal/events"
	"murmur/fragments/internal/people"
	"murmur/fragments/internal/render"
	"murmur/fragments/internal/telemetry"
	"murmur/fragments/internal/testkit"
	"murmur/fragments/profile/profiletest"
	"murmur/fragments/timeline"
	"murmur/fragments/timeline/live"
	"murmur/fragments/timeline/server"
	"murmur/fragments/timeline/sources"
	"murmur/fragments/tweets"
	tweetsserver "murmur/fragments/tweets/server"
	tweetsstore "murmur/fragments/tweets/store"
)

// fanOuts are the audiences measured: one author per size, followed by
// the first n of the benchmark's followers.
var fanOuts = []int{100, 1_000, 10_000}

// liveTweets is how many tweets each author has to announce: more than a
// socket remembers (it skips a tweet it was already sent), so cycling
// through them never repeats one a socket still remembers.
const liveTweets = 300

// quietBus stands in for Redis: the benchmark hands events to the hub
// itself, so what tweets and follow would publish has no one to reach.
type quietBus struct{}

func (quietBus) Publish(context.Context, string, any) {}

// fanOutEnv is everything live delivery reads from, running in the test
// process on real SQLite files: profile (the authors), tweets (their
// tweets, the cards), follow (10,000 followers), and home timelines read
// from them over HTTP.
type fanOutEnv struct {
	sessions *testkit.Sessions
	homes    *timeline.Homes
	tweets   *sources.Tweets
	follow   *sources.Follow
	// followers[i] follows the authors of every fan-out larger than i.
	followers []timeline.Caller
	// events[n] are tweet.created payloads by the author n people follow.
	events map[int][][]byte
	ids    map[int][]string
}

// hub is a live hub reading from the benchmark's services.
func (e *fanOutEnv) hub() *live.Hub {
	return live.NewHub(live.Deps{Homes: e.homes, Graph: e.follow, Cards: e.tweets, Markup: server.LiveMarkup(),
		Logger: slog.New(slog.DiscardHandler)})
}

func mustFanOutEnv(b *testing.B) *fanOutEnv {
	b.Helper()
	ctx := context.Background()
	logger := slog.New(slog.DiscardHandler)
	e := &fanOutEnv{sessions: testkit.MustSessions(b), events: map[int][][]byte{}, ids: map[int][]string{}}
	profile := profiletest.MustServer(b, e.sessions)
	dir := people.New(profile.URL, time.Minute)

	tst, err := tweetsstore.Open(ctx, testkit.DBPath(b, "tweets"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { tst.Close() })
	tweetsSrv := httptest.NewServer(tweetsserver.New(tweetsserver.Deps{
		Tweets: tweets.NewService(tst, dir, quietBus{}, tweets.WithLogger(logger)), People: dir,
		Verifier: e.sessions.Verifier, Logger: logger, Metrics: telemetry.NewMetrics("tweets"),
	}))
	b.Cleanup(tweetsSrv.Close)

	fst, err := followstore.Open(ctx, testkit.DBPath(b, "follow"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { fst.Close() })
	followSrv := httptest.NewServer(followserver.New(followserver.Deps{
		Graph: follow.NewGraph(fst, dir, quietBus{}), Verifier: e.sessions.Verifier, Logger: logger, Metrics: telemetry.NewMetrics("follow"),
	}))
	b.Cleanup(followSrv.Close)
	e.tweets, e.follow = sources.NewTweets(tweetsSrv.URL), sources.NewFollow(followSrv.URL)
	e.homes = timeline.NewHomes(e.tweets, e.follow)

	now := time.Now().UTC().Add(-time.Hour)
	newIDs := tweets.NewIDs(func() time.Time { return now })
	for _, n := range fanOuts {
		author := profile.MustUser(b, fmt.Sprintf("followed_by_%d", n), fmt.Sprintf("Followed by %d", n))
		for i := range liveTweets {
			now = now.Add(time.Second)
			tw, err := tst.CreateTweet(ctx, tweets.NewTweet{NewID: newIDs.Next, AuthorID: author.ID,
				Text: fmt.Sprintf("News for my %d followers, part %d: https://example.org/%d", n, i, i), CreatedAt: now})
			if err != nil {
				b.Fatal(err)
			}
			// What tweets publishes: the tweet with its author filled in.
			tw.Author = tweets.Author{ID: author.ID, Handle: author.Handle, DisplayName: author.DisplayName}
			var et events.Tweet
			raw, err := json.Marshal(tw)
			if err == nil {
				err = json.Unmarshal(raw, &et)
			}
			if err != nil {
				b.Fatal(err)
			}
			payload, err := json.Marshal(events.TweetCreatedPayload{Tweet: et, AuthorID: author.ID})
			if err != nil {
				b.Fatal(err)
			}
			e.events[n] = append(e.events[n], payload)
			e.ids[n] = append(e.ids[n], tw.ID)
		}
		for i := range n {
			follower := tweets.FormatID(int64(1_000_001 + i))
			if _, err := fst.Follow(ctx, follower, author.ID); err != nil {
				b.Fatal(err)
			}
		}
	}
	for i := range fanOuts[len(fanOuts)-1] {
		id := tweets.FormatID(int64(1_000_001 + i))
		handle := "follower" + id
		// Through the shell, as browsers are: one card variant for all.
		e.followers = append(e.followers, timeline.Caller{ViewerID: id, Handle: handle,
			Token: e.sessions.Token(b, id, handle), Shell: true})
	}
	return e
}

// BenchmarkLiveFanOut measures one tweet.created event reaching the open
// home timelines of its author's followers, from the moment the hub is
// handed the event (as it comes off Redis) until:
//
//   - queue: every follower's socket has the new card in its queue. The
//     sockets are the hub's own, joined the way a handshake joins them,
//     with no connection behind them. Handle returns only when it has
//     queued the message everywhere, so its time is the fan-out's.
//   - websocket: every follower's browser-side connection has read it:
//     real /timeline/ws sockets on loopback, each drained by its server
//     writer, as in the service. These need two open files per socket in
//     this one process, so sizes the file limit cannot hold are skipped.
//
// Either way the hub asks tweets for the card once per event (all sockets
// here come through the shell, one variant) and queues it to each socket.
// ns/socket is the time per event divided by its recipients.
func BenchmarkLiveFanOut(b *testing.B) {
	e := mustFanOutEnv(b)
	ctx := context.Background()

	b.Run("queue", func(b *testing.B) {
		hub := e.hub()
		sockets := make([]*live.Socket, len(e.followers))
		start := time.Now()
		parallel(b, len(sockets), func(i int) error {
			sockets[i] = live.NewSocket(e.followers[i], live.HTML, "")
			return hub.Join(ctx, sockets[i])
		})
		b.Logf("joined %d sockets in %v", len(sockets), time.Since(start).Round(time.Millisecond))
		for _, n := range fanOuts {
			b.Run(fmt.Sprintf("sockets=%d", n), func(b *testing.B) {
				i := 0
				for b.Loop() {
					k := i % liveTweets
					hub.Handle(ctx, events.TweetCreated, e.events[n][k])
					b.StopTimer()
					card := []byte(`id="tweet-` + e.ids[n][k] + `"`)
					for _, s := range sockets[:n] {
						select {
						case msg := <-s.Out():
							if !bytes.Contains(msg, card) {
								b.Fatalf("socket got %.200s, want the card of tweet %s", msg, e.ids[n][k])
							}
						default:
							b.Fatalf("a follower's socket has nothing queued after tweet %s", e.ids[n][k])
						}
					}
					i++
					b.StartTimer()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/socket")
				for _, s := range sockets {
					if len(s.Out()) != 0 {
						b.Fatal("a socket got a message that was not its to get")
					}
				}
			})
		}
	})

	b.Run("websocket", func(b *testing.B) {
		var limit syscall.Rlimit
		if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &limit); err != nil {
			b.Fatal(err)
		}
		// Both ends of every socket are in this process, plus some slack
		// for the services' own connections and files.
		fits := func(n int) bool { return uint64(2*n+500) <= limit.Cur }
		largest := 0
		for _, n := range fanOuts {
			if fits(n) {
				largest = n
			}
		}
		if largest == 0 {
			b.Skipf("an open-file limit of %d holds none of the sizes", limit.Cur)
		}

		done, stop := context.WithCancel(ctx)
		hub := e.hub()
		timelineSrv := httptest.NewServer(server.New(server.Deps{
			Homes: e.homes, Hub: hub, Verifier: e.sessions.Verifier, Logger: slog.New(slog.DiscardHandler),
			Metrics: telemetry.NewMetrics("timeline"), Done: done,
		}))
		b.Cleanup(timelineSrv.Close)
		b.Cleanup(stop)

		readers := &socketReaders{}
		url := "ws" + strings.TrimPrefix(timelineSrv.URL, "http") + "/timeline/ws"
		start := time.Now()
		parallel(b, largest, func(i int) error {
			f := e.followers[i]
			h := http.Header{"Cookie": {(&http.Cookie{Name: auth.CookieName, Value: f.Token}).String()},
				render.ShellHeader: {"1"}}
			conn, resp, err := websocket.DefaultDialer.Dial(url, h)
			if err != nil {
				return fmt.Errorf("open /timeline/ws as %s: %v (%v)", f.Handle, err, resp)
			}
			readers.start(b, i, conn)
			return nil
		})
		b.Logf("opened %d sockets in %v", largest, time.Since(start).Round(time.Millisecond))

		for _, n := range fanOuts {
			b.Run(fmt.Sprintf("sockets=%d", n), func(b *testing.B) {
				if !fits(n) {
					b.Skipf("%d sockets need about %d open files here; the limit is %d", n, 2*n+500, limit.Cur)
				}
				i := 0
				for b.Loop() {
					k := i % liveTweets
					r := readers.expect(n, e.ids[n][k])
					hub.Handle(ctx, events.TweetCreated, e.events[n][k])
					select {
					case <-r.done:
					case <-time.After(time.Minute):
						// Not a timing check: without it a lost message would hang the run.
						b.Fatalf("%d of %d sockets never read tweet %s", r.left.Load(), n, e.ids[n][k])
					}
					if bad := readers.wrong.Load(); bad != 0 {
						b.Fatalf("%d messages reached a socket they were not for, or were not the card", bad)
					}
					i++
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/socket")
			})
		}
	})
}

// socketReaders are the client ends of the open sockets, each reading in
// its own goroutine as a browser would, counting down the current round.
type socketReaders struct {
	round atomic.Pointer[readRound]
	wrong atomic.Int64
	mu    sync.Mutex
	conns []*websocket.Conn
}

// readRound is one event on its way: the sockets 0..n-1 must each read
// the card of tweet id once; done closes when the last one has.
type readRound struct {
	n    int
	card []byte
	left atomic.Int64
	done chan struct{}
}

func (rs *socketReaders) expect(n int, id string) *readRound {
	r := &readRound{n: n, card: []byte(`id="tweet-` + id + `"`), done: make(chan struct{})}
	r.left.Store(int64(n))
	rs.round.Store(r)
	return r
}

func (rs *socketReaders) start(b *testing.B, i int, conn *websocket.Conn) {
	rs.mu.Lock()
	rs.conns = append(rs.conns, conn)
	first := len(rs.conns) == 1
	rs.mu.Unlock()
	if first {
		b.Cleanup(rs.closeAll)
	}
	go func() {
		for {
			_, msg, err := conn.ReadMessage()
			if err != nil {
				return // closed at the end of the benchmark
			}
			r := rs.round.Load()
			if r == nil || i >= r.n || !bytes.Contains(msg, r.card) {
				rs.wrong.Add(1)
				continue
			}
			if r.left.Add(-1) == 0 {
				close(r.done)
			}
		}
	}()
}

func (rs *socketReaders) closeAll() {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	for _, c := range rs.conns {
		c.Close()
	}
}

// parallel runs do(0..n-1) on two goroutines: opening thousands of
// sockets, each a few requests to tweets and follow, one at a time would
// wait on every round trip. Not more than two: the timeline's clients of
// tweets and follow keep two idle connections per service (Go's default
// transport), so more at once would open and close a connection for
// nearly every request.
func parallel(b *testing.B, n int, do func(i int) error) {
	b.Helper()
	const workers = 2
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := do(i); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}
