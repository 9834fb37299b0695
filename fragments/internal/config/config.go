// Package config reads a service's settings from the environment, with
// defaults that run the whole product on one machine.
package config

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"murmur/services"
)

// Service is the configuration every murmur service shares.
type Service struct {
	// Name is the service's name and URL prefix: profile, tweets, follow, timeline.
	Name string
	// Listen is the address the HTTP server binds.
	Listen string
	// DataDir is where the service keeps its SQLite file and keys.
	DataDir string
	// RedisURL locates the event bus.
	RedisURL string
	// ProfileURL, TweetsURL, FollowURL and TimelineURL are the base URLs the
	// services use to reach each other directly (not through nginx).
	ProfileURL, TweetsURL, FollowURL, TimelineURL string
	// JWTPrivateKey is the PEM file profile signs sessions with; generated when missing.
	JWTPrivateKey string
	// JWTPublicKey is a PEM file the other services verify sessions with;
	// when empty they fetch profile's JWKS.
	JWTPublicKey string
	// LogLevel is debug, info, warn or error.
	LogLevel string
	// SessionTTL is how long a sign-in lasts.
	SessionTTL time.Duration
	// SecureCookies marks the session cookie Secure on every answer. Without
	// it the cookie is Secure when the browser came over HTTPS, as nginx
	// tells the services (README, "Security").
	SecureCookies bool
	// TrustedProxies are the shell's nginx addresses, whose X-Real-IP is believed.
	TrustedProxies []string
	// DebugListen is a loopback address serving net/http/pprof profiles;
	// empty (the default) serves none.
	DebugListen string
	// Limits are how often each limited action may be done (see
	// DefaultLimits), changed by MURMUR_LIMIT_<ACTION>.
	Limits map[string]Limit
}

// Limit is how often one account or one client address may do an action:
// Count times at once, refilled evenly over Period (Count per Period in
// the long run). A zero Count is no limit.
type Limit struct {
	Count  int
	Period time.Duration
}

// Off reports whether the limit lets everything through.
func (l Limit) Off() bool { return l.Count <= 0 }

// DefaultLimits are the actions limited against abuse and how often each
// may be done by default, after Mastodon's published limits where it has
// one (README, "Security"). Limiting a new action is one line here, with
// the name the service passes to its rate limiter; MURMUR_LIMIT_ and the
// name in capitals, dashes as underscores (MURMUR_LIMIT_SIGN_IN=25/5m),
// changes it, and "off" lifts it.
var DefaultLimits = map[string]Limit{
	"sign-in": {25, 5 * time.Minute},  // per client address
	"sign-up": {5, 30 * time.Minute},  // per client address
	"post":    {300, 3 * time.Hour},   // per account
	"like":    {1000, 24 * time.Hour}, // per account; taking a like back is never limited
	"follow":  {400, 24 * time.Hour},  // per account; unfollowing is never limited
	"upload":  {30, 30 * time.Minute}, // per account, per image
}

// DefaultPorts are the ports of the services on a developer machine, as
// the list of services (services.json) gives them.
var DefaultPorts = func() map[string]int {
	ports := map[string]int{}
	for _, s := range services.All() {
		ports[s.Name] = s.Port
	}
	return ports
}()

