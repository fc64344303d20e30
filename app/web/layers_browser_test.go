package web

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"netstudy/app/browsertest"
	"netstudy/app/layers"
)

// openLayers opens the Layers page at query and waits until the script
// has drawn its first scenario.
func openLayers(t *testing.T, query string) *browsertest.Page {
	t.Helper()
	ts := newTestServer(t, testContent())
	p := browsertest.New(t).NewPage(t)
	p.Run(t,
		chromedp.Navigate(ts.URL+"/layers"+query),
		browsertest.WaitJS(`document.querySelector("#viz").dataset.loads === "1"`),
	)
	return p
}

// waitLoads waits for the script's n-th successful load of a scenario.
func waitLoads(n int) chromedp.Action {
	return browsertest.WaitJS(fmt.Sprintf(`document.querySelector("#viz").dataset.loads === "%d"`, n))
}

// hover moves the real mouse pointer onto the middle of the element.
func hover(sel string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		// The page may still be moving (the field panel grows as the
		// previous highlight is drawn): aim again until the pointer is on
		// the element.
		for range 5 {
			var xy []float64
			js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.scrollIntoView({ block: "center", behavior: "instant" });
				const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()`, sel)
			if err := chromedp.Evaluate(js, &xy).Do(ctx); err != nil {
				return err
			}
			if err := input.DispatchMouseEvent(input.MouseMoved, xy[0], xy[1]).Do(ctx); err != nil {
				return err
			}
			var on bool
			if err := chromedp.Evaluate(fmt.Sprintf(`document.querySelector(%q).matches(":hover")`, sel), &on).Do(ctx); err != nil {
				return err
			}
			if on {
				return nil
			}
		}
		return fmt.Errorf("the pointer never rested on %s", sel)
	})
}

// highlighted returns the offsets of the hex cells that carry class cls.
func highlighted(t *testing.T, p *browsertest.Page, cls string) []int {
	t.Helper()
	var offs []int
	p.Eval(t, fmt.Sprintf(`[...document.querySelectorAll("#hex .hb.%s")].map((c) => Number(c.dataset.off))`, cls), &offs)
	return offs
}

func TestLayersBrowserKeyboardSteps(t *testing.T) {
	sc, err := layers.Build("tcp-handshake", layers.DefaultParamsFor("tcp-handshake"))
	if err != nil {
		t.Fatal(err)
	}
	n := len(sc.Steps)
	p := openLayers(t, "?scenario=tcp-handshake")

	var live bool
	p.Eval(t, `document.querySelector("#step-text").closest('[aria-live="polite"]') !== null`, &live)
	if !live {
		t.Fatal("the step description is not in a polite live region")
	}
	if got := p.Text(t, "#step-text"); got != sc.Steps[0].Description {
		t.Fatalf("step 1 text = %q, want %q", got, sc.Steps[0].Description)
	}
	prev := p.Text(t, "#step-box")
	for i := 1; i < n; i++ {
		p.Run(t,
			chromedp.SendKeys("#step-fwd", kb.ArrowRight, chromedp.ByQuery),
			browsertest.WaitJS(fmt.Sprintf(`document.querySelector("#step-meta").textContent.startsWith("Step %d of %d")`, i+1, n)),
		)
		box := p.Text(t, "#step-box")
		if box == prev {
			t.Fatalf("step %d: the live region did not change", i+1)
		}
		prev = box
		if got := p.Text(t, "#step-text"); got != sc.Steps[i].Description {
			t.Fatalf("step %d text = %q, want %q", i+1, got, sc.Steps[i].Description)
		}
	}
	var atEnd struct {
		Disabled string `json:"disabled"`
		Focused  string `json:"focused"`
		Current  string `json:"current"`
	}
	p.Eval(t, `({ disabled: document.querySelector("#step-fwd").getAttribute("aria-disabled"),
		focused: document.activeElement.id,
		current: document.querySelector("#steps-list li[aria-current]").dataset.step })`, &atEnd)
	if atEnd.Disabled != "true" || atEnd.Focused != "step-fwd" || atEnd.Current != fmt.Sprint(n-1) {
		t.Errorf("at the last step: %+v", atEnd)
	}
	// One more press stays on the last step; ArrowLeft and Home go back.
	p.Run(t,
		chromedp.SendKeys("#step-fwd", kb.ArrowRight, chromedp.ByQuery),
		chromedp.SendKeys("#step-fwd", kb.ArrowLeft, chromedp.ByQuery),
		browsertest.WaitJS(fmt.Sprintf(`document.querySelector("#step-meta").textContent.startsWith("Step %d of %d")`, n-1, n)),
		chromedp.SendKeys("#step-back", kb.Home, chromedp.ByQuery),
		browsertest.WaitJS(fmt.Sprintf(`document.querySelector("#step-meta").textContent.startsWith("Step 1 of %d")`, n)),
	)

	// Play advances on its own at the chosen speed; Pause stops it.
	p.Run(t,
		chromedp.SetValue("#speed", "4", chromedp.ByQuery),
		chromedp.Click("#play", chromedp.ByQuery),
		browsertest.WaitJS(`document.querySelector("#play").getAttribute("aria-pressed") === "true"`),
		browsertest.WaitJS(fmt.Sprintf(`document.querySelector("#step-meta").textContent.startsWith("Step 2 of %d")`, n)),
		chromedp.Click("#play", chromedp.ByQuery),
		browsertest.WaitJS(`document.querySelector("#play").getAttribute("aria-pressed") === "false"`),
	)
}

func TestLayersBrowserDropShowsRetransmission(t *testing.T) {
	p := openLayers(t, "?scenario=tcp-data")
	var before int
	p.Eval(t, `document.querySelectorAll("#ladder .ladder-row.is-retrans, #ladder .ladder-row.is-lost").length`, &before)
	if before != 0 {
		t.Fatalf("%d lost or resent packets before any drop", before)
	}

	p.Run(t,
		chromedp.Click(`#ladder .drop-toggle[data-index="3"]`, chromedp.ByQuery),
		waitLoads(2),
	)
	var after struct {
		Lost, Retrans, Search, Pcap, Focus, Action string
	}
	p.Eval(t, `({
		Lost: document.querySelector('#ladder .ladder-row.is-lost[data-packet="3"]')?.textContent ?? "",
		Retrans: document.querySelector("#ladder .ladder-row.is-retrans")?.textContent ?? "",
		Search: location.search,
		Pcap: document.querySelector("#pcap").getAttribute("href"),
		Focus: document.activeElement.dataset.index ?? "",
		Action: document.querySelector("#step-box").dataset.action,
	})`, &after)
	if !strings.Contains(after.Lost, "lost") || !strings.Contains(after.Retrans, "retransmission") {
		t.Errorf("ladder after dropping packet 3: lost row %q, retransmission row %q", after.Lost, after.Retrans)
	}
	if !strings.Contains(after.Search, "drop=3") || !strings.Contains(after.Pcap, "drop=3") || !strings.HasPrefix(after.Pcap, "/api/layers/tcp-data.pcapng?") {
		t.Errorf("address %q and capture link %q do not carry drop=3", after.Search, after.Pcap)
	}
	if after.Focus != "3" {
		t.Errorf("focus went to %q, want the packet 3 checkbox", after.Focus)
	}
	if after.Action != "encapsulate" {
		t.Errorf("after a drop the view is at a %q step, want the dropped packet's first step", after.Action)
	}

	// Step on by keyboard to the loss, then the timer, then the resend.
	for _, want := range []struct{ action, text string }{{"lost", "lost"}, {"timeout", "retransmission timer"}, {"encapsulate", "again"}} {
		found := false
		for range 12 {
			var action string
			p.Run(t,
				chromedp.SendKeys(`#ladder .drop-toggle[data-index="3"]`, kb.ArrowRight, chromedp.ByQuery),
				chromedp.Evaluate(`document.querySelector("#step-box").dataset.action`, &action),
			)
			if action == want.action {
				found = true
				break
			}
		}
		if !found {
			t.Fatalf("no %s step after the drop", want.action)
		}
		if got := p.Text(t, "#step-text"); !strings.Contains(got, want.text) {
			t.Errorf("%s step says %q, want it to mention %q", want.action, got, want.text)
		}
	}
	var resent bool
	p.Eval(t, `document.querySelector("#ladder .ladder-row.current")?.classList.contains("is-retrans")`, &resent)
	if !resent {
		t.Errorf("the ladder does not mark the retransmission as the current packet")
	}

	// Undo the drop: no loss, no retransmission.
	p.Run(t,
		chromedp.Click(`#ladder .drop-toggle[data-index="3"]`, chromedp.ByQuery),
		waitLoads(3),
	)
	p.Eval(t, `document.querySelectorAll("#ladder .ladder-row.is-retrans, #ladder .ladder-row.is-lost").length`, &before)
	if before != 0 {
		t.Errorf("%d lost or resent packets after undoing the drop", before)
	}
}

