package web

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"netstudy/app/browsertest"
)

// layoutShiftJS sums the layout shifts the page has had so far, as
// Lighthouse's cumulative layout shift does (shifts right after input do
// not count). Buffered entries arrive asynchronously, hence two frames.
const layoutShiftJS = `new Promise((resolve) => {
	let sum = 0;
	const add = (list) => { for (const e of list) if (!e.hadRecentInput) sum += e.value; };
	const po = new PerformanceObserver((l) => add(l.getEntries()));
	po.observe({ type: "layout-shift", buffered: true });
	requestAnimationFrame(() => requestAnimationFrame(() => { add(po.takeRecords()); po.disconnect(); resolve(sum); }));
})`

// TestLayersBrowserNoLayoutShift loads /layers at Lighthouse's desktop and
// phone sizes and checks that drawing the scenario moves nothing already
// on screen: what the script fills in has its room reserved by the server.
func TestLayersBrowserNoLayoutShift(t *testing.T) {
	t.Parallel()
	for _, size := range []struct {
		name          string
		query         string
		width, height int64
		mobile        bool
	}{
		{"desktop", "", 1350, 940, false},
		{"desktop-router-hop", "?scenario=router-hop", 1350, 940, false},
		{"phone", "", 412, 823, true},
	} {
		t.Run(size.name, func(t *testing.T) {
			ts := newTestServer(t, testContent())
			p := browsertest.New(t).NewPage(t)
			var cls float64
			p.Run(t,
				chromedp.ActionFunc(func(ctx context.Context) error {
					return emulation.SetDeviceMetricsOverride(size.width, size.height, 1, size.mobile).Do(ctx)
				}),
				chromedp.Navigate(ts.URL+"/layers"+size.query),
				waitLoads(1),
				chromedp.Evaluate(layoutShiftJS, &cls, func(p *runtime.EvaluateParams) *runtime.EvaluateParams {
					return p.WithAwaitPromise(true)
				}),
			)
			t.Logf("cumulative layout shift on %s: %.3f", size.name, cls)
			if cls > 0.05 {
				t.Errorf("cumulative layout shift %.3f on %s, want at most 0.05 (Lighthouse calls 0.1 good)", cls, size.name)
			}
		})
	}
}
