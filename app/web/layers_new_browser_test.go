package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"netstudy/app/browsertest"
	"netstudy/app/layers"
)

// TestLayersBrowserNewScenarios walks the scenarios that brought protocols
// the page had not drawn before (ARP, DNS, ICMP, DHCP, NAT) from the first step to the
// last: every step's text shows, the packets are in the ladder under their
// protocol's name, and the page reports no error.
func TestLayersBrowserNewScenarios(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, testContent())
	b := browsertest.New(t)
	for _, tc := range []struct{ id, proto string }{
		{"arp", "Address Resolution Protocol (request)"}, {"dns", "Domain Name System (query)"},
		{"traceroute", "Internet Control Message Protocol"}, {"dhcp", "Dynamic Host Configuration Protocol (Discover)"},
		{"nat", "User Datagram Protocol"},
	} {
		sc, err := layers.Build(tc.id, layers.DefaultParamsFor(tc.id))
		if err != nil {
			t.Fatal(err)
		}
		n := len(sc.Steps)
		p := b.NewPage(t)
		p.Run(t,
			chromedp.Navigate(ts.URL+"/layers?scenario="+tc.id),
			waitLoads(1),
			chromedp.SendKeys("#step-fwd", kb.End, chromedp.ByQuery),
			browsertest.WaitJS(fmt.Sprintf(`document.querySelector("#step-meta").textContent.startsWith("Step %d of %d")`, n, n)),
		)
		if got := p.Text(t, "#step-text"); got != sc.Steps[n-1].Description {
			t.Errorf("%s: last step text %q, want %q", tc.id, got, sc.Steps[n-1].Description)
		}
		var rows int
		p.Eval(t, `document.querySelectorAll("#ladder li").length`, &rows)
		if rows < len(sc.Packets) {
			t.Errorf("%s: %d ladder rows for %d packets", tc.id, rows, len(sc.Packets))
		}
		var blocks string
		p.Run(t, chromedp.SendKeys("#step-back", kb.Home, chromedp.ByQuery),
			browsertest.WaitJS(fmt.Sprintf(`document.querySelector("#step-meta").textContent.startsWith("Step 1 of %d")`, n)))
		p.Eval(t, `document.querySelector("#fields").textContent`, &blocks)
		if !strings.Contains(blocks, tc.proto) {
			t.Errorf("%s: the inspector does not name %s: %.200q", tc.id, tc.proto, blocks)
		}
	}
}
