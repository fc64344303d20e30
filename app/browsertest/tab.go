package browsertest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// Each page is a fresh tab, with chromedp's state of it fresh too, in a
// browser context that no other open page uses. The contexts are kept and
// wiped between tests rather than made anew, each with a keeper: a tab
// left on about:blank that holds the context's window and renderer
// process, and opens every page of the context as its popup, so that the
// page runs in that same process.
//
// Why: a new context needs a window (headless Chromium opens a tab only
// in a window), and a window with a renderer process of its own cost
// Chromium about 1.3 processor-seconds, against 0.6 for a tab in a window
// already there. A popup also runs in its opener's process, which is not
// started anew, and whose script compiler has seen the accessibility
// engine the tests inject page after page. The web package's tests open
// some two hundred pages.

// keptContext is a browser context and its keeper.
type keptContext struct {
	id     cdp.BrowserContextID
	keeper context.Context    // chromedp's, attached to the keeper
	close  context.CancelFunc // closes the keeper and disposes of the context
}

// tab is one test's page, attached, and the context it has to itself.
type tab struct {
	kc     *keptContext
	ctx    context.Context // chromedp's, attached to the tab
	cancel context.CancelFunc

	mu      sync.Mutex
	origins map[string]bool // every origin the tab has shown
}

// tabWithin bounds opening a tab, and wiping a context; a context that
// takes longer is disposed of.
const tabWithin = 10 * time.Second

// openTab opens a tab in a context no open page uses: a wiped one given
// back by an earlier page, or a new one.
func (b *Browser) openTab() (*tab, error) {
	kc, err := b.takeContext()
	if err != nil {
		return nil, err
	}
	id, err := kc.open()
	if err != nil {
		kc.close()
		return nil, err
	}
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithTargetID(id))
	tb := &tab{kc: kc, ctx: ctx, cancel: cancel, origins: map[string]bool{}}
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
		kc.close()
		return nil, fmt.Errorf("attach to the tab: %w", err)
	}
	return tb, nil
}

// open has the keeper open a tab, as a script's popup, and returns it.
func (kc *keptContext) open() (target.ID, error) {
	ctx, cancel := context.WithTimeout(kc.keeper, tabWithin)
	defer cancel()
	keeper := chromedp.FromContext(kc.keeper).Target.TargetID
	opened := chromedp.WaitNewTarget(ctx, func(info *target.Info) bool { return info.OpenerID == keeper })
	withGesture := func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithUserGesture(true) }
	if err := chromedp.Run(ctx, chromedp.Evaluate(`window.open("about:blank", "_blank") !== null`, nil, withGesture)); err != nil {
		return "", fmt.Errorf("open a tab: %w", err)
	}
	select {
	case id, ok := <-opened:
		if ok {
			return id, nil
		}
	case <-ctx.Done():
	}
	return "", errors.New("open a tab: the browser made none")
}

// takeContext returns a kept context, or makes one with its keeper.
func (b *Browser) takeContext() (*keptContext, error) {
	b.mu.Lock()
	if n := len(b.idle); n > 0 {
		kc := b.idle[n-1]
		b.idle = b.idle[:n-1]
		b.mu.Unlock()
		return kc, nil
	}
	b.mu.Unlock()
	onBrowser := cdp.WithExecutor(b.ctx, chromedp.FromContext(b.ctx).Browser)
	bctx, err := target.CreateBrowserContext().WithDisposeOnDetach(true).Do(onBrowser)
	if err != nil {
		return nil, fmt.Errorf("create a browser context: %w", err)
	}
	dispose := func() { _ = target.DisposeBrowserContext(bctx).Do(onBrowser) }
	id, err := target.CreateTarget("about:blank").WithBrowserContextID(bctx).WithNewWindow(true).Do(onBrowser)
	if err != nil {
		dispose()
		return nil, fmt.Errorf("open a window: %w", err)
	}
	keeper, closeKeeper := chromedp.NewContext(b.ctx, chromedp.WithTargetID(id))
	kc := &keptContext{id: bctx, keeper: keeper, close: func() { closeKeeper(); dispose() }}
	if err := chromedp.Run(keeper); err != nil {
		kc.close()
		return nil, fmt.Errorf("attach to a window: %w", err)
	}
	return kc, nil
}

// closeContexts closes every kept context, waiting for chromedp to let go
// of its keeper.
func (b *Browser) closeContexts() {
	b.mu.Lock()
	idle := b.idle
	b.idle = nil
	b.mu.Unlock()
	for _, kc := range idle {
		kc.close()
	}
}

// closeTab closes a page's tab and gives its context back, wiped; a
// context that cannot be wiped is disposed of.
func (b *Browser) closeTab(tb *tab) {
	if err := tb.wipe(cdp.WithExecutor(b.ctx, chromedp.FromContext(b.ctx).Browser)); err != nil {
		tb.cancel()
		tb.kc.close()
		return
	}
	b.mu.Lock()
	b.idle = append(b.idle, tb.kc)
	b.mu.Unlock()
}

// wipe closes the tab and clears what its pages left in the context, so
// that the next page finds what a new context would give it: every
// cookie, permission and HTTP cache entry, and the storage of every
// origin the tab showed. (What a test sets on a tab itself, such as an
// emulated screen, goes with the tab.)
func (tb *tab) wipe(onBrowser context.Context) error {
	ctx, cancel := context.WithTimeout(tb.ctx, tabWithin)
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
	if err := storage.ClearCookies().WithBrowserContextID(tb.kc.id).Do(onBrowser); err != nil {
		return err
	}
	return browser.ResetPermissions().WithBrowserContextID(tb.kc.id).Do(onBrowser)
}
