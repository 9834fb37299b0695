package ratelimit

import (
	"context"
	"strconv"
	"testing"
	"time"

	"murmur/fragments/internal/config"
	"murmur/fragments/internal/testkit"
)

// BenchmarkCheck is what a limited request pays for its check: one round
// trip to Redis (a script run), or a map lookup while Redis is down.
func BenchmarkCheck(b *testing.B) {
	generous := map[string]config.Limit{Post: {Count: 1 << 30, Period: time.Minute}}
	rd := testkit.MustRedis(b)
	for name, l := range map[string]*Limiter{
		"shared":      MustConnect(b, rd.URL, generous),
		"per-process": New(nil, generous),
	} {
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			i := 0
			for b.Loop() {
				if err := l.Check(ctx, Post, strconv.Itoa(i%64), 1); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
