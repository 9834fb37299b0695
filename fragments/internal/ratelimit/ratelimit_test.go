package ratelimit

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"murmur/fragments/internal/config"
	"murmur/fragments/internal/fault"
	"murmur/fragments/internal/testkit"
)

// threePerHour limits posts to three an hour.
var threePerHour = map[string]config.Limit{Post: {Count: 3, Period: time.Hour}}

// MustConnect is a limiter on the Redis at url, as a service instance
// makes it, closed when the test ends.
func MustConnect(tb testing.TB, url string, limits map[string]config.Limit, options ...Option) *Limiter {
	tb.Helper()
	l, err := Connect(url, limits, options...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { l.Close() })
	return l
}

// mustAllow fails the test unless the action is allowed.
func mustAllow(tb testing.TB, l *Limiter, name, who string) {
	tb.Helper()
	if err := l.Check(context.Background(), Post, who, 1); err != nil {
		tb.Fatalf("%s: post by %s refused: %v", name, who, err)
	}
}

// mustRefuse fails the test unless the action is refused as too many,
// saying when to try again.
func mustRefuse(tb testing.TB, l *Limiter, name, who string) *Refusal {
	tb.Helper()
	err := l.Check(context.Background(), Post, who, 1)
	var r *Refusal
	if !fault.Is(err, fault.TooMany) || !errors.As(err, &r) {
		tb.Fatalf("%s: post by %s: %v, want a TooMany refusal", name, who, err)
	}
	if r.RetryAfter() <= 0 || r.RetryAfter() > time.Hour {
		tb.Errorf("%s: retry after %s, want within the hour", name, r.RetryAfter())
	}
	return r
}

// Two limiters on one Redis are two instances of a service: what one
// allows counts for the other, and another account has its own allowance.
func TestLimitIsSharedBetweenInstances(t *testing.T) {
	rd := testkit.MustRedis(t)
	a, b := MustConnect(t, rd.URL, threePerHour), MustConnect(t, rd.URL, threePerHour)
	mustAllow(t, a, "instance a", "ada")
	mustAllow(t, b, "instance b", "ada")
	mustAllow(t, a, "instance a", "ada")
	mustRefuse(t, b, "instance b, fourth post", "ada")
	mustRefuse(t, a, "instance a, fourth post", "ada")
	mustAllow(t, b, "instance b", "bob")
	if !a.Shared() || !b.Shared() {
		t.Errorf("shared = %v, %v with Redis up, want true", a.Shared(), b.Shared())
	}
}

// With Redis stopped mid-way each instance answers on its own allowance;
// once Redis is back (and the pause after the failure is over) the
// instances share one allowance again.
func TestFallsBackPerProcessWhileRedisIsDown(t *testing.T) {
	rd := testkit.MustRedis(t)
	clk := testkit.NewClock(time.Now())
	a := MustConnect(t, rd.URL, threePerHour, WithClock(clk.Now))
	b := MustConnect(t, rd.URL, threePerHour, WithClock(clk.Now))
	mustAllow(t, a, "shared", "ada")
	mustAllow(t, b, "shared", "ada")

	rd.Stop()
	for i := range 3 {
		mustAllow(t, a, "redis down, instance a", "ada")
		mustAllow(t, b, "redis down, instance b", "ada")
		if i == 0 && (a.Shared() || b.Shared()) {
			t.Errorf("shared = %v, %v with Redis down, want false", a.Shared(), b.Shared())
		}
	}
	if r := mustRefuse(t, a, "redis down, instance a, fourth post", "ada"); r.RetryAfter() > 20*time.Minute+time.Second {
		t.Errorf("retry after %s, want at most the 20 minutes one post takes to come back", r.RetryAfter())
	}
	mustRefuse(t, b, "redis down, instance b, fourth post", "ada")
	mustAllow(t, a, "redis down, another account", "bob")

	rd.Start(t)
	// Within the pause Redis is not asked: still per process, and a is out.
	mustRefuse(t, a, "redis back, within the pause", "ada")
	clk.Advance(redisPause)
	// Redis came back empty: a fresh shared allowance of three, for both.
	mustAllow(t, a, "redis back, instance a", "ada")
	if !a.Shared() {
		t.Fatal("instance a did not go back to Redis after the pause")
	}
	mustAllow(t, b, "redis back, instance b", "ada")
	mustAllow(t, a, "redis back, instance a", "ada")
	mustRefuse(t, b, "redis back, instance b, fourth post", "ada")
	mustRefuse(t, a, "redis back, instance a, fourth post", "ada")
}

