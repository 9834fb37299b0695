// Package shell renders the shell's pages: the common layout with nginx
// SSI includes in its slots, one include per fragment, each with a styled
// fallback block nginx shows when that fragment's service is down. A page
// names its slots ({{slot "bell"}}); the list of services (services.json)
// says which service's fragment fills each one, and a slot that no listed
// service fills renders empty.
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
	"murmur/services"
)

//go:embed *.html
var pages embed.FS

// ssiVariable is an nginx variable in an include's path, as in
// /profile/frag/users/${handle}.
var ssiVariable = regexp.MustCompile(`\$\{(\w+)\}`)

// Pages are the page files nginx serves with SSI: its own, and those a
// service of the list brings (notifications.html), rendered whether or not
// that service is listed; nginx serves them only while it is.
var Pages = []string{"home.html", "welcome.html", "user.html", "status.html", "tags.html", "search.html", "settings.html", "notifications.html"}

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
	// /u/<handle>/status/<id> when tweets says that person wrote no such
	// tweet (see the status location in nginx.conf.tmpl).
	"no-tweet.html": {Title: "No such tweet", Status: 404, Heading: "This tweet doesn’t exist",
		Message: "It may have been deleted, or the link is not quite right.", Home: "/"},
	// An address longer than nginx reads (a search of tens of thousands
	// of characters).
	"too-long.html": {Title: "Too long", Status: 414, Heading: "This address is too long",
		Message: "murmur can’t read an address this long. Search for fewer words.", Home: "/"},
	// A service that cannot be reached or answers too late, for a page
	// rather than a fragment (500, 502, 503, 504: the status stays).
	"unavailable.html": {Title: "Unavailable", Heading: "murmur can’t answer right now",
		Message: "This part of murmur is down or too slow at the moment. Try again in a moment.", Home: "/"},
}

// slotter returns the template function that writes a named slot: the
// SSI directives for the fragment of the listed service that fills it, or
// nothing when no service fills it. Each include is a block holding the
// fallback (the "stub" nginx shows when the include fails or is empty;
// empty for a quiet slot) and the include itself, through the internal
// /_ssi/ path that turns failures into the fallback. Each include gets its
// own block name.
func slotter(list services.List) func(name string) (template.HTML, error) {
	look := layout.Parse(nil)
	n := 0
	return func(name string) (template.HTML, error) {
		slot, _, ok := list.Slot(name)
		if !ok {
			return "", nil
		}
		path := slot.Fragment
		if strings.ContainsAny(path, `"'<>`) || !strings.HasPrefix(path, "/") {
			return "", fmt.Errorf("include path %q is not a plain absolute path", path)
		}
		n++
		block := fmt.Sprintf("fallback_%d", n)
		if slot.Quiet {
			return template.HTML(fmt.Sprintf(`<!--# block name="%s" --><!--# endblock -->`+
				`<!--# include virtual="/_ssi%s" stub="%s" -->`, block, path, block)), nil
		}
		stub, err := layout.Execute(look, "fallback", slot.Label)
		if err != nil {
			return "", err
		}
		// After the include, an inert <template> names the fragment, nginx
		// variables (the handle of /u/<handle>) filled in: murmur.js finds
		// it after a fallback (.slot-retry), asks for the fragment again
		// until the service answers and puts it in the fallback's place,
		// so a page opened while a service was down recovers without a
		// reload. It cannot sit in the block: nginx writes a block out
		// through the include's subrequest, where SSI is off, so commands
		// in it would reach the page as text.
		// An unset variable (a search page without ?q=) echoes as
		// nothing, not nginx's "(none)".
		fragment := ssiVariable.ReplaceAllString(path, `<!--# echo var="$1" encoding="entity" default="" -->`)
		return template.HTML(fmt.Sprintf(`<!--# block name="%s" --><div class="slot-retry">%s</div><!--# endblock -->`+
			`<!--# include virtual="/_ssi%s" stub="%s" --><template data-murmur-fragment="%s"></template>`,
			block, stub, path, block, fragment)), nil
	}
}

// Render writes the pages, their slots filled by the services of list,
// and the shared static files (under static/) into dir.
func Render(dir string, list services.List) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, name := range Pages {
		out, err := renderPage(name, list)
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

func renderPage(name string, list services.List) (template.HTML, error) {
	t, err := template.New(name).Funcs(template.FuncMap{"slot": slotter(list)}).ParseFS(pages, name)
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
