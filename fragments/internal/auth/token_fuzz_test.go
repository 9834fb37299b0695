package auth

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The keys of the fuzz targets, fixed so that the seed corpus holds
// tokens they signed: profile's key, a second key profile also publishes
// (after a rotation), and an attacker's key nobody publishes.
var (
	fuzzKey      = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	fuzzOtherKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, ed25519.SeedSize))
	fuzzAttacker = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{13}, ed25519.SeedSize))
)

func publicOf(k ed25519.PrivateKey) ed25519.PublicKey { return k.Public().(ed25519.PublicKey) }

// fuzzVerifiers are the two ways services verify: with one configured key,
// and with profile's published key set (already fetched, and never fetched
// again, so an unknown key id is refused at once).
func fuzzVerifiers() map[string]*Verifier {
	published := &jwksKeys{
		keys: map[string]ed25519.PublicKey{
			KeyID(publicOf(fuzzKey)):      publicOf(fuzzKey),
			KeyID(publicOf(fuzzOtherKey)): publicOf(fuzzOtherKey),
		},
		fetched: time.Now(), minRefresh: math.MaxInt64,
	}
	return map[string]*Verifier{
		"one key": NewVerifier(publicOf(fuzzKey)),
		"key set": newVerifier(published.key),
	}
}

// mustAcceptGenuine fails the fuzz target at once if its verifiers refuse
// a token profile issued: checks that nothing passes would then hold
// vacuously.
func mustAcceptGenuine(f *testing.F, verifiers map[string]*Verifier) {
	f.Helper()
	token, _, err := NewIssuer(fuzzKey, time.Hour).Issue(Viewer{ID: "7", Handle: "ada"})
	if err != nil {
		f.Fatal(err)
	}
	for name, v := range verifiers {
		if _, err := v.Verify(context.Background(), token); err != nil {
			f.Fatalf("%s: a token profile issued is refused: %v", name, err)
		}
	}
}

// fuzzKeys tells, for each verifier, which key a token's kid names.
var fuzzKeys = map[string]func(kid string) ed25519.PublicKey{
	"one key": func(string) ed25519.PublicKey { return publicOf(fuzzKey) },
	"key set": func(kid string) ed25519.PublicKey {
		for _, k := range []ed25519.PrivateKey{fuzzKey, fuzzOtherKey} {
			if kid == KeyID(publicOf(k)) {
				return publicOf(k)
			}
		}
		return nil
	},
}

// genuine tells why a token a verifier accepted as v should not have been,
// checking it by RFC 7515 and murmur's rules without the JWT library: three
// segments; a header whose alg is EdDSA; a signature of the first two
// segments, as sent, by the key the header's kid names to this verifier;
// claims issued by murmur, for a subject (whom v is), not expired.
func genuine(token string, key func(kid string) ed25519.PublicKey, v Viewer) error {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return fmt.Errorf("%d segments", len(parts))
	}
	// Header parameter names are case-sensitive (RFC 7515): read as a map.
	var header map[string]any
	if raw, err := base64.RawURLEncoding.Strict().DecodeString(parts[0]); err != nil || json.Unmarshal(raw, &header) != nil {
		return fmt.Errorf("the header does not decode (%v)", err)
	}
	if header["alg"] != "EdDSA" {
		return fmt.Errorf("alg %v", header["alg"])
	}
	kid, _ := header["kid"].(string)
	pub := key(kid)
	if pub == nil {
		return fmt.Errorf("kid %q names no key", kid)
	}
	sig, err := base64.RawURLEncoding.Strict().DecodeString(parts[2])
	if err != nil || !ed25519.Verify(pub, []byte(parts[0]+"."+parts[1]), sig) {
		return fmt.Errorf("not signed by the key kid %q names (%v)", kid, err)
	}
	var c struct {
		Iss    any          `json:"iss"`
		Sub    any          `json:"sub"`
		Exp    *json.Number `json:"exp"` // a number, or a string holding one, as the JWT library reads it
		Handle any          `json:"handle"`
	}
	if raw, err := base64.RawURLEncoding.Strict().DecodeString(parts[1]); err != nil || json.Unmarshal(raw, &c) != nil {
		return fmt.Errorf("the claims do not decode (%v)", err)
	}
	if c.Exp == nil {
		return errors.New("no expiry")
	}
	exp, err := c.Exp.Float64()
	switch {
	case c.Iss != issuer:
		return fmt.Errorf("issuer %v", c.Iss)
	case err != nil || float64(time.Now().Add(-leeway).Unix()) > exp+1:
		return fmt.Errorf("expired (%v)", err)
	case c.Sub == "" || c.Sub != v.ID:
		return fmt.Errorf("subject %v, read as %q", c.Sub, v.ID)
	case c.Handle != nil && c.Handle != v.Handle:
		return fmt.Errorf("handle %v, read as %q", c.Handle, v.Handle)
	}
	return nil
}

// checkVerifiers verifies a token with every verifier, twice (the second
// answer may come from the verified-token memory), and fails the test if
// one accepts it when genuine finds fault, or when forged says it was not
// signed by profile at all.
func checkVerifiers(t *testing.T, verifiers map[string]*Verifier, token string, forged string) {
	t.Helper()
	for name, ver := range verifiers {
		for range 2 {
			v, err := ver.Verify(context.Background(), token)
			if err != nil {
				if !errors.Is(err, ErrInvalidToken) {
					t.Fatalf("%s: token %q refused with %v, not ErrInvalidToken", name, token, err)
				}
				continue
			}
			if forged != "" {
				t.Fatalf("%s: accepted a token %s: %q as %+v", name, forged, token, v)
			}
			if why := genuine(token, fuzzKeys[name], v); why != nil {
				t.Fatalf("%s: accepted token %q as %+v: %v", name, token, v, why)
			}
		}
	}
}

