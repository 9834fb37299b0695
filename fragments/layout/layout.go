// Package layout lends the services' common look to the shell: the same
// page layout, fallback block and static files, so the page nginx composes
// and a service opened on its own look the same.
package layout

import (
	"html/template"

	"murmur/fragments/internal/web"
)

// Slots are the parts of a page.
type Slots struct {
	Title                  string
	Nav, Left, Main, Right template.HTML
}

// Page renders a whole page of the shell in the common layout, with its
// static files under /static.
func Page(s Slots) (template.HTML, error) {
	p := web.Page{Title: s.Title, StaticPrefix: "/static", Home: "/", Nav: s.Nav, Left: s.Left, Main: s.Main, Right: s.Right}
	return web.Execute(web.ParseTemplates(nil), "layout", p)
}

// Fallback renders the block shown in place of a fragment whose service is
// down; label names what is missing ("Your timeline").
func Fallback(label string) (template.HTML, error) {
	return web.Execute(web.ParseTemplates(nil), "fallback", label)
}

// WriteAssets copies the shared static files into dir.
func WriteAssets(dir string) error { return web.SharedAssets.WriteTo(dir) }