// Load reads the configuration of the named service from the environment.
func Load(name string) (Service, error) {
	c := Service{
		Name:          name,
		Listen:        String("MURMUR_LISTEN", fmt.Sprintf("127.0.0.1:%d", DefaultPorts[name])),
		DataDir:       String("MURMUR_DATA_DIR", "data"),
		RedisURL:      String("MURMUR_REDIS_URL", "redis://127.0.0.1:6379/0"),
		ProfileURL:    String("MURMUR_PROFILE_URL", "http://127.0.0.1:4041"),
		TweetsURL:     String("MURMUR_TWEETS_URL", "http://127.0.0.1:4042"),
		FollowURL:     String("MURMUR_FOLLOW_URL", "http://127.0.0.1:4043"),
		TimelineURL:   String("MURMUR_TIMELINE_URL", "http://127.0.0.1:4044"),
		JWTPrivateKey: String("MURMUR_JWT_PRIVATE_KEY", ""),
		JWTPublicKey:  String("MURMUR_JWT_PUBLIC_KEY", ""),
		LogLevel:      String("MURMUR_LOG_LEVEL", "info"),
	}
	var err error
	if c.SessionTTL, err = Duration("MURMUR_SESSION_TTL", 7*24*time.Hour); err != nil {
		return c, err
	}
	if c.SecureCookies, err = Bool("MURMUR_SECURE_COOKIES", false); err != nil {
		return c, err
	}
	c.TrustedProxies = strings.Split(String("MURMUR_TRUSTED_PROXIES", "127.0.0.1,::1"), ",")
	if c.DebugListen, err = loopbackAddr("MURMUR_DEBUG_LISTEN"); err != nil {
		return c, err
	}
	if c.Limits, err = Limits(DefaultLimits); err != nil {
		return c, err
	}
	if c.JWTPrivateKey == "" {
		c.JWTPrivateKey = filepath.Join(c.DataDir, "jwt-ed25519.pem")
	}
	return c, nil
}

// LimitVariable is the environment variable that sets an action's limit.
func LimitVariable(action string) string {
	return "MURMUR_LIMIT_" + strings.ToUpper(strings.ReplaceAll(action, "-", "_"))
}

// Limits reads the limit of every action in defaults from its variable
// (LimitVariable): a count and a period, "300/3h", or "off".
func Limits(defaults map[string]Limit) (map[string]Limit, error) {
	out := make(map[string]Limit, len(defaults))
	for action, def := range defaults {
		key := LimitVariable(action)
		v := os.Getenv(key)
		if v == "" {
			out[action] = def
			continue
		}
		l, err := ParseLimit(v)
		if err != nil {
			return nil, fmt.Errorf("%s=%q: %w", key, v, err)
		}
		out[action] = l
	}
	return out, nil
}

// ParseLimit reads a limit written as a count and a Go duration, "300/3h"
// or "25/5m", or "off" for none.
func ParseLimit(v string) (Limit, error) {
	if v == "off" {
		return Limit{}, nil
	}
	count, period, ok := strings.Cut(v, "/")
	n, err := strconv.Atoi(count)
	if !ok || err != nil || n <= 0 {
		return Limit{}, fmt.Errorf("not a limit like 300/3h (a positive count, a slash, a duration) or off")
	}
	d, err := time.ParseDuration(period)
	if err != nil || d <= 0 {
		return Limit{}, fmt.Errorf("%q is not a positive duration like 5m or 3h", period)
	}
	return Limit{Count: n, Period: d}, nil
}

// DatabasePath is where the service's SQLite file lives.
func (c Service) DatabasePath() string { return filepath.Join(c.DataDir, c.Name+".db") }

// loopbackAddr reads a host:port that must be on this machine's loopback
// interface: profiles show a service's insides and are never for the network.
func loopbackAddr(key string) (string, error) {
	v := os.Getenv(key)
	if v == "" {
		return "", nil
	}
	host, _, err := net.SplitHostPort(v)
	if err != nil {
		return "", fmt.Errorf("%s=%q: not a host:port", key, v)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return "", fmt.Errorf("%s=%q: only a loopback address (127.0.0.1, ::1, localhost) is allowed", key, v)
	}
	return v, nil
}

// String returns the variable's value, or def when it is unset or empty.
func String(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// Int returns the variable as an integer, or def when unset.
func Int(key string, def int) (int, error) {
	v := os.Getenv(key)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return def, fmt.Errorf("%s=%q: not a whole number", key, v)
	}
	return n, nil
}

// Duration returns the variable as a Go duration ("90s", "24h"), or def when unset.
func Duration(key string, def time.Duration) (time.Duration, error) {
	v := os.Getenv(key)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return def, fmt.Errorf("%s=%q: not a positive duration like 30s or 24h", key, v)
	}
	return d, nil
}

// Bool returns the variable as a boolean, or def when unset.
func Bool(key string, def bool) (bool, error) {
	v := os.Getenv(key)
	if v == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return def, fmt.Errorf("%s=%q: not true or false", key, v)
	}
	return b, nil
}
