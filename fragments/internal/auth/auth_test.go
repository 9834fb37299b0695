package auth_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"murmur/fragments/internal/auth"
)

func TestKeyIsCreatedOnceAndReloaded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "jwt.pem")
	k1, err := auth.LoadOrCreatePrivateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, mode %v; want 0600", err, info.Mode())
	}
	k2, err := auth.LoadOrCreatePrivateKey(path)
	if err != nil || !k1.Equal(k2) {
		t.Errorf("reloaded key differs (%v)", err)
	}
	pem, _ := auth.EncodePublicKey(k1.Public().(ed25519.PublicKey))
	pubPath := filepath.Join(t.TempDir(), "pub.pem")
	os.WriteFile(pubPath, pem, 0o644)
	v, err := auth.NewServiceVerifier(pubPath, "")
	if err != nil {
		t.Fatal(err)
	}
	tok, _, _ := auth.NewIssuer(k1, time.Minute).Issue(auth.Viewer{ID: "7", Handle: "g"})
	if got, err := v.Verify(context.Background(), tok); err != nil || got.ID != "7" {
		t.Errorf("verify with the configured public key: %+v, %v", got, err)
	}
	os.WriteFile(path, []byte("garbage"), 0o600)
	if _, err := auth.LoadOrCreatePrivateKey(path); err == nil {
		t.Error("a corrupt key file was accepted")
	}
}

func TestJWKSVerifierRefetchesAtMostSoOften(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(nil)
	iss := auth.NewIssuer(key, time.Minute)
	var fetches atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		json.NewEncoder(w).Encode(auth.NewJWKS(iss.PublicKey()))
	}))
	defer srv.Close()
	v := auth.NewJWKSVerifier(srv.URL, nil)
	tok, _, _ := iss.Issue(auth.Viewer{ID: "1", Handle: "a"})
	for range 3 {
		if _, err := v.Verify(context.Background(), tok); err != nil {
			t.Fatal(err)
		}
	}
	_, other, _ := ed25519.GenerateKey(nil)
	forged, _, _ := auth.NewIssuer(other, time.Minute).Issue(auth.Viewer{ID: "1", Handle: "a"})
	for range 5 {
		if _, err := v.Verify(context.Background(), forged); err == nil {
			t.Fatal("a token with an unknown key verified")
		}
	}
	if n := fetches.Load(); n != 1 {
		t.Errorf("fetched the key set %d times, want once (unknown keys must not trigger a fetch each)", n)
	}
}

func TestTokenFrom(t *testing.T) {
	for _, tt := range []struct {
		auth, cookie, want string
	}{
		{"Bearer abc", "", "abc"},
		{"bearer  abc ", "", "abc"},
		{"Basic abc", "cookie", ""},
		{"", "cookie", "cookie"},
		{"", "", ""},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		if tt.auth != "" {
			r.Header.Set("Authorization", tt.auth)
		}
		if tt.cookie != "" {
			r.AddCookie(&http.Cookie{Name: auth.CookieName, Value: tt.cookie})
		}
		if got := auth.TokenFrom(r); got != tt.want {
			t.Errorf("TokenFrom(%q, %q) = %q, want %q", tt.auth, tt.cookie, got, tt.want)
		}
	}
}

// While profile cannot hand out its keys, requests fail fast instead of
// each waiting for its own fetch.
func TestJWKSVerifierFailsFastWhileProfileIsDown(t *testing.T) {
	var fetches atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		w.WriteHeader(http.StatusBadGateway)
	}))
	defer srv.Close()
	_, key, _ := ed25519.GenerateKey(nil)
	tok, _, _ := auth.NewIssuer(key, time.Minute).Issue(auth.Viewer{ID: "1", Handle: "a"})
	v := auth.NewJWKSVerifier(srv.URL, nil)
	for range 10 {
		if _, err := v.Verify(context.Background(), tok); err == nil {
			t.Fatal("verified without keys")
		}
	}
	if n := fetches.Load(); n != 1 {
		t.Errorf("%d fetches for 10 requests within a second of a failure, want 1", n)
	}
}

// A token has one spelling: the same signature with the unused low bits of
// its last base64 character set decodes to the same bytes under lenient
// decoding, and must be refused all the same.
func TestTokensHaveOneSpelling(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(nil)
	v := auth.NewVerifier(key.Public().(ed25519.PublicKey))
	tok, _, err := auth.NewIssuer(key, time.Minute).Issue(auth.Viewer{ID: "7", Handle: "g"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(context.Background(), tok); err != nil {
		t.Fatalf("the token as issued: %v", err)
	}
	// A 64-byte signature is 86 characters: the last one carries 2 unused bits.
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, tok[len(tok)-1])
	for bits := 1; bits < 4; bits++ {
		other := tok[:len(tok)-1] + string(alphabet[last|bits])
		if _, err := v.Verify(context.Background(), other); err == nil {
			t.Errorf("the token spelled with low bits %d in its last character was accepted", bits)
		}
	}
}
