package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
)

// Signing out everywhere, with tokens that stay stateless.
//
// profile keeps a token version per user, a number that only grows: it
// moves on when the user changes their password or signs out everywhere,
// and every token carries the version it was signed at (the "ver" claim).
// A token whose version is below its user's current one is refused.
//
// Versions is how a service other than profile knows a user's current
// version without asking profile on every request. It remembers the
// versions it learned, in memory:
//
//   - from profile's sessions.revoked facts, read from their Redis stream
//     by every instance (Learn): a revocation reaches every service within
//     the time Redis takes to hand it on, and open sockets are told at
//     once (Watch);
//   - from profile itself (GET /profile/api/token-versions/{user_id}) for
//     a user it knows nothing of, or whose entry is older than MaxAge.
//
// So a request pays a map lookup; profile is asked once per active user
// and MaxAge. What is learned never goes down: a lookup answered before a
// revocation that lands after it cannot undo it.
//
// When the stream cannot be read (Redis down), facts may go by unseen:
// every entry is then trusted only OfflineAge before profile is asked
// again, and once reading resumes everything learned before is checked
// again with profile. If a fact is lost altogether (profile could not
// append it even after retrying, Redis lost it), a service goes on
// accepting the old tokens of that user until its entry is MaxAge old,
// and a socket until its next check (every ping). When profile cannot
// be asked, the last version learned stands (none: the token's own);
// the service keeps working, and asks again after RetryAfter. A request
// waits at most Wait for profile's answer, then goes on the same way.
type Versions struct {
	lookup func(ctx context.Context, userID string) (int64, error)
	now    func() time.Time
	// MaxAge, OfflineAge and RetryAfter: see the type's comment.
	MaxAge, OfflineAge, RetryAfter time.Duration
	// Size bounds how many users are remembered; past it, some are
	// forgotten (and asked for again when they come back).
	Size int
	// Wait is how long a request waits for profile's answer before it
	// goes on with the version known so far.
	Wait time.Duration

	mu    sync.RWMutex
	users map[string]version
	live  atomic.Bool
	calls singleflight.Group

	watchMu  sync.Mutex
	watchers map[string]map[*watch]struct{}
}

// version is what a service knows of one user's token version.
type version struct {
	// at least this; tokens below it are refused.
	floor int64
	// until is when the entry must be checked with profile again.
	until time.Time
}

// watch is one open socket's token, waiting to hear it was revoked.
type watch struct {
	version int64
	revoked chan struct{}
	once    sync.Once
}

// Defaults of Versions.
const (
	DefaultMaxAge     = time.Minute
	DefaultOfflineAge = 5 * time.Second
	DefaultRetryAfter = 2 * time.Second
	DefaultSize       = 200_000
	DefaultWait       = 300 * time.Millisecond
)

var errSlowLookup = errors.New("profile is slow to tell a token version")

// NewVersions returns versions learned from events and, for users it does
// not know, from lookup (ProfileVersions asks profile over HTTP). It
// starts as if the event stream were not read yet (SetLive).
func NewVersions(lookup func(ctx context.Context, userID string) (int64, error)) *Versions {
	return &Versions{
		lookup: lookup, now: time.Now,
		MaxAge: DefaultMaxAge, OfflineAge: DefaultOfflineAge, RetryAfter: DefaultRetryAfter, Size: DefaultSize, Wait: DefaultWait,
		users: map[string]version{}, watchers: map[string]map[*watch]struct{}{},
	}
}

// Allows reports whether v's token is at its user's current version or
// later. It answers from memory when it can, else asks profile.
func (vs *Versions) Allows(ctx context.Context, v Viewer) bool {
	vs.mu.RLock()
	e, ok := vs.users[v.ID]
	vs.mu.RUnlock()
	if ok && vs.now().Before(e.until) {
		return v.Version >= e.floor
	}
	// When profile cannot say, the floor known so far stands.
	floor, _ := vs.ask(ctx, v.ID)
	return v.Version >= floor
}

// ask asks profile for a user's version (one call at a time per user),
// learns it and answers the floor. On failure it answers what it knew and
// waits RetryAfter before asking again; a request waits at most Wait, and
// a lookup it stopped waiting for still teaches the answer when it comes.
func (vs *Versions) ask(ctx context.Context, userID string) (int64, error) {
	// The lookup is shared by the requests waiting on it: one's cancel
	// must not fail the others.
	ch := vs.calls.DoChan(userID, func() (any, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
		defer cancel()
		v, err := vs.lookup(ctx, userID)
		if err != nil {
			vs.mu.Lock()
			e := vs.users[userID]
			e.until = vs.now().Add(vs.RetryAfter)
			vs.put(userID, e)
			vs.mu.Unlock()
			return e.floor, err
		}
		return vs.learn(userID, v, vs.ttl()), nil
	})
	select {
	case res := <-ch:
		return res.Val.(int64), res.Err
	case <-ctx.Done():
		return vs.floor(userID), ctx.Err()
	case <-time.After(vs.Wait):
		// profile is slow: the request goes on with what is known.
		return vs.floor(userID), errSlowLookup
	}
}

