package web

import (
	"encoding/json"
	"testing"

	"github.com/chromedp/chromedp"

	"netstudy/app/browsertest"
	"netstudy/content"
)

// studyPage is a page of the study side and the condition under which it
// is ready to be looked at.
type studyPage struct{ path, ready string }

// studyPages lists every study page of srv's content (the shipped one
// has a practice quiz called http-upgrade), with the layers view showing
// a lost packet as well as its first scenario.
func studyPages(srv *Server) []studyPage {
	const loaded = `document.readyState === "complete"`
	pages := []studyPage{
		{"/", `document.querySelectorAll("#note-list .note-card").length > 0`},
		{"/vocabulary", loaded},
		{"/flashcards", `!document.querySelector("#study").hidden`},
		{"/practice", loaded},
		{"/practice/http-upgrade", `document.querySelectorAll(".pq").length > 0`},
		{"/layers", `!document.querySelector("#viz").hidden`},
		{"/layers?scenario=tcp-data&drop=3", `document.querySelector("#ladder .lost")`},
		{"/join", loaded},
		{"/notes-format", loaded},
	}
	for _, n := range srv.catalog.Current().Notes.Notes {
		pages = append(pages, studyPage{"/notes/" + n.Slug, `document.querySelector("h1") && ` + loaded})
	}
	return pages
}

// TestEveryPageFitsAPhone opens every student page of the shipped content,
// with its longest titles, on a 320 px screen (the narrowest phone still
// in classrooms): nothing may make the page scroll sideways. Wide things
// (the navigation, tables, hex dumps) scroll inside their own box.
func TestEveryPageFitsAPhone(t *testing.T) {
	t.Parallel()
	ts, srv := startTestServer(t, testServerConfig{Content: content.FS})
	p := browsertest.New(t).NewPage(t)
	p.Run(t, chromedp.EmulateViewport(320, 640, chromedp.EmulateMobile))
	for _, pg := range studyPages(srv) {
		p.Run(t, chromedp.Navigate(ts.URL+pg.path), browsertest.WaitJS(pg.ready))
		assertNoSidewaysScroll(t, p, pg.path)
	}
	p.AssertClean(t)
}

