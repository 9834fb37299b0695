// Package testkit starts the real things tests need — a Redis server, a
// SQLite file, a session issuer — on loopback and temp directories, and
// cleans them up when the test ends.
package testkit

import (
	"bufio"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"murmur/fragments/internal/auth"
)

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(tb testing.TB) int {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("find a free port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Redis is a redis-server process started for a test.
type Redis struct {
	URL  string
	Addr string
	cmd  *exec.Cmd
	dir  string
	port int
}

// MustRedis starts a private redis-server on a free loopback port and stops
// it when the test ends. Tests need the redis-server binary (Debian's
// redis-server package, installed by .ci/run and make start).
func MustRedis(tb testing.TB) *Redis {
	tb.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		tb.Fatalf("redis-server is not installed (apt-get install redis-server): %v", err)
	}
	r := &Redis{dir: tb.TempDir(), port: FreePort(tb)}
	r.Addr = fmt.Sprintf("127.0.0.1:%d", r.port)
	r.URL = "redis://" + r.Addr + "/0"
	r.Start(tb)
	tb.Cleanup(r.Stop)
	return r
}

// Start (re)starts the server on its port and waits until it answers.
func (r *Redis) Start(tb testing.TB) {
	tb.Helper()
	r.cmd = exec.Command("redis-server", "--port", fmt.Sprint(r.port), "--bind", "127.0.0.1",
		"--dir", r.dir, "--save", "", "--appendonly", "no", "--protected-mode", "no")
	r.cmd.Stdout, r.cmd.Stderr = nil, nil
	if err := r.cmd.Start(); err != nil {
		tb.Fatalf("start redis-server: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", r.Addr, 200*time.Millisecond); err == nil {
			fmt.Fprint(c, "PING\r\n")
			line, _ := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if strings.HasPrefix(line, "+PONG") {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Fatalf("redis-server on %s did not answer", r.Addr)
}

// Stop kills the server (a Redis outage, as far as services can tell).
func (r *Redis) Stop() {
	if r.cmd != nil && r.cmd.Process != nil {
		r.cmd.Process.Kill()
		r.cmd.Wait()
		r.cmd = nil
	}
}

// DBPath returns the path of a new SQLite file in a temp directory.
func DBPath(tb testing.TB, name string) string {
	tb.Helper()
	return filepath.Join(tb.TempDir(), name+".db")
}

// Sessions signs session tokens for tests of services that only verify them.
type Sessions struct {
	Issuer   *auth.Issuer
	Verifier *auth.Verifier
	Key      ed25519.PrivateKey
}

// MustSessions creates a fresh signing key, an issuer and a verifier.
func MustSessions(tb testing.TB) *Sessions {
	tb.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	iss := auth.NewIssuer(key, time.Hour)
	return &Sessions{Issuer: iss, Verifier: auth.NewVerifier(iss.PublicKey()), Key: key}
}

// Token signs a token for the user with the given id and handle.
func (s *Sessions) Token(tb testing.TB, id, handle string) string {
	tb.Helper()
	tok, _, err := s.Issuer.Issue(auth.Viewer{ID: id, Handle: handle})
	if err != nil {
		tb.Fatal(err)
	}
	return tok
}

// CheckRefused asserts a rate-limit refusal: status 429, a Retry-After of
// a positive whole number of seconds, each of words in the body, and no
// HX-Trigger (nothing changed, so no widget is told to refresh).
func CheckRefused(tb testing.TB, what string, status int, header http.Header, body string, words ...string) {
	tb.Helper()
	if status != http.StatusTooManyRequests {
		tb.Fatalf("%s: status %d, want 429; body %s", what, status, body)
	}
	if secs, err := strconv.Atoi(header.Get("Retry-After")); err != nil || secs < 1 {
		tb.Errorf("%s: Retry-After %q, want a positive number of seconds", what, header.Get("Retry-After"))
	}
	for _, w := range words {
		if !strings.Contains(body, w) {
			tb.Errorf("%s: body %s, want it to say %q", what, body, w)
		}
	}
	if h := header.Get("HX-Trigger"); h != "" {
		tb.Errorf("%s: a refusal fired HX-Trigger %q", what, h)
	}
}
