package server_test

import (
	"net/http"
	"strings"
	"testing"
)

// The metrics count feed pages answered from the memo and read afresh.
func TestMetricsCountFeedMemoLookups(t *testing.T) {
	s := mustStack(t)
	ada := s.mustUser(t, "ada", "Ada")
	s.mustPost(t, ada, "hello")
	for range 3 {
		if r := s.do(t, "POST", "/tweets/api/feed", ada.Token, map[string]any{"authors": []string{ada.ID}}); r.Status != http.StatusOK {
			t.Fatalf("feed: %d %s", r.Status, r)
		}
	}
	r := s.do(t, "GET", "/tweets/metrics", "", nil)
	for _, want := range []string{
		`murmur_tweets_feed_memo_lookups_total{result="hit"} 2`,
		`murmur_tweets_feed_memo_lookups_total{result="miss"} 1`,
	} {
		if !strings.Contains(r.String(), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}
