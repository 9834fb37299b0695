// Package auth issues (profile only) and verifies (every service) the signed
// session tokens of murmur, and tells handlers who is asking.
package auth

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/hashicorp/golang-lru/v2/expirable"

	"murmur/fragments/internal/peer"
)

// CookieName is the name of the HttpOnly cookie that carries a browser's session token.
const CookieName = "murmur_session"

// issuer names murmur's profile service in every token it signs.
const issuer = "murmur"

// Viewer is the signed-in person a request speaks for.
type Viewer struct {
	ID     string
	Handle string
	// Expires is when the session ends (zero for a viewer not read from a token).
	Expires time.Time
	// Version is the user's token version when the token was signed: a
	// token is refused once profile has moved the user's version past it
	// (a password change, or signing out everywhere; see Versions).
	Version int64
	// Token is the session token the viewer was read from ("" when not
	// read from one): what a service passes on when it asks another for
	// them (see internal/relations).
	Token string
}

// claims are the contents of a session token.
type claims struct {
	Handle string `json:"handle"`
	// Version is the "ver" claim: the user's token version at signing.
	// Tokens signed before the claim existed carry none and read as 0,
	// the version of a user who never revoked a session.
	Version int64 `json:"ver,omitempty"`
	jwt.RegisteredClaims
}

// Issuer signs session tokens. Only the profile service holds one.
type Issuer struct {
	key ed25519.PrivateKey
	kid string
	ttl time.Duration
	now func() time.Time
}

// NewIssuer returns an Issuer signing with key; tokens last ttl.
func NewIssuer(key ed25519.PrivateKey, ttl time.Duration) *Issuer {
	return &Issuer{key: key, kid: KeyID(key.Public().(ed25519.PublicKey)), ttl: ttl, now: time.Now}
}

// PublicKey is the key that verifies this issuer's tokens.
func (i *Issuer) PublicKey() ed25519.PublicKey { return i.key.Public().(ed25519.PublicKey) }

// Issue signs a token for v that expires after the issuer's lifetime.
func (i *Issuer) Issue(v Viewer) (string, time.Time, error) {
	now := i.now()
	exp := now.Add(i.ttl).Truncate(time.Second)
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims{
		Handle:  v.Handle,
		Version: v.Version,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    issuer,
			Subject:   v.ID,
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(exp),
		},
	})
	t.Header["kid"] = i.kid
	s, err := t.SignedString(i.key)
	return s, exp, err
}

// ErrInvalidToken is returned for any token that does not verify.
var ErrInvalidToken = errors.New("invalid or expired session")

// Verifier checks session tokens against profile's public key(s).
type Verifier struct {
	key func(ctx context.Context, kid string) (ed25519.PublicKey, error)
	// verified remembers tokens whose signature checked out. A home page
	// is five fragments and the calls they make to each other, each
	// carrying the same token, and an Ed25519 check costs ~40 µs of CPU
	// (the load tool's profiles: a fifth of posting's). A remembered token
	// is the same bytes, so the same signature: only its expiry is looked
	// at again. Entries live a minute at most, so a key profile stops
	// publishing stops being trusted soon after.
	verified *expirable.LRU[string, Viewer]
	now      func() time.Time
	// sessions, when set, is asked after the signature whether the user
	// signed out everywhere since the token was signed.
	sessions Sessions
}

// verifiedTokens is how many verified tokens a service remembers.
const verifiedTokens = 10_000

func newVerifier(key func(ctx context.Context, kid string) (ed25519.PublicKey, error)) *Verifier {
	return &Verifier{key: key, verified: expirable.NewLRU[string, Viewer](verifiedTokens, nil, time.Minute), now: time.Now}
}

// NewVerifier verifies tokens with one known public key.
func NewVerifier(pub ed25519.PublicKey) *Verifier {
	return newVerifier(func(context.Context, string) (ed25519.PublicKey, error) { return pub, nil })
}

// NewJWKSVerifier verifies tokens with the keys published at jwksURL,
// fetched on first use and again when a token names an unknown key.
func NewJWKSVerifier(jwksURL string, client *http.Client) *Verifier {
	if client == nil {
		client = http.DefaultClient
	}
	j := &jwksKeys{url: jwksURL, client: client, minRefresh: 30 * time.Second}
	return newVerifier(j.key)
}

// Sessions tells whether a verified token still stands, or its user has
// since signed out everywhere (changed their password, or asked to).
// Versions is the one every service uses.
type Sessions interface {
	// Allows reports whether v's token is still valid.
	Allows(ctx context.Context, v Viewer) bool
}

// Watcher is Sessions that can also tell, as soon as it learns it, that a
// token it allowed no longer stands (for open sockets).
type Watcher interface {
	// Watch returns a channel closed once v's token is known revoked, and
	// a function to call when the caller stops watching.
	Watch(v Viewer) (revoked <-chan struct{}, stop func())
}