// FuzzVerifyToken holds token verification to genuine for any string a
// client can send, and reads a token sent as a bearer token as sent.
func FuzzVerifyToken(f *testing.F) {
	verifiers := fuzzVerifiers()
	mustAcceptGenuine(f, verifiers)
	f.Fuzz(func(t *testing.T, token string) {
		checkVerifiers(t, verifiers, token, "")
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Authorization", "Bearer "+token)
		r.AddCookie(&http.Cookie{Name: CookieName, Value: "cookie"})
		if got := TokenFrom(r); got != strings.TrimSpace(token) {
			t.Fatalf("TokenFrom(Bearer %q) = %q", token, got)
		}
	})
}

// forgeries are the ways FuzzForgedToken signs a header and claims without
// profile's key, and the last, which signs with it.
var forgeries = []struct {
	name string
	sign func(input []byte) []byte
}{
	{"with no signature (alg none)", func([]byte) []byte { return nil }},
	{"with HMAC-SHA256 keyed by the public key", hmacWith(sha256.New, publicOf(fuzzKey))},
	{"with HMAC-SHA256 keyed by the public key's PEM", hmacWith(sha256.New, mustPEM(publicOf(fuzzKey)))},
	{"with HMAC-SHA512 keyed by the public key", hmacWith(sha512.New, publicOf(fuzzKey))},
	{"with HMAC-SHA256 keyed by the key id", hmacWith(sha256.New, []byte(KeyID(publicOf(fuzzKey))))},
	{"by an unpublished key", func(in []byte) []byte { return ed25519.Sign(fuzzAttacker, in) }},
	{"with profile's signature of the claims alone", nil}, // made in the target
	{"with the public key as its signature", func([]byte) []byte { return publicOf(fuzzKey) }},
	{"", func(in []byte) []byte { return ed25519.Sign(fuzzKey, in) }},
}

func hmacWith(h func() hash.Hash, key []byte) func([]byte) []byte {
	return func(in []byte) []byte {
		m := hmac.New(h, key)
		m.Write(in)
		return m.Sum(nil)
	}
}

func mustPEM(pub ed25519.PublicKey) []byte {
	b, err := EncodePublicKey(pub)
	if err != nil {
		panic(err)
	}
	return b
}

// FuzzForgedToken makes tokens of any header and claims (alg none, HS256,
// kid naming another or no key, …) and signs them in every way but with
// profile's key, plus once with it: no verifier accepts a token not signed
// by a key profile publishes under the kid it names, whatever its header
// says, and the one signed by profile passes only as genuine allows.
func FuzzForgedToken(f *testing.F) {
	verifiers := fuzzVerifiers()
	mustAcceptGenuine(f, verifiers)
	b64 := base64.RawURLEncoding
	f.Fuzz(func(t *testing.T, header, claims []byte, how uint8) {
		forgery := forgeries[int(how)%len(forgeries)]
		input := b64.EncodeToString(header) + "." + b64.EncodeToString(claims)
		var sig []byte
		if forgery.sign == nil {
			sig = ed25519.Sign(fuzzKey, claims)
		} else {
			sig = forgery.sign([]byte(input))
		}
		token := input + "." + b64.EncodeToString(sig)
		forged := ""
		if forgery.name != "" {
			forged = "signed " + forgery.name
		}
		checkVerifiers(t, verifiers, token, forged)
	})
}

// FuzzJWKS holds the reading of profile's key set: whatever it holds, every
// key kept is an Ed25519 public key the set lists under that key id as an
// OKP key of curve Ed25519, and every such key is kept; a set NewJWKS
// writes reads back as its keys, by their ids.
func FuzzJWKS(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, err := decodeJWKS(bytes.NewReader(data))
		var set JWKS
		if json.NewDecoder(bytes.NewReader(data)).Decode(&set) != nil {
			if err == nil {
				t.Fatalf("a key set that does not decode gave %v", keys)
			}
			return
		}
		if err != nil {
			t.Fatalf("a key set that decodes refused: %v", err)
		}
		listed := map[string]bool{}
		for _, k := range set.Keys {
			raw, err := base64.RawURLEncoding.DecodeString(k.X)
			if k.KeyType == "OKP" && k.Curve == "Ed25519" && err == nil && len(raw) == ed25519.PublicKeySize {
				listed[k.KeyID+"\x00"+string(raw)] = true
				if keys[k.KeyID] == nil {
					t.Fatalf("key %q of the set was left out", k.KeyID)
				}
			}
		}
		for kid, k := range keys {
			if !listed[kid+"\x00"+string(k)] {
				t.Fatalf("key %q = %x is not an Ed25519 key the set lists under that id", kid, k)
			}
		}

		seed := sha256.Sum256(data)
		pub := publicOf(ed25519.NewKeyFromSeed(seed[:]))
		written, err := json.Marshal(NewJWKS(pub, publicOf(fuzzKey)))
		if err != nil {
			t.Fatal(err)
		}
		back, err := decodeJWKS(bytes.NewReader(written))
		if err != nil || len(back) != 2 || !back[KeyID(pub)].Equal(pub) || !back[KeyID(publicOf(fuzzKey))].Equal(publicOf(fuzzKey)) {
			t.Fatalf("the set %s reads back as %v, %v", written, back, err)
		}
	})
}
