package web

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"netstudy/app/browsertest"
	"netstudy/content"
)

const (
	searchBox   = "#site-search-q"
	listShown   = `!document.querySelector("#site-search-results").hidden && document.querySelectorAll("#site-search-results [role=option]").length > 0`
	activeIsBox = `document.activeElement && document.activeElement.id === "site-search-q"`
)

// The search box used with the keyboard alone: "/" reaches it from
// anywhere but a text field, results come as you type, arrows move
// through them, Escape closes them, Enter opens the chosen section, and
// Enter with none chosen opens the results page.
func TestBrowserSearchByKeyboardOnly(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, content.FS)
	p := browsertest.New(t).NewPage(t)
	var mainTop, mainTopOpen float64
	p.Run(t,
		chromedp.Navigate(ts.URL+"/notes/tcp-vs-udp"),
		browsertest.WaitJS(`document.readyState === "complete" && document.querySelector("#site-search-q[role=combobox]")`),
		chromedp.Evaluate(`document.querySelector("main").getBoundingClientRect().top`, &mainTop),
		pressSlash(),
		browsertest.WaitJS(activeIsBox),
		chromedp.KeyEvent("QUIC"),
		browsertest.WaitJS(listShown),
		chromedp.Evaluate(`document.querySelector("main").getBoundingClientRect().top`, &mainTopOpen),
	)
	if mainTop != mainTopOpen {
		t.Errorf("opening the results moved the page: main at %v, then %v", mainTop, mainTopOpen)
	}
	var state struct {
		Value, Expanded, Status string
		Options, Marks          int
	}
	const readState = `({
		value: document.querySelector("#site-search-q").value,
		expanded: document.querySelector("#site-search-q").getAttribute("aria-expanded"),
		status: document.querySelector("#site-search-status").textContent,
		options: document.querySelectorAll("#site-search-results [role=option]").length,
		marks: document.querySelectorAll("#site-search-results mark").length,
	})`
	p.Eval(t, readState, &state)
	if state.Value != "QUIC" || state.Expanded != "true" || state.Options < 2 || state.Marks == 0 {
		t.Fatalf("after typing: %+v", state)
	}
	if state.Status == "" {
		t.Error("the live region does not say how many results there are")
	}

	activeOption := `document.querySelector("#site-search-q").getAttribute("aria-activedescendant")`
	var active string
	p.Run(t,
		chromedp.KeyEvent(kb.ArrowDown),
		chromedp.KeyEvent(kb.ArrowDown),
		chromedp.KeyEvent(kb.ArrowUp),
		chromedp.Evaluate(activeOption, &active),
	)
	if active != "site-search-option-0" {
		t.Errorf("down, down, up: active option %q", active)
	}
	var selected []string
	p.Eval(t, `[...document.querySelectorAll("#site-search-results [aria-selected=true]")].map(o => o.id)`, &selected)
	if len(selected) != 1 || selected[0] != "site-search-option-0" {
		t.Errorf("selected options %q", selected)
	}

	// Escape closes the list and keeps the words; a down arrow reopens it.
	p.Run(t,
		chromedp.KeyEvent(kb.Escape),
		browsertest.WaitJS(`document.querySelector("#site-search-results").hidden`),
	)
	p.Eval(t, readState, &state)
	if state.Expanded != "false" || state.Value != "QUIC" {
		t.Errorf("after Escape: %+v", state)
	}
	var wantURL string
	p.Run(t,
		chromedp.KeyEvent(kb.ArrowDown),
		browsertest.WaitJS(listShown),
		chromedp.KeyEvent(kb.ArrowDown),
		chromedp.Evaluate(`fetch("/api/search?q=QUIC").then(r => r.json()).then(b => b.results[0].url)`, &wantURL, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }),
	)
	p.Run(t,
		pressEnter(),
		// A query waits across the navigation, where a poll would lose
		// its page halfway.
		chromedp.WaitReady(`article.note[data-note="`+strings.TrimPrefix(strings.Split(wantURL, "#")[0], "/notes/")+`"]`, chromedp.ByQuery),
		browsertest.WaitJS(`location.pathname + location.hash === `+jsString(wantURL)),
	)
	var target bool
	p.Eval(t, `!!document.getElementById(decodeURIComponent(location.hash.slice(1)))`, &target)
	if !target {
		t.Errorf("opened %s, which has no such section", wantURL)
	}

	// Enter with no result chosen: the results page.
	p.Run(t,
		pressSlash(),
		browsertest.WaitJS(activeIsBox),
		chromedp.KeyEvent("handshake"),
		browsertest.WaitJS(listShown),
		pressEnter(),
		chromedp.WaitReady(".search-page-results li", chromedp.ByQuery),
	)

	// In a text field "/" is a character, not a shortcut.
	var filter string
	p.Run(t,
		chromedp.Navigate(ts.URL+"/vocabulary"),
		browsertest.WaitJS(`document.readyState === "complete"`),
		chromedp.Focus("#term-filter", chromedp.ByQuery),
		chromedp.KeyEvent("a/b"),
		chromedp.Value("#term-filter", &filter, chromedp.ByQuery),
	)
	if filter != "a/b" {
		t.Errorf("typing a slash in the glossary filter gave %q", filter)
	}
	p.AssertClean(t)
}

