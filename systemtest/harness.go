// Package systemtest holds the whole-system tests: a private murmur (Redis,
// every service, nginx) on free loopback ports, driven over HTTP and through
// headless Chromium.
package systemtest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"murmur/services"
	"murmur/stack"
)

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// moduleRoot is the folder of go.mod.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", err
	}
	return filepath.Dir(strings.TrimSpace(string(out))), nil
}

// buildTags are the build tags of every service, as in the Makefile's TAGS:
// tweets searches with SQLite's FTS5, compiled in only with sqlite_fts5.
const buildTags = "sqlite_fts5"

// RemoveBuilds removes the services' binaries this test binary built (a
// quarter of a gigabyte in a temporary folder of its own): every test
// binary that starts stacks calls it from its TestMain once its tests are
// done, or each run would leave its copy behind.
func RemoveBuilds() {
	if binDir != "" {
		os.RemoveAll(binDir)
	}
}

// buildServices compiles every service, and the murmur launcher, once per
// test binary.
func buildServices() (string, error) {
	buildOnce.Do(func() {
		root, err := moduleRoot()
		if err != nil {
			buildErr = err
			return
		}
		if _, err := os.Stat(filepath.Join(root, "fragments/layout/static/vendor/htmx.min.js")); err != nil {
			buildErr = fmt.Errorf("htmx is missing from the embedded assets: run `make assets` (make test does)")
			return
		}
		binDir, err = os.MkdirTemp("", "murmur-bin-")
		if err != nil {
			buildErr = err
			return
		}
		cmds, _ := filepath.Glob(filepath.Join(root, "fragments", "*", "cmd", "*", "main.go"))
		args := []string{"build", "-tags", buildTags, "-o", binDir + string(os.PathSeparator), "./stack/cmd/murmur"}
		for _, c := range cmds {
			rel, _ := filepath.Rel(root, filepath.Dir(c))
			args = append(args, "./"+filepath.ToSlash(rel))
		}
		cmd := exec.Command("go", args...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("build services: %v\n%s", err, out)
		}
	})
	return binDir, buildErr
}

// freePorts reserves n distinct free loopback ports.
func freePorts(tb testing.TB, n int) []int {
	tb.Helper()
	var lns []net.Listener
	var ports []int
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			tb.Fatalf("find a free port: %v", err)
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	for _, ln := range lns {
		ln.Close()
	}
	return ports
}

// StackOption adjusts a test stack before it starts.
type StackOption func(*stack.Options)

// WithInstances runs n instances of a service behind nginx.
func WithInstances(service string, n int) StackOption {
	return func(o *stack.Options) {
		for len(o.Ports[service]) < n {
			o.Ports[service] = append(o.Ports[service], 0)
		}
	}
}

// WithEnv adds variables to every service's environment, after the
// harness's own (a later value wins), e.g. a rate limit.
func WithEnv(vars ...string) StackOption {
	return func(o *stack.Options) { o.Env = append(o.Env, vars...) }
}

// raisedLimits lift the rate limits the tests would run into far above
// what they ask: they sign everyone up from loopback, more people than one
// address may make, and their write loads post, like and follow as fast as
// answered, a few people thousands of times. Sign-in keeps its default;
// a test of the limits sets its own (WithEnv).
var raisedLimits = []string{
	"MURMUR_LIMIT_SIGN_UP=1000000/1m",
	"MURMUR_LIMIT_POST=1000000/1m",
	"MURMUR_LIMIT_LIKE=1000000/1m",
	"MURMUR_LIMIT_BOOST=1000000/1m",
	"MURMUR_LIMIT_FOLLOW=1000000/1m",
	"MURMUR_LIMIT_UPLOAD=1000000/1m",
}

// WithoutListing runs murmur as if the named services' rows were taken out
// of the list (services.json): they are neither started nor proxied, and
// their slots are empty.
func WithoutListing(names ...string) StackOption {
	return func(o *stack.Options) {
		o.Services = o.Services.Without(names...)
		for _, n := range names {
			delete(o.Ports, n)
		}
	}
}

// WithoutServices leaves services down, so their slots show fallbacks.
func WithoutServices(names ...string) StackOption {
	return func(o *stack.Options) { o.Skip = append(o.Skip, names...) }
}

// WithRestarts has the stack start again, by itself, any part that
// crashes, as `make start`'s supervisor does: first after wait, doubling
// for each crash in a row.
func WithRestarts(wait time.Duration) StackOption {
	return func(o *stack.Options) {
		o.Restart = &stack.Backoff{First: wait, Max: 4 * wait, Reset: time.Minute}
	}
}

// MustStack builds the services (once) and starts a private murmur on free
// loopback ports in a temp folder, stopped when the test ends. On failure
// the logs of every part are printed.
func MustStack(tb testing.TB, options ...StackOption) *stack.Stack {
	tb.Helper()
	bin, err := buildServices()
	if err != nil {
		tb.Fatal(err)
	}
	opts := stack.Options{
		Dir: tb.TempDir(), BinDir: bin, Services: services.All(), Ports: map[string][]int{},
		Env: append([]string{"MURMUR_LOG_LEVEL=debug"}, raisedLimits...),
	}
	for _, name := range opts.Services.Names() {
		opts.Ports[name] = []int{0}
	}
	for _, o := range options {
		o(&opts)
	}
	n := 2
	for _, ps := range opts.Ports {
		n += len(ps)
	}
	free := freePorts(tb, n)
	opts.ShellAddr = fmt.Sprintf("127.0.0.1:%d", free[0])
	opts.RedisPort = free[1]
	free = free[2:]
	for _, name := range opts.Services.Names() {
		for i := range opts.Ports[name] {
			opts.Ports[name][i], free = free[0], free[1:]
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	s, err := stack.Start(ctx, opts)
	if err != nil {
		tb.Fatalf("start murmur: %v", err)
	}
	tb.Cleanup(func() {
		s.Stop()
		if tb.Failed() {
			logs, _ := filepath.Glob(filepath.Join(opts.Dir, "logs", "*.log"))
			for _, l := range logs {
				data, _ := os.ReadFile(l)
				lines := strings.Split(strings.TrimSpace(string(data)), "\n")
				if len(lines) > 40 {
					lines = lines[len(lines)-40:]
				}
				tb.Logf("--- %s (last lines)\n%s", filepath.Base(l), strings.Join(lines, "\n"))
			}
		}
	})
	return s
}
