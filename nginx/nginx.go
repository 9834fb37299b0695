// Package nginx renders the shell's nginx configuration from
// nginx.conf.tmpl for a given set of ports and folders.
package nginx

import (
	_ "embed"
	"fmt"
	"io"
	"os"
	"strings"
	"text/template"
	"time"

	"murmur/fragments/layout"
	"murmur/services"
)

//go:embed nginx.conf.tmpl
var confTemplate string

// The include budget: how long a page waits for one slot's fragment before
// nginx gives up on it and shows the slot's fallback instead. A page's
// includes run in parallel, so a page with a slow or stuck service still
// answers within IncludeBudget (plus its own few milliseconds), with
// every other slot filled.
const (
	// IncludeConnectTimeout bounds opening a connection to a service. Only
	// a host that drops packets makes nginx wait; a port nobody listens on
	// fails at once.
	IncludeConnectTimeout = time.Second
	// IncludeTimeout bounds each wait on a connection: for the service to
	// take the request, for the first bytes of its answer, and again
	// between any two reads of a longer answer. A service that answers
	// nothing costs a page this long. nginx has no limit on a whole answer:
	// one that trickles in faster than this is waited for.
	IncludeTimeout = 3 * time.Second
	// IncludeBudget is the longest a slot keeps its page waiting for a
	// service that does not answer. An include is tried again on another
	// instance after an error (connection refused or reset), never after a
	// timeout, so several stuck instances do not multiply it.
	IncludeBudget = IncludeConnectTimeout + IncludeTimeout
)

// Upstream is one service of the list (services.json) and the addresses
// (host:port) of its instances.
type Upstream struct {
	Name  string
	Addrs []string
}

// proxied is an upstream with what the list says of its service: the
// websocket paths and shell pages nginx serves for it.
type proxied struct {
	Name    string
	Addrs   []string
	Sockets []string
	Pages   []services.Page
}

// Config is what varies between a developer machine, a test and a container.
type Config struct {
	// Listen is the shell's address, e.g. 127.0.0.1:4040.
	Listen string
	// SiteDir holds the rendered pages and static/.
	SiteDir string
	// RunDir holds the pid file and nginx's temp folders; LogDir its logs.
	// Without a LogDir, nginx writes its error log to stderr and its access
	// log to stdout, for whoever started it to collect (the launcher
	// rotates them).
	RunDir, LogDir string
	// Upstreams lists the instances of every service nginx proxies: those
	// of the list (services.All), or fewer, as if the others were taken
	// out of it. A service without an upstream gets no location: its
	// paths answer 404 and its slots stay empty.
	Upstreams []Upstream
	// User is the worker user, needed only when nginx starts as root.
	User string
	// Workers is the number of worker processes.
	Workers int
	// MimeTypes is the path of nginx's mime.types file.
	MimeTypes string
}

// Render writes the configuration for cfg to w.
func Render(w io.Writer, cfg Config) error {
	if cfg.Workers == 0 {
		cfg.Workers = 2
	}
	if cfg.MimeTypes == "" {
		cfg.MimeTypes = "/etc/nginx/mime.types"
	}
	var ups []proxied
	all := services.All()
	for _, u := range cfg.Upstreams {
		svc, ok := all.Get(u.Name)
		if !ok {
			return fmt.Errorf("upstream %q is no service of the list %v", u.Name, all.Names())
		}
		if len(u.Addrs) == 0 {
			return fmt.Errorf("upstream %s has no address", u.Name)
		}
		ups = append(ups, proxied{Name: u.Name, Addrs: u.Addrs, Sockets: svc.Sockets, Pages: services.List{svc}.Pages()})
	}
	if len(ups) == 0 || ups[0].Name != "profile" {
		// The /u/ pages ask profile whether the account exists.
		return fmt.Errorf("nginx config needs profile's upstream first")
	}
	headers, err := securityHeaders()
	if err != nil {
		return err
	}
	t, err := template.New("nginx").Parse(confTemplate)
	if err != nil {
		return err
	}
	return t.Execute(w, struct {
		Config
		Services                              []proxied
		IncludeConnectTimeout, IncludeTimeout string
		SecurityHeaders                       []securityHeader
	}{cfg, ups, duration(IncludeConnectTimeout), duration(IncludeTimeout), headers})
}

// duration writes d in nginx's time syntax, in whole milliseconds.
func duration(d time.Duration) string {
	if d%time.Second == 0 {
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return fmt.Sprintf("%dms", d/time.Millisecond)
}

// securityHeader is one of layout.SecurityHeaders as the configuration
// names it: Var is the header's name in nginx variables
// (Content-Security-Policy → content_security_policy).
type securityHeader struct {
	Name, Var, Value string
}

func securityHeaders() ([]securityHeader, error) {
	var out []securityHeader
	for _, h := range layout.SecurityHeaders {
		// The value goes into a double-quoted nginx string.
		if strings.ContainsAny(h.Value, "\"$\\\n") {
			return nil, fmt.Errorf("header %s: value %q cannot be written in nginx's configuration", h.Name, h.Value)
		}
		out = append(out, securityHeader{Name: h.Name, Var: strings.ReplaceAll(strings.ToLower(h.Name), "-", "_"), Value: h.Value})
	}
	return out, nil
}

// WriteFile renders the configuration into the file at path.
func WriteFile(path string, cfg Config) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := Render(f, cfg); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
