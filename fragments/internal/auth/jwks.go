package auth

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// JWK is one public key in a JSON Web Key Set (RFC 7517, OKP keys of RFC 8037).
type JWK struct {
	KeyType   string `json:"kty"`
	Curve     string `json:"crv"`
	X         string `json:"x"`
	KeyID     string `json:"kid"`
	Algorithm string `json:"alg"`
	Use       string `json:"use"`
}

// JWKS is a JSON Web Key Set.
type JWKS struct {
	Keys []JWK `json:"keys"`
}

// NewJWKS describes the given public keys as a key set.
func NewJWKS(keys ...ed25519.PublicKey) JWKS {
	set := JWKS{Keys: []JWK{}}
	for _, k := range keys {
		set.Keys = append(set.Keys, JWK{
			KeyType: "OKP", Curve: "Ed25519", Algorithm: "EdDSA", Use: "sig",
			X: base64.RawURLEncoding.EncodeToString(k), KeyID: KeyID(k),
		})
	}
	return set
}

// jwksKeys fetches a key set over HTTP and keeps it, fetching again when
// asked for a key it does not know (a rotation) but at most every minRefresh,
// so a flood of tokens with made-up key ids cannot flood profile. One fetch
// runs at a time, without holding up requests whose key is known; after a
// failed fetch (profile still starting) requests fail fast for a second
// instead of queueing behind fetches one after another.
type jwksKeys struct {
	url        string
	client     *http.Client
	minRefresh time.Duration

	fetching sync.Mutex // one fetch at a time

	mu      sync.Mutex // guards the fields below
	keys    map[string]ed25519.PublicKey
	fetched time.Time
	failed  time.Time
}

// failureBackoff is how long requests fail fast after a failed fetch.
const failureBackoff = time.Second

func (j *jwksKeys) known(kid string) (ed25519.PublicKey, bool, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	k, ok := j.keys[kid]
	mayFetch := time.Since(j.fetched) >= j.minRefresh && time.Since(j.failed) >= failureBackoff
	return k, ok, mayFetch
}

func (j *jwksKeys) key(ctx context.Context, kid string) (ed25519.PublicKey, error) {
	if k, ok, mayFetch := j.known(kid); ok {
		return k, nil
	} else if !mayFetch {
		return nil, fmt.Errorf("unknown key id %q", kid)
	}
	j.fetching.Lock()
	defer j.fetching.Unlock()
	// Another request may have fetched while this one waited.
	if k, ok, mayFetch := j.known(kid); ok {
		return k, nil
	} else if !mayFetch {
		return nil, fmt.Errorf("unknown key id %q", kid)
	}
	keys, err := j.fetch(ctx)
	j.mu.Lock()
	defer j.mu.Unlock()
	if err != nil {
		j.failed = time.Now()
		return nil, err
	}
	// Only a successful fetch starts the quiet period.
	j.keys, j.fetched = keys, time.Now()
	if k, ok := keys[kid]; ok {
		return k, nil
	}
	return nil, fmt.Errorf("unknown key id %q", kid)
}

func (j *jwksKeys) fetch(ctx context.Context) (map[string]ed25519.PublicKey, error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, j.url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := j.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch signing keys: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch signing keys: %s", resp.Status)
	}
	return decodeJWKS(resp.Body)
}

// decodeJWKS reads a key set and keeps its Ed25519 keys by key id; keys of
// other types and malformed ones are left out.
func decodeJWKS(r io.Reader) (map[string]ed25519.PublicKey, error) {
	var set JWKS
	if err := json.NewDecoder(r).Decode(&set); err != nil {
		return nil, fmt.Errorf("decode signing keys: %w", err)
	}
	keys := map[string]ed25519.PublicKey{}
	for _, k := range set.Keys {
		if k.KeyType != "OKP" || k.Curve != "Ed25519" {
			continue
		}
		raw, err := base64.RawURLEncoding.DecodeString(k.X)
		if err != nil || len(raw) != ed25519.PublicKeySize {
			continue
		}
		keys[k.KeyID] = ed25519.PublicKey(raw)
	}
	return keys, nil
}
