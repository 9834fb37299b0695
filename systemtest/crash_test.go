package systemtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/html"

	"murmur/stack"
)

// try sends a request like Do, but reports a failure instead of failing
// the test: for load running beside the test's own goroutine.
func (c *Client) try(method, path string, body any) (int, []byte, error) {
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.Base+path, r)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, data, err
}

// writer is one person of a write load.
type writer struct {
	*Client
	id string
}

// like and follow are writes that got a success answer.
type like struct{ by, tweet string }
type follow struct{ by, whom string }

// writeLoad has a few people post, like and follow through the shell's
// API, and one sign people up, all at once, until stopped. It remembers
// every write that got a success answer, and counts those that did not.
type writeLoad struct {
	base    string
	writers []writer

	mu      sync.Mutex
	tweets  map[string]string // id → text
	tweetBy map[string]int    // id → writer
	likes   map[like]bool
	follows map[follow]bool
	signups []string // handles
	targets []string // ids anyone may follow
	failed  int
	// problems are the first failures, as "what: status body" or an error.
	problems []string

	ok      atomic.Int64
	seq     atomic.Int64
	stop    chan struct{}
	running bool
	wg      sync.WaitGroup
}

func newWriteLoad(t *testing.T, base string, n int) *writeLoad {
	l := &writeLoad{base: base, tweets: map[string]string{}, tweetBy: map[string]int{},
		likes: map[like]bool{}, follows: map[follow]bool{}}
	for i := range n {
		c := NewClient(base)
		u := c.MustSignUp(t, fmt.Sprintf("writer%d", i), "password-writer", fmt.Sprintf("Writer %d", i))
		l.writers = append(l.writers, writer{c, u.ID})
		l.targets = append(l.targets, u.ID)
	}
	return l
}

// start sends writes until stop is called.
func (l *writeLoad) start() {
	l.stop, l.running = make(chan struct{}), true
	for i := range l.writers {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for {
				select {
				case <-l.stop:
					return
				default:
				}
				l.write(i)
			}
		}()
	}
	l.wg.Add(1)
	go func() { // sign-ups cost a password hash each: one at a time, now and then
		defer l.wg.Done()
		for {
			select {
			case <-l.stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			l.signUp()
		}
	}()
}

// end stops the writes and waits for those under way; it may be called
// more than once.
func (l *writeLoad) end() {
	if l.running {
		close(l.stop)
		l.wg.Wait()
		l.running = false
	}
}

// write sends one post, like or follow as writer i.
func (l *writeLoad) write(i int) {
	w := l.writers[i]
	n := l.seq.Add(1)
	switch n % 3 {
	case 0:
		text := fmt.Sprintf("load tweet %d", n)
		status, body, err := w.try("POST", "/tweets/api/tweets", map[string]any{"text": text})
		var tw timelineTweet
		if err == nil && status == http.StatusCreated && json.Unmarshal(body, &tw) == nil && tw.ID != "" {
			l.record(func() { l.tweets[tw.ID], l.tweetBy[tw.ID] = text, i })
			return
		}
		l.problem("post", status, body, err)
	case 1:
		l.mu.Lock()
		var id string
		for id = range l.tweets { // any one
			break
		}
		l.mu.Unlock()
		if id == "" {
			return
		}
		status, body, err := w.try("PUT", "/tweets/api/tweets/"+id+"/like", nil)
		if err == nil && status == http.StatusNoContent {
			l.record(func() { l.likes[like{w.id, id}] = true })
			return
		}
		l.problem("like", status, body, err)
	case 2:
		l.mu.Lock()
		whom := l.targets[rand.IntN(len(l.targets))]
		l.mu.Unlock()
		if whom == w.id {
			return
		}
		status, body, err := w.try("PUT", "/follow/api/following/"+whom, nil)
		if err == nil && status == http.StatusNoContent {
			l.record(func() { l.follows[follow{w.id, whom}] = true })
			return
		}
		l.problem("follow", status, body, err)
	}
	time.Sleep(20 * time.Millisecond) // the service is down: do not spin
}