// WithSessions makes v refuse tokens that s says were revoked, and returns v.
func (v *Verifier) WithSessions(s Sessions) *Verifier {
	v.sessions = s
	return v
}

// ErrSignedOut is returned for a token signed before its user signed out
// everywhere (or changed their password).
var ErrSignedOut = fmt.Errorf("%w: this session was signed out", ErrInvalidToken)

// Still reports whether a viewer verified earlier still stands: a socket
// asks it now and then, in case the news of a revocation was lost.
func (v *Verifier) Still(ctx context.Context, viewer Viewer) bool {
	return v.sessions == nil || v.sessions.Allows(ctx, viewer)
}

// Watch returns a channel closed as soon as this service learns that the
// viewer's token was revoked (never, without a Watcher), and a function to
// call when done watching.
func (v *Verifier) Watch(viewer Viewer) (<-chan struct{}, func()) {
	if w, ok := v.sessions.(Watcher); ok {
		return w.Watch(viewer)
	}
	return nil, func() {}
}

// Verify checks a token's signature, algorithm, issuer and expiry, and
// that its user has not signed out everywhere since, and returns whom it
// speaks for. Tokens signed with anything but EdDSA (including "none") are
// refused before any key is looked at.
func (v *Verifier) Verify(ctx context.Context, token string) (Viewer, error) {
	viewer, err := v.verify(ctx, token)
	if err == nil && !v.Still(ctx, viewer) {
		return Viewer{}, ErrSignedOut
	}
	return viewer, err
}

// verify is Verify without the revocation check.
func (v *Verifier) verify(ctx context.Context, token string) (Viewer, error) {
	if seen, ok := v.verified.Get(token); ok {
		if v.now().Before(seen.Expires.Add(leeway)) {
			return seen, nil
		}
		v.verified.Remove(token)
		return Viewer{}, fmt.Errorf("%w: token is expired", ErrInvalidToken)
	}
	var c claims
	_, err := jwt.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		return v.key(ctx, kid)
	},
		jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
		// One spelling per token: base64 without padding and with the
		// unused bits of the last character zero, as issued.
		jwt.WithStrictDecoding(),
		jwt.WithIssuer(issuer),
		jwt.WithExpirationRequired(),
		jwt.WithLeeway(leeway),
	)
	if err != nil {
		return Viewer{}, fmt.Errorf("%w: %v", ErrInvalidToken, err)
	}
	if c.Subject == "" {
		return Viewer{}, ErrInvalidToken
	}
	viewer := Viewer{ID: c.Subject, Handle: c.Handle, Expires: c.ExpiresAt.Time, Version: c.Version}
	v.verified.Add(token, viewer)
	return viewer, nil
}

// leeway forgives clocks this far apart between profile and the others.
const leeway = 5 * time.Second

// TokenFrom returns the session token of a request: the Authorization
// bearer token of an API client, else the browser's session cookie.
func TokenFrom(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		if scheme, tok, ok := strings.Cut(h, " "); ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(tok)
		}
		return ""
	}
	if c, err := r.Cookie(CookieName); err == nil {
		return c.Value
	}
	return ""
}

type viewerKey struct{}

// WithViewer returns a context that carries v.
func WithViewer(ctx context.Context, v Viewer) context.Context {
	return context.WithValue(ctx, viewerKey{}, v)
}

// ViewerFrom returns the signed-in viewer of a request context, if any.
func ViewerFrom(ctx context.Context) (Viewer, bool) {
	v, ok := ctx.Value(viewerKey{}).(Viewer)
	return v, ok
}

// SetCookie stores a session token in the browser: HttpOnly so scripts
// cannot read it, SameSite=Lax so other sites' forms do not send it.
func SetCookie(w http.ResponseWriter, token string, expires time.Time, secure bool) {
	http.SetCookie(w, &http.Cookie{
		Name: CookieName, Value: token, Path: "/", Expires: expires,
		MaxAge: int(time.Until(expires).Seconds()), HttpOnly: true, Secure: secure,
		SameSite: http.SameSiteLaxMode,
	})
}

// ClearCookie removes the session cookie from the browser.
func ClearCookie(w http.ResponseWriter, secure bool) {
	http.SetCookie(w, &http.Cookie{
		Name: CookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: secure, SameSite: http.SameSiteLaxMode,
	})
}

// NewServiceVerifier is how a service other than profile verifies sessions:
// with the public key in publicKeyFile when one is configured, else with the
// keys profile publishes at profileURL/profile/.well-known/jwks.json.
func NewServiceVerifier(publicKeyFile, profileURL string) (*Verifier, error) {
	if publicKeyFile != "" {
		pub, err := LoadPublicKey(publicKeyFile)
		if err != nil {
			return nil, err
		}
		return NewVerifier(pub), nil
	}
	return NewJWKSVerifier(strings.TrimRight(profileURL, "/")+"/profile/.well-known/jwks.json", peer.Client(3*time.Second)), nil
}
