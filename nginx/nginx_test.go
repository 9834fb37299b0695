package nginx

import (
	"bytes"
	"strings"
	"testing"

	"murmur/fragments/layout"
	"murmur/services"
)

// block is a server or location block of a rendered configuration with the
// add_header lines written directly in it.
type block struct {
	name    string
	headers []string
}

// blocks lists the server and location blocks of conf in order.
func blocks(conf string) []block {
	var out []block
	var open []int // index in out of each enclosing block, -1 for others
	for line := range strings.SplitSeq(conf, "\n") {
		line = strings.TrimSpace(line)
		if i := strings.Index(line, "#"); i >= 0 && !strings.Contains(line[:i], `"`) {
			line = strings.TrimSpace(line[:i])
		}
		switch {
		case strings.HasSuffix(line, "{"):
			idx := -1
			if strings.HasPrefix(line, "server ") || strings.HasPrefix(line, "location ") {
				out = append(out, block{name: strings.TrimSuffix(line, "{")})
				idx = len(out) - 1
			}
			open = append(open, idx)
		case line == "}":
			open = open[:len(open)-1]
		case strings.HasPrefix(line, "add_header ") && len(open) > 0 && open[len(open)-1] >= 0:
			b := &out[open[len(open)-1]]
			b.headers = append(b.headers, strings.Fields(line)[1])
		}
	}
	return out
}

func render(t *testing.T) string {
	t.Helper()
	var ups []Upstream
	for _, s := range services.All().Names() {
		ups = append(ups, Upstream{Name: s, Addrs: []string{"127.0.0.1:1"}})
	}
	var buf bytes.Buffer
	if err := Render(&buf, Config{Listen: "127.0.0.1:4040", SiteDir: "/site", RunDir: "/run", LogDir: "/log", Upstreams: ups}); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// A location with add_header lines of its own inherits none of the
// server's: each such location must name every security header again.
func TestEveryBlockThatAddsHeadersAddsTheSecurityHeaders(t *testing.T) {
	conf := render(t)
	checked := 0
	for _, b := range blocks(conf) {
		if len(b.headers) == 0 {
			continue // inherits the server's
		}
		checked++
		for _, want := range append([]string{"X-Request-ID"}, names()...) {
			if n := count(b.headers, want); n != 1 {
				t.Errorf("%s adds %s %d times, want once (it adds %v)", b.name, want, n, b.headers)
			}
		}
	}
	if checked < 4 {
		t.Errorf("found %d blocks adding headers, want the server and the shell's own locations", checked)
	}
}

// nginx adds its own value only when the service sent none, so a proxied
// answer never carries two policies.
func TestSecurityHeadersGiveWayToTheServices(t *testing.T) {
	conf := render(t)
	for _, h := range layout.SecurityHeaders {
		v := strings.ReplaceAll(strings.ToLower(h.Name), "-", "_")
		for _, want := range []string{
			"map $upstream_http_" + v + " $shell_" + v + " {",
			`""      "` + h.Value + `";`,
			"add_header " + h.Name + " $shell_" + v + " always;",
		} {
			if !strings.Contains(conf, want) {
				t.Errorf("configuration lacks %q", want)
			}
		}
	}
	if !strings.Contains(conf, "proxy_set_header X-Forwarded-Proto $forwarded_proto;") {
		t.Error("services are not told the scheme the browser used")
	}
}

func names() []string {
	var n []string
	for _, h := range layout.SecurityHeaders {
		n = append(n, h.Name)
	}
	return n
}

func count(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}

// nginx proxies what the list names: each listed service's prefix, its
// websockets and the shell pages it brings; a service left out has none
// of them, and a name that is not in the list is refused.
func TestLocationsFollowTheList(t *testing.T) {
	conf := func(t *testing.T, names ...string) (string, error) {
		t.Helper()
		var ups []Upstream
		for _, n := range names {
			ups = append(ups, Upstream{Name: n, Addrs: []string{"127.0.0.1:1"}})
		}
		var buf bytes.Buffer
		err := Render(&buf, Config{Listen: "127.0.0.1:4040", SiteDir: "/site", RunDir: "/run", LogDir: "/log", Upstreams: ups})
		return buf.String(), err
	}
	all, err := conf(t, services.All().Names()...)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"location /timeline/ws {", "location /timeline/api/stream {", "upstream notifications {",
		"location /notifications/ws {", "location = /notifications {", "try_files /notifications.html =404;", "location /_ssi/notifications/frag/ {"} {
		if !strings.Contains(all, want) {
			t.Errorf("the configuration lacks %q", want)
		}
	}
	without, err := conf(t, services.All().Without("notifications").Names()...)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(without, "notifications") {
		t.Error("without notifications in the list, nginx still names it")
	}
	if !strings.Contains(without, "location /timeline/ws {") {
		t.Error("without notifications, the timeline's socket is gone too")
	}
	if _, err := conf(t, "profile", "mailbox"); err == nil || !strings.Contains(err.Error(), "mailbox") {
		t.Errorf("an upstream outside the list: %v, want it refused", err)
	}
}

// The hashtag page takes its tag from the decoded path byte by byte: the
// bytes of UTF-8 letters pass, nothing that ends a segment or starts a
// query does; the search page is one exact location. Both run SSI and
// neither page file is reachable by its own name.
func TestTagAndSearchLocations(t *testing.T) {
	conf := render(t)
	for _, want := range []string{
		`location ~ "^/tags/(?<tag>[A-Za-z0-9_\x80-\xFF]{1,400})/?$" {`,
		"try_files /tags.html =404;",
		"location = /search {",
		"try_files /search.html =404;",
		`location ~ ^/(tags|search)\.html$ {`,
		"error_page 414 /_errors/too-long.html;",
		"large_client_header_buffers 4 32k;",
	} {
		if !strings.Contains(conf, want) {
			t.Errorf("the configuration lacks %s", want)
		}
	}
}
