package systemtest

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"murmur/fragments/layout"
	tweetsserver "murmur/fragments/tweets/server"
	"murmur/fragments/tweets/tweetstest"
	"murmur/services"
)

// checkSecurityHeaders requires every security header exactly once, the
// Content-Security-Policy being csp.
func checkSecurityHeaders(t *testing.T, where string, h http.Header, csp string) {
	t.Helper()
	for _, sh := range layout.SecurityHeaders {
		want := sh.Value
		if sh.Name == "Content-Security-Policy" {
			want = csp
		}
		if got := h.Values(sh.Name); len(got) != 1 || got[0] != want {
			t.Errorf("%s: %s = %q, want exactly %q", where, sh.Name, got, want)
		}
	}
}

// mustUploadImage uploads a PNG through the API and returns its id.
func mustUploadImage(t *testing.T, c *Client) string {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, _ := w.CreateFormFile("file", "p.png")
	part.Write(tweetstest.PNG(t, 12, 8))
	w.Close()
	status, data, _ := c.Do(t, "POST", "/tweets/api/media", body.String(), "Content-Type", w.FormDataContentType())
	var m struct {
		ID string `json:"id"`
	}
	if status != http.StatusCreated || json.Unmarshal(data, &m) != nil {
		t.Fatalf("upload: %d %s", status, data)
	}
	return m.ID
}

// Every answer, whoever makes it (nginx or a service, through the shell or
// not, a page, a fragment, JSON, a file or an error), carries the security
// headers once: a service's own policy where it has one, never two.
func TestSecurityHeadersOnEveryAnswer(t *testing.T) {
	s := MustStack(t)
	c := NewClient(s.URL())
	c.MustSignUp(t, "hedy", "password-hedy", "Hedy")
	image := mustUploadImage(t, c)
	session := []string{"Cookie", "murmur_session=" + c.Token}
	page, docs := layout.ContentSecurityPolicy, layout.DocsContentSecurityPolicy
	shell := s.URL()

	type answer struct {
		name, base, path string
		header           []string
		status           int
		csp              string
	}
	answers := []answer{
		{"the welcome page", shell, "/", nil, 200, page},
		{"the home page", shell, "/", session, 200, page},
		{"a person's page", shell, "/u/hedy", nil, 200, page},
		{"the shell's static file", shell, "/static/murmur.css", nil, 200, page},
		{"the shell's health", shell, "/healthz", nil, 200, page},
		{"a page that is not there", shell, "/no/such/page", nil, 404, page},
		{"a fragment", shell, "/profile/frag/nav", session, 200, page},
		{"a JSON answer", shell, "/profile/api/users/hedy", nil, 200, page},
		{"a problem", shell, "/profile/api/me", nil, 401, page},
		{"an image", shell, "/tweets/media/" + image, nil, 200, tweetsserver.MediaPolicy},
		{"the timeline's page", shell, "/timeline/", session, 200, page},
		{"an image the timeline on its own forwards", s.ServiceURL("timeline"), "/timeline/tweets/media/" + image, nil, 200, tweetsserver.MediaPolicy},
	}
	for _, svc := range services.All().Names() {
		answers = append(answers,
			answer{svc + "'s API docs through the shell", shell, "/" + svc + "/api/docs", nil, 200, docs},
			answer{svc + " on its own", s.ServiceURL(svc), "/" + svc + "/", session, 200, page},
			answer{svc + "'s static file on its own", s.ServiceURL(svc), "/" + svc + "/static/murmur.js", nil, 200, page},
			answer{svc + "'s API docs on its own", s.ServiceURL(svc), "/" + svc + "/api/docs", nil, 200, docs},
		)
	}
	for _, a := range answers {
		t.Run(a.name, func(t *testing.T) {
			status, body, h := NewClient(a.base).Do(t, "GET", a.path, nil, a.header...)
			if status != a.status {
				t.Fatalf("GET %s%s: status %d, want %d: %.200s", a.base, a.path, status, a.status, body)
			}
			checkSecurityHeaders(t, a.path, h, a.csp)
		})
	}

	t.Run("the session cookie is Secure when the browser came over HTTPS", func(t *testing.T) {
		signIn := `{"handle":"hedy","password":"password-hedy"}`
		for _, tt := range []struct {
			name   string
			header []string
			secure bool
		}{
			{"plain HTTP", nil, false},
			{"a TLS-terminating proxy in front of nginx", []string{"X-Forwarded-Proto", "https"}, true},
		} {
			status, body, h := NewClient(shell).Do(t, "POST", "/profile/api/sessions", signIn, tt.header...)
			if status != http.StatusCreated {
				t.Fatalf("%s: sign in: %d %s", tt.name, status, body)
			}
			cookie := (&http.Response{Header: h}).Cookies()
			if len(cookie) != 1 || cookie[0].Secure != tt.secure {
				t.Errorf("%s: Set-Cookie %q, want Secure %v", tt.name, h.Values("Set-Cookie"), tt.secure)
			}
		}
	})

	// Last: with a service down, nginx answers for it.
	if err := s.Kill("follow"); err != nil {
		t.Fatal(err)
	}
	for _, a := range []answer{
		{"a fragment of a service that is down", shell, "/follow/frag/who-to-follow", session, 503, page},
		{"a page of a service that is down", shell, "/follow/", nil, 502, page},
	} {
		t.Run(a.name, func(t *testing.T) {
			status, _, h := NewClient(a.base).Do(t, "GET", a.path, nil, a.header...)
			if status != a.status {
				t.Fatalf("GET %s: status %d, want %d", a.path, status, a.status)
			}
			checkSecurityHeaders(t, a.path, h, a.csp)
		})
	}
}