// Without Redis at all (no client) allowances are per process, refilled
// evenly over the period by the injected clock.
func TestPerProcessAllowanceRefills(t *testing.T) {
	clk := testkit.NewClock(time.Now())
	l := New(nil, threePerHour, WithClock(clk.Now))
	for range 3 {
		mustAllow(t, l, "full", "ada")
	}
	r := mustRefuse(t, l, "empty", "ada")
	if d := r.RetryAfter() - 20*time.Minute; d < -time.Second || d > time.Second {
		t.Errorf("retry after %s, want 20m: one post of three an hour", r.RetryAfter())
	}
	clk.Advance(20*time.Minute + time.Second)
	mustAllow(t, l, "one refilled", "ada")
	mustRefuse(t, l, "empty again", "ada")

	clk.Advance(2 * time.Hour)
	mustAllow(t, l, "a full allowance later", "bob")
	if n := l.local.len(); n != 1 {
		t.Errorf("%d allowances kept, want only bob's: ada's was full again and is forgotten", n)
	}
}

// An upload of several images counts each; a refused one counts none.
func TestCountsSeveral(t *testing.T) {
	rd := testkit.MustRedis(t)
	l := MustConnect(t, rd.URL, map[string]config.Limit{Upload: {Count: 5, Period: time.Hour}})
	ctx := context.Background()
	if err := l.Check(ctx, Upload, "ada", 4); err != nil {
		t.Fatalf("four of five: %v", err)
	}
	if err := l.Check(ctx, Upload, "ada", 2); !fault.Is(err, fault.TooMany) {
		t.Fatalf("two more of the one left: %v, want refused", err)
	}
	if err := l.Check(ctx, Upload, "ada", 1); err != nil {
		t.Errorf("the one left, after a refusal: %v, want allowed", err)
	}
}

func TestRefusalMessage(t *testing.T) {
	for _, tt := range []struct {
		action string
		limit  config.Limit
		want   string
	}{
		{Post, config.Limit{Count: 1, Period: 3 * time.Hour}, "You have posted a lot in a short time. Try again in 3 hours."},
		{SignIn, config.Limit{Count: 1, Period: 5 * time.Minute}, "Too many sign-in attempts from your address. Try again in 5 minutes."},
		{Like, config.Limit{Count: 1, Period: 90 * time.Second}, "You have liked a lot in a short time. Try again in 2 minutes."},
		{Follow, config.Limit{Count: 2, Period: time.Minute}, "You have followed a lot of people in a short time. Try again in 30 seconds."},
		{Boost, config.Limit{Count: 1, Period: time.Minute}, "You have boosted a lot in a short time. Try again in a minute."},
		{"reblog", config.Limit{Count: 1, Period: time.Minute}, "You have done that a lot in a short time. Try again in a minute."},
	} {
		t.Run(tt.action, func(t *testing.T) {
			l := New(nil, map[string]config.Limit{tt.action: tt.limit}, WithClock(func() time.Time { return time.Unix(1e9, 0) }))
			ctx := context.Background()
			for range tt.limit.Count {
				if err := l.Check(ctx, tt.action, "x", 1); err != nil {
					t.Fatal(err)
				}
			}
			err := l.Check(ctx, tt.action, "x", 1)
			if got := fault.Message(err); got != tt.want {
				t.Errorf("message %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNotLimited(t *testing.T) {
	ctx := context.Background()
	var none *Limiter
	off := New(nil, map[string]config.Limit{Post: {}})
	for name, l := range map[string]*Limiter{"nil limiter": none, "limit off": off, "no limit for the action": New(nil, threePerHour)} {
		action := Post
		if name == "no limit for the action" {
			action = Like
		}
		for i := range 10 {
			if err := l.Check(ctx, action, "ada", 1); err != nil {
				t.Fatalf("%s: attempt %d refused: %v", name, i+1, err)
			}
		}
	}
}

// Every action a service checks has a default limit and its own words.
func TestEveryActionIsConfigured(t *testing.T) {
	for _, action := range []string{SignIn, SignUp, Post, Like, Follow, Upload} {
		if l, ok := config.DefaultLimits[action]; !ok || l.Off() {
			t.Errorf("%s has no default limit in config.DefaultLimits", action)
		}
		if !strings.HasSuffix(messages[action], ".") {
			t.Errorf("%s has no message of its own", action)
		}
	}
}

func TestAddress(t *testing.T) {
	for ip, want := range map[string]string{
		"203.0.113.7":          "203.0.113.7",
		"::ffff:203.0.113.7":   "203.0.113.7",
		"2001:db8:1:2:3:4:5:6": "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1": "2001:db8:1:2::/64",
		"2001:db8:1:3::1":      "2001:db8:1:3::/64",
		"not an address":       "not an address",
	} {
		if got := Address(ip); got != want {
			t.Errorf("Address(%q) = %q, want %q", ip, got, want)
		}
	}
}
