// Package services is the one list of murmur's services (services.json):
// each one's name, port, URL prefix, the shell slots it fills, the
// websocket paths it serves and the shell pages it brings. It is the only
// place a service is named: the launcher starts what it lists, nginx's
// configuration proxies what it lists, the shell's pages name slots and
// the list says which service's fragment fills each one, and the
// docker-compose file and Prometheus' scrape targets are generated from
// it (`make configs`). A service joins murmur by a row here; taken out,
// the system runs without it and its slots stay empty.
package services

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
)

//go:embed services.json
var listFile []byte

// Slot is one place in the shell's pages that a service's fragment fills.
type Slot struct {
	// Fragment is the path of the fragment, under the service's prefix,
	// and at most one query parameter; nginx variables stand for what the
	// page's address holds: ${handle} the handle of a person's page
	// (/u/<handle>), ${tag} a hashtag's (/tags/<tag>), ${arg_q} the q of
	// the search page (/search?q=), as the browser encoded it.
	Fragment string `json:"fragment"`
	// Label names what the slot shows, in its fallback block ("Who to
	// follow can't be shown right now").
	Label string `json:"label"`
	// Quiet slots show nothing when their service is down (the bell in
	// the header), instead of the fallback block.
	Quiet bool `json:"quiet,omitempty"`
}

// Service is one row of the list.
type Service struct {
	// Name is the service's name: its binary (fragments/<name>/cmd/<name>),
	// its data folder and the first segment of its prefix.
	Name string `json:"name"`
	// Port is where it listens on a developer machine (make start).
	Port int `json:"port"`
	// Prefix is every URL it serves: /<name>/.
	Prefix string `json:"prefix"`
	// Slots are the shell's slots it fills, by slot name.
	Slots map[string]Slot `json:"slots,omitempty"`
	// Sockets are its websocket paths, which nginx proxies with the
	// Upgrade handshake and long timeouts.
	Sockets []string `json:"sockets,omitempty"`
	// Pages are the shell pages it brings: the page's path on the shell
	// (/notifications) and its file in shell/ (notifications.html). They
	// are served only while the service is in the list.
	Pages map[string]string `json:"pages,omitempty"`
}

// URLVariable is the environment variable that tells services where to
// reach this one directly: MURMUR_PROFILE_URL.
func (s Service) URLVariable() string {
	return "MURMUR_" + strings.ToUpper(strings.ReplaceAll(s.Name, "-", "_")) + "_URL"
}

// List is the services that make up a murmur, in the list's order.
type List []Service

var (
	nameRule     = regexp.MustCompile(`^[a-z]+$`)
	slotNameRule = regexp.MustCompile(`^[a-z][a-z-]*$`)
	fragmentRule = regexp.MustCompile(`^/[a-z]+/frag/[A-Za-z0-9/_${}.-]+(\?[a-z_]+=[A-Za-z0-9_${}]+)?$`)
	pageRule     = regexp.MustCompile(`^/[a-z][a-z-]*$`)
	pageFileRule = regexp.MustCompile(`^[a-z][a-z-]*\.html$`)
)

// Parse reads a list in services.json's format and checks it: names and
// ports unique, each prefix /<name>/, each slot filled by one service
// with a fragment under that service's prefix, sockets and pages well
// formed.
func Parse(data []byte) (List, error) {
	var f struct {
		Services List `json:"services"`
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("services list: %w", err)
	}
	return f.Services, f.Services.check()
}

func (l List) check() error {
	names, ports, slots, pages := map[string]bool{}, map[int]bool{}, map[string]string{}, map[string]string{}
	for _, s := range l {
		switch {
		case !nameRule.MatchString(s.Name):
			return fmt.Errorf("service %q: a name is lower-case letters", s.Name)
		case names[s.Name]:
			return fmt.Errorf("service %q is listed twice", s.Name)
		case s.Port <= 0 || s.Port > 65535 || ports[s.Port]:
			return fmt.Errorf("service %s: port %d is not a free port number", s.Name, s.Port)
		case s.Prefix != "/"+s.Name+"/":
			return fmt.Errorf("service %s: its prefix is /%s/, not %q", s.Name, s.Name, s.Prefix)
		}
		names[s.Name], ports[s.Port] = true, true
		for name, slot := range s.Slots {
			if !slotNameRule.MatchString(name) {
				return fmt.Errorf("service %s: %q is not a slot name", s.Name, name)
			}
			if other, ok := slots[name]; ok {
				return fmt.Errorf("slot %q is filled by both %s and %s", name, other, s.Name)
			}
			slots[name] = s.Name
			if !fragmentRule.MatchString(slot.Fragment) || !strings.HasPrefix(slot.Fragment, s.Prefix+"frag/") {
				return fmt.Errorf("slot %q: %q is not a fragment path under %sfrag/", name, slot.Fragment, s.Prefix)
			}
			if slot.Label == "" {
				return fmt.Errorf("slot %q has no label", name)
			}
		}
		for _, sock := range s.Sockets {
			if !strings.HasPrefix(sock, s.Prefix) || strings.ContainsAny(sock, " ;{}\"'") {
				return fmt.Errorf("service %s: socket %q is not a path under %s", s.Name, sock, s.Prefix)
			}
		}
		for path, file := range s.Pages {
			if !pageRule.MatchString(path) || !pageFileRule.MatchString(file) {
				return fmt.Errorf("service %s: page %q (%q) is not /<name> served from <name>.html", s.Name, path, file)
			}
			if other, ok := pages[path]; ok {
				return fmt.Errorf("page %s is brought by both %s and %s", path, other, s.Name)
			}
			pages[path] = s.Name
		}
	}
	return nil
}

var all = sync.OnceValues(func() (List, error) { return Parse(listFile) })

// All is the list in services.json. A list that does not pass Parse's
// checks stops the program: it is part of the build, and its test fails
// first.
func All() List {
	l, err := all()
	if err != nil {
		panic(err)
	}
	return slices.Clone(l)
}

// Names are the services' names, in the list's order.
func (l List) Names() []string {
	out := make([]string, len(l))
	for i, s := range l {
		out[i] = s.Name
	}
	return out
}

// Get returns the named service.
func (l List) Get(name string) (Service, bool) {
	for _, s := range l {
		if s.Name == name {
			return s, true
		}
	}
	return Service{}, false
}

// Without is the list with the named services taken out: murmur as if
// their rows were deleted.
func (l List) Without(names ...string) List {
	return slices.DeleteFunc(slices.Clone(l), func(s Service) bool { return slices.Contains(names, s.Name) })
}

// Slot returns the slot of that name and the service that fills it;
// false when no service in the list fills it (the slot stays empty).
func (l List) Slot(name string) (Slot, Service, bool) {
	for _, s := range l {
		if slot, ok := s.Slots[name]; ok {
			return slot, s, true
		}
	}
	return Slot{}, Service{}, false
}

// Page is a shell page a listed service brings.
type Page struct {
	// Path is where the shell serves it (/notifications); File is its
	// file in shell/ and in the rendered site.
	Path, File string
}

// Pages are the shell pages the listed services bring, by path.
func (l List) Pages() []Page {
	var out []Page
	for _, s := range l {
		for path, file := range s.Pages {
			out = append(out, Page{Path: path, File: file})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}
