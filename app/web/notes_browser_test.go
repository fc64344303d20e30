package web

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"netstudy/app/browsertest"
)

func TestBrowserHomeListsAndFiltersNotes(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, testContent())
	p := browsertest.New(t).NewPage(t)
	var titles []string
	p.Run(t,
		chromedp.Navigate(ts.URL+"/"),
		browsertest.WaitJS(`document.querySelectorAll("#note-list .note-card").length === 2`),
		chromedp.Evaluate(`[...document.querySelectorAll("#note-list .note-card h3")].map(h => h.textContent.trim())`, &titles),
	)
	if len(titles) != 2 {
		t.Fatalf("home lists %q", titles)
	}
	var visible int
	p.Run(t,
		chromedp.SendKeys("#note-search", "ttl", chromedp.ByQuery),
		browsertest.WaitJS(`document.querySelectorAll("#note-list .note-card:not([hidden])").length === 1`),
		chromedp.Evaluate(`document.querySelectorAll("#note-list .note-card:not([hidden])").length`, &visible),
	)
	status := p.Text(t, "#note-search-status")
	if status != "1 of 2 notes match" {
		t.Errorf("search status = %q", status)
	}
}

func TestBrowserNotePageRevealsAnAnswer(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, testContent())
	p := browsertest.New(t).NewPage(t)
	var hidden, expanded string
	p.Run(t,
		chromedp.Navigate(ts.URL+"/notes/routing"),
		browsertest.WaitJS(`document.querySelectorAll("button.reveal").length === 2`),
		chromedp.Evaluate(`String(document.getElementById("answer-1").hidden)`, &hidden),
	)
	if hidden != "true" {
		t.Fatalf("the first answer is visible before it was asked for")
	}
	// By keyboard: focus the button, press Enter.
	p.Run(t,
		chromedp.Focus("button.reveal", chromedp.ByQuery),
		chromedp.KeyEvent(kb.Enter),
		browsertest.WaitJS(`!document.getElementById("answer-1").hidden`),
		chromedp.AttributeValue("button.reveal", "aria-expanded", &expanded, nil, chromedp.ByQuery),
	)
	if expanded != "true" {
		t.Errorf("aria-expanded = %q after revealing", expanded)
	}
	if got := p.Text(t, "#answer-1"); got == "" {
		t.Error("the revealed answer is empty")
	}
	// The switch shows every answer at once.
	p.Run(t,
		chromedp.Click("#hide-answers", chromedp.ByQuery),
		browsertest.WaitJS(`[...document.querySelectorAll(".answer")].every(a => !a.hidden)`),
	)
}

func TestBrowserGlossaryTermShowsDefinitionOnFocus(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, testContent())
	p := browsertest.New(t).NewPage(t)
	var before, after string
	p.Run(t,
		chromedp.Navigate(ts.URL+"/notes/routing"),
		chromedp.WaitReady("a.gloss", chromedp.ByQuery),
		chromedp.Evaluate(`getComputedStyle(document.querySelector("a.gloss + .gloss-tip")).display`, &before),
	)
	if before != "none" {
		t.Fatalf("the definition shows before focus: display %q", before)
	}
	// Tab through the page until a glossary link has the focus.
	for range 40 {
		var onGloss bool
		p.Run(t, chromedp.KeyEvent(kb.Tab), chromedp.Evaluate(`document.activeElement.classList.contains("gloss")`, &onGloss))
		if onGloss {
			break
		}
	}
	var tip, described string
	p.Run(t,
		chromedp.Evaluate(`getComputedStyle(document.activeElement.nextElementSibling).display`, &after),
		chromedp.Evaluate(`document.activeElement.nextElementSibling.textContent`, &tip),
		chromedp.Evaluate(`document.getElementById(document.activeElement.getAttribute("aria-describedby")).textContent`, &described),
	)
	if after != "block" {
		t.Errorf("the definition is not shown on keyboard focus: display %q", after)
	}
	if tip == "" || tip != described {
		t.Errorf("tooltip %q, aria-describedby text %q", tip, described)
	}
	// And on hover.
	var hovered string
	p.Run(t,
		chromedp.Navigate(ts.URL+"/notes/routing"),
		chromedp.WaitReady("a.gloss", chromedp.ByQuery),
		chromedp.ActionFunc(func(ctx context.Context) error {
			var x, y float64
			if err := chromedp.Evaluate(`(() => { const r = document.querySelector("a.gloss").getBoundingClientRect(); return r.left + r.width / 2; })()`, &x).Do(ctx); err != nil {
				return err
			}
			if err := chromedp.Evaluate(`(() => { const r = document.querySelector("a.gloss").getBoundingClientRect(); return r.top + r.height / 2; })()`, &y).Do(ctx); err != nil {
				return err
			}
			return input.DispatchMouseEvent(input.MouseMoved, x, y).Do(ctx)
		}),
		chromedp.Evaluate(`getComputedStyle(document.querySelector("a.gloss + .gloss-tip")).display`, &hovered),
	)
	if hovered != "block" {
		t.Errorf("the definition is not shown on hover: display %q", hovered)
	}
}

func TestBrowserGlossaryFilter(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, testContent())
	p := browsertest.New(t).NewPage(t)
	p.Run(t,
		chromedp.Navigate(ts.URL+"/vocabulary"),
		chromedp.WaitVisible("#term-filter", chromedp.ByID),
		chromedp.SendKeys("#term-filter", "device", chromedp.ByID),
		browsertest.WaitJS(`document.querySelectorAll(".glossary-entry:not([hidden])").length === 1`),
	)
	var term string
	p.Run(t, chromedp.Evaluate(`document.querySelector(".glossary-entry:not([hidden]) dt").textContent`, &term))
	if term != "Router" {
		t.Errorf("filtering 'device' left %q", term)
	}
	if got := p.Text(t, "#term-filter-status"); got != "1 of 2 terms match" {
		t.Errorf("filter status = %q", got)
	}
	p.Run(t,
		chromedp.SendKeys("#term-filter", "zzz", chromedp.ByID),
		browsertest.WaitJS(`!document.getElementById("no-term").hidden`),
	)
}

func TestBrowserHostileNoteRunsNoScript(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, testContent())
	p := browsertest.New(t).NewPage(t)
	var pwned string
	p.Run(t,
		chromedp.Navigate(ts.URL+"/notes/xss"),
		chromedp.WaitReady("#note-content", chromedp.ByID),
		chromedp.Evaluate(`(() => { for (const a of document.querySelectorAll("a")) if (a.textContent === "click me") a.click(); return String(window.__pwned); })()`, &pwned),
	)
	if pwned != "undefined" {
		t.Errorf("the hostile note ran script: window.__pwned = %s", pwned)
	}
}
