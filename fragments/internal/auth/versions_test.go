package auth

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// profileStub stands for profile's store of token versions: what it
// answers, whether it answers, and how often it was asked.
type profileStub struct {
	mu       sync.Mutex
	versions map[string]int64
	down     bool
	asked    int
}

func (p *profileStub) lookup(_ context.Context, id string) (int64, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.asked++
	if p.down {
		return 0, errors.New("profile is down")
	}
	return p.versions[id], nil
}

func (p *profileStub) set(id string, v int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.versions[id] = v
}

func (p *profileStub) calls() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.asked
}

// newTestVersions returns versions over a stub profile with a clock the
// test moves by hand.
func newTestVersions(live bool) (*Versions, *profileStub, *time.Time) {
	p := &profileStub{versions: map[string]int64{}}
	vs := NewVersions(p.lookup)
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	vs.now = func() time.Time { return now }
	vs.SetLive(live)
	return vs, p, &now
}

func TestVersionsRefuseOlderTokens(t *testing.T) {
	ctx := context.Background()
	vs, p, _ := newTestVersions(true)
	old, renewed := Viewer{ID: "7", Version: 0}, Viewer{ID: "7", Version: 1}
	if !vs.Allows(ctx, old) {
		t.Fatal("a token at the user's version was refused")
	}
	p.set("7", 1)
	vs.Learn("7", 1)
	if vs.Allows(ctx, old) {
		t.Error("a token older than the version learned from a fact was allowed")
	}
	if !vs.Allows(ctx, renewed) {
		t.Error("the token at the new version was refused")
	}
	if vs.Allows(ctx, Viewer{ID: "7", Version: 0}) || !vs.Allows(ctx, Viewer{ID: "8", Version: 0}) {
		t.Error("a revocation of one user reached another, or did not hold")
	}
	// An answer from before the revocation, arriving after it, cannot
	// undo it: what is learned never goes down.
	vs.Learn("7", 0)
	if vs.Allows(ctx, old) {
		t.Error("a late, older version undid a revocation")
	}
}

// A service that knows nothing of a user asks profile once, then answers
// from memory until MaxAge; should the fact of a revocation be lost, the
// old token is refused once that age has passed.
func TestVersionsWhenAFactIsLost(t *testing.T) {
	ctx := context.Background()
	vs, p, now := newTestVersions(true)
	old := Viewer{ID: "7", Version: 0}
	for range 5 {
		if !vs.Allows(ctx, old) {
			t.Fatal("a valid token was refused")
		}
	}
	if n := p.calls(); n != 1 {
		t.Fatalf("profile was asked %d times for five requests, want once", n)
	}
	p.set("7", 1) // revoked, and the fact never arrives
	*now = now.Add(vs.MaxAge - time.Second)
	if !vs.Allows(ctx, old) {
		t.Fatal("the entry was checked again before MaxAge")
	}
	*now = now.Add(2 * time.Second)
	if vs.Allows(ctx, old) {
		t.Errorf("an old token is still allowed %v after a lost revocation", vs.MaxAge+time.Second)
	}
	if n := p.calls(); n != 2 {
		t.Errorf("profile was asked %d times, want twice", n)
	}
}

// While facts cannot be read, what profile said holds OfflineAge only; a
// change of state makes every entry due again.
func TestVersionsWhileFactsAreNotRead(t *testing.T) {
	ctx := context.Background()
	vs, p, now := newTestVersions(false)
	old := Viewer{ID: "7", Version: 0}
	vs.Allows(ctx, old)
	p.set("7", 1)
	*now = now.Add(vs.OfflineAge + time.Second)
	if vs.Allows(ctx, old) {
		t.Errorf("offline, an entry was trusted beyond OfflineAge (%v)", vs.OfflineAge)
	}

	vs, p, _ = newTestVersions(true)
	vs.Allows(ctx, old)
	p.set("7", 1)
	vs.SetLive(false) // facts may go by unseen from here
	if vs.Allows(ctx, old) {
		t.Error("after the facts stopped, an entry learned before was not checked again")
	}
	p.set("7", 2)
	vs.SetLive(true) // and some may have been missed
	if vs.Allows(ctx, Viewer{ID: "7", Version: 1}) {
		t.Error("after the facts came back, an entry learned while offline was not checked again")
	}
}

