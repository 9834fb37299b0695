package layout

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
)

// static holds the stylesheet and scripts every page uses. static/vendor is
// filled from node_modules by `make assets` (htmx, its websocket extension,
// Swagger UI) and is not committed; embedding the folder, not the files,
// keeps the packages buildable before that step has run.
//
//go:embed all:static
var static embed.FS

// Assets serves a folder of static files under content-hashed names, so
// browsers may cache them forever and still see a new version at once.
type Assets struct {
	fsys   fs.FS
	once   sync.Once
	hashed map[string]string // logical name -> hashed name
	plain  map[string]string // hashed name -> logical name
}

// sharedAssets hashes the common files once per process: every page names
// them, and hashing the Swagger UI bundle on each render would be waste.
var sharedAssets = sync.OnceValue(func() *Assets {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err)
	}
	return NewAssets(sub)
})

// SharedAssets are the static files of the common layout.
func SharedAssets() *Assets { return sharedAssets() }

// NewAssets serves the files of fsys.
func NewAssets(fsys fs.FS) *Assets { return &Assets{fsys: fsys} }

func (a *Assets) index() {
	a.once.Do(func() {
		a.hashed, a.plain = map[string]string{}, map[string]string{}
		fs.WalkDir(a.fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
				return nil
			}
			data, err := fs.ReadFile(a.fsys, p)
			if err != nil {
				return nil
			}
			sum := sha256.Sum256(data)
			ext := path.Ext(p)
			name := strings.TrimSuffix(p, ext) + "." + hex.EncodeToString(sum[:5]) + ext
			a.hashed[p], a.plain[name] = name, p
			return nil
		})
	})
}

// Name returns the content-hashed name of a file, or "" when there is no such file.
func (a *Assets) Name(logical string) string {
	a.index()
	return a.hashed[logical]
}

// Handler serves the files by their hashed names with a one-year, immutable
// cache lifetime, and by their plain names without long caching.
func (a *Assets) Handler(prefix string) http.Handler {
	a.index()
	files := http.FileServerFS(a.fsys)
	return http.StripPrefix(prefix, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/")
		if logical, ok := a.plain[name]; ok {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			r.URL.Path = "/" + logical
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	}))
}

// WriteTo copies every file, under both its plain and its hashed name, into
// dir: the shell's nginx serves them from there.
func (a *Assets) WriteTo(dir string) error {
	a.index()
	for logical, hashed := range a.hashed {
		data, err := fs.ReadFile(a.fsys, logical)
		if err != nil {
			return err
		}
		for _, name := range []string{logical, hashed} {
			dst := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(dst, data, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}
