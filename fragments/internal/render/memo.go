package render

import (
	"html/template"

	lru "github.com/hashicorp/golang-lru/v2"

	"murmur/fragments/layout"
)

// Memo keeps what one template rendered, by a key that holds everything the
// rendering shows (K is a comparable struct of those values, never a
// pointer). A rendering found under its key is what the template would
// render now, so nothing is ever invalidated: any change to what it shows
// is another key, and keys no longer asked for age out of the bounded LRU.
// For the fragments on every page whose template costs more than building
// its key: tweet cards, the nav, a person's card, who-to-follow.
type Memo[K comparable] struct {
	tmpl *template.Template
	name string
	kept *lru.Cache[K, template.HTML]
}

// NewMemo keeps at most size renderings of the template named name.
func NewMemo[K comparable](tmpl *template.Template, name string, size int) *Memo[K] {
	kept, err := lru.New[K, template.HTML](size)
	if err != nil {
		panic(err) // only for a size below 1
	}
	return &Memo[K]{tmpl: tmpl, name: name, kept: kept}
}

// HTML is the template rendered with data, which key must describe whole:
// rendered once per key.
func (m *Memo[K]) HTML(key K, data any) (template.HTML, error) {
	if h, ok := m.kept.Get(key); ok {
		return h, nil
	}
	h, err := layout.Execute(m.tmpl, m.name, data)
	if err != nil {
		return "", err
	}
	m.kept.Add(key, h)
	return h, nil
}

// Len is how many renderings are kept.
func (m *Memo[K]) Len() int { return m.kept.Len() }