// problem counts a write that failed and keeps the first few.
func (l *writeLoad) problem(what string, status int, body []byte, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failed++
	if len(l.problems) < 10 {
		if err != nil {
			l.problems = append(l.problems, fmt.Sprintf("%s: %v", what, err))
		} else {
			l.problems = append(l.problems, fmt.Sprintf("%s: %d %.200s", what, status, body))
		}
	}
}

// clientFrom is a client whose connections come from the loopback address
// 127.0.x.y, the n-th of many: profile limits sign-ups per address.
func clientFrom(base string, n int64) *Client {
	c := NewClient(base)
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, byte(1+n/250%250), byte(2+n%250))}, Timeout: 5 * time.Second}
	c.HTTP.Transport = &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}
	return c
}

func (l *writeLoad) signUp() {
	n := l.seq.Add(1)
	handle := fmt.Sprintf("newcomer%d", n)
	status, body, err := clientFrom(l.base, n).try("POST", "/profile/api/users",
		map[string]string{"handle": handle, "password": "password-newcomer", "display_name": "Newcomer"})
	var u User
	if err == nil && status == http.StatusCreated && json.Unmarshal(body, &u) == nil {
		l.record(func() { l.signups = append(l.signups, handle); l.targets = append(l.targets, u.ID) })
		return
	}
	l.problem("sign-up", status, body, err)
}

// failures counts the writes that did not get a success answer, and
// forgets the first ones kept.
func (l *writeLoad) failures() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.problems = nil
	return l.failed
}

func (l *writeLoad) record(f func()) {
	l.mu.Lock()
	f()
	l.mu.Unlock()
	l.ok.Add(1)
}

