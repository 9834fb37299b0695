// Package shell renders the shell's pages: the common layout with nginx
// SSI includes in its slots, one include per fragment, each with a styled
// fallback block nginx shows when that fragment's service is down.
package shell

import (
	"embed"
	"fmt"
	"html/template"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"murmur/fragments/layout"
)

//go:embed *.html
var pages embed.FS

// ssiVariable is an nginx variable in an include's path, as in
// /profile/frag/users/${handle}.
var ssiVariable = regexp.MustCompile(`\$\{(\w+)\}`)

// Pages are the page files nginx serves with SSI.
var Pages = []string{"home.html", "welcome.html", "user.html", "settings.html"}

// ErrorDir is the folder of the site holding the pages nginx answers its
// own errors with (error_page): an internal location, reached only by
// nginx's redirects, so the pages keep the status of the error.
const ErrorDir = "_errors"

// ErrorPages are nginx's own error answers in the site's look, by file
// name under ErrorDir. They are static, with no SSI includes: they must
// show even when every service is down.
var ErrorPages = map[string]layout.ErrorPage{
	// A path nothing serves.
	"not-found.html": layout.NotFound("/"),
	// /u/<handle> when profile says there is no such account (see the
	// /u/ location in nginx.conf.tmpl).
	"no-account.html": {Title: "No such account", Status: 404, Heading: "This account doesn’t exist",
		Message: "No one on murmur has that handle. Check the spelling, or search for people from the home page.", Home: "/"},
	// A service that cannot be reached or answers too late, for a page
	// rather than a fragment (500, 502, 503, 504: the status stays).
	"unavailable.html": {Title: "Unavailable", Heading: "murmur can’t answer right now",
		Message: "This part of murmur is down or too slow at the moment. Try again in a moment.", Home: "/"},
}

// includer returns the template function that writes the SSI directives
// for one fragment: a block holding the fallback (the "stub" nginx shows
// when the include fails or is empty) and the include itself, through the
// internal /_ssi/ path that turns failures into the fallback. Each include
// gets its own block name.
func includer() func(path, label string) (template.HTML, error) {
	look := layout.Parse(nil)
	n := 0
	return func(path, label string) (template.HTML, error) {
		if strings.ContainsAny(path, `"'<>`) || !strings.HasPrefix(path, "/") {
			return "", fmt.Errorf("include path %q is not a plain absolute path", path)
		}
		n++
		stub, err := layout.Execute(look, "fallback", label)
		if err != nil {
			return "", err
		}
		name := fmt.Sprintf("fallback_%d", n)
		// After the include, an inert <template> names the fragment, nginx
		// variables (the handle of /u/<handle>) filled in: murmur.js finds
		// it after a fallback (.slot-retry), asks for the fragment again
		// until the service answers and puts it in the fallback's place,
		// so a page opened while a service was down recovers without a
		// reload. It cannot sit in the block: nginx writes a block out
		// through the include's subrequest, where SSI is off, so commands
		// in it would reach the page as text.
		fragment := ssiVariable.ReplaceAllString(path, `<!--# echo var="$1" encoding="entity" -->`)
		return template.HTML(fmt.Sprintf(`<!--# block name="%s" --><div class="slot-retry">%s</div><!--# endblock -->`+
			`<!--# include virtual="/_ssi%s" stub="%s" --><template data-murmur-fragment="%s"></template>`,
			name, stub, path, name, fragment)), nil
	}
}

// Render writes the pages and the shared static files (under static/) into dir.
func Render(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, name := range Pages {
		out, err := renderPage(name)
		if err != nil {
			return fmt.Errorf("render %s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(out), 0o644); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, ErrorDir), 0o755); err != nil {
		return err
	}
	for name, e := range ErrorPages {
		out, err := renderErrorPage(e)
		if err != nil {
			return fmt.Errorf("render %s/%s: %w", ErrorDir, name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, ErrorDir, name), []byte(out), 0o644); err != nil {
			return err
		}
	}
	return layout.SharedAssets().WriteTo(filepath.Join(dir, "static"))
}

// renderErrorPage renders an error page in the common layout, served from
// the site's root like the other pages.
func renderErrorPage(e layout.ErrorPage) (template.HTML, error) {
	look := layout.Parse(nil)
	main, err := layout.Execute(look, "error-page", e)
	if err != nil {
		return "", err
	}
	return layout.Execute(look, "layout", layout.Page{Title: e.Title, StaticPrefix: "/static", Home: "/", Main: main})
}

func renderPage(name string) (template.HTML, error) {
	t, err := template.New(name).Funcs(template.FuncMap{"include": includer()}).ParseFS(pages, name)
	if err != nil {
		return "", err
	}
	slot := func(s string) template.HTML {
		if err != nil {
			return ""
		}
		var buf strings.Builder
		err = t.ExecuteTemplate(&buf, s, nil)
		return template.HTML(buf.String())
	}
	// The shell's pages are served from the site's root: static files
	// under /static, the brand leading home.
	p := layout.Page{Title: string(slot("title")), StaticPrefix: "/static", Home: "/"}
	p.Nav, p.Left, p.Main, p.Right = slot("nav"), slot("left"), slot("main"), slot("right")
	if err != nil {
		return "", err
	}
	return layout.Execute(layout.Parse(nil), "layout", p)
}