// floor is the version known for a user (0 when none).
func (vs *Versions) floor(userID string) int64 {
	vs.mu.RLock()
	defer vs.mu.RUnlock()
	return vs.users[userID].floor
}

// ttl is how long what profile just said is trusted.
func (vs *Versions) ttl() time.Duration {
	if vs.live.Load() {
		return vs.MaxAge
	}
	return vs.OfflineAge
}

// Learn records that a user's version is at least version (a revocation
// fact from profile), and closes the sockets of older tokens.
func (vs *Versions) Learn(userID string, version int64) {
	vs.learn(userID, version, vs.ttl())
}

// learn raises a user's floor to version (never lowers it), trusts it for
// ttl, tells the watchers it revokes, and returns the floor.
func (vs *Versions) learn(userID string, v int64, ttl time.Duration) int64 {
	vs.mu.Lock()
	e := vs.users[userID]
	e.floor = max(e.floor, v)
	e.until = vs.now().Add(ttl)
	vs.put(userID, e)
	floor := e.floor
	vs.mu.Unlock()

	vs.watchMu.Lock()
	for w := range vs.watchers[userID] {
		if w.version < floor {
			w.once.Do(func() { close(w.revoked) })
		}
	}
	vs.watchMu.Unlock()
	return floor
}

// put stores an entry (vs.mu held), forgetting others when full: a
// forgotten user is asked for again, which is always right.
func (vs *Versions) put(userID string, e version) {
	if _, ok := vs.users[userID]; !ok && len(vs.users) >= vs.Size {
		n := len(vs.users) / 4
		for id := range vs.users {
			if n--; n < 0 {
				break
			}
			delete(vs.users, id)
		}
	}
	vs.users[userID] = e
}

// SetLive tells whether revocation facts are being read. Any change
// makes every entry due to be checked again: facts may have gone by
// while they were not read, and while they are not, what profile says
// is trusted only OfflineAge.
func (vs *Versions) SetLive(live bool) {
	if vs.live.Swap(live) == live {
		return
	}
	vs.mu.Lock()
	for id, e := range vs.users {
		e.until = time.Time{}
		vs.users[id] = e
	}
	vs.mu.Unlock()
}

// Live reports whether revocation facts are being read.
func (vs *Versions) Live() bool { return vs.live.Load() }

// Watch returns a channel closed as soon as v's token is known revoked
// (by a fact or a lookup), and the function that stops watching.
func (vs *Versions) Watch(v Viewer) (<-chan struct{}, func()) {
	w := &watch{version: v.Version, revoked: make(chan struct{})}
	vs.watchMu.Lock()
	if vs.watchers[v.ID] == nil {
		vs.watchers[v.ID] = map[*watch]struct{}{}
	}
	vs.watchers[v.ID][w] = struct{}{}
	vs.watchMu.Unlock()
	if vs.floor(v.ID) > v.Version {
		w.once.Do(func() { close(w.revoked) })
	}
	return w.revoked, func() {
		vs.watchMu.Lock()
		defer vs.watchMu.Unlock()
		delete(vs.watchers[v.ID], w)
		if len(vs.watchers[v.ID]) == 0 {
			delete(vs.watchers, v.ID)
		}
	}
}

// TokenVersion is profile's answer to GET /profile/api/token-versions/{user_id}.
type TokenVersion struct {
	UserID  string `json:"user_id" example:"42"`
	Version int64  `json:"token_version" doc:"Tokens whose ver claim is below this are signed out."`
}

// TokenVersionPath is where profile answers a user's token version.
func TokenVersionPath(userID string) string {
	return "/profile/api/token-versions/" + url.PathEscape(userID)
}

// ProfileVersions is a lookup for NewVersions that asks the profile service
// at profileURL. A user profile does not know has version 0.
func ProfileVersions(profileURL string, client *http.Client) func(ctx context.Context, userID string) (int64, error) {
	base := strings.TrimRight(profileURL, "/")
	return func(ctx context.Context, userID string) (int64, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+TokenVersionPath(userID), nil)
		if err != nil {
			return 0, err
		}
		req.Header.Set("Accept", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return 0, fmt.Errorf("ask profile for a token version: %w", err)
		}
		defer resp.Body.Close()
		switch resp.StatusCode {
		case http.StatusOK:
		case http.StatusNotFound:
			return 0, nil
		default:
			return 0, fmt.Errorf("ask profile for a token version: %s", resp.Status)
		}
		var tv TokenVersion
		if err := json.NewDecoder(resp.Body).Decode(&tv); err != nil {
			return 0, fmt.Errorf("ask profile for a token version: %w", err)
		}
		if tv.UserID != userID {
			return 0, errors.New("ask profile for a token version: answer for another user")
		}
		return tv.Version, nil
	}
}
