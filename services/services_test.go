package services

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestTheListIsValid(t *testing.T) {
	l, err := Parse(listFile)
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Names(); len(got) < 4 || got[0] != "profile" {
		t.Fatalf("services = %v, want profile first (it signs sessions) and the others after", got)
	}
}

// Every service binary the Makefile builds (fragments/*/cmd/*) is in the
// list, and every listed service has one.
func TestTheListNamesEveryServiceThatIsBuilt(t *testing.T) {
	mains, err := filepath.Glob("../fragments/*/cmd/*/main.go")
	if err != nil {
		t.Fatal(err)
	}
	var built []string
	for _, m := range mains {
		built = append(built, filepath.Base(filepath.Dir(m)))
	}
	slices.Sort(built)
	listed := All().Names()
	slices.Sort(listed)
	if !slices.Equal(built, listed) {
		t.Errorf("fragments/*/cmd/* builds %v, the list has %v", built, listed)
	}
}

// docker-compose.yml and Prometheus' configuration are generated from the
// list; the committed files must be what `make configs` writes.
func TestContainerFilesFollowTheList(t *testing.T) {
	files, err := Configs(All())
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range files {
		got, err := os.ReadFile(filepath.Join("..", filepath.FromSlash(path)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what the list makes of it: run `make configs`", path)
		}
	}
	for _, s := range All() {
		for _, want := range []string{"\n  " + s.Name + ":\n", s.URLVariable() + ": http://" + s.Name + ":", s.Name + "-data:/data"} {
			if !strings.Contains(string(files[ComposeFile]), want) {
				t.Errorf("compose lacks %q for %s", want, s.Name)
			}
		}
		if !strings.Contains(string(files[PrometheusFile]), "metrics_path: /"+s.Name+"/metrics") {
			t.Errorf("prometheus does not scrape %s", s.Name)
		}
	}
}

func TestWithoutTakesServicesOut(t *testing.T) {
	l := All().Without("notifications")
	if _, ok := l.Get("notifications"); ok {
		t.Fatal("notifications still in the list")
	}
	if _, _, ok := l.Slot("bell"); ok {
		t.Error("the bell slot is still filled without notifications")
	}
	if _, svc, ok := l.Slot("nav"); !ok || svc.Name != "profile" {
		t.Errorf("nav slot = %v %v, want profile's", svc.Name, ok)
	}
	if len(l.Pages()) != len(All().Pages())-1 {
		t.Errorf("pages = %v, want notifications' gone", l.Pages())
	}
	if _, ok := All().Get("notifications"); !ok {
		t.Error("Without changed the list it was called on")
	}
}

func TestParseRefusesABadList(t *testing.T) {
	row := func(s string) string { return `{"services": [` + s + `]}` }
	ok := `{"name": "a", "port": 1, "prefix": "/a/"}`
	for _, tt := range []struct{ name, list, want string }{
		{"unknown field", row(`{"name": "a", "port": 1, "prefix": "/a/", "colour": "red"}`), "unknown field"},
		{"bad name", row(`{"name": "A b", "port": 1, "prefix": "/A b/"}`), "lower-case"},
		{"twice", row(ok + "," + `{"name": "a", "port": 2, "prefix": "/a/"}`), "twice"},
		{"same port", row(ok + "," + `{"name": "b", "port": 1, "prefix": "/b/"}`), "port"},
		{"prefix", row(`{"name": "a", "port": 1, "prefix": "/b/"}`), "prefix"},
		{"foreign fragment", row(`{"name": "a", "port": 1, "prefix": "/a/", "slots": {"x": {"fragment": "/b/frag/x", "label": "X"}}}`), "under /a/frag/"},
		{"slot filled twice", row(`{"name": "a", "port": 1, "prefix": "/a/", "slots": {"x": {"fragment": "/a/frag/x", "label": "X"}}},` +
			`{"name": "b", "port": 2, "prefix": "/b/", "slots": {"x": {"fragment": "/b/frag/x", "label": "X"}}}`), "both"},
		{"two query parameters", row(`{"name": "a", "port": 1, "prefix": "/a/", "slots": {"x": {"fragment": "/a/frag/x?q=${arg_q}&n=1", "label": "X"}}}`), "under /a/frag/"},
		{"a query that could break the include", row(`{"name": "a", "port": 1, "prefix": "/a/", "slots": {"x": {"fragment": "/a/frag/x?q=\"", "label": "X"}}}`), "under /a/frag/"},
		{"no label", row(`{"name": "a", "port": 1, "prefix": "/a/", "slots": {"x": {"fragment": "/a/frag/x"}}}`), "label"},
		{"socket elsewhere", row(`{"name": "a", "port": 1, "prefix": "/a/", "sockets": ["/b/ws"]}`), "socket"},
		{"bad page", row(`{"name": "a", "port": 1, "prefix": "/a/", "pages": {"/a b": "a.html"}}`), "page"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.list))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse = %v, want an error saying %q", err, tt.want)
			}
		})
	}
	if _, err := Parse([]byte(row(ok))); err != nil {
		t.Errorf("a good list refused: %v", err)
	}
	withQuery := row(`{"name": "a", "port": 1, "prefix": "/a/", "slots": {"x": {"fragment": "/a/frag/x?q=${arg_q}", "label": "X"}}}`)
	if _, err := Parse([]byte(withQuery)); err != nil {
		t.Errorf("a fragment with one query parameter refused: %v", err)
	}
}
