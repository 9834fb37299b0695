package systemtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
	return waitForWithin(what, cond, 15*time.Second)
}

// waitForWithin is waitFor with its own limit (at most the 30 seconds of
// a Run step).
func waitForWithin(what, cond string, limit time.Duration) chromedp.Action[chromedp.Void] {
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

// Text returns the visible text of the first element matching sel.
func Text(tb testing.TB, ctx context.Context, sel string) string {
	tb.Helper()
	step, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	text, err := chromedp.Run(step, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		Screenshot(tb, ctx, "failure")
		tb.Fatalf("browser: text of %s: %v", sel, err)
	}
	return text
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
