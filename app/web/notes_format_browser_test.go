package web

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"netstudy/app/browsertest"
)

// On a touch screen (no hover), the first tap on a glossary term shows
// its definition in place and stays on the note; a second tap opens the
// glossary. Every answered question, whatever its shape, hides behind its
// own button; the open question has none.
func TestBrowserMixedNoteOnATouchScreen(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, fstest.MapFS{"sockets.md": {Data: []byte(mixedNote)}})
	p := browsertest.New(t).NewPage(t)
	var noHover bool
	p.Run(t,
		chromedp.ActionFunc(func(ctx context.Context) error {
			if err := emulation.SetDeviceMetricsOverride(390, 844, 3, true).Do(ctx); err != nil {
				return err
			}
			return emulation.SetTouchEmulationEnabled(true).WithMaxTouchPoints(5).Do(ctx)
		}),
		chromedp.Navigate(ts.URL+"/notes/sockets"),
		browsertest.WaitJS(`document.querySelectorAll("button.reveal").length === 4`),
		chromedp.Evaluate(`matchMedia("(hover: none)").matches`, &noHover),
	)
	if !noHover {
		t.Skip("this Chromium does not report (hover: none) under touch emulation")
	}
	var hiddenAll bool
	var open string
	p.Run(t,
		chromedp.Evaluate(`[...document.querySelectorAll(".answer")].every(a => a.hidden)`, &hiddenAll),
		chromedp.Evaluate(`document.querySelector("#what-is-a-room + .open-question").textContent`, &open),
	)
	if !hiddenAll {
		t.Error("an answer shows before it was asked for")
	}
	if open != "No answer written yet." {
		t.Errorf("the open question says %q", open)
	}
	// Show the answers, so the first glossary link is on screen.
	p.Run(t,
		chromedp.Click("#hide-answers", chromedp.ByQuery),
		browsertest.WaitJS(`[...document.querySelectorAll(".answer")].every(a => !a.hidden)`),
		chromedp.ScrollIntoView(`a.gloss[href="/vocabulary#term-web-socket-ws"]`, chromedp.ByQuery),
		chromedp.Click(`a.gloss[href="/vocabulary#term-web-socket-ws"]`, chromedp.ByQuery),
		browsertest.WaitJS(`document.querySelector(".gloss-wrap.open") !== null`),
	)
	var display, expanded, url string
	p.Run(t,
		chromedp.Evaluate(`getComputedStyle(document.querySelector(".gloss-wrap.open .gloss-tip")).display`, &display),
		chromedp.Evaluate(`document.querySelector(".gloss-wrap.open a.gloss").getAttribute("aria-expanded")`, &expanded),
		chromedp.Location(&url),
	)
	if display != "block" || expanded != "true" || !strings.HasSuffix(url, "/notes/sockets") {
		t.Fatalf("after one tap: tip display %q, aria-expanded %q, at %s; want the definition shown on the note", display, expanded, url)
	}
	// Escape closes it; a second tap on an open term follows the link.
	p.Run(t,
		chromedp.KeyEvent("\x1b"),
		browsertest.WaitJS(`document.querySelector(".gloss-wrap.open") === null`),
		chromedp.Click(`a.gloss[href="/vocabulary#term-web-socket-ws"]`, chromedp.ByQuery),
		browsertest.WaitJS(`document.querySelector(".gloss-wrap.open") !== null`),
		chromedp.Click(`a.gloss[href="/vocabulary#term-web-socket-ws"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#term-filter", chromedp.ByID),
		chromedp.Location(&url),
	)
	if !strings.HasSuffix(url, "/vocabulary#term-web-socket-ws") {
		t.Errorf("the second tap went to %s, want the glossary entry", url)
	}
	p.AssertClean(t)
}
