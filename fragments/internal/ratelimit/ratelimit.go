// Package ratelimit limits how often one account or one client address may
// do an action — sign in, sign up, post, like, follow, upload — across every
// instance of a service. The allowance of each (action, account or address)
// lives in Redis as GCRA state (github.com/go-redis/redis_rate), so two
// profile processes behind nginx count the same sign-in attempts, and a
// limit holds however requests are spread.
//
// Correctness never depends on Redis: while Redis cannot be reached each
// process keeps its own allowances (golang.org/x/time/rate, the same
// algorithm), so requests are still answered, each process allowing up to
// the limit on its own. After a failure Redis is left alone for a moment
// (so an outage does not cost every request a timeout), then asked again;
// once it answers, the shared allowances are used again.
//
// The limits themselves are configuration (config.DefaultLimits,
// MURMUR_LIMIT_<ACTION>). A refusal is a fault.TooMany error with a
// message for people that says when to try again, wrapping a *Refusal
// whose RetryAfter the HTTP layer turns into a Retry-After header.
package ratelimit

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net"
	"sync/atomic"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"murmur/fragments/internal/config"
	"murmur/fragments/internal/fault"
)

// The limited actions, by the names their limits have in
// config.DefaultLimits.
const (
	// SignIn is a sign-in attempt, counted per client address.
	SignIn = "sign-in"
	// SignUp is a sign-up attempt, counted per client address.
	SignUp = "sign-up"
	// Post is posting a tweet, counted per account.
	Post = "post"
	// Like is liking a tweet (not taking a like back), counted per account.
	Like = "like"
	// Boost is boosting a tweet (not taking a boost back), counted per account.
	Boost = "boost"
	// Follow is following someone (not unfollowing), counted per account.
	Follow = "follow"
	// Upload is uploading an image, counted per account and image.
	Upload = "upload"
)

// messages say what was refused, in a person's words; an action without
// one gets a general sentence.
var messages = map[string]string{
	SignIn: "Too many sign-in attempts from your address.",
	SignUp: "Too many sign-ups from your address.",
	Post:   "You have posted a lot in a short time.",
	Like:   "You have liked a lot in a short time.",
	Boost:  "You have boosted a lot in a short time.",
	Follow: "You have followed a lot of people in a short time.",
	Upload: "You have uploaded a lot of images in a short time.",
}

const (
	// redisTimeout bounds what asking Redis adds to a request.
	redisTimeout = 250 * time.Millisecond
	// redisPause is how long Redis is left alone after it failed to answer:
	// meanwhile decisions are made in the process at no cost.
	redisPause = 2 * time.Second
)

// Refusal is the cause of a refused action: its limit is reached, and it
// may be done again after RetryAfter.
type Refusal struct {
	Action string
	After  time.Duration
}

// Error names the action and the wait.
func (r *Refusal) Error() string {
	return fmt.Sprintf("%s limit reached, retry after %s", r.Action, r.After.Round(time.Second))
}

// RetryAfter is how long to wait before trying again.
func (r *Refusal) RetryAfter() time.Duration { return r.After }

// Limiter decides whether an account or address may do an action now.
// A nil *Limiter limits nothing.
type Limiter struct {
	limits map[string]config.Limit
	shared *redis_rate.Limiter
	client *redis.Client
	// ownClient is set when the limiter made its client and closes it.
	ownClient bool
	local     *buckets
	now       func() time.Time
	logger    *slog.Logger

	// pausedUntil is when Redis may be asked again after a failure (Unix
	// nanoseconds of now; zero when it answered last).
	pausedUntil atomic.Int64
	// alone is whether decisions are made in this process only.
	alone atomic.Bool

	refusals      *prometheus.CounterVec
	redisFailures prometheus.Counter
	aloneGauge    prometheus.Gauge
}

// Option changes how a Limiter is set up.
type Option func(*Limiter)

// WithClock makes the limiter read the time from now instead of the
// system clock (tests move it on). Redis keeps its own time.
func WithClock(now func() time.Time) Option { return func(l *Limiter) { l.now = now } }

// WithLogger logs when decisions move between Redis and the process.
func WithLogger(logger *slog.Logger) Option { return func(l *Limiter) { l.logger = logger } }

// WithMetrics registers the limiter's counters: refusals by action, Redis
// failures, and whether limits are kept per process right now.
func WithMetrics(reg prometheus.Registerer) Option {
	return func(l *Limiter) {
		reg.MustRegister(l.refusals, l.redisFailures, l.aloneGauge)
	}
}

// New returns a limiter applying limits (by action), shared through the
// Redis of client; a nil client keeps every allowance in this process.
// An action without a limit, or with one that is off, is never refused.
func New(client *redis.Client, limits map[string]config.Limit, options ...Option) *Limiter {
	l := &Limiter{
		limits: limits,
		client: client,
		local:  newBuckets(),
		now:    time.Now,
		logger: slog.New(slog.DiscardHandler),
		refusals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "murmur_rate_limit_refusals_total", Help: "Requests refused because their action's limit was reached.",
		}, []string{"action"}),
		redisFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "murmur_rate_limit_redis_failures_total", Help: "Rate limit decisions Redis did not answer, made in the process instead.",
		}),
		aloneGauge: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "murmur_rate_limit_per_process", Help: "1 while rate limits are kept in this process because Redis cannot be reached.",
		}),
	}
	if client != nil {
		l.shared = redis_rate.NewLimiter(client)
	}
	for _, o := range options {
		o(l)
	}
	return l
}

