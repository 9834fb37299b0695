package layout

import (
	"strings"
	"testing"
)

// directives splits a Content-Security-Policy into its directives' sources.
func directives(policy string) map[string][]string {
	d := map[string][]string{}
	for part := range strings.SplitSeq(policy, ";") {
		f := strings.Fields(part)
		if len(f) > 0 {
			d[f[0]] = f[1:]
		}
	}
	return d
}

func TestPoliciesAllowNoInlineScriptNorEval(t *testing.T) {
	for name, policy := range map[string]string{"pages": ContentSecurityPolicy, "API docs": DocsContentSecurityPolicy} {
		t.Run(name, func(t *testing.T) {
			d := directives(policy)
			for directive, want := range map[string]string{
				"default-src":     "'self'",
				"script-src":      "'self'",
				"connect-src":     "'self'",
				"object-src":      "'none'",
				"base-uri":        "'none'",
				"form-action":     "'self'",
				"frame-ancestors": "'none'",
			} {
				if got := strings.Join(d[directive], " "); got != want {
					t.Errorf("%s is %q, want %q", directive, got, want)
				}
			}
			for _, directive := range []string{"script-src", "style-src", "default-src"} {
				for _, src := range d[directive] {
					if strings.HasPrefix(src, "'unsafe-") || src == "data:" || src == "*" {
						t.Errorf("%s allows %s", directive, src)
					}
				}
			}
		})
	}
}

func TestSecurityHeadersAreNamedOnce(t *testing.T) {
	seen := map[string]bool{}
	for _, h := range SecurityHeaders {
		if seen[strings.ToLower(h.Name)] || h.Value == "" {
			t.Errorf("header %s is listed twice or empty", h.Name)
		}
		seen[strings.ToLower(h.Name)] = true
	}
	for _, want := range []string{"content-security-policy", "referrer-policy", "x-content-type-options", "permissions-policy"} {
		if !seen[want] {
			t.Errorf("SecurityHeaders lack %s", want)
		}
	}
}
