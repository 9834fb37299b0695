package systemtest

import (
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestShellComposesPages(t *testing.T) {
	s := MustStack(t, WithoutServices("tweets", "follow", "timeline"))
	visitor := NewClient(s.URL())

	t.Run("signed out: welcome page with the forms", func(t *testing.T) {
		status, body, h := visitor.Do(t, "GET", "/", nil)
		page := string(body)
		if status != 200 || !strings.Contains(page, `id="signup"`) || !strings.Contains(page, `id="people-search"`) {
			t.Fatalf("GET /: %d\n%s", status, page)
		}
		if strings.Contains(page, "<!--#") {
			t.Error("SSI directives reached the browser")
		}
		if h.Get("X-Request-ID") == "" {
			t.Error("page has no X-Request-ID")
		}
	})

	me := NewClient(s.URL())
	status, _, _ := me.Do(t, "POST", "/profile/api/users", map[string]string{"handle": "ssi", "password": "password1", "display_name": "S"})
	if status != 201 {
		t.Fatalf("sign up through the shell: %d", status)
	}
	status, _, h := me.Do(t, "POST", "/profile/api/sessions", map[string]string{"handle": "ssi", "password": "password1"})
	if status != 201 || !strings.Contains(h.Get("Set-Cookie"), "murmur_session=") {
		t.Fatalf("sign in through the shell: %d, Set-Cookie %q (a direct request must set the cookie)", status, h.Get("Set-Cookie"))
	}

	t.Run("signed in: home page; down services show styled fallbacks", func(t *testing.T) {
		status, body, _ := me.Do(t, "GET", "/", nil)
		page := string(body)
		if status != 200 || !strings.Contains(page, `id="my-card"`) {
			t.Fatalf("home: %d\n%s", status, page)
		}
		for _, label := range []string{"Posting", "Your timeline", "Who to follow"} {
			if !strings.Contains(page, `<div class="fallback" role="status"><strong>`+label+`</strong>`) {
				t.Errorf("home lacks the fallback for %s", label)
			}
		}
		for _, bad := range []string{"502", "Bad Gateway", "nginx"} {
			if strings.Contains(page, bad) {
				t.Errorf("home shows %q: an error page was spliced in", bad)
			}
		}
	})

	t.Run("a fragment of a down service asked for directly is a marked 503", func(t *testing.T) {
		status, body, h := me.Do(t, "GET", "/tweets/frag/compose", nil, "HX-Request", "true")
		if status != http.StatusServiceUnavailable || h.Get("X-Murmur-Unreachable") != "1" || !strings.Contains(string(body), "can’t be reached") {
			t.Errorf("direct fragment of a down service: %d %v %s", status, h, body)
		}
	})

	t.Run("the include path is for nginx's own subrequests only", func(t *testing.T) {
		if status, _, _ := me.Do(t, "GET", "/_ssi/profile/frag/nav", nil); status != http.StatusNotFound {
			t.Errorf("GET /_ssi/profile/frag/nav from outside: %d, want 404", status)
		}
	})

	t.Run("a service's own error partials reach htmx", func(t *testing.T) {
		status, body, _ := visitor.Do(t, "POST", "/profile/frag/sessions", "handle=ssi&password=wrong-password",
			"Content-Type", "application/x-www-form-urlencoded", "HX-Request", "true")
		if status != http.StatusUnauthorized || !strings.Contains(string(body), "do not match") {
			t.Errorf("wrong password through the shell: %d %s", status, body)
		}
	})

	t.Run("user text cannot become an SSI command", func(t *testing.T) {
		evil := `<!--# include virtual="/profile/api/me" --><!--# echo var="http_cookie" -->`
		status, body, _ := me.Do(t, "PATCH", "/profile/api/me", map[string]string{"bio": evil})
		if status != 200 {
			t.Fatalf("set bio: %d %s", status, body)
		}
		_, body, _ = me.Do(t, "GET", "/u/ssi", nil)
		page := string(body)
		if strings.Contains(page, `"handle":"ssi"`) || strings.Contains(page, "murmur_session=") {
			t.Fatal("the bio was executed as SSI: the page contains the included JSON or the cookie")
		}
		if !strings.Contains(page, "&lt;!--# include virtual=&#34;/profile/api/me&#34; --&gt;") {
			t.Errorf("the bio is not shown escaped on /u/ssi:\n%s", page)
		}
	})

	t.Run("a profile page for an unknown or malformed handle", func(t *testing.T) {
		status, body, _ := visitor.Do(t, "GET", "/u/nobody_here", nil)
		if status != http.StatusNotFound || strings.Count(string(body), "doesn’t exist") != 1 {
			t.Errorf("/u/nobody_here: %d, want 404 saying once that the account does not exist:\n%s", status, body)
		}
		if status, _, _ := visitor.Do(t, "GET", "/u/bad%20handle", nil); status != 404 {
			t.Errorf("/u/bad handle: %d, want 404", status)
		}
	})

	t.Run("one request id ties a page to its fragments", func(t *testing.T) {
		_, _, h := me.Do(t, "GET", "/", nil)
		id := h.Get("X-Request-ID")
		// The log lines travel from the service to its log file through
		// the stack: wait a little for them.
		n := 0
		for deadline := time.Now().Add(5 * time.Second); n < 2 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			data, err := os.ReadFile(s.Process("profile").Log)
			if err != nil {
				t.Fatal(err)
			}
			n = len(regexp.MustCompile(`"request_id":"`+regexp.QuoteMeta(id)+`"`).FindAll(data, -1))
		}
		if id == "" || n < 2 {
			t.Errorf("request id %q appears in %d profile log lines, want the nav and the card", id, n)
		}
	})

	t.Run("cross-site writes through the shell are refused", func(t *testing.T) {
		status, _, _ := visitor.Do(t, "POST", "/profile/frag/sessions", "handle=ssi&password=password1",
			"Content-Type", "application/x-www-form-urlencoded", "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")
		if status != http.StatusForbidden {
			t.Errorf("cross-site sign-in form: %d, want 403", status)
		}
	})

	t.Run("API docs and static files are served through the shell", func(t *testing.T) {
		status, body, _ := visitor.Do(t, "GET", "/profile/api/openapi.json", nil)
		if status != 200 || !strings.Contains(string(body), `"openapi":"3.1.0"`) {
			t.Errorf("openapi.json: %d", status)
		}
		_, body, _ = visitor.Do(t, "GET", "/profile/api/docs", nil)
		css := regexp.MustCompile(`href="(/profile/static/vendor/swagger-ui/swagger-ui\.[0-9a-f]+\.css)"`).FindSubmatch(body)
		if css == nil {
			t.Fatalf("docs page does not link our own Swagger UI stylesheet:\n%s", body)
		}
		status, _, h := visitor.Do(t, "GET", string(css[1]), nil)
		if status != 200 || !strings.Contains(h.Get("Cache-Control"), "immutable") {
			t.Errorf("%s: %d, Cache-Control %q", css[1], status, h.Get("Cache-Control"))
		}
		_, home, _ := visitor.Do(t, "GET", "/", nil)
		js := regexp.MustCompile(`src="(/static/vendor/htmx\.min\.[0-9a-f]+\.js)"`).FindSubmatch(home)
		if js == nil {
			t.Fatal("page does not load htmx from our own origin")
		}
		if status, _, h := visitor.Do(t, "GET", string(js[1]), nil); status != 200 || !strings.Contains(h.Get("Cache-Control"), "max-age=31536000") {
			t.Errorf("%s: %d, Cache-Control %q", js[1], status, h.Get("Cache-Control"))
		}
	})
}