// Connect returns a limiter sharing its allowances through the Redis at url
// (redis://host:port/db), on a connection pool of its own whose short
// timeouts bound what a slow Redis adds to a request. It does not wait for
// Redis to be reachable.
func Connect(url string, limits map[string]config.Limit, options ...Option) (*Limiter, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, err
	}
	opts.DialTimeout = redisTimeout
	opts.ReadTimeout = redisTimeout
	opts.WriteTimeout = redisTimeout
	opts.PoolTimeout = redisTimeout
	// One retry, on a fresh connection: after a Redis restart every pooled
	// connection is dead, and that should not count as Redis being down.
	opts.MaxRetries = 1
	l := New(redis.NewClient(opts), limits, options...)
	l.ownClient = true
	return l, nil
}

// Close closes the connection pool Connect opened.
func (l *Limiter) Close() error {
	if l == nil || !l.ownClient {
		return nil
	}
	return l.client.Close()
}

// Check counts n of an action (n images in one upload; 1 otherwise) by
// who — an account id, or Address of a client — and returns nil when the
// action is allowed, or a fault.TooMany error wrapping a *Refusal when
// its limit is reached. A refused action is not counted.
func (l *Limiter) Check(ctx context.Context, action, who string, n int) error {
	if l == nil {
		return nil
	}
	limit, ok := l.limits[action]
	if !ok || limit.Off() {
		return nil
	}
	// More at once than the limit allows in a burst would never pass: it
	// passes when the whole allowance is there.
	n = max(1, min(n, limit.Count))
	wait, allowed := l.allow(ctx, action+":"+who, limit, n)
	if allowed {
		return nil
	}
	l.refusals.WithLabelValues(action).Inc()
	message, ok := messages[action]
	if !ok {
		message = "You have done that a lot in a short time."
	}
	return fault.Wrap(fault.TooMany, &Refusal{Action: action, After: wait}, "%s Try again %s.", message, in(wait))
}

// allow decides with Redis when it answers, else in the process; the
// duration is how long until n more are allowed, when they are not now.
func (l *Limiter) allow(ctx context.Context, key string, limit config.Limit, n int) (time.Duration, bool) {
	now := l.now()
	if l.shared != nil && now.UnixNano() >= l.pausedUntil.Load() {
		// A request whose client went away still counts, and its
		// cancellation must not look like a Redis failure.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), redisTimeout)
		res, err := l.shared.AllowN(ctx, key, redis_rate.Limit{Rate: limit.Count, Burst: limit.Count, Period: limit.Period}, n)
		cancel()
		if err == nil {
			l.redisAnswered()
			return max(0, res.RetryAfter), res.Allowed > 0
		}
		l.redisFailed(ctx, now, err)
	}
	return l.local.allow(key, limit, n, now)
}

func (l *Limiter) redisAnswered() {
	l.pausedUntil.Store(0)
	if l.alone.CompareAndSwap(true, false) {
		l.aloneGauge.Set(0)
		l.logger.Info("rate limits are shared through Redis again")
	}
}

func (l *Limiter) redisFailed(ctx context.Context, now time.Time, err error) {
	l.redisFailures.Inc()
	l.pausedUntil.Store(now.Add(redisPause).UnixNano())
	if l.alone.CompareAndSwap(false, true) {
		l.aloneGauge.Set(1)
		l.logger.WarnContext(ctx, "rate limits are kept per process until Redis answers", "err", err)
	}
}

// Shared reports whether the last decision was made with Redis (or none
// was made yet): false while limits are kept per process.
func (l *Limiter) Shared() bool { return l.shared != nil && !l.alone.Load() }

// Address is the client address a limit counts: an IPv4 address as it is,
// an IPv6 address by its /64, the smallest block one subscriber is usually
// given (anyone holds a whole /64 and could walk through it).
func Address(ip string) string {
	a := net.ParseIP(ip)
	switch {
	case a == nil:
		return ip
	case a.To4() != nil:
		return a.To4().String()
	}
	return a.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// in says when a wait ends, as a person would: "in 40 seconds", "in 12
// minutes", "in 3 hours"; rounded up, as Retry-After is (after dropping
// what is left of a millisecond: the arithmetic's noise, not a wait).
func in(d time.Duration) string {
	switch s := max(1, int(math.Ceil(d.Round(time.Millisecond).Seconds()))); {
	case s == 1:
		return "in a second"
	case s < 60:
		return fmt.Sprintf("in %d seconds", s)
	case s <= 60:
		return "in a minute"
	case s < 90*60:
		return fmt.Sprintf("in %d minutes", int(math.Ceil(float64(s)/60)))
	default:
		return fmt.Sprintf("in %d hours", int(math.Ceil(float64(s)/3600)))
	}
}
