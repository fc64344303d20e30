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
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// Each page is a fresh tab, with chromedp's state of it fresh too, in a
// browser context that no other page uses while it is open. Contexts are
// kept and wiped between tests rather than made anew: a context needs a
// window of its own, and opening a window, with its renderer, cost Chromium
// about 1.3 processor-seconds against 0.6 for a tab in a window that is
// already there; the web package opens some two hundred pages.
//
// A kept context's first tab, left on about:blank, holds its window: a
// context whose last tab closed would have none, and headless Chromium
// opens a tab only in a window.

// tab is one test's page, attached, and the context it has to itself.
type tab struct {
	bctx   cdp.BrowserContextID
	ctx    context.Context // chromedp's, attached to the tab
	cancel context.CancelFunc

	mu      sync.Mutex
	origins map[string]bool // every origin the tab has shown
}

// wipeWithin bounds the wipe of a context; one that takes longer is
// disposed of instead of kept.
const wipeWithin = 10 * time.Second

// openTab opens a tab in a context no open page uses: a wiped one given
// back by an earlier page, or a new one.
func (b *Browser) openTab() (*tab, error) {
	onBrowser := cdp.WithExecutor(b.ctx, chromedp.FromContext(b.ctx).Browser)
	bctx, err := b.takeContext(onBrowser)
	if err != nil {
		return nil, err
	}
	id, err := target.CreateTarget("about:blank").WithBrowserContextID(bctx).Do(onBrowser)
	if err != nil {
		_ = target.DisposeBrowserContext(bctx).Do(onBrowser)
		return nil, fmt.Errorf("open a tab: %w", err)
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
		cancel()
		_ = target.DisposeBrowserContext(bctx).Do(onBrowser)
		return nil, fmt.Errorf("attach to the tab: %w", err)
	}
	return tb, nil
}

// takeContext returns a kept context, or makes one with its window.
func (b *Browser) takeContext(onBrowser context.Context) (cdp.BrowserContextID, error) {
	b.mu.Lock()
	if n := len(b.idle); n > 0 {
		bctx := b.idle[n-1]
		b.idle = b.idle[:n-1]
		b.mu.Unlock()
		return bctx, nil
	}
	b.mu.Unlock()
	bctx, err := target.CreateBrowserContext().WithDisposeOnDetach(true).Do(onBrowser)
	if err != nil {
		return "", fmt.Errorf("create a browser context: %w", err)
	}
	if _, err := target.CreateTarget("about:blank").WithBrowserContextID(bctx).WithNewWindow(true).Do(onBrowser); err != nil {
		_ = target.DisposeBrowserContext(bctx).Do(onBrowser)
		return "", fmt.Errorf("open a window: %w", err)
	}
	return bctx, nil
}

// closeTab closes a page's tab and gives its context back, wiped; a
// context that cannot be wiped is disposed of.
func (b *Browser) closeTab(tb *tab) {
	onBrowser := cdp.WithExecutor(b.ctx, chromedp.FromContext(b.ctx).Browser)
	if err := tb.wipe(onBrowser); err != nil {
		tb.cancel()
		_ = target.DisposeBrowserContext(tb.bctx).Do(onBrowser)
		return
	}
	b.mu.Lock()
	b.idle = append(b.idle, tb.bctx)
	b.mu.Unlock()
}

// wipe closes the tab and clears what its pages left in the context, so
// that the next page finds what a new context would give it: every
// cookie, permission and HTTP cache entry, and the storage of every
// origin the tab showed. (What a test sets on a tab itself, such as an
// emulated screen, goes with the tab.)
func (tb *tab) wipe(onBrowser context.Context) error {
	ctx, cancel := context.WithTimeout(tb.ctx, wipeWithin)
	defer cancel()
	err := chromedp.Run(ctx,
		// First, as requests held by an interception would keep the
		// page from leaving.
		fetch.Disable(),
		// Leaving runs the page's pagehide handlers, which may store.
		chromedp.Navigate("about:blank"),
		network.ClearBrowserCache(),
	)
	if err != nil {
		return err
	}
	tb.mu.Lock()
	origins := tb.origins
	tb.mu.Unlock()
	for origin := range origins {
		// Each test server has a port, so an origin, of its own; but a
		// port is used again once its server has closed.
		if err := chromedp.Run(ctx, storage.ClearDataForOrigin(origin, "all")); err != nil {
			return err
		}
	}
	tb.cancel() // closes the tab
	if err := storage.ClearCookies().WithBrowserContextID(tb.bctx).Do(onBrowser); err != nil {
		return err
	}
	return browser.ResetPermissions().WithBrowserContextID(tb.bctx).Do(onBrowser)
}