// waitWrites waits until n more writes have succeeded.
func (l *writeLoad) waitWrites(t *testing.T, n int64) {
	t.Helper()
	want := l.ok.Load() + n
	deadline := time.Now().Add(30 * time.Second)
	for l.ok.Load() < want {
		if time.Now().After(deadline) {
			t.Fatalf("the write load got %d successes, wanted %d", l.ok.Load(), want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// mustAllBeThere checks that every write that got a success answer is
// there, reading each back through the API.
func (l *writeLoad) mustAllBeThere(t *testing.T) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	by := map[string]*Client{}
	for _, w := range l.writers {
		by[w.id] = w.Client
	}
	reader := l.writers[0].Client
	for id, text := range l.tweets {
		var tw timelineTweet
		reader.MustJSON(t, http.StatusOK, "GET", "/tweets/api/tweets/"+id, nil, &tw)
		if tw.Text != text {
			t.Errorf("tweet %s reads %q, want %q", id, tw.Text, text)
		}
	}
	for lk := range l.likes {
		var tw struct {
			LikedByMe bool `json:"liked_by_me"`
		}
		by[lk.by].MustJSON(t, http.StatusOK, "GET", "/tweets/api/tweets/"+lk.tweet, nil, &tw)
		if !tw.LikedByMe {
			t.Errorf("%s's like of tweet %s, answered 204, is gone", lk.by, lk.tweet)
		}
	}
	for f := range l.follows {
		var u struct {
			FollowedByMe bool `json:"followed_by_me"`
		}
		by[f.by].MustJSON(t, http.StatusOK, "GET", "/follow/api/users/"+f.whom, nil, &u)
		if !u.FollowedByMe {
			t.Errorf("%s's follow of %s, answered 204, is gone", f.by, f.whom)
		}
	}
	for _, h := range l.signups {
		if status, _, _ := reader.Do(t, "GET", "/profile/api/users/"+h, nil); status != http.StatusOK {
			t.Errorf("@%s, signed up with 201, reads %d", h, status)
		}
	}
}

// mustFallbacks lists the slots of a shell page that show their fallback,
// by service: the text of each fallback block (.slot-retry) followed by
// the template naming its fragment, and what each says.
func mustFallbacks(t *testing.T, page []byte) map[string][]string {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode || !slices.ContainsFunc(n.Attr, func(a html.Attribute) bool {
			return a.Key == "class" && slices.Contains(strings.Fields(a.Val), "slot-retry")
		}) {
			continue
		}
		next := n.NextSibling
		for next != nil && next.Type != html.ElementNode {
			next = next.NextSibling
		}
		fragment := ""
		if next != nil && next.Data == "template" {
			for _, a := range next.Attr {
				if a.Key == "data-murmur-fragment" {
					fragment = a.Val
				}
			}
		}
		service, _, _ := strings.Cut(strings.TrimPrefix(fragment, "/"), "/")
		var text strings.Builder
		for c := range n.Descendants() {
			if c.Type == html.TextNode {
				text.WriteString(c.Data)
			}
		}
		out[service] = append(out[service], strings.Join(strings.Fields(text.String()), " "))
	}
	return out
}

// TestServicesComeBackAfterACrashUnderLoad kills each service in turn
// (SIGKILL) while people post, like, follow and sign up through the
// shell. While it is down its slots show fallbacks; the launcher brings
// it back by itself; afterwards every write that was answered with
// success is there, and the live socket a reader holds on the timeline
// stayed open through the others' restarts.
func TestServicesComeBackAfterACrashUnderLoad(t *testing.T) {
	s := MustStack(t, WithRestarts(2*time.Second))
	reader, author := mustReaderOf(t, s.URL(), "author", "Author")
	// The reader follows none of the load's writers: their socket stays
	// quiet but for the author.
	load := newWriteLoad(t, s.URL(), 3)
	live := mustStream(t, s.URL(), reader, "")

	// slots are the home page's slots each service fills.
	slots := map[string][]string{
		"profile": {"People search", "Your profile"}, "tweets": {"Posting"},
		"follow": {"Who to follow"}, "timeline": {"Your timeline"},
	}
	for _, service := range []string{"profile", "tweets", "follow", "timeline"} {
		t.Run(service, func(t *testing.T) {
			load.start()
			defer load.end()
			load.waitWrites(t, 15)
			before := s.Part(service)
			if err := s.Crash(service); err != nil {
				t.Fatal(err)
			}

			status, page, _ := reader.Do(t, "GET", "/", nil)
			if p := s.Part(service); p.State == stack.Up {
				t.Fatalf("%s was back before the page was read: the restart wait is too short for this test", service)
			}
			if status != http.StatusOK {
				t.Fatalf("the home page answered %d while %s was down", status, service)
			}
			fallbacks := mustFallbacks(t, page)
			for _, label := range slots[service] {
				if !slices.ContainsFunc(fallbacks[service], func(f string) bool { return strings.Contains(f, label) }) {
					t.Errorf("while %s is down the home page shows fallbacks %q, want its %q slot among them", service, fallbacks, label)
				}
			}

			deadline := time.Now().Add(30 * time.Second)
			for p := s.Part(service); p.State != stack.Up || p.Restarts != before.Restarts+1; p = s.Part(service) {
				if time.Now().After(deadline) {
					t.Fatalf("%s did not come back by itself: %+v", service, p)
				}
				time.Sleep(50 * time.Millisecond)
			}
			load.waitWrites(t, 15) // writes go on after the restart
			load.end()
			load.mustAllBeThere(t)

			_, page, _ = reader.Do(t, "GET", "/", nil)
			if fallbacks := mustFallbacks(t, page); len(fallbacks) != 0 {
				t.Errorf("the home page still shows fallbacks %q after %s came back", fallbacks, service)
			}

			if service == "timeline" {
				// Its own sockets closed with it; a new one works.
				live = mustStream(t, s.URL(), reader, "")
			}
			text := "after " + service + " came back"
			mustTweet(t, author, text)
			if !live.receives(t, text, 10*time.Second) {
				t.Errorf("the reader's socket did not deliver a tweet posted after %s came back", service)
			}
		})
	}
	load.mu.Lock()
	defer load.mu.Unlock()
	t.Logf("the load wrote %d tweets, %d likes, %d follows, %d sign-ups; %d writes failed while a service was down",
		len(load.tweets), len(load.likes), len(load.follows), len(load.signups), load.failed)
	if len(load.tweets) == 0 || len(load.likes) == 0 || len(load.follows) == 0 || len(load.signups) == 0 {
		t.Error("some kind of write never succeeded: the test proves nothing about it")
	}
}

// receives waits for a tweet with the given text, passing over other
// events; false if the socket closed or nothing came in time.
func (s *stream) receives(t *testing.T, text string, within time.Duration) bool {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case e, ok := <-s.events:
			if !ok {
				t.Log("the socket closed")
				return false
			}
			if tw, _ := e["tweet"].(map[string]any); tw != nil && tw["text"] == text {
				return true
			}
		case <-deadline:
			return false
		}
	}
}

