package browsertest

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// tab is one browser context and its only tab, attached. It outlives the
// tests that use it, one after another.
type tab struct {
	bctx   cdp.BrowserContextID
	ctx    context.Context // chromedp's, attached to the tab
	cancel context.CancelFunc

	mu      sync.Mutex
	origins map[string]bool // every origin the tab has shown since its last wipe
}

// wipeWithin bounds the wipe of a tab; one that takes longer is closed.
const wipeWithin = 10 * time.Second

// takeTab returns a wiped tab given back by an earlier test, or opens one.
func (b *Browser) takeTab() (*tab, error) {
	b.mu.Lock()
	if n := len(b.idle); n > 0 {
		tb := b.idle[n-1]
		b.idle = b.idle[:n-1]
		b.mu.Unlock()
		return tb, nil
	}
	b.mu.Unlock()
	return b.openTab()
}

// openTab makes a browser context with a tab in a window of its own:
// headless Chromium refuses to open a tab in a context that has no window.
func (b *Browser) openTab() (*tab, error) {
	onBrowser := cdp.WithExecutor(b.ctx, chromedp.FromContext(b.ctx).Browser)
	bctx, err := target.CreateBrowserContext().WithDisposeOnDetach(true).Do(onBrowser)
	if err != nil {
		return nil, fmt.Errorf("create a browser context: %w", err)
	}
	id, err := target.CreateTarget("about:blank").WithBrowserContextID(bctx).WithNewWindow(true).Do(onBrowser)
	if err != nil {
		_ = target.DisposeBrowserContext(bctx).Do(onBrowser)
		return nil, fmt.Errorf("open a window: %w", err)
	}
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithTargetID(id))
	tb := &tab{bctx: bctx, ctx: ctx, cancel: cancel, origins: map[string]bool{}}
	chromedp.ListenTarget(ctx, func(ev any) {
		if ev, ok := ev.(*page.EventFrameNavigated); ok && ev.Frame.SecurityOrigin != "" && ev.Frame.SecurityOrigin != "null" {
			tb.mu.Lock()
			tb.origins[ev.Frame.SecurityOrigin] = true
			tb.mu.Unlock()
		}
	})
	// Focused as far as its page can tell, whichever window the browser
	// last raised: two tests run at once, and keyboard focus, focus
	// events and :focus-visible must not depend on which of them opened
	// a window last.
	if err := chromedp.Run(ctx, emulation.SetFocusEmulationEnabled(true)); err != nil {
		b.closeTab(tb)
		return nil, fmt.Errorf("attach to the tab: %w", err)
	}
	return tb, nil
}

// giveBack wipes a tab a test has finished with and keeps it for the next
// test; a tab that cannot be wiped (the test closed it, say) is closed.
func (b *Browser) giveBack(tb *tab) {
	if err := tb.wipe(); err != nil {
		b.closeTab(tb)
		return
	}
	b.mu.Lock()
	b.idle = append(b.idle, tb)
	b.mu.Unlock()
}

func (b *Browser) closeTab(tb *tab) {
	tb.cancel()
	onBrowser := cdp.WithExecutor(b.ctx, chromedp.FromContext(b.ctx).Browser)
	_ = target.DisposeBrowserContext(tb.bctx).Do(onBrowser)
}

// wipe undoes what a test can have left in its tab, so that the next test
// finds what a fresh context would give it: the page left (its scripts,
// sockets and timers end with it), then every cookie, permission and
// origin's storage of the context cleared, and every emulation the tests
// use turned off.
func (tb *tab) wipe() error {
	ctx, cancel := context.WithTimeout(tb.ctx, wipeWithin)
	defer cancel()
	c := chromedp.FromContext(tb.ctx)
	onBrowser := cdp.WithExecutor(ctx, c.Browser)
	err := chromedp.Run(ctx,
		// First, as requests held by an interception would keep the
		// page from leaving.
		fetch.Disable(),
		emulation.SetScriptExecutionDisabled(false),
		chromedp.Navigate("about:blank"),
		// The pointer where a fresh window has it, no button held: the
		// last test may have hovered or pressed anywhere.
		input.DispatchMouseEvent(input.MouseReleased, 0, 0).WithButton(input.Left),
		input.DispatchMouseEvent(input.MouseMoved, 0, 0),
		emulation.ClearDeviceMetricsOverride(),
		emulation.SetTouchEmulationEnabled(false),
		emulation.SetEmulatedMedia(), // no media, no features: the browser's own
	)
	if err != nil {
		return err
	}
	if err := storage.ClearCookies().WithBrowserContextID(tb.bctx).Do(onBrowser); err != nil {
		return err
	}
	if err := browser.ResetPermissions().WithBrowserContextID(tb.bctx).Do(onBrowser); err != nil {
		return err
	}
	tb.mu.Lock()
	origins := tb.origins
	tb.origins = map[string]bool{}
	tb.mu.Unlock()
	for origin := range origins {
		// Each test server has a port, so an origin, of its own; but a
		// port is used again once its server has closed.
		if err := chromedp.Run(ctx, storage.ClearDataForOrigin(origin, "all")); err != nil {
			return err
		}
	}
	return nil
}
