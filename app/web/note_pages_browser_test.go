package web

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"netstudy/app/browsertest"
)

// longNote is a note long enough to scroll, so that a reload can be seen
// to come back to where the reader was.
func longNote(extra string) string {
	var b strings.Builder
	b.WriteString("# Routing\n\n")
	for i := range 40 {
		fmt.Fprintf(&b, "Paragraph %d: a router reads the destination of every packet it forwards.\n\n", i+1)
	}
	b.WriteString(extra)
	return b.String()
}

func TestBrowserNoteReloadsWhenItsFileChanges(t *testing.T) {
	dir, cat := watchedFolder(t, map[string]string{"routing.md": longNote("")})
	ts, _ := startTestServer(t, testServerConfig{Catalog: cat})
	p := browsertest.New(t).NewPage(t)
	var scrolled float64
	p.Run(t,
		chromedp.EmulateViewport(800, 600),
		chromedp.Navigate(ts.URL+"/notes/routing"),
		chromedp.WaitReady("#note-live", chromedp.ByID),
		// A mark the reload wipes, and a place in the middle of the note.
		chromedp.Evaluate(`window.beforeReload = true; window.scrollTo({ top: 900, behavior: "instant" }); window.scrollY`, &scrolled),
	)
	if scrolled < 800 {
		t.Fatalf("the note does not scroll: scrollY %v", scrolled)
	}
	// Evaluating while the page reloads fails, so the test waits for the
	// reloaded page's load event first.
	loaded := make(chan struct{}, 1)
	listen, stopListening := context.WithCancel(p.Ctx)
	defer stopListening()
	chromedp.ListenTarget(listen, func(ev any) {
		if _, ok := ev.(*page.EventLoadEventFired); ok {
			select {
			case loaded <- struct{}{}:
			default:
			}
		}
	})
	if err := os.WriteFile(filepath.Join(dir, "routing.md"), []byte(longNote("A freshly written closing line.\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case <-loaded:
	case <-time.After(browsertest.Timeout):
		t.Fatal("the page did not reload after its file changed")
	}
	var stale bool
	var after float64
	p.Run(t,
		browsertest.WaitJS(`document.getElementById("note-content")?.textContent.includes("A freshly written closing line.")`),
		chromedp.Evaluate(`window.beforeReload === true`, &stale),
		chromedp.Evaluate(`window.scrollY`, &after),
	)
	if stale {
		t.Error("the new text arrived without a reload")
	}
	if math.Abs(after-scrolled) > 1 {
		t.Errorf("after the reload the page is at %v, want %v", after, scrolled)
	}
}

// codeContent is a note with two code blocks.
func codeContent() fstest.MapFS {
	return fstest.MapFS{
		"sockets.md": {Data: []byte("# Sockets\n\nOpen a listening socket:\n\n```go\nln, err := net.Listen(\"tcp\", \":8080\")\n```\n\nThen look at it:\n\n```sh\nss -ltn 'sport = :8080'\n```\n")},
	}
}

// grantClipboard lets the page's browser context read and write the
// clipboard, as a reader who allowed it would.
func grantClipboard(origin string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		c := chromedp.FromContext(ctx)
		info, err := target.GetTargetInfo().WithTargetID(c.Target.TargetID).Do(ctx)
		if err != nil {
			return err
		}
		onBrowser := cdp.WithExecutor(ctx, c.Browser)
		return browser.GrantPermissions([]browser.PermissionType{browser.PermissionTypeClipboardReadWrite, browser.PermissionTypeClipboardSanitizedWrite}).
			WithOrigin(origin).WithBrowserContextID(info.BrowserContextID).Do(onBrowser)
	})
}

func awaitPromise(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }

func TestBrowserCopyCodeButtonByKeyboard(t *testing.T) {
	ts := newTestServer(t, codeContent())
	p := browsertest.New(t).NewPage(t)
	var cls float64
	p.Run(t,
		grantClipboard(ts.URL),
		chromedp.Navigate(ts.URL+"/notes/sockets"),
		browsertest.WaitJS(`document.querySelectorAll(".code-block > .copy-code").length === 2`),
		chromedp.Evaluate(layoutShiftJS, &cls, awaitPromise),
	)
	if cls > maxTestShift {
		t.Errorf("adding the copy buttons shifted the page: layout shift %.3f, want at most %.2f", cls, maxTestShift)
	}
	// The strip above the code, reserved before the script ran, holds the
	// button: it covers no code.
	var covers bool
	p.Eval(t, `[...document.querySelectorAll(".code-block")].some((b) =>
		b.querySelector(".copy-code").getBoundingClientRect().bottom > b.querySelector("pre code").getBoundingClientRect().top)`, &covers)
	if covers {
		t.Error("a copy button covers the first line of its code")
	}

	// Tab to the first button and press Enter: the code is on the
	// clipboard, and the live region says so.
	for range 30 {
		var on bool
		p.Run(t, chromedp.KeyEvent(kb.Tab), chromedp.Evaluate(`document.activeElement.classList.contains("copy-code")`, &on))
		if on {
			break
		}
	}
	var name, clip string
	p.Run(t,
		chromedp.Evaluate(`document.activeElement.getAttribute("aria-label")`, &name),
		chromedp.KeyEvent(kb.Enter),
		browsertest.WaitJS(`document.getElementById("copy-status").textContent === "Copied to the clipboard."`),
		chromedp.Evaluate(`navigator.clipboard.readText()`, &clip, awaitPromise),
	)
	if name != "Copy code block 1" {
		t.Errorf("the focused button is %q, want the first block's", name)
	}
	if want := `ln, err := net.Listen("tcp", ":8080")`; clip != want {
		t.Errorf("clipboard holds %q, want %q", clip, want)
	}
	if got := p.Text(t, ".code-block .copy-code"); got != "Copied" {
		t.Errorf("the button says %q after copying", got)
	}

	// Where there is no clipboard API (a page on http://192.168.x.y), the
	// button selects the code and says how to copy it.
	var selected string
	p.Run(t,
		chromedp.Evaluate(`Object.defineProperty(navigator, "clipboard", { value: undefined, configurable: true })`, nil),
		chromedp.Focus(`button[aria-label="Copy code block 2"]`, chromedp.ByQuery),
		chromedp.KeyEvent(" "),
		browsertest.WaitJS(`document.getElementById("copy-status").textContent.includes("press Ctrl+C")`),
		chromedp.Evaluate(`getSelection().toString()`, &selected),
	)
	if want := "ss -ltn 'sport = :8080'"; strings.TrimSpace(selected) != want {
		t.Errorf("selected %q, want %q", selected, want)
	}
}