func TestLayersBrowserModelToggle(t *testing.T) {
	p := openLayers(t, "?scenario=udp")
	labels := func() []string {
		var names []string
		p.Eval(t, `[...document.querySelectorAll('#stage-grid .node[data-node="client"] .layer .layer-name')].map((e) => e.textContent)`, &names)
		return names
	}
	osi := []string{"Application", "Presentation", "Session", "Transport", "Network", "Data link", "Physical"}
	if got := labels(); !slices.Equal(got, osi) {
		t.Fatalf("OSI labels = %v", got)
	}
	p.Run(t,
		chromedp.Click(`input[name="model"][value="tcpip"]`, chromedp.ByQuery),
		browsertest.WaitJS(`document.querySelectorAll('#stage-grid .node[data-node="server"] .layer').length === 4`),
	)
	if got := labels(); !slices.Equal(got, []string{"Application", "Transport", "Internet", "Link"}) {
		t.Fatalf("TCP/IP labels = %v", got)
	}
	// The mapping: Application covers OSI 5–7, Link covers 1–2; the current
	// step's layer is marked in both models.
	var mapping struct {
		Spans  []string `json:"spans"`
		Active []string `json:"active"`
		Meta   string   `json:"meta"`
	}
	p.Eval(t, `({
		spans: [...document.querySelectorAll('#stage-grid .node[data-node="client"] .layer-osi')].map((e) => e.textContent),
		active: [...document.querySelectorAll("#mapping .active")].map((e) => e.textContent.trim()),
		meta: document.querySelector("#step-meta").textContent,
	})`, &mapping)
	if !slices.Equal(mapping.Spans, []string{"OSI 5–7", "OSI 4", "OSI 3", "OSI 1–2"}) {
		t.Errorf("TCP/IP rows map to %v", mapping.Spans)
	}
	if !slices.Equal(mapping.Active, []string{"7 Application", "Application"}) || !strings.Contains(mapping.Meta, "Application layer (TCP/IP), Application layer (OSI 7)") {
		t.Errorf("mapping marks %v; step says %q", mapping.Active, mapping.Meta)
	}
	// The choice is remembered.
	p.Run(t,
		chromedp.Reload(),
		waitLoads(1),
		browsertest.WaitJS(`document.querySelectorAll('#stage-grid .node[data-node="client"] .layer').length === 4`),
		chromedp.Click(`input[name="model"][value="osi"]`, chromedp.ByQuery),
		browsertest.WaitJS(`document.querySelectorAll('#stage-grid .node[data-node="client"] .layer').length === 7`),
	)

	// With reduced motion the chip jumps instead of gliding.
	var duration float64
	p.Run(t,
		chromedp.ActionFunc(func(ctx context.Context) error {
			return emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}).Do(ctx)
		}),
		chromedp.Evaluate(`parseFloat(getComputedStyle(document.querySelector("#chip")).transitionDuration)`, &duration),
	)
	if duration > 0.001 {
		t.Errorf("chip transition under reduced motion lasts %gs, want none", duration)
	}
}