// When profile cannot be asked, the last version known stands (none: the
// token's own), and profile is asked again only after RetryAfter.
func TestVersionsWhenProfileIsDown(t *testing.T) {
	ctx := context.Background()
	vs, p, now := newTestVersions(true)
	vs.Learn("7", 1)
	p.down = true
	*now = now.Add(vs.MaxAge + time.Second)
	if vs.Allows(ctx, Viewer{ID: "7", Version: 0}) {
		t.Error("with profile down, a token below the known version was allowed")
	}
	if !vs.Allows(ctx, Viewer{ID: "7", Version: 1}) {
		t.Error("with profile down, a token at the known version was refused")
	}
	if !vs.Allows(ctx, Viewer{ID: "9", Version: 0}) {
		t.Error("with profile down, a user never seen was refused: every service would sign everyone out")
	}
	asked := p.calls()
	vs.Allows(ctx, Viewer{ID: "7", Version: 1})
	if p.calls() != asked {
		t.Error("profile was asked again before RetryAfter")
	}
	*now = now.Add(vs.RetryAfter + time.Millisecond)
	vs.Allows(ctx, Viewer{ID: "7", Version: 1})
	if p.calls() != asked+1 {
		t.Error("profile was not asked again after RetryAfter")
	}
}

func TestVersionsWatch(t *testing.T) {
	vs, _, _ := newTestVersions(true)
	old, stopOld := vs.Watch(Viewer{ID: "7", Version: 0})
	defer stopOld()
	current, stopCurrent := vs.Watch(Viewer{ID: "7", Version: 1})
	defer stopCurrent()
	other, stopOther := vs.Watch(Viewer{ID: "8", Version: 0})
	defer stopOther()
	vs.Learn("7", 1)
	select {
	case <-old:
	default:
		t.Error("the socket of a revoked token was not told")
	}
	for name, ch := range map[string]<-chan struct{}{"the token at the new version": current, "another user": other} {
		select {
		case <-ch:
			t.Errorf("%s was told it is revoked", name)
		default:
		}
	}
	// Watching a token already known revoked is told at once.
	late, stop := vs.Watch(Viewer{ID: "7", Version: 0})
	defer stop()
	select {
	case <-late:
	default:
		t.Error("a watch of an already revoked token was not told")
	}
}

// The verifier refuses a token whose user signed out everywhere, also one
// whose signature it had already checked and remembers.
func TestVerifierRefusesRevokedTokens(t *testing.T) {
	ctx := context.Background()
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	vs, _, _ := newTestVersions(true)
	v := NewVerifier(pub).WithSessions(vs)
	iss := NewIssuer(priv, time.Hour)
	old, _, err := iss.Issue(Viewer{ID: "7", Handle: "ada"})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := v.Verify(ctx, old); err != nil || got.Version != 0 {
		t.Fatalf("Verify = %+v, %v; want ada at version 0", got, err)
	}
	vs.Learn("7", 3)
	if _, err := v.Verify(ctx, old); !errors.Is(err, ErrSignedOut) || !errors.Is(err, ErrInvalidToken) {
		t.Errorf("a remembered token after a revocation: err = %v; want ErrSignedOut", err)
	}
	renewed, _, err := iss.Issue(Viewer{ID: "7", Handle: "ada", Version: 3})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := v.Verify(ctx, renewed); err != nil || got.Version != 3 {
		t.Errorf("the renewed token: Verify = %+v, %v; want version 3", got, err)
	}
}

func TestProfileVersions(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case TokenVersionPath("7"):
			json.NewEncoder(w).Encode(TokenVersion{UserID: "7", Version: 4})
		case TokenVersionPath("8"):
			json.NewEncoder(w).Encode(TokenVersion{UserID: "9", Version: 4})
		case TokenVersionPath("5"):
			http.Error(w, "down", http.StatusServiceUnavailable)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	lookup := ProfileVersions(srv.URL+"/", srv.Client())
	ctx := context.Background()
	if v, err := lookup(ctx, "7"); err != nil || v != 4 {
		t.Errorf("user 7: %d, %v; want 4", v, err)
	}
	if v, err := lookup(ctx, "6"); err != nil || v != 0 {
		t.Errorf("a user profile does not know: %d, %v; want 0", v, err)
	}
	if _, err := lookup(ctx, "5"); err == nil {
		t.Error("profile failing: no error")
	}
	if _, err := lookup(ctx, "8"); err == nil {
		t.Error("an answer about another user was taken")
	}
}

// A slow profile holds a request up for Wait at most; its answer, when it
// comes, is learned for the next requests.
func TestVersionsWhenProfileIsSlow(t *testing.T) {
	ctx := context.Background()
	release := make(chan struct{})
	vs := NewVersions(func(context.Context, string) (int64, error) {
		<-release
		return 1, nil
	})
	vs.Wait = 50 * time.Millisecond
	vs.SetLive(true)
	start := time.Now()
	if !vs.Allows(ctx, Viewer{ID: "7", Version: 0}) {
		t.Error("while profile was slow, a user never seen was refused")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("the request waited %v for a slow profile, want about %v", d, vs.Wait)
	}
	close(release)
	deadline := time.Now().Add(5 * time.Second)
	for vs.Allows(ctx, Viewer{ID: "7", Version: 0}) {
		if time.Now().After(deadline) {
			t.Fatal("profile's late answer was never learned")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
