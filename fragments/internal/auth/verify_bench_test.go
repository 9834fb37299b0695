package auth_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"murmur/fragments/internal/auth"
)

// BenchmarkVerify measures what every authenticated request to a service
// pays before its handler runs: checking the session token.
//
//   - key: the verifier holds profile's public key (MURMUR_JWT_PUBLIC_KEY);
//     every token is new to it (more tokens than it remembers, in turn).
//   - jwks: the verifier fetched profile's key set once and keeps it, the
//     default setup; the cost over "key" is the cache lookup.
//   - jwks-parallel: the same from every core at once, as concurrent
//     requests do; the key cache is behind a mutex.
//   - remembered: one token again and again, as a page's fragments bring
//     it: its signature was checked the first time.
//   - signature-only: ed25519.Verify of the same token and nothing else,
//     the floor the others are measured against.
func BenchmarkVerify(b *testing.B) {
	ctx := context.Background()
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		b.Fatal(err)
	}
	iss := auth.NewIssuer(key, time.Hour)
	// Twice as many sessions as a verifier remembers, taken in turn: each
	// is gone from its memory by the time it comes round again.
	tokens := make([]string, 20_000)
	for i := range tokens {
		if tokens[i], _, err = iss.Issue(auth.Viewer{ID: "519324558290944001", Handle: "ada"}); err != nil {
			b.Fatal(err)
		}
		// Tokens issued in one second are the same bytes: make each its own.
		iss = auth.NewIssuer(key, time.Hour+time.Duration(i)*time.Second)
	}
	token := tokens[0]
	next := 0
	mustVerify := func(b *testing.B, v *auth.Verifier, token string) {
		got, err := v.Verify(ctx, token)
		if err != nil || got.ID != "519324558290944001" {
			b.Fatalf("Verify = %+v, %v; want ada's session", got, err)
		}
	}
	fresh := func() string {
		next = (next + 1) % len(tokens)
		return tokens[next]
	}

	b.Run("key", func(b *testing.B) {
		v := auth.NewVerifier(iss.PublicKey())
		for b.Loop() {
			mustVerify(b, v, fresh())
		}
	})
	b.Run("remembered", func(b *testing.B) {
		v := auth.NewVerifier(iss.PublicKey())
		for b.Loop() {
			mustVerify(b, v, token)
		}
	})

	var fetches atomic.Int32
	jwks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		json.NewEncoder(w).Encode(auth.NewJWKS(iss.PublicKey()))
	}))
	defer jwks.Close()
	// One verifier for both JWKS cases: the key is fetched once, before
	// either is timed, and a second fetch would mean the cache was missed.
	cached := auth.NewJWKSVerifier(jwks.URL, nil)
	mustVerify(b, cached, token)

	b.Run("jwks", func(b *testing.B) {
		for b.Loop() {
			mustVerify(b, cached, fresh())
		}
	})
	b.Run("jwks-parallel", func(b *testing.B) {
		var turn atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				got, err := cached.Verify(ctx, tokens[turn.Add(1)%int64(len(tokens))])
				if err != nil || got.ID == "" {
					// Fatal may not be called from RunParallel's goroutines.
					b.Errorf("Verify = %+v, %v; want ada's session", got, err)
					return
				}
			}
		})
	})
	if n := fetches.Load(); n != 1 {
		b.Fatalf("the key set was fetched %d times, want once: the cache was missed", n)
	}

	b.Run("signature-only", func(b *testing.B) {
		cut := strings.LastIndexByte(token, '.')
		sig, err := base64.RawURLEncoding.DecodeString(token[cut+1:])
		if err != nil {
			b.Fatal(err)
		}
		msg, pub := []byte(token[:cut]), iss.PublicKey()
		for b.Loop() {
			if !ed25519.Verify(pub, msg, sig) {
				b.Fatal("signature does not verify")
			}
		}
	})
}

// BenchmarkSessionCheck measures what the sign-out-everywhere check adds to
// every authenticated request of a service other than profile: a token
// remembered by the verifier, its user's version known (the usual case),
// verified with and without the check, alone and from every core at once
// (the versions are behind a read-write mutex). Profile is never asked
// while timed: a second lookup would mean the memory was missed.
func BenchmarkSessionCheck(b *testing.B) {
	ctx := context.Background()
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		b.Fatal(err)
	}
	iss := auth.NewIssuer(key, time.Hour)
	// A thousand people active at once, each with their own session.
	tokens := make([]string, 1000)
	for i := range tokens {
		if tokens[i], _, err = iss.Issue(auth.Viewer{ID: strconv.Itoa(1000 + i), Handle: "ada", Version: 2}); err != nil {
			b.Fatal(err)
		}
	}
	var lookups atomic.Int32
	versions := auth.NewVersions(func(context.Context, string) (int64, error) {
		lookups.Add(1)
		return 2, nil
	})
	versions.SetLive(true)
	plain := auth.NewVerifier(iss.PublicKey())
	checked := auth.NewVerifier(iss.PublicKey()).WithSessions(versions)
	for _, tok := range tokens {
		if _, err := checked.Verify(ctx, tok); err != nil {
			b.Fatal(err)
		}
		if _, err := plain.Verify(ctx, tok); err != nil {
			b.Fatal(err)
		}
	}
	before := lookups.Load()
	for _, c := range []struct {
		name string
		v    *auth.Verifier
	}{{"without", plain}, {"with", checked}} {
		b.Run(c.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				i++
				if _, err := c.v.Verify(ctx, tokens[i%len(tokens)]); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"-parallel", func(b *testing.B) {
			var turn atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := c.v.Verify(ctx, tokens[turn.Add(1)%int64(len(tokens))]); err != nil {
						b.Errorf("Verify: %v", err)
						return
					}
				}
			})
		})
	}
	if n := lookups.Load() - before; n != 0 {
		b.Fatalf("profile was asked %d times while timed: the versions were missed", n)
	}
}