// press types a key as a keyboard does: one keyDown that carries the
// character, so that cancelling the keydown cancels the character too.
// chromedp's KeyEvent sends the character as a separate event that no
// page can cancel, so "/" would land in the box it focuses and Enter would
// also submit the form.
func press(key, code, text string, keyCode int64) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		down := input.DispatchKeyEvent(input.KeyDown).WithKey(key).WithCode(code).
			WithText(text).WithUnmodifiedText(text).WithWindowsVirtualKeyCode(keyCode).WithNativeVirtualKeyCode(keyCode)
		if err := down.Do(ctx); err != nil {
			return err
		}
		return input.DispatchKeyEvent(input.KeyUp).WithKey(key).WithCode(code).
			WithWindowsVirtualKeyCode(keyCode).WithNativeVirtualKeyCode(keyCode).Do(ctx)
	})
}

func pressSlash() chromedp.Action { return press("/", "Slash", "/", 191) }
func pressEnter() chromedp.Action { return press("Enter", "Enter", "\r", 13) }

// On a 360 px phone the box has a row of its own, the results fit the
// screen over the page, and tapping one opens it.
func TestBrowserSearchOnAPhone(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, content.FS)
	p := browsertest.New(t).NewPage(t)
	p.Run(t,
		chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile),
		chromedp.Navigate(ts.URL+"/"),
		browsertest.WaitJS(`document.querySelector("#site-search-q[role=combobox]")`),
	)
	var box struct{ Left, Right, Height float64 }
	p.Eval(t, `(() => { const r = document.querySelector("#site-search-q").getBoundingClientRect(); return {left: r.left, right: r.right, height: r.height}; })()`, &box)
	if box.Left < 0 || box.Right > 360 || box.Right-box.Left < 200 || box.Height < 40 {
		t.Errorf("the search box on a phone: %+v", box)
	}
	p.Run(t,
		chromedp.Click(searchBox, chromedp.ByQuery),
		chromedp.SendKeys(searchBox, "sock", chromedp.ByQuery),
		browsertest.WaitJS(listShown),
	)
	var list struct{ Left, Right float64 }
	p.Eval(t, `(() => { const r = document.querySelector("#site-search-results").getBoundingClientRect(); return {left: r.left, right: r.right}; })()`, &list)
	if list.Left < 0 || list.Right > 360 {
		t.Errorf("the results stick out of the screen: %+v", list)
	}
	assertNoSidewaysScroll(t, p, "the open search results")
	var path string
	p.Run(t,
		chromedp.Click("#site-search-option-0", chromedp.ByQuery),
		chromedp.WaitReady("article.note", chromedp.ByQuery),
		chromedp.Evaluate(`location.pathname`, &path),
	)
	if !strings.HasPrefix(path, "/notes/") {
		t.Errorf("tapping the first result opened %q", path)
	}
	p.AssertClean(t)
}

// Without JavaScript the box is a form that opens the results page.
func TestBrowserSearchWithoutJavaScript(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, testContent())
	p := browsertest.New(t).NewPage(t)
	p.Run(t,
		emulation.SetScriptExecutionDisabled(true),
		chromedp.Navigate(ts.URL+"/notes/routing"),
		chromedp.WaitVisible(searchBox, chromedp.ByQuery),
		chromedp.SendKeys(searchBox, "packets"+kb.Enter, chromedp.ByQuery),
		chromedp.WaitVisible(".search-page-results", chromedp.ByQuery),
	)
	if got := p.Text(t, ".search-page-results li a"); got == "" {
		t.Error("the results page lists nothing")
	}
	var role string
	var ok bool
	p.Run(t, chromedp.AttributeValue(searchBox, "role", &role, &ok, chromedp.ByQuery))
	if ok {
		t.Errorf("without the script the box claims to be a %s", role)
	}
}

// The results, open in the box and on their own page, pass the
// accessibility rules.
func TestBrowserSearchPassesAxe(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, content.FS)
	p := browsertest.New(t).NewPage(t)
	p.Run(t,
		chromedp.Navigate(ts.URL+"/layers"),
		browsertest.WaitJS(`document.querySelector("#site-search-q[role=combobox]")`),
		chromedp.SendKeys(searchBox, "window", chromedp.ByQuery),
		browsertest.WaitJS(listShown),
		chromedp.KeyEvent(kb.ArrowDown),
	)
	assertAxeClean(t, p, "the search box with its results open")
	p.Run(t,
		chromedp.Navigate(ts.URL+"/search?q=window"),
		chromedp.WaitReady(".search-page-results li", chromedp.ByQuery),
	)
	assertAxeClean(t, p, "the search results page")
	p.AssertClean(t)
}
