package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"murmur/fragments/tweets"
)

// registerFeedMemoMetrics counts, for Prometheus, the feed pages answered
// from the memo and those read from the database.
func registerFeedMemoMetrics(reg prometheus.Registerer, svc *tweets.Service) {
	for result, count := range map[string]func(tweets.FeedMemoStats) uint64{
		"hit":  func(s tweets.FeedMemoStats) uint64 { return s.Hits },
		"miss": func(s tweets.FeedMemoStats) uint64 { return s.Misses },
	} {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "murmur_tweets_feed_memo_lookups_total",
			Help: "Feed pages looked up in the memo, by result: hit (its ids answered from the memo) " +
				"or miss (none remembered, or stale: read from the database).",
			ConstLabels: prometheus.Labels{"result": result},
		}, func() float64 { return float64(count(svc.FeedMemoStats())) }))
	}
}
