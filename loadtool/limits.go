package loadtool

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"murmur/services"
	"murmur/stack"
)

// The limits: what nginx alone does on this machine, in the same run.
const (
	limitStatic = "limit: nginx, static page of the home page's size"
	limitSSI    = "limit: nginx, home page's SSI slots from trivial Go handlers"
	limitProxy  = "limit: nginx, API answer proxied from a trivial Go handler"
)

// trivialFragment is what every service answers behind the limit's nginx.
const trivialFragment = `<div class="card">trivial fragment</div>`

// limitShell runs a second shell, from the same configuration template and
// the same pages as the real one, whose every upstream is one trivial Go
// handler: composing a page there costs nginx what composing the real home
// page does, minus the services' work. It also serves a static copy of the
// home page.
type limitShell struct {
	stack   *stack.Stack
	backend *http.Server
	URL     string
}

func startLimitShell(ctx context.Context, dir string, homePage []byte) (*limitShell, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	backend := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/api/") {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"items":[{"id":"1"}],"next":null}`)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, trivialFragment)
	})}
	go backend.Serve(ln)
	port := ln.Addr().(*net.TCPAddr).Port
	shellPort, err := freePort()
	if err != nil {
		backend.Close()
		return nil, err
	}
	empty := filepath.Join(dir, "no-services")
	if err := os.MkdirAll(empty, 0o755); err != nil {
		backend.Close()
		return nil, err
	}
	// No service binaries: only nginx starts, its upstreams all pointing at
	// the trivial handler. RedisURL keeps the stack from starting a Redis.
	s, err := stack.Start(ctx, stack.Options{
		Dir: filepath.Join(dir, "limit-shell"), BinDir: empty,
		ShellAddr: fmt.Sprintf("127.0.0.1:%d", shellPort), RedisURL: "redis://unused",
		Ports: every(port),
	})
	if err != nil {
		backend.Close()
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "limit-shell", "site", "static", "home-page.html"), homePage, 0o644); err != nil {
		s.Stop()
		backend.Close()
		return nil, err
	}
	return &limitShell{stack: s, backend: backend, URL: s.URL()}, nil
}

func (l *limitShell) Stop() {
	l.stack.Stop()
	l.backend.Close()
}

// scenarios are the three limits.
func (l *limitShell) scenarios(homeSize int) []Scenario {
	get := func(path string, cookie bool) func(int) (*http.Request, error) {
		return func(int) (*http.Request, error) {
			req, err := http.NewRequest(http.MethodGet, l.URL+path, nil)
			if err == nil && cookie {
				req.Header.Set("Cookie", "murmur_session=any")
			}
			return req, err
		}
	}
	return []Scenario{
		{Name: limitStatic, Limit: limitStatic, Rate: 500, Request: get("/static/home-page.html", false),
			Check: func(status int, body []byte) error {
				if status != http.StatusOK || len(body) != homeSize {
					return fmt.Errorf("static page: %d, %d bytes; want 200, %d bytes", status, len(body), homeSize)
				}
				return nil
			}},
		{Name: limitSSI, Limit: limitSSI, Rate: 200, Request: get("/", true), Check: pageCheck(trivialFragment)},
		{Name: limitProxy, Limit: limitProxy, Rate: 500, Request: get("/timeline/api/home", false), Check: listCheck},
	}
}

// freePort finds a free loopback port.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// every gives each service of the list the one port.
func every(port int) map[string][]int {
	ports := map[string][]int{}
	for _, name := range services.All().Names() {
		ports[name] = []int{port}
	}
	return ports
}