func TestLayersBrowserFieldsAndBytes(t *testing.T) {
	p := openLayers(t, "?scenario=tcp-handshake&observed=client_port")
	// Where each value comes from is said in words, not colour alone.
	var sources []string
	p.Eval(t, `["tcp.srcport", "tcp.dstport", "ip.checksum"].map((k) => document.querySelector('#fields tr[data-key="' + k + '"] .src').textContent)`, &sources)
	if !slices.Equal(sources, []string{"observed", "illustrative", "computed"}) {
		t.Errorf("sources = %v", sources)
	}
	tests := []struct {
		key  string
		want []int
	}{
		{"ip.ttl", []int{22}},
		{"ip.src", []int{26, 27, 28, 29}},
		{"tcp.flags.syn", []int{47}}, // a bit field marks its byte
		{"eth.fcs", []int{60, 61, 62, 63}},
	}
	for _, tt := range tests {
		p.Run(t, chromedp.Focus(fmt.Sprintf(`#fields tr[data-key=%q]`, tt.key), chromedp.ByQuery))
		if got := highlighted(t, p, "hl"); !slices.Equal(got, tt.want) {
			t.Errorf("focus %s: highlighted bytes %v, want %v", tt.key, got, tt.want)
		}
		if tt.key == "tcp.flags.syn" {
			if info := p.Text(t, "#field-info"); !strings.Contains(info, "bit 6") || !strings.Contains(info, "computed") {
				t.Errorf("field info for the SYN flag = %q", info)
			}
		}
	}

	// The reverse: a byte marks every field it holds.
	rows := func() []string {
		var keys []string
		p.Eval(t, `[...document.querySelectorAll("#fields tr.hl")].map((r) => r.dataset.key)`, &keys)
		return keys
	}
	p.Run(t, chromedp.Focus(`#hex .hb[data-off="47"]`, chromedp.ByQuery))
	if got := rows(); !slices.Contains(got, "tcp.flags") || !slices.Contains(got, "tcp.flags.syn") || slices.Contains(got, "ip.ttl") {
		t.Errorf("byte 47 marks rows %v", got)
	}
	if got := highlighted(t, p, "cur"); !slices.Equal(got, []int{47}) {
		t.Errorf("byte 47 focused, current cells %v", got)
	}
	// Arrow keys move through the bytes.
	p.Run(t, chromedp.SendKeys(`#hex .hb[data-off="47"]`, kb.ArrowUp, chromedp.ByQuery))
	if got := rows(); !slices.Equal(got, []string{"ip.dst"}) {
		t.Errorf("ArrowUp from byte 47 to 31 marks %v, want [ip.dst]", got)
	}

	// Hovering with the mouse works both ways too.
	p.Run(t, hover(`#fields tr[data-key="tcp.srcport"]`))
	if got := highlighted(t, p, "hl"); !slices.Equal(got, []int{34, 35}) {
		t.Errorf("hover tcp.srcport: highlighted bytes %v", got)
	}
	p.Run(t, hover(`#hex .hb[data-off="23"]`))
	if got := rows(); !slices.Equal(got, []string{"ip.proto"}) {
		t.Errorf("hover byte 23 marks rows %v, want [ip.proto]", got)
	}
}
