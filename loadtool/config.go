// Package loadtool measures murmur from outside, against the machine's own
// limits: it seeds a running murmur through the services' own store code,
// drives every main scenario closed-loop (throughput at a fixed number of
// connections) and open-loop (latency at a fixed offered rate, counted from
// each request's scheduled time so a stall is never hidden), measures live
// delivery to many websockets, and measures what nginx alone can do on the
// same machine in the same run. Everything it talks to listens on loopback;
// every phase is bounded in time and in count.
package loadtool

import "time"

// Config sizes a run.
type Config struct {
	// Users, Tweets and Likes are how much the seed creates.
	Users, Tweets, Likes int
	// HeavyFollows, LightFollows and HugeFollows are how many accounts the
	// heavy, the light and the huge reader follow.
	HeavyFollows, LightFollows, HugeFollows int
	// Celebrities is how many accounts get thousands of followers (a
	// tenth to a half of everyone).
	Celebrities int
	// Warmup runs before each scenario's measured phases, unrecorded;
	// Duration is the length of each measured phase.
	Warmup, Duration time.Duration
	// Connections is the closed-loop concurrency.
	Connections int
	// RateScale multiplies every scenario's offered open-loop rate (1 = the
	// rates of the standard scenario).
	RateScale float64
	// MaxRequests bounds the requests of one phase.
	MaxRequests int
	// Sockets is how many websocket clients follow the live author;
	// LivePosts how many tweets the author posts to them.
	Sockets, LivePosts int
	// ProfileDir, when set, receives a CPU profile of every service during
	// each scenario's closed-loop phase.
	ProfileDir string
	// Only, when set, runs only the scenarios whose names it lists.
	Only []string
	// Seed makes the generated data repeatable.
	Seed uint64
	// Progress receives one line at a time about what the tool is doing.
	Progress func(format string, args ...any)
}

// Standard is the standard scenario `make bench` runs.
func Standard() Config {
	return Config{
		Users: 10_000, Tweets: 1_000_000, Likes: 1_000_000,
		HeavyFollows: 1_000, LightFollows: 10, HugeFollows: 5_000, Celebrities: 8,
		Warmup: 2 * time.Second, Duration: 8 * time.Second,
		Connections: 16, RateScale: 1, MaxRequests: 1_000_000,
		Sockets: 10_000, LivePosts: 3, Seed: 1,
	}
}

// Tiny is a run of a few seconds that exercises every part of the tool.
func Tiny() Config {
	return Config{
		Users: 60, Tweets: 3_000, Likes: 2_000,
		HeavyFollows: 40, LightFollows: 5, HugeFollows: 50, Celebrities: 2,
		Warmup: 100 * time.Millisecond, Duration: 400 * time.Millisecond,
		Connections: 4, RateScale: 0.1, MaxRequests: 10_000,
		Sockets: 20, LivePosts: 2, Seed: 1,
	}
}

func (c Config) progress(format string, args ...any) {
	if c.Progress != nil {
		c.Progress(format, args...)
	}
}
