package loadtool

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"murmur/services"
	"murmur/stack"
)

// The limits: what nginx alone does on this machine, in the same run.
const (
	limitStatic = "limit: nginx, static page of the home page's size"
	limitSSI    = "limit: nginx, home page's SSI slots from trivial Go handlers"
	limitProxy  = "limit: nginx, API answer proxied from a trivial Go handler"
	limitKept   = "limit: nginx, the heavy home page from Go handlers answering its fragments as kept bytes"
)

// keptCookie is the session the limit shell's pages are asked with when its
// handler is to answer each fragment with the real one's bytes.
const keptCookie = "murmur_session=kept"

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
	kept    *keptFragments
	URL     string
}

func startLimitShell(ctx context.Context, dir string, homePage []byte, kept *keptFragments) (*limitShell, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	backend := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Cookie") == keptCookie {
			kept.answer(w, r)
			return
		}
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
	return &limitShell{stack: s, backend: backend, kept: kept, URL: s.URL()}, nil
}

func (l *limitShell) Stop() {
	l.stack.Stop()
	l.backend.Close()
	l.kept.client.CloseIdleConnections()
}

// keptFragments answers each fragment the heavy reader's home page
// includes with the bytes its service answered when first asked: composed
// from them, the page is the real one, nginx's work on it the real work,
// and the services' none. How fast it goes is the most any service work
// could let the home page go.
type keptFragments struct {
	services *stack.Stack
	token    string // the heavy reader's session
	client   *http.Client
	mu       sync.Mutex
	kept     map[string]keptFragment
}

type keptFragment struct {
	contentType string
	body        []byte
}

func newKeptFragments(services *stack.Stack, token string) *keptFragments {
	return &keptFragments{services: services, token: token, client: newClient(4, 30*time.Second), kept: map[string]keptFragment{}}
}

func (k *keptFragments) answer(w http.ResponseWriter, r *http.Request) {
	key := r.URL.RequestURI()
	k.mu.Lock()
	f, ok := k.kept[key]
	k.mu.Unlock()
	if !ok {
		var err error
		if f, err = k.ask(r); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		k.mu.Lock()
		k.kept[key] = f
		k.mu.Unlock()
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(f.body)))
	w.Write(f.body)
}

// ask asks the real service for the fragment as the heavy reader, with the
// headers nginx sent (so it answers as it does inside the shell).
func (k *keptFragments) ask(r *http.Request) (keptFragment, error) {
	svc, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if len(k.services.Opts.Ports[svc]) == 0 {
		return keptFragment{}, fmt.Errorf("no service %q for %s", svc, r.URL.Path)
	}
	req, err := http.NewRequestWithContext(r.Context(), http.MethodGet, k.services.ServiceURL(svc)+r.URL.RequestURI(), nil)
	if err != nil {
		return keptFragment{}, err
	}
	req.Header = r.Header.Clone()
	req.Header.Set("Cookie", "murmur_session="+k.token)
	req.Host = r.Host
	resp, err := k.client.Do(req)
	if err != nil {
		return keptFragment{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("%s answered %d", r.URL.Path, resp.StatusCode)
	}
	return keptFragment{contentType: resp.Header.Get("Content-Type"), body: body}, err
}

// scenarios are the limits.
func (l *limitShell) scenarios(homeSize int) []Scenario {
	get := func(path, cookie string) func(int) (*http.Request, error) {
		return func(int) (*http.Request, error) {
			req, err := http.NewRequest(http.MethodGet, l.URL+path, nil)
			if err == nil && cookie != "" {
				req.Header.Set("Cookie", cookie)
			}
			return req, err
		}
	}
	return []Scenario{
		{Name: limitStatic, Limit: limitStatic, Rate: 500, Request: get("/static/home-page.html", ""),
			Check: func(status int, body []byte) error {
				if status != http.StatusOK || len(body) != homeSize {
					return fmt.Errorf("static page: %d, %d bytes; want 200, %d bytes", status, len(body), homeSize)
				}
				return nil
			}},
		{Name: limitSSI, Limit: limitSSI, Rate: 200, Request: get("/", "murmur_session=any"), Check: pageCheck(trivialFragment)},
		{Name: limitProxy, Limit: limitProxy, Rate: 500, Request: get("/timeline/api/home", ""), Check: listCheck},
		// Its ratio, to the SSI limit as the home pages', is the most they
		// could reach.
		{Name: limitKept, Limit: limitSSI, Rate: 200, Request: get("/", keptCookie), Check: func(status int, body []byte) error {
			if err := pageCheck(`id="tweet-`)(status, body); err != nil {
				return err
			}
			// The same page: only what differs per answer (times shown
			// relative to now, request ids) may change its length.
			if d := len(body) - homeSize; d*50 > homeSize || -d*50 > homeSize {
				return fmt.Errorf("the page of kept fragments is %d bytes; the home page was %d", len(body), homeSize)
			}
			return nil
		}},
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
