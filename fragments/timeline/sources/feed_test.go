package sources_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"murmur/fragments/timeline"
	"murmur/fragments/timeline/sources"
	"murmur/fragments/timeline/timelinetest"
)

// feedCall is one feed query the timeline sent tweets, and tweets' answer.
type feedCall struct {
	path        string
	sentAuthors bool
	status      int
}

// feedRecorder forwards to the real tweets service, noting each query.
type feedRecorder struct {
	*httptest.Server
	mu    sync.Mutex
	calls []feedCall
}

func mustFeedRecorder(t *testing.T, target string) *feedRecorder {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	r := &feedRecorder{}
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.ModifyResponse = func(resp *http.Response) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.calls[len(r.calls)-1].status = resp.StatusCode
		return nil
	}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		var q map[string]any
		json.Unmarshal(body, &q)
		_, sent := q["authors"]
		r.mu.Lock()
		r.calls = append(r.calls, feedCall{path: req.URL.Path, sentAuthors: sent})
		r.mu.Unlock()
		proxy.ServeHTTP(w, req)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *feedRecorder) take() []feedCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.calls
	r.calls = nil
	return out
}

// TestFeedNamesItsAuthors checks that a home's author list crosses to
// tweets once: later reads send its name alone, and a name tweets does
// not know is answered by sending the list again, for both the JSON feed
// and the cards.
func TestFeedNamesItsAuthors(t *testing.T) {
	s := timelinetest.MustSources(t)
	reader, amy := s.Profile.MustUser(t, "reader", "Reader"), s.Profile.MustUser(t, "amy", "Amy")
	id := s.MustPost(t, amy, "hello")
	rec := mustFeedRecorder(t, s.Tweets.URL)
	tw := sources.NewTweets(rec.URL)
	c := timeline.Caller{ViewerID: reader.ID, Handle: "reader", Token: reader.Token, Shell: true}
	q := timeline.FeedQuery{Authors: []string{amy.ID, reader.ID}, Sort: timeline.SortRecent, Limit: 20}

	for round, want := range [][]feedCall{
		{{"/tweets/api/feed", false, 412}, {"/tweets/api/feed", true, 200}}, // unknown, then sent
		{{"/tweets/api/feed", false, 200}},                                  // known by name
	} {
		p, err := tw.Feed(t.Context(), c, q)
		if err != nil {
			t.Fatalf("round %d: feed: %v", round, err)
		}
		if ts, _, err := p.Decode(); err != nil || len(ts) != 1 || ts[0].ID != id {
			t.Fatalf("round %d: feed = %+v, %v; want amy's tweet", round, ts, err)
		}
		if got := rec.take(); !slices.Equal(got, want) {
			t.Errorf("round %d: calls %+v, want %+v", round, got, want)
		}
	}
	// The cards of the same list: tweets knows the name from the JSON feed.
	p, err := tw.FeedCards(t.Context(), c, q)
	if err != nil || p.Count != 1 || !strings.Contains(p.Cards, id) {
		t.Fatalf("cards = %+v, %v; want amy's tweet", p, err)
	}
	if got, want := rec.take(), []feedCall{{"/tweets/frag/feed", false, 200}}; !slices.Equal(got, want) {
		t.Errorf("cards: calls %+v, want %+v", got, want)
	}
	// Another list is another name: sent once.
	q.Authors = []string{reader.ID}
	if p, err := tw.FeedCards(t.Context(), c, q); err != nil || p.Count != 0 {
		t.Fatalf("reader's own cards = %+v, %v; want none", p, err)
	}
	if got, want := rec.take(), []feedCall{{"/tweets/frag/feed", false, 412}, {"/tweets/frag/feed", true, 200}}; !slices.Equal(got, want) {
		t.Errorf("a new list: calls %+v, want %+v", got, want)
	}
}
