package web

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"netstudy/app/browsertest"
)

// screenSize is one of Lighthouse's two screens.
type screenSize struct {
	name          string
	width, height int64
	mobile        bool
}

var lighthouseScreens = []screenSize{
	{"desktop", 1350, 940, false},
	{"phone", 412, 823, true},
}

// layoutShiftOf loads url at size as a slow phone would: the page's
// scripts arrive only after the server's HTML has been painted, so any
// change they make on load is a change the reader sees. It waits until
// ready is true (the scripts have done what they do on load) and returns
// the cumulative layout shift the page has had by then.
func layoutShiftOf(t *testing.T, url string, size screenSize, ready chromedp.Action) float64 {
	t.Helper()
	p := browsertest.New(t).NewPage(t)
	var mu sync.Mutex
	var held []fetch.RequestID       // script requests paused until the first paint
	firstHeld := make(chan struct{}) // closed when the new page asks for its first script
	chromedp.ListenTarget(p.Ctx, func(ev any) {
		if ev, ok := ev.(*fetch.EventRequestPaused); ok {
			mu.Lock()
			held = append(held, ev.RequestID)
			if len(held) == 1 {
				close(firstHeld)
			}
			mu.Unlock()
		}
	})
	var cls float64
	p.Run(t,
		chromedp.ActionFunc(func(ctx context.Context) error {
			return emulation.SetDeviceMetricsOverride(size.width, size.height, 1, size.mobile).Do(ctx)
		}),
		// The page's modules, not theme.js: that one blocks the parser, so
		// that the theme is set before the first paint.
		fetch.Enable().WithPatterns([]*fetch.RequestPattern{
			{URLPattern: "*/js/app*", RequestStage: fetch.RequestStageRequest},
			{URLPattern: "*/js/practice*", RequestStage: fetch.RequestStageRequest},
			{URLPattern: "*/js/note*", RequestStage: fetch.RequestStageRequest},
			{URLPattern: "*/js/flashcards*", RequestStage: fetch.RequestStageRequest},
		}),
		chromedp.ActionFunc(func(ctx context.Context) error {
			_, _, _, _, err := page.Navigate(url).Do(ctx)
			if err != nil {
				return err
			}
			// By then the new page's document exists: the polling below runs in it.
			select {
			case <-firstHeld:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}),
		// Parsed, painted twice, and the scripts still held back.
		browsertest.WaitJS(`document.readyState !== "loading" && document.querySelector("main") !== null`),
		chromedp.Evaluate(`new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`, nil,
			func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }),
		chromedp.ActionFunc(func(ctx context.Context) error {
			if err := fetch.Disable().Do(ctx); err != nil {
				return fmt.Errorf("stop holding scripts: %w", err)
			}
			mu.Lock()
			ids := held
			held = nil
			mu.Unlock()
			for _, id := range ids {
				// A request already released by Disable gives an error: harmless.
				_ = fetch.ContinueRequest(id).Do(ctx)
			}
			return nil
		}),
		ready,
		chromedp.Evaluate(layoutShiftJS, &cls, func(p *runtime.EvaluateParams) *runtime.EvaluateParams {
			return p.WithAwaitPromise(true)
		}),
	)
	return cls
}

// TestPagesBrowserNoLayoutShift loads the pages whose scripts change them
// on load, at Lighthouse's desktop and phone sizes, and checks that what
// the scripts do moves nothing already on screen: the server renders the
// state the script starts in.
func TestPagesBrowserNoLayoutShift(t *testing.T) {
	t.Parallel()
	pages := []struct {
		name, path string
		ready      chromedp.Action
	}{
		{
			name: "practice-quiz", path: "/practice/practice-basics",
			ready: browsertest.WaitJS(`document.querySelector("#practice").classList.contains("is-interactive")`),
		},
		{
			name: "note", path: "/notes/self-test",
			ready: browsertest.WaitJS(`document.querySelectorAll("#note-content button.reveal").length === 6`),
		},
		{
			// The card and "all caught up" share a cell whose room the
			// server's CSS keeps; the first card must fit it.
			name: "flashcards", path: "/flashcards",
			ready: browsertest.WaitJS(`!document.querySelector("#study").hidden && document.querySelector("#front").textContent.trim() !== ""`),
		},
	}
	for _, page := range pages {
		for _, size := range lighthouseScreens {
			t.Run(page.name+"/"+size.name, func(t *testing.T) {
				t.Parallel()
				ts := newTestServer(t, clsContent())
				cls := layoutShiftOf(t, ts.URL+page.path, size, page.ready)
				t.Logf("cumulative layout shift of %s on %s: %.3f", page.path, size.name, cls)
				// Lighthouse's target is 0.05; these pages should not move at
				// all, and a small shift here is a bigger one on a slow phone.
				if cls > maxTestShift {
					t.Errorf("cumulative layout shift %.3f of %s on %s, want at most %.2f", cls, page.path, size.name, maxTestShift)
				}
			})
		}
	}
}

// clsContent is the practice content plus a note long enough to fill a
// screen, with six questions and text after each answer, so that hiding
// the answers after load would move what follows them.
func clsContent() fstest.MapFS {
	fsys := practiceContent()
	var note strings.Builder
	note.WriteString("# Self-test\n\nA note whose questions hide their answers.\n\n")
	for i := 1; i <= 6; i++ {
		fmt.Fprintf(&note, "### Question %d: what does layer %d do?\n\n", i, i)
		fmt.Fprintf(&note, "Layer %d carries what the layer above hands it, adding a header of its own.\n", i)
		note.WriteString("Its header says how the peer layer should read the rest.\n\n")
		note.WriteString("The receiving side reads that header, acts on it and hands the rest up.\n\n")
		note.WriteString("So each layer talks only to its peer, through the layers below.\n\n")
	}
	fsys["self-test.md"] = &fstest.MapFile{Data: []byte(note.String())}
	return fsys
}

// TestPagesBrowserWithoutScriptShowEverything checks the other side of
// rendering the scripts' starting state on the server: without scripting
// a practice quiz shows every question (and no Check button, which could
// not work), and a note shows every answer.
func TestPagesBrowserWithoutScriptShowEverything(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, path, expr string
	}{
		{"practice-quiz", "/practice/practice-basics", `(() => {
			const shown = (el) => el.getClientRects().length > 0;
			const items = [...document.querySelectorAll(".pq")];
			return items.length > 1 && items.every(shown) && ![...document.querySelectorAll(".pq-check, #pq-bar")].some(shown);
		})()`},
		{"note", "/notes/self-test", `(() => {
			const answers = [...document.querySelectorAll("#note-content .answer")];
			return answers.length === 6 && answers.every((a) => a.getClientRects().length > 0 && a.offsetHeight > 60 &&
				getComputedStyle(a).visibility === "visible");
		})()`},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ts := newTestServer(t, clsContent())
			p := browsertest.New(t).NewPage(t)
			p.Run(t,
				emulation.SetScriptExecutionDisabled(true),
				chromedp.Navigate(ts.URL+c.path),
				chromedp.WaitVisible("main", chromedp.ByQuery),
			)
			var ok bool
			p.Eval(t, c.expr, &ok)
			if !ok {
				t.Errorf("without scripting %s hides part of what it should show", c.path)
			}
		})
	}
}

// maxTestShift is the most layout shift a page test allows: a fifth of
// Lighthouse's "good" mark of 0.05, and room for the sub-pixel rounding of
// a button's reserved strip.
const maxTestShift = 0.01