// What the policy forbids, spotted in the source: no template may hold a
// script of its own, an event handler attribute, an hx-on handler, a js:
// value, a trigger filter (htmx compiles those with eval) or a style
// attribute; no script of ours may eval.
func TestNoInlineScriptInTemplates(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	scriptTag := regexp.MustCompile(`<script\b[^>]*>`)
	markup := map[string]*regexp.Regexp{
		"an event handler attribute": regexp.MustCompile(`\son[a-z]+\s*=\s*["']`),
		"an hx-on handler":           regexp.MustCompile(`\b(?:data-)?hx-on\b`),
		"a js: or javascript: value": regexp.MustCompile(`["'](?:js|javascript):`),
		"a trigger filter":           regexp.MustCompile(`hx-trigger="[^"]*\[`),
		"a style attribute":          regexp.MustCompile(`\sstyle\s*=`),
	}
	scripts := map[string]*regexp.Regexp{
		"eval": regexp.MustCompile(`\beval\s*\(|new\s+Function\s*\(|\bFunction\s*\(\s*["']|set(?:Timeout|Interval)\s*\(\s*["']`),
	}
	checked := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "node_modules", "vendor", ".murmur", "screenshots":
				return filepath.SkipDir
			}
			return nil
		}
		var rules map[string]*regexp.Regexp
		switch filepath.Ext(path) {
		case ".html", ".tmpl":
			rules = markup
		case ".js":
			rules = scripts
		default:
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if filepath.Ext(path) == ".js" {
			data = withoutLineComments(data)
		}
		checked++
		rel, _ := filepath.Rel(root, path)
		if filepath.Ext(path) != ".js" {
			for _, tag := range scriptTag.FindAllString(string(data), -1) {
				if !strings.Contains(tag, " src=") {
					t.Errorf("%s holds a script of its own: %s", rel, tag)
				}
			}
		}
		for what, re := range rules {
			for _, m := range re.FindAllString(string(data), -1) {
				t.Errorf("%s holds %s: %s", rel, what, strings.TrimSpace(m))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 10 {
		t.Errorf("checked %d templates and scripts, want every one of them", checked)
	}
}

// withoutLineComments blanks a script's lines that are only a comment.
func withoutLineComments(js []byte) []byte {
	lines := strings.Split(string(js), "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "//") {
			lines[i] = ""
		}
	}
	return []byte(strings.Join(lines, "\n"))
}

// pictures writes n small PNGs named one.png, two.png, … for uploading.
func pictures(t *testing.T, n int) []string {
	t.Helper()
	var paths []string
	for i, name := range []string{"one", "two", "three", "four", "five", "six"}[:n] {
		p := filepath.Join(t.TempDir(), name+".png")
		if err := os.WriteFile(p, tweetstest.PNG(t, 40+i, 30), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

// TestJourneyUnderContentSecurityPolicy goes through every kind of page in
// Chromium, the shell's and each service's on its own, and uses what used
// to be inline handlers, while the browser enforces the policy: any
// refusal, or any script error, fails it.
func TestJourneyUnderContentSecurityPolicy(t *testing.T) {
	s := MustStack(t)
	ann := NewClient(s.URL())
	ann.MustSignUp(t, "ann", "password-ann", "Ann")
	mustTweet(t, ann, "ann was here first")

	tab := MustBrowser(t)
	watch := MustWatchPolicy(t, tab)
	Run(t, tab, chromedp.Navigate(s.URL()+"/"), chromedp.WaitVisible(chromedp.CSS(".hero")))
	watch.Check(t, tab, "the welcome page")
	signUpInBrowser(t, tab, "beau", "Beau", "password-beau")
	watch.Check(t, tab, "signing up")

	t.Run("five images keep four, and the compose box works", func(t *testing.T) {
		Run(t, tab,
			chromedp.WaitVisible(chromedp.CSS("#compose textarea")),
			chromedp.SetUploadFiles(chromedp.CSS("#compose input[type=file]"), pictures(t, 5)),
			WaitCount("#compose-attachments li.attachment:not(.failed)", 4),
			WaitText("#compose-attachments li.failed", "five.png was left out"),
		)
		Screenshot(t, tab, "five-images")
		if n := Eval[int](t, tab, `document.querySelector("#compose input[type=file]").files.length`); n != 0 {
			t.Errorf("the file field still holds %d files after uploading them", n)
		}
		Run(t, tab,
			chromedp.Click(chromedp.CSS("#compose-attachments li.failed button.remove")),
			WaitCount("#compose-attachments li.failed", 0),
			chromedp.Click(chromedp.CSS("#compose-attachments li.attachment button.remove")),
			WaitCount("#compose-attachments li.attachment", 3),
			chromedp.SendKeys(chromedp.CSS("#compose textarea"), "three of five"),
			chromedp.Click(chromedp.CSS("#compose button[type=submit]")),
			WaitCount("#compose-attachments li", 0),
			WaitText("#timeline-items", "three of five"),
		)
		if v := Eval[string](t, tab, `document.querySelector("#compose textarea").value`); v != "" {
			t.Errorf("the compose box holds %q after posting, want it empty", v)
		}
		if n := Eval[int](t, tab, `document.querySelectorAll("#timeline-items article.tweet .tweet-media img").length`); n != 3 {
			t.Errorf("the posted tweet shows %d images, want the three left", n)
		}
		watch.Check(t, tab, "composing on the home page")
	})

	t.Run("cancel a delete", func(t *testing.T) {
		card := "#timeline-items article.tweet:first-of-type"
		Run(t, tab,
			chromedp.Click(chromedp.CSS(card+" .confirm-delete summary")),
			chromedp.WaitVisible(chromedp.CSS(card+" .confirm-box button.secondary")),
			chromedp.Click(chromedp.CSS(card+" .confirm-box button.secondary")),
			waitFor("the delete box to close", `!document.querySelector("`+card+` .confirm-delete").open`),
		)
		if got := Text(t, tab, card+" .tweet-text"); got != "three of five" {
			t.Errorf("after Cancel the top tweet is %q, want it kept", got)
		}
		watch.Check(t, tab, "cancelling a delete")
	})

	t.Run("a person's page, following, search", func(t *testing.T) {
		Run(t, tab,
			chromedp.Navigate(s.URL()+"/u/ann"),
			WaitText("#user-card .display-name", "Ann"),
			chromedp.Click(chromedp.CSS(".follow-card button.follow-button")),
			WaitCount(".follow-card button.follow-button[aria-pressed=true]", 1),
			WaitText(".follow-card [data-count=followers]", "1"),
			chromedp.SendKeys(chromedp.CSS("#people-search"), "an"),
			WaitText("#people-results", "@ann"),
			chromedp.Click(chromedp.CSS(".foot")), // a click elsewhere closes the results
			WaitCount("#people-results > *", 0),
			// Enter opens every result of what is typed, on the search page.
			chromedp.SendKeys(chromedp.CSS("#people-search"), "\r"),
			WaitText("#people-found", "@ann"),
		)
		watch.Check(t, tab, "a person's page")
	})

	t.Run("the live timeline's socket", func(t *testing.T) {
		Run(t, tab,
			chromedp.Navigate(s.URL()+"/"),
			WaitText("#timeline-items", "ann was here first"),
			waitFor("the live socket to open", socketOpen("timeline-live")),
		)
		mustTweet(t, ann, "ann, live through the shell")
		Run(t, tab, WaitText("#timeline-items", "ann, live through the shell"))
		watch.Check(t, tab, "the home page's live timeline")
	})

	for _, svc := range []struct{ name, path, shows string }{
		{"profile", "/profile/", "#my-card"},
		{"tweets", "/tweets/", "#compose"},
		{"follow", "/follow/u/ann", ".follow-card"},
		{"timeline", "/timeline/", "#timeline-items"},
	} {
		t.Run(svc.name+" on its own", func(t *testing.T) {
			Run(t, tab,
				chromedp.Navigate(s.ServiceURL(svc.name)+svc.path),
				chromedp.WaitVisible(chromedp.CSS(svc.shows)),
				waitFor("htmx", `!!window.htmx && document.readyState === "complete"`),
			)
			if svc.name == "timeline" {
				// The socket goes to the timeline's own port.
				Run(t, tab, waitFor("the live socket to open", socketOpen("timeline-live")))
				mustTweet(t, ann, "ann, live on the timeline's own port")
				Run(t, tab, WaitText("#timeline-items", "ann, live on the timeline's own port"))
			}
			watch.Check(t, tab, svc.name+" on its own")
		})
	}

	t.Run("the API docs", func(t *testing.T) {
		for _, base := range []string{s.URL(), s.ServiceURL("tweets")} {
			Run(t, tab,
				chromedp.Navigate(base+"/tweets/api/docs"),
				waitFor("Swagger UI to list the operations", `document.querySelectorAll(".swagger-ui .opblock").length > 5`),
			)
			watch.Check(t, tab, "the API docs at "+base)
		}
	})
}
