package render_test

import (
	"html/template"
	"testing"

	"murmur/fragments/internal/render"
)

// TestMemoRendersOncePerKey checks that a Memo renders a key once and
// answers it from then on, that another key renders anew, and that what
// it keeps is escaped as the template escapes.
func TestMemoRendersOncePerKey(t *testing.T) {
	tmpl := template.Must(template.New("x").Parse(`{{define "hi"}}<p title="{{.}}">{{.}}</p>{{end}}`))
	m := render.NewMemo[string](tmpl, "hi", 2)

	h, err := m.HTML("ann", `Ann <b>"&"</b>`)
	if err != nil {
		t.Fatal(err)
	}
	want := template.HTML(`<p title="Ann &lt;b&gt;&#34;&amp;&#34;&lt;/b&gt;">Ann &lt;b&gt;&#34;&amp;&#34;&lt;/b&gt;</p>`)
	if h != want {
		t.Fatalf("rendered %s, want %s", h, want)
	}
	// The same key is answered as kept: the data is not looked at again
	// (which is why a key must hold everything the template shows).
	if h, _ := m.HTML("ann", "someone else"); h != want {
		t.Errorf("kept key rendered anew: %s", h)
	}
	if h, _ := m.HTML("bob", "Bob"); h != `<p title="Bob">Bob</p>` {
		t.Errorf("another key: %s", h)
	}
	if n := m.Len(); n != 2 {
		t.Errorf("kept %d, want 2", n)
	}
	// Past its bound the least recently asked goes: "ann" was asked before
	// "bob", so a third key pushes "ann" out, and it renders anew.
	m.HTML("cyd", "Cyd")
	if h, _ := m.HTML("ann", "Ann again"); h != `<p title="Ann again">Ann again</p>` {
		t.Errorf("a key pushed out was answered as kept: %s", h)
	}

	// A template that fails is an error, and nothing is kept for it.
	bad := render.NewMemo[string](tmpl, "no such template", 2)
	if _, err := bad.HTML("k", nil); err == nil || bad.Len() != 0 {
		t.Errorf("failing template: err %v, kept %d", err, bad.Len())
	}
}
