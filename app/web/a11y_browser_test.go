package web

import (
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"netstudy/app/browsertest"
	"netstudy/content"
)

// axeSource is axe-core 4.14.1 (Deque Systems; MPL-2.0, see
// testdata/axe/LICENSE), from `npm pack axe-core@4.14.1`: the engine of
// the accessibility checks below, injected into the page by the test only.
const axeSource = "testdata/axe/axe.min.js"

// axeScript reads axeSource once for the test binary: it is injected
// after every navigation.
var axeScript = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile(axeSource)
	return string(b), err
})

// axeTimeout bounds one axe run: on a long note it takes seconds even on
// an idle machine, many times that on a busy one.
const axeTimeout = 3 * time.Minute

// axeTags are the rules run: WCAG 2.1 A and AA, and axe's best practices.
const axeTags = `["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]`

// assertAxeClean runs axe on the page as it is now and fails the test for
// each rule it breaks, naming the first elements that break it. Every rule
// runs in the light theme; in the dark theme only the colour rules do, as
// the theme changes nothing else, and a whole axe run is the slowest step
// of the browser tests.
func assertAxeClean(t *testing.T, p *browsertest.Page, what string) {
	t.Helper()
	var loaded bool
	p.Eval(t, `typeof axe !== "undefined"`, &loaded)
	if !loaded {
		src, err := axeScript()
		if err != nil {
			t.Fatal(err)
		}
		p.Run(t, chromedp.Evaluate(src+";true", &loaded))
	}
	for _, run := range []struct{ scheme, only string }{
		{"light", `{type: "tag", values: ` + axeTags + `}`},
		{"dark", `{type: "rule", values: ["color-contrast", "link-in-text-block"]}`},
	} {
		scheme := run.scheme
		// Colours measured halfway through a fade-in would be wrong:
		// with reduced motion asked for, the pages start no animation
		// (the timer bar's included), and those already running are let
		// end.
		p.Run(t,
			emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{
				{Name: "prefers-reduced-motion", Value: "reduce"},
				{Name: "prefers-color-scheme", Value: scheme},
			}),
			browsertest.WaitJS(`document.getAnimations().every((a) =>
				a.playState !== "running" || a.effect?.getComputedTiming().iterations === Infinity)`),
		)
		var violations []struct {
			ID, Impact, Help string
			Nodes            []string
		}
		var raw json.RawMessage
		p.RunWithin(t, axeTimeout, chromedp.Evaluate(`axe.run(document, {runOnly: `+run.only+`, resultTypes: ["violations"], iframes: false}).then((r) =>
			r.violations.map((v) => ({ID: v.id, Impact: v.impact, Help: v.help,
				Nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" "))})))`, &raw,
			func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
		if err := json.Unmarshal(raw, &violations); err != nil {
			t.Fatalf("axe's answer: %v", err)
		}
		for _, v := range violations {
			t.Errorf("%s (%s theme): %s (%s, %s): %s", what, scheme, v.Help, v.ID, v.Impact, strings.Join(v.Nodes, "; "))
		}
	}
}

// TestStudentPagesPassAxe runs the accessibility rules on every study page
// of the shipped content, and on the layers view with a packet lost.
func TestStudentPagesPassAxe(t *testing.T) {
	t.Parallel()
	ts, srv := startTestServer(t, testServerConfig{Content: content.FS})
	b := browsertest.New(t)
	// One page after another: the test runs beside the package's other
	// tests all the same, and two audits at once cost Chromium a third
	// more processor time than one after the other.
	for _, pg := range studyPages(srv) {
		t.Run(pg.path, func(t *testing.T) {
			p := b.NewPage(t)
			p.Run(t, chromedp.Navigate(ts.URL+pg.path), browsertest.WaitJS(pg.ready))
			if strings.HasPrefix(pg.path, "/notes/") {
				// Answers start hidden, and axe skips what is hidden:
				// shown, they are checked with everything else.
				p.Run(t, chromedp.Click("#hide-answers", chromedp.ByID))
			}
			assertAxeClean(t, p, pg.path)
			p.AssertClean(t)
		})
	}

	// The states a student reaches by using the pages.
	p := b.NewPage(t)
	p.Run(t,
		chromedp.Navigate(ts.URL+"/flashcards"),
		browsertest.WaitJS(`!document.querySelector("#study").hidden`),
		chromedp.Click("#flip", chromedp.ByID),
		browsertest.WaitJS(`document.querySelector("#card").getAttribute("aria-expanded") === "true"`),
	)
	assertAxeClean(t, p, "a flashcard turned over")
	p.Run(t,
		chromedp.Navigate(ts.URL+"/practice/http-upgrade"),
		browsertest.WaitJS(`document.querySelectorAll(".pq").length > 0`),
		chromedp.Click(`.pq:not([hidden]) input`, chromedp.ByQuery),
		chromedp.Click(`.pq:not([hidden]) button[type=submit], .pq:not([hidden]) .pq-check`, chromedp.ByQuery),
		browsertest.WaitJS(`[...document.querySelectorAll(".pq-feedback")].some((f) => !f.hidden)`),
	)
	assertAxeClean(t, p, "a practice answer checked")
	p.Run(t,
		chromedp.Navigate(ts.URL+"/layers"),
		browsertest.WaitJS(`!document.querySelector("#viz").hidden`),
		chromedp.Click("#step-fwd", chromedp.ByID),
		chromedp.Click("#step-fwd", chromedp.ByID),
		chromedp.Click("#step-fwd", chromedp.ByID),
	)
	assertAxeClean(t, p, "the layers view three steps on")
	p.AssertClean(t)
}

// TestLiveScreensPassAxe runs the accessibility rules on the dashboard, the
// projector and a student's phone through a question: lobby, open, reveal,
// leaderboard and end, then on the results page.
func TestLiveScreensPassAxe(t *testing.T) {
	t.Parallel()
	e := newHostEnvOf(t, projectorContent(), "")
	b := browsertest.New(t)
	host, id, code := hostOpenSessionOf(t, e, b, projectorQuizID)
	pres := hostOpenProjector(t, e, b, id)
	phone := b.NewPage(t)
	phone.Run(t, chromedp.EmulateViewport(360, 740), chromedp.Navigate(e.ts.URL+"/join?code="+code))
	stJoin(t, phone, "ada")
	screens := func(state string) {
		t.Helper()
		assertAxeClean(t, host, "the dashboard, "+state)
		assertAxeClean(t, pres, "the projector, "+state)
		assertAxeClean(t, phone, "the phone, "+state)
	}
	screens("in the lobby")

	var students []*hostStudent
	for _, n := range []string{"bob", "cy", "dee"} {
		s, _ := hostDialStudent(t, e, code, n)
		students = append(students, s)
	}
	host.Run(t,
		chromedp.Click("#ask-next", chromedp.ByID),
		browsertest.WaitJS(`document.getElementById("state").dataset.state === "question_open"`),
	)
	for i, s := range students {
		s.answer([][]string{{"a", "b", "c"}, {"a", "d"}, {"b"}}[i%3]...)
	}
	host.Run(t, browsertest.WaitJS(hostText("#answered")+`.startsWith("3 of 4")`))
	phone.Run(t, browsertest.WaitJS(stQuestionShown))
	screens("with a question open")

	host.Run(t,
		chromedp.Click("#close", chromedp.ByID),
		browsertest.WaitJS(`document.getElementById("state").dataset.state === "question_closed"`),
		chromedp.Click("#reveal", chromedp.ByID),
		browsertest.WaitJS(hostVisible("reveal-box")),
	)
	pres.Run(t, browsertest.WaitJS(`document.querySelectorAll("#p-hist .hist-row.correct").length === 3`))
	screens("after the reveal")

	host.Run(t, chromedp.Click("#leaderboard", chromedp.ByID))
	pres.Run(t, browsertest.WaitJS(hostVisible("scene-leaderboard")))
	screens("on the leaderboard")

	hostEndSession(t, host)
	pres.Run(t, browsertest.WaitJS(hostVisible("scene-ended")))
	screens("at the end")

	host.Run(t,
		chromedp.Navigate(e.ts.URL+"/host/sessions/"+id+"/results"),
		browsertest.WaitJS(`document.querySelectorAll(".histogram").length > 0`),
	)
	assertAxeClean(t, host, "the results page")
	host.Run(t, chromedp.Navigate(e.ts.URL+"/host"), chromedp.WaitVisible("#new-session", chromedp.ByID))
	assertAxeClean(t, host, "the new session form")
}
