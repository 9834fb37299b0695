// Package layout is murmur's common look: the page layout and the partials
// every service shares (problem, fallback, sign-in prompt, signed-in nav),
// the template functions they use, and the shared static files. The shell's
// pages and a service opened on its own are rendered from the same
// templates, so the page nginx composes and a service on its own look the
// same. It sits outside fragments/internal because the shell, at the root
// of the module, renders its pages with it too.
package layout

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

//go:embed templates/*.html
var sharedTemplates embed.FS

// Page is a whole HTML page in the common layout: the shell renders it with
// SSI includes in the slots, a service opened on its own with its fragments.
type Page struct {
	Title string
	// StaticPrefix is where the shared assets are served: "/static" behind the
	// shell, "/<service>/static" for a service opened on its own.
	StaticPrefix string
	// Home is where the brand in the header leads.
	Home string
	// Nav, Left, Main and Right are the page's slots.
	Nav, Left, Main, Right template.HTML
}

// ErrorPage is what the "error-page" partial says: the main column of a
// page that stands for an error, in the site's look.
type ErrorPage struct {
	// Title is the page's title.
	Title string
	// Status is the HTTP status, shown large; 0 shows none (one page
	// standing for several statuses).
	Status           int
	Heading, Message string
	// Home is where its button leads.
	Home string
}

// NotFound is the error page of a path that leads nowhere, the same from
// the shell and from a service opened on its own.
func NotFound(home string) ErrorPage {
	return ErrorPage{Title: "Not found", Status: 404, Heading: "This page doesn’t exist",
		Message: "The link may be broken, or the page may have moved.", Home: home}
}

// Asset returns the cache-busting URL of a shared static file, or "" when the
// file is not there (vendor files before `make assets`).
func (p Page) Asset(name string) string {
	if n := SharedAssets().Name(name); n != "" {
		return p.StaticPrefix + "/" + n
	}
	return ""
}

// funcs are the template functions every service's templates may use.
var funcs = template.FuncMap{
	"initial": func(s string) string {
		r, _ := utf8.DecodeRuneInString(strings.TrimSpace(s))
		if r == utf8.RuneError {
			return "?"
		}
		return string(unicode.ToUpper(r))
	},
	"isotime": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"longtime": func(t time.Time) string {
		return t.UTC().Format("15:04 · 2 Jan 2006 (UTC)")
	},
	"ago":  Ago,
	"face": NewFace,
}

// Face is what the "face" partial shows in a person's .avatar: their
// picture at URL, or the initial of Name when URL is empty.
type Face struct{ URL, Name string }

// NewFace is the template function face: url is a string or a *string
// (nil for none).
func NewFace(url any, name string) Face {
	switch u := url.(type) {
	case string:
		return Face{URL: u, Name: name}
	case *string:
		if u != nil {
			return Face{URL: *u, Name: name}
		}
	}
	return Face{Name: name}
}

// Ago tells how long ago t was, the way a microblog does: "now", "5m", "3h",
// "2d", then the date.
func Ago(t time.Time) string {
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return "now"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	case d < 24*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	case d < 7*24*time.Hour:
		return strconv.Itoa(int(d/(24*time.Hour))) + "d"
	case t.Year() == time.Now().Year():
		return t.UTC().Format("2 Jan")
	}
	return t.UTC().Format("2 Jan 2006")
}

// Parse returns the common layout and partials together with the service's
// own templates matched by patterns in fsys.
func Parse(fsys fs.FS, patterns ...string) *template.Template {
	t := template.Must(template.New("").Funcs(funcs).ParseFS(sharedTemplates, "templates/*.html"))
	if len(patterns) > 0 {
		t = template.Must(t.ParseFS(fsys, patterns...))
	}
	return t
}

// Execute renders a named template into a string of trusted HTML (it was
// escaped by html/template), for composing a page from fragments.
func Execute(t *template.Template, name string, data any) (template.HTML, error) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil
}
