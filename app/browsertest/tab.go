package browsertest

import (
	"context"
	"fmt"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// tab is one browser context and its only tab, attached: one test's page.
type tab struct {
	bctx   cdp.BrowserContextID
	ctx    context.Context // chromedp's, attached to the tab
	cancel context.CancelFunc
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
	tb := &tab{bctx: bctx, ctx: ctx, cancel: cancel}
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

func (b *Browser) closeTab(tb *tab) {
	tb.cancel()
	onBrowser := cdp.WithExecutor(b.ctx, chromedp.FromContext(b.ctx).Browser)
	_ = target.DisposeBrowserContext(tb.bctx).Do(onBrowser)
}
