// Package browsertest drives Debian's headless Chromium (through chromedp)
// for the end-to-end page tests of every package: open a page of a real
// server on loopback, interact, assert on the DOM, and fail the test on any
// console error, uncaught exception or Content-Security-Policy violation.
//
// Chromium is looked up as $NETSTUDY_CHROMIUM, then chromium and
// chromium-browser on PATH. Without it the tests are skipped, except when
// CI=true, where a missing browser is a failure: CI must run them.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Timeout bounds every Run call, so a page that never reaches the awaited
// state fails the test instead of hanging CI.
const Timeout = 20 * time.Second

// Browser is one headless Chromium process shared by a test's pages.
type Browser struct {
	ctx    context.Context // the first tab; owns the browser process
	cancel context.CancelFunc

	mu   sync.Mutex
	idle []*keptContext // wiped contexts, each with its window (tab.go)
}

// New returns the Chromium for the test. In a package whose TestMain runs
// through Main, every test shares one Chromium, started by the first test
// that asks for it: each NewPage still gets its own browser context, so
// tests stay as isolated as separate phones, and a package no longer pays
// a browser start per test. Elsewhere New starts a Chromium of the test's
// own and stops it when the test ends.
func New(t testing.TB) *Browser {
	t.Helper()
	path := findChromium()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("browsertest: chromium not found; CI must install it (apt-get install -y chromium)")
		}
		t.Skip("browsertest: chromium not found (apt-get install -y chromium, or set NETSTUDY_CHROMIUM)")
	}
	if sharedBrowser != nil {
		b, err := sharedBrowser.get(path)
		if err != nil {
			t.Fatalf("browsertest: start the shared chromium: %v", err)
		}
		return b
	}
	b, err := startWithRetries(t, path)
	if err != nil {
		t.Fatalf("browsertest: start chromium: %v", err)
	}
	t.Cleanup(b.cancel)
	return b
}

// sharedBrowser is set by Main before any test runs and read-only after
// that; it is nil in packages that do not use Main.
var sharedBrowser *shared

// shared is the one Chromium of a test binary whose TestMain runs Main.
type shared struct {
	once sync.Once
	b    *Browser
	err  error
}

func (s *shared) get(path string) (*Browser, error) {
	s.once.Do(func() { s.b, s.err = startWithRetries(nil, path) })
	return s.b, s.err
}

// Main runs the package's tests with one shared Chromium (see New) and
// stops it once every test has finished. Use it from TestMain:
//
//	func TestMain(m *testing.M) { browsertest.Main(m) }
func Main(m *testing.M) {
	sharedBrowser = &shared{}
	code := m.Run()
	if sharedBrowser.b != nil {
		sharedBrowser.b.cancel()
	}
	os.Exit(code)
}

// startWithRetries starts Chromium, retrying a start that dies. t may be
// nil, when the browser outlives any one test.
func startWithRetries(t testing.TB, path string) (*Browser, error) {
	// Chromium now and then dies as it starts (a crash report and no
	// DevTools endpoint: once in some sixty starts on this machine): that
	// says nothing about the pages under test, so it gets a few tries.
	var (
		b   *Browser
		err error
	)
	for attempt := 1; attempt <= startAttempts; attempt++ {
		if b, err = start(path); err == nil {
			return b, nil
		}
		if t != nil {
			t.Logf("browsertest: start chromium, attempt %d of %d: %v", attempt, startAttempts, err)
		}
	}
	return nil, err
}

const startAttempts = 3

