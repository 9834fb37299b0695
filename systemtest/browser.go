package systemtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromium finds Debian's Chromium.
func chromium(tb testing.TB) string {
	tb.Helper()
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	tb.Fatal("chromium is not installed (apt-get install chromium; .ci/run and make test install it)")
	return ""
}

// MustBrowser starts a headless Chromium with a fresh profile and returns a
// tab's context, closed when the test ends. Every action on it times out
// after a minute, so a broken page fails the test instead of hanging it.
func MustBrowser(tb testing.TB) context.Context {
	tb.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(tb)),
		chromedp.UserDataDir(tb.TempDir()),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	tb.Cleanup(func() { cancelTimeout(); cancelTab(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		tb.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// NewTab opens a second tab of the same browser (same cookies).
func NewTab(tb testing.TB, browser context.Context) context.Context {
	tb.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	tb.Cleanup(cancel)
	return ctx
}

// Run runs browser actions, failing the test (with a screenshot) on error.
func Run(tb testing.TB, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	tb.Helper()
	step, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(step, actions...); err != nil {
		Screenshot(tb, ctx, "failure")
		tb.Fatalf("browser: %v", err)
	}
}

// Screenshot saves a full-page PNG under systemtest/screenshots/ (not
// committed) and logs its path.
func Screenshot(tb testing.TB, ctx context.Context, name string) {
	tb.Helper()
	shot, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(shot, chromedp.FullScreenshot(100))
	if err != nil {
		tb.Logf("screenshot %s: %v", name, err)
		return
	}
	dir := "screenshots"
	os.MkdirAll(dir, 0o755)
	file := filepath.Join(dir, strings.NewReplacer("/", "_", " ", "_").Replace(tb.Name())+"-"+name+".png")
	if err := os.WriteFile(file, png, 0o644); err == nil {
		abs, _ := filepath.Abs(file)
		tb.Logf("screenshot: %s", abs)
	}
}

// waitFor polls a JavaScript condition until it is true, for up to 15
// seconds. Unlike chromedp.Poll it survives page loads in between (a form
// that reloads the page), retrying on the new page.
func waitFor(what, cond string) chromedp.Action[chromedp.Void] {
	return waitForUpTo(15*time.Second, what, cond)
}

// waitForUpTo is waitFor with a limit of its own, for what takes longer
// by design (a reconnect after backoff); it must stay below Run's 30
// seconds a step.
func waitForUpTo(limit time.Duration, what, cond string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		deadline := time.Now().Add(limit)
		var last error
		for time.Now().Before(deadline) {
			ok, err := chromedp.Evaluate[bool](cond)(ctx, t)
			if err == nil && ok {
				return chromedp.Void{}, nil
			}
			last = err
			select {
			case <-ctx.Done():
				return chromedp.Void{}, ctx.Err()
			case <-time.After(100 * time.Millisecond):
			}
		}
		return chromedp.Void{}, fmt.Errorf("timed out waiting for %s (last error: %v)", what, last)
	}
}

// WaitText waits until the element matching sel contains text.
func WaitText(sel, text string) chromedp.Action[chromedp.Void] {
	return waitFor(fmt.Sprintf("%s to show %q", sel, text),
		`(() => { const el = document.querySelector(`+jsString(sel)+`); return !!el && el.innerText.includes(`+jsString(text)+`); })()`)
}

// WaitGone waits until no element matches sel.
func WaitGone(sel string) chromedp.Action[chromedp.Void] {
	return waitFor(sel+" to disappear", `document.querySelector(`+jsString(sel)+`) === null`)
}

// WaitCount waits until exactly n elements match sel.
func WaitCount(sel string, n int) chromedp.Action[chromedp.Void] {
	return waitFor(fmt.Sprintf("%d of %s", n, sel), fmt.Sprintf(`document.querySelectorAll(%s).length === %d`, jsString(sel), n))
}

// Text returns the visible text of the first element matching sel (its
// innerText; "" while it is not shown), waiting until one exists. The
// element is found and read in one evaluation in the page: a fragment that
// htmx swaps in again (the nav refreshing itself) between a lookup and a
// read cannot make the read miss.
func Text(tb testing.TB, ctx context.Context, sel string) string {
	tb.Helper()
	read := `(() => { const el = document.querySelector(` + jsString(sel) + `);
		if (!el) return [];
		return [el.offsetWidth || el.offsetHeight || el.getClientRects().length ? el.innerText : ""]; })()`
	deadline := time.Now().Add(30 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		step, cancel := context.WithTimeout(ctx, 5*time.Second)
		got, err := chromedp.Run(step, chromedp.Evaluate[[]string](read))
		cancel()
		if err == nil && len(got) == 1 {
			return got[0]
		}
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	Screenshot(tb, ctx, "failure")
	tb.Fatalf("browser: text of %s: none shown in 30 s (last error: %v)", sel, last)
	return ""
}

// Eval evaluates a JavaScript expression and returns its value.
func Eval[T any](tb testing.TB, ctx context.Context, expr string) T {
	tb.Helper()
	step, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(step, chromedp.Evaluate[T](expr))
	if err != nil {
		tb.Fatalf("browser: evaluate %s: %v", expr, err)
	}
	return v
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// PolicyWatch records, for every page a tab loads, what the page's
// Content-Security-Policy refused (the securitypolicyviolation events and
// the browser's own reports) and the errors its scripts raised, among them
// htmx refusing to compile code from an attribute.
type PolicyWatch struct {
	mu       sync.Mutex
	problems []string
}

// policyViolation is what the page tells of a securitypolicyviolation event.
type policyViolation struct {
	Directive string `json:"directive"`
	Blocked   string `json:"blocked"`
	Source    string `json:"source"`
	Line      int    `json:"line"`
	Sample    string `json:"sample"`
	Page      string `json:"page"`
}

// watchViolations runs in every document before its own scripts and
// reports each violation of its policy to the test. The test's script is
// not subject to the page's policy. It also notes when a live socket of
// the page is open (window.murmurSocketOpen) and which ones opened, by the
// class of the element holding each (window.murmurSocketsOpened), for
// tests to wait on (see socketOpen).
const watchViolations = `document.addEventListener("securitypolicyviolation", function (e) {
  window.murmurPolicyViolation({directive: e.effectiveDirective, blocked: e.blockedURI, source: e.sourceFile,
    line: e.lineNumber, sample: e.sample, page: location.href});
}, true);
document.addEventListener("htmx:ws:after:connection", function (e) {
  window.murmurSocketOpen = true;
  (window.murmurSocketsOpened = window.murmurSocketsOpened || []).push(e.target && e.target.className || "");
});`

// socketOpen is a condition for waitFor: the socket held by the element of
// class class has opened on the current page (a tab watched by
// MustWatchPolicy only).
func socketOpen(class string) string {
	return `(window.murmurSocketsOpened || []).some(c => c.split(" ").includes(` + jsString(class) + `))`
}

// MustWatchPolicy starts recording on a tab; call it before the tab's
// first navigation, and Check after each step.
func MustWatchPolicy(tb testing.TB, tab context.Context) *PolicyWatch {
	tb.Helper()
	w := &PolicyWatch{}
	Run(tb, tab,
		chromedp.ExposeFunc("murmurPolicyViolation", func(_ context.Context, v policyViolation) (chromedp.Void, error) {
			w.add(fmt.Sprintf("%s refused %s by %s (from %s:%d) %s", v.Page, v.Blocked, v.Directive, v.Source, v.Line, v.Sample))
			return chromedp.Void{}, nil
		}),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: watchViolations})
			return err
		}),
	)
	err := chromedp.Listen(tab, func(ev any) {
		switch e := ev.(type) {
		case *log.EventEntryAdded:
			// The browser's own words for a refusal, e.g. "Refused to
			// execute inline script because it violates the following
			// Content Security Policy directive"; and a header it could not read.
			if en := e.Entry; en.Level == log.EntryLevelError &&
				(en.Source == log.EntrySourceSecurity || strings.Contains(en.Text, "Content Security Policy") || strings.Contains(en.Text, "Permissions-Policy")) {
				w.add("browser: " + en.Text + " (" + en.URL + ")")
			}
		case *runtime.EventExceptionThrown:
			d := e.ExceptionDetails
			text := d.Text
			if d.Exception != nil {
				text += " " + d.Exception.Description
			}
			w.add(fmt.Sprintf("uncaught: %s (%s:%d)", text, d.URL, d.LineNumber))
		case *runtime.EventConsoleAPICalled:
			if e.Type != runtime.ConsoleAPICalledTypeError {
				return
			}
			var parts []string
			for _, a := range e.Args {
				if a.Value != nil {
					parts = append(parts, string(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			if text := strings.Join(parts, " "); strings.Contains(text, "murmur:") || strings.Contains(text, "Content Security Policy") {
				w.add("console.error: " + text)
			}
		}
	})
	if err != nil {
		tb.Fatalf("watch the console: %v", err)
	}
	return w
}

func (w *PolicyWatch) add(problem string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.problems = append(w.problems, problem)
}

// Check fails the test when anything was recorded since the last check,
// naming the step (where), and starts afresh. Violation reports arrive
// from the page a moment after the fact, so it first lets the page settle.
func (w *PolicyWatch) Check(tb testing.TB, tab context.Context, where string) {
	tb.Helper()
	Run(tb, tab, chromedp.Evaluate[chromedp.Void](`new Promise(r => requestAnimationFrame(() => setTimeout(r, 200)))`, chromedp.EvalAwaitPromise))
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.problems) > 0 {
		Screenshot(tb, tab, "policy")
		tb.Errorf("%s: %d refusal(s) or script error(s):\n  %s", where, len(w.problems), strings.Join(w.problems, "\n  "))
	}
	w.problems = nil
}

// HoldBack makes the tab's requests for URLs matching pattern (a Fetch
// pattern, "*" any run of characters) wait for d before they go out, for
// the rest of the test: a script that arrives late, as on a slow network.
func HoldBack(tb testing.TB, tab context.Context, pattern string, d time.Duration) {
	tb.Helper()
	err := chromedp.Listen(tab, func(ev any) {
		e, ok := ev.(*fetch.EventRequestPaused)
		if !ok {
			return
		}
		go func() {
			time.Sleep(d)
			// The tab may be gone by then; nothing is left to let through.
			_ = chromedp.Do(tab, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
				_, err := cdp.Call(ctx, t, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: e.RequestID})
				return err
			}))
		}()
	})
	if err != nil {
		tb.Fatalf("hold back %s: %v", pattern, err)
	}
	// Every request goes out, none is answered from the browser's cache
	// (which would not be held back).
	Run(tb, tab, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, t, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, t, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: pattern}}})
		return err
	}))
}