// TestRedisCrashUnderLoad kills Redis (SIGKILL) while people post, like,
// follow and read through the shell. No request fails because of it; the
// launcher brings Redis back by itself; and a reader's socket, open all
// along, receives every tweet of the author they follow: those posted
// while Redis was down, and every one posted after it is back, including
// in the moments before the timeline has subscribed again.
func TestRedisCrashUnderLoad(t *testing.T) {
	s := MustStack(t, WithRestarts(time.Second))
	reader, author := mustReaderOf(t, s.URL(), "author", "Author")
	load := newWriteLoad(t, s.URL(), 3)
	live := mustStream(t, s.URL(), reader, "")

	// Every request of the load, writes and reads, must succeed.
	var failures []string
	var failMu sync.Mutex
	fail := func(what string) {
		failMu.Lock()
		defer failMu.Unlock()
		failures = append(failures, what)
	}
	stopReads := make(chan struct{})
	var reads sync.WaitGroup
	for _, w := range load.writers {
		reads.Add(1)
		go func() {
			defer reads.Done()
			for {
				select {
				case <-stopReads:
					return
				default:
				}
				if status, _, err := w.try("GET", "/timeline/api/home", nil); err != nil || status != http.StatusOK {
					fail(fmt.Sprintf("home API: %d %v", status, err))
				}
				status, page, err := w.try("GET", "/", nil)
				if err != nil || status != http.StatusOK {
					fail(fmt.Sprintf("home page: %d %v", status, err))
				} else if bytes.Contains(page, []byte(`class="slot-retry"`)) {
					fail("home page shows a fallback")
				}
			}
		}()
	}
	load.start()
	defer load.end()
	load.waitWrites(t, 30)
	failedBefore := load.failures()

	if err := s.Crash("redis"); err != nil {
		t.Fatal(err)
	}
	var posted []string
	post := func(text string) {
		mustTweet(t, author, text) // fails the test unless 201
		posted = append(posted, text)
	}
	for i := range 5 {
		post(fmt.Sprintf("while redis is down %d", i))
	}
	deadline := time.Now().Add(30 * time.Second)
	for p := s.Part("redis"); p.State != stack.Up || p.Restarts != 1; p = s.Part("redis") {
		if time.Now().After(deadline) {
			t.Fatalf("redis did not come back by itself: %+v", p)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Redis is back: from now on, nothing published may be lost. The
	// first posts come before the timeline has subscribed again.
	for i := range 20 {
		post(fmt.Sprintf("after redis is back %d", i))
		time.Sleep(100 * time.Millisecond)
	}
	load.waitWrites(t, 30)
	load.end()
	close(stopReads)
	reads.Wait()

	load.mu.Lock()
	problems := load.problems
	load.mu.Unlock()
	if n := load.failures() - failedBefore; n > 0 {
		t.Errorf("%d writes failed while Redis was down or coming back, e.g. %q", n, problems)
	}
	if len(failures) > 0 {
		t.Errorf("%d reads failed while Redis was down or coming back, e.g. %q", len(failures), failures[:min(5, len(failures))])
	}
	load.mustAllBeThere(t)

	got := map[string]bool{}
	timeout := time.After(20 * time.Second)
	for len(got) < len(posted) {
		select {
		case e, ok := <-live.events:
			if !ok {
				t.Fatal("the reader's socket closed")
			}
			if tw, _ := e["tweet"].(map[string]any); tw != nil {
				got[tw["text"].(string)] = true
			}
		case <-timeout:
			var missing []string
			for _, p := range posted {
				if !got[p] {
					missing = append(missing, p)
				}
			}
			t.Fatalf("the reader's socket never received %q", missing)
		}
	}
}