// start runs a Chromium with a fresh profile and opens its first tab.
func start(path string) (*Browser, error) {
	// Not t.TempDir: Chromium's helper processes may still be writing the
	// profile for a moment after the browser exits, which would fail the
	// test in TempDir's cleanup.
	profile, err := os.MkdirTemp("", "netstudy-chromium-")
	if err != nil {
		return nil, err
	}
	removeProfile := func() {
		for range 20 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // CI runs as root, where Chromium's sandbox cannot start
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		// chromedp's own list, and two features that cost a renderer
		// process per navigation: the back-forward cache keeps the page
		// left alive in its process, so the next page needs another, and
		// a spare renderer is started ahead of each navigation. Without
		// them the web package's tests start a few renderers instead of
		// a few hundred, and use a third less processor time.
		chromedp.Flag("disable-features", "site-per-process,Translate,BlinkGenPropertyTrees,BackForwardCache,SpareRendererForSitePerProcess"),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	if err := chromedp.Run(ctx); err != nil {
		cancelCtx()
		cancelAlloc()
		removeProfile()
		return nil, err
	}
	b := &Browser{ctx: ctx}
	b.cancel = func() {
		b.closeContexts()        // their keepers' goroutines end before the browser does
		_ = chromedp.Cancel(ctx) // closes the browser and waits for it
		cancelCtx()
		cancelAlloc()
		removeProfile()
	}
	return b, nil
}

func findChromium() string {
	if p := os.Getenv("NETSTUDY_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Page is one browser tab. Each NewPage gets a browser context (cookies,
// storage) that no other open page shares, like a separate person's phone.
type Page struct {
	Ctx context.Context

	mu       sync.Mutex
	problems []string
	expected []string // substrings of problems a test provokes on purpose
}

// Expect tells the page that problems containing substr are provoked by
// the test on purpose (a blocked WebSocket logs an error, say) and must
// not fail it.
func (p *Page) Expect(substr string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.expected = append(p.expected, substr)
}

// NewPage opens a fresh tab in a browser context of its own (cookies,
// storage, permissions), like a separate person's phone, that collects
// console errors, exceptions and CSP violations. The context is wiped and
// kept for a later page when the test ends (tab.go).
func (b *Browser) NewPage(t testing.TB) *Page {
	t.Helper()
	tb, err := b.openTab()
	if err != nil {
		t.Fatalf("browsertest: %v", err)
	}
	ctx := tb.ctx
	t.Cleanup(func() { b.closeTab(tb) })
	p := &Page{Ctx: ctx}
	chromedp.ListenTarget(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.APITypeError || ev.Type == runtime.APITypeAssert {
				p.add("console." + string(ev.Type) + ": " + argsText(ev.Args))
			}
		case *runtime.EventExceptionThrown:
			msg := ev.ExceptionDetails.Text
			if ev.ExceptionDetails.Exception != nil {
				msg += " " + ev.ExceptionDetails.Exception.Description
			}
			p.add("uncaught exception: " + msg)
		case *log.EventEntryAdded:
			// CSP violations, failed loads (404 of an asset) and other
			// browser-side errors arrive here.
			if ev.Entry.Level == log.LevelError {
				p.add(fmt.Sprintf("browser log (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
			}
		}
	})
	return p
}

func argsText(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		switch {
		case a.Value != nil:
			parts = append(parts, string(a.Value))
		case a.Description != "":
			parts = append(parts, a.Description)
		}
	}
	return strings.Join(parts, " ")
}

func (p *Page) add(problem string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, e := range p.expected {
		if strings.Contains(problem, e) {
			return
		}
	}
	p.problems = append(p.problems, problem)
}

// Problems returns what went wrong in the page so far.
func (p *Page) Problems() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.problems...)
}

// Run performs actions with a timeout, failing the test on error, then
// checks that the page reported no error.
func (p *Page) Run(t testing.TB, actions ...chromedp.Action) {
	t.Helper()
	p.RunWithin(t, Timeout, actions...)
}

// RunWithin is Run with a timeout of its own, for the rare action that is
// slow by nature (a whole accessibility audit of a long page on a busy
// machine), so that the common timeout can stay short.
func (p *Page) RunWithin(t testing.TB, timeout time.Duration, actions ...chromedp.Action) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.Ctx, timeout)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatalf("browser: %v (page problems: %v)", err, p.Problems())
	}
	p.AssertClean(t)
}

// AssertClean fails the test if the page logged an error, threw, or
// violated the Content-Security-Policy.
func (p *Page) AssertClean(t testing.TB) {
	t.Helper()
	if probs := p.Problems(); len(probs) > 0 {
		t.Fatalf("the page reported %d problem(s):\n  %s", len(probs), strings.Join(probs, "\n  "))
	}
}

// Text returns the text content of the first element matching sel.
func (p *Page) Text(t testing.TB, sel string) string {
	t.Helper()
	var s string
	p.Run(t, chromedp.Text(sel, &s, chromedp.ByQuery))
	return s
}

// Eval evaluates a JavaScript expression into out.
func (p *Page) Eval(t testing.TB, expr string, out any) {
	t.Helper()
	p.Run(t, chromedp.Evaluate(expr, out))
}

// WaitJS waits until the JavaScript expression is truthy: the way to wait
// for a state without sleeping. It waits on whatever page the tab shows,
// across navigations. (chromedp.Poll does not: it names the execution
// context it last saw, which right after a navigation may be the page
// that was left, and fails with "Cannot find context with specified id".)
func WaitJS(expr string) chromedp.Action {
	script := fmt.Sprintf(`new Promise((done) => {
		const check = () => ((%s) ? done(true) : setTimeout(check, 20));
		check();
	})`, expr)
	wait := chromedp.Evaluate(script, nil, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) })
	return chromedp.ActionFunc(func(ctx context.Context) error {
		for {
			err := wait.Do(ctx)
			if err == nil || !leftPage(err) {
				return err
			}
			select { // the tab is between two pages: wait on the next
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(20 * time.Millisecond):
			}
		}
	})
}

// leftPage reports whether an evaluation failed because the tab left its
// page (or had none yet) while it ran.
func leftPage(err error) bool {
	msg := err.Error()
	for _, s := range []string{"Execution context was destroyed", "Cannot find context with specified id", "Cannot find default execution context", "Inspected target navigated or closed"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// WaitFrames waits until the page has drawn n more frames: long enough for
// what a resize or a click queued for the next frame to have run.
func WaitFrames(n int) chromedp.Action {
	return chromedp.Evaluate(fmt.Sprintf(`new Promise((done) => {
		let left = %d;
		const next = () => (--left <= 0 ? done(true) : requestAnimationFrame(next));
		requestAnimationFrame(next);
	})`, n), nil, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) })
}
