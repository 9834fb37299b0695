package auth

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestVerifiedTokensAreRemembered checks a token's signature is checked
// once, that a remembered token still ends at its expiry, and that no other
// token rides on a remembered one.
func TestVerifiedTokensAreRemembered(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	lookups := 0
	v := newVerifier(func(context.Context, string) (ed25519.PublicKey, error) {
		lookups++
		return pub, nil
	})
	now := time.Now()
	v.now = func() time.Time { return now }
	tok, exp, err := NewIssuer(priv, time.Hour).Issue(Viewer{ID: "7", Handle: "ada"})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if got, err := v.Verify(context.Background(), tok); err != nil || got.ID != "7" || got.Handle != "ada" {
			t.Fatalf("Verify = %+v, %v; want viewer 7 (ada)", got, err)
		}
	}
	if lookups != 1 {
		t.Errorf("the key was looked up %d times for three checks of one token; want once", lookups)
	}

	// One character well inside the signature changed: it carries six bits
	// of the signature, so the token always differs in what it signs.
	i := strings.LastIndexByte(tok, '.') + 10
	swap := byte('A')
	if tok[i] == 'A' {
		swap = 'B'
	}
	forged := tok[:i] + string(swap) + tok[i+1:]
	if _, err := v.Verify(context.Background(), forged); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("a token differing in its signature: err = %v; want ErrInvalidToken", err)
	}

	now = exp.Add(leeway + time.Second)
	if _, err := v.Verify(context.Background(), tok); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("a remembered token past its expiry: err = %v; want ErrInvalidToken", err)
	}
}
