package shell

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"murmur/nginx"
)

// nginx answers its own errors with the shell's static pages: each one the
// configuration names must be rendered, in the common layout, with no SSI
// (it must show with every service down).
func TestErrorPagesNginxNamesAreRendered(t *testing.T) {
	dir := t.TempDir()
	if err := Render(dir); err != nil {
		t.Fatal(err)
	}
	var conf bytes.Buffer
	ups := make([]nginx.Upstream, len(nginx.Services))
	for i, s := range nginx.Services {
		ups[i] = nginx.Upstream{Name: s, Addrs: []string{"127.0.0.1:1"}}
	}
	if err := nginx.Render(&conf, nginx.Config{Listen: "127.0.0.1:1", SiteDir: dir, RunDir: dir, LogDir: dir, Upstreams: ups}); err != nil {
		t.Fatal(err)
	}
	named := regexp.MustCompile(`/`+ErrorDir+`/[a-z-]+\.html`).FindAllString(conf.String(), -1)
	if len(named) < 3 {
		t.Fatalf("the nginx configuration names %v, want its error pages", named)
	}
	for _, path := range named {
		if _, ok := ErrorPages[filepath.Base(path)]; !ok {
			t.Errorf("nginx names %s, which the shell does not render", path)
		}
	}
	for name, e := range ErrorPages {
		data, err := os.ReadFile(filepath.Join(dir, ErrorDir, name))
		if err != nil {
			t.Fatal(err)
		}
		page := string(data)
		for _, want := range []string{"<!doctype html>", `<link rel="stylesheet" href="/static/murmur.`, `class="card error-page"`,
			"<title>" + e.Title + " · murmur</title>", e.Heading} {
			if !strings.Contains(page, want) {
				t.Errorf("%s lacks %q", name, want)
			}
		}
		if strings.Contains(page, "<!--#") {
			t.Errorf("%s holds SSI directives", name)
		}
	}
}

// The hashtag and search pages include their fragments with the values
// nginx takes from the address, and the echo that names each fragment for
// a retry prints nothing for an unset variable (a search without ?q=).
func TestTagAndSearchPages(t *testing.T) {
	for name, wants := range map[string][]string{
		"tags.html": {`<!--# include virtual="/_ssi/tweets/frag/tags/${tag}"`, `/tweets/frag/tags/<!--# echo var="tag" encoding="entity" default="" -->`,
			`<!--# include virtual="/_ssi/profile/frag/nav"`},
		"search.html": {`<!--# include virtual="/_ssi/profile/frag/nav?q=${arg_q}"`, `<!--# include virtual="/_ssi/profile/frag/search/people?q=${arg_q}"`,
			`<!--# include virtual="/_ssi/tweets/frag/search?q=${arg_q}"`, `/tweets/frag/search?q=<!--# echo var="arg_q" encoding="entity" default="" -->`},
	} {
		page, err := renderPage(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, want := range wants {
			if !strings.Contains(string(page), want) {
				t.Errorf("%s lacks %s", name, want)
			}
		}
	}
}