func TestBrowserNotePagerFitsAPhone(t *testing.T) {
	long := "# Transport layer: ports, sockets, segments and the many ways a connection ends\n\nText.\n"
	ts := newTestServer(t, fstest.MapFS{
		"a.md": {Data: []byte("# Application layer and its protocols, from DNS to HTTP/3\n\nText.\n")},
		"b.md": {Data: []byte("# Bridging\n\nText with code:\n\n```\nip link show\n```\n")},
		"c.md": {Data: []byte(long)},
	})
	p := browsertest.New(t).NewPage(t)
	var next string
	p.Run(t,
		chromedp.ActionFunc(func(ctx context.Context) error {
			return emulation.SetDeviceMetricsOverride(320, 640, 2, true).Do(ctx)
		}),
		chromedp.Navigate(ts.URL+"/notes/b"),
		browsertest.WaitJS(`document.querySelector(".copy-code") !== null`),
	)
	assertNoSidewaysScroll(t, p, "a note page with its pager")
	// The pager is a labelled landmark whose links a keyboard reaches.
	p.Run(t,
		chromedp.Focus(`nav[aria-label="Previous and next notes"] a[rel="next"]`, chromedp.ByQuery),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitReady(`h1`, chromedp.ByQuery),
		browsertest.WaitJS(`location.pathname === "/notes/c"`),
		chromedp.Text("h1", &next, chromedp.ByQuery),
	)
	if !strings.HasPrefix(next, "Transport layer") {
		t.Errorf("the next link led to %q", next)
	}
}

// streamEnds is a log handler that reports each changes stream the
// server finished serving: the server logs a request once it has ended.
type streamEnds chan string

func (streamEnds) Enabled(context.Context, slog.Level) bool { return true }
func (e streamEnds) WithAttrs([]slog.Attr) slog.Handler     { return e }
func (e streamEnds) WithGroup(string) slog.Handler          { return e }
func (e streamEnds) Handle(_ context.Context, r slog.Record) error {
	if r.Message != "request" {
		return nil
	}
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "path" && strings.HasSuffix(a.Value.String(), "/changes") {
			select {
			case e <- a.Value.String():
			default:
			}
		}
		return true
	})
	return nil
}

// A note in a background tab closes its stream; shown again, it asks with
// the revision it shows, so an edit made meanwhile reloads it.
func TestBrowserHiddenNoteCatchesUpWhenShown(t *testing.T) {
	dir, cat := watchedFolder(t, map[string]string{"routing.md": longNote("")})
	ended := make(streamEnds, 16)
	ts, _ := startTestServer(t, testServerConfig{Catalog: cat, Log: slog.New(ended)})
	p := browsertest.New(t).NewPage(t)
	p.Run(t,
		chromedp.Navigate(ts.URL+"/notes/routing"),
		chromedp.WaitReady("#note-live", chromedp.ByID),
		chromedp.Evaluate(`window.beforeReload = true;
			Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
			document.dispatchEvent(new Event("visibilitychange"))`, nil),
	)
	select {
	case <-ended:
	case <-time.After(browsertest.Timeout):
		t.Fatal("the hidden page kept its changes stream open")
	}
	snap := cat.Current()
	if err := os.WriteFile(filepath.Join(dir, "routing.md"), []byte(longNote("Written while the tab was hidden.\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	waitReload(t, snap)

	loaded := make(chan struct{}, 1)
	listen, stopListening := context.WithCancel(p.Ctx)
	defer stopListening()
	chromedp.ListenTarget(listen, func(ev any) {
		if _, ok := ev.(*page.EventLoadEventFired); ok {
			select {
			case loaded <- struct{}{}:
			default:
			}
		}
	})
	var stale bool
	p.Run(t,
		chromedp.Evaluate(`window.beforeReload === true`, &stale),
		chromedp.Evaluate(`delete document.visibilityState; document.dispatchEvent(new Event("visibilitychange"))`, nil),
	)
	if !stale {
		t.Fatal("the page reloaded while hidden")
	}
	select {
	case <-loaded:
	case <-time.After(browsertest.Timeout):
		t.Fatal("the page shown again did not reload")
	}
	p.Run(t, browsertest.WaitJS(`document.getElementById("note-content").textContent.includes("Written while the tab was hidden.")`))
}