// TestHostPagesFitAPhone runs a session's dashboard on a 360 px screen, a
// teacher's phone, through every stage: lobby, histogram, reveal, podium,
// and the results page, with the longest question of the tests.
func TestHostPagesFitAPhone(t *testing.T) {
	t.Parallel()
	e := newHostEnvOf(t, projectorContent(), "")
	b := browsertest.New(t)
	host, id, code := hostOpenSessionOf(t, e, b, projectorQuizID)
	host.Run(t, chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
	assertNoSidewaysScroll(t, host, "the dashboard's lobby")

	// A nickname as long as allowed, in one word, the hardest to wrap.
	ada, refused := hostDialStudent(t, e, code, "AdaLovelaceAndCharlesBab")
	if ada == nil {
		t.Fatalf("join refused: %s", refused)
	}
	bob, _ := hostDialStudent(t, e, code, "bob")
	host.Run(t, browsertest.WaitJS(`document.querySelectorAll('#students-body tr[data-status="connected"]').length === 2`))
	answerAB := func() {
		ada.answer("a")
		bob.answer("b")
	}
	hostPlayQuestion(t, host, 2, answerAB)
	assertNoSidewaysScroll(t, host, "the dashboard after a reveal")
	assertReadableCharts(t, host, "the dashboard after a reveal")
	// A right bar's label keeps its words and its "✓"; the word
	// "(correct)" is what goes when room is short.
	var rightLabels []string
	host.Eval(t, `[...document.querySelectorAll("#histograms .hist-row.correct .hist-label")].map((e) => e.textContent)`, &rightLabels)
	if len(rightLabels) == 0 || rightLabels[0] != "✓ A. An ordinary DNS lookup" {
		t.Errorf("right bars on a phone are labelled %q, want the first to read \"✓ A. An ordinary DNS lookup\"", rightLabels)
	}
	// The "Right answer" badge goes under a choice's text rather than
	// squeezing it to a word a line.
	var narrowest float64
	host.Eval(t, `Math.min(...[...document.querySelectorAll("#q-choices .choice-text")].map((e) => e.getBoundingClientRect().width))`, &narrowest)
	if narrowest < 150 {
		t.Errorf("a choice's text is %.0f px wide on a phone after the reveal, want at least 150", narrowest)
	}
	// A question showing a capture in a code block: its long lines
	// scroll in their own box, not the page.
	hostPlayQuestion(t, host, 2, answerAB)
	assertNoSidewaysScroll(t, host, "the dashboard with a code block")
	// It scrolls, so the keyboard can reach it to scroll it.
	host.Run(t, browsertest.WaitJS(`document.querySelector("#q-prompt pre")?.tabIndex === 0`))
	hostEndSession(t, host)
	host.Run(t, browsertest.WaitJS(hostVisible("podium-box")))
	assertNoSidewaysScroll(t, host, "the dashboard's podium")
	host.Run(t,
		chromedp.Navigate(e.ts.URL+"/host/sessions/"+id+"/results"),
		browsertest.WaitJS(`document.readyState === "complete"`),
	)
	assertNoSidewaysScroll(t, host, "the results page")
	assertReadableCharts(t, host, "the results page")
	host.Run(t,
		chromedp.Navigate(e.ts.URL+"/host"),
		chromedp.WaitVisible("#new-session", chromedp.ByID),
	)
	assertNoSidewaysScroll(t, host, "the new session form")
	host.AssertClean(t)
}

// assertNoSidewaysScroll fails the test if the page is wider than the
// screen, naming the deepest element that sticks out, to say what to fix.
func assertNoSidewaysScroll(t *testing.T, p *browsertest.Page, what string) {
	t.Helper()
	var wide struct {
		Overflow, Width int
		Culprit         string
	}
	p.Eval(t, `(() => {
		const w = document.documentElement.clientWidth;
		let culprit = "";
		// Inside a box that scrolls or clips, sticking out is fine, but
		// an absolutely positioned element escapes a box that is not
		// positioned.
		const clipped = (el) => {
			if (getComputedStyle(el).position === "absolute") return false;
			for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
				if (getComputedStyle(a).overflowX !== "visible") return true;
			}
			return false;
		};
		for (const el of document.querySelectorAll("body *")) {
			if (el.getBoundingClientRect().right > w + 1 && !clipped(el)) {
				culprit = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
					(typeof el.className === "string" && el.className ? "." + el.className.split(" ").join(".") : "");
			}
		}
		return {Overflow: document.documentElement.scrollWidth - w, Width: w, Culprit: culprit};
	})()`, &wide)
	if wide.Overflow > 0 {
		t.Errorf("%s scrolls sideways by %d px at %d px wide (%s sticks out)", what, wide.Overflow, wide.Width, wide.Culprit)
	}
}

// assertReadableCharts fails the test if a histogram's text is too small
// to read: it is drawn in the SVG's units, which scale with the box.
func assertReadableCharts(t *testing.T, p *browsertest.Page, what string) {
	t.Helper()
	var heights []float64
	p.Eval(t, `[...document.querySelectorAll(".histogram .hist-label, .histogram .hist-count")].map((e) => e.getBoundingClientRect().height)`, &heights)
	if len(heights) == 0 {
		t.Errorf("%s has no histogram", what)
	}
	for _, h := range heights {
		if h < 14 {
			t.Errorf("%s: histogram text %.1f px high, want at least 14", what, h)
			return
		}
	}
}

// offFirstScreen is a JavaScript expression: the selectors among sels
// that match nothing, or match an element that is not wholly on the
// first screen (scrolled to the top) or is covered there by another.
func offFirstScreen(sels ...string) string {
	list, _ := json.Marshal(sels)
	return `(() => {
		window.scrollTo(0, 0);
		const off = [];
		for (const sel of ` + string(list) + `) {
			const els = [...document.querySelectorAll(sel)];
			if (els.length === 0) off.push(sel + " (missing)");
			for (const el of els) {
				const r = el.getBoundingClientRect();
				if (r.width === 0 || r.height === 0 || r.top < 0 || r.left < 0 ||
					r.bottom > window.innerHeight || r.right > window.innerWidth) {
					off.push(sel + " (off screen)");
					break;
				}
				const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
				if (!hit || !(el.contains(hit) || hit.contains(el))) {
					off.push(sel + " (covered)");
					break;
				}
			}
		}
		return off;
	})()`
}
