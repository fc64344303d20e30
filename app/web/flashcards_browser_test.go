package web

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"netstudy/app/browsertest"
)

// studyContent is a class's notes with a big deck: 30 terms (60 cards) in
// one note, more than a day's 20 new cards, and a small second note.
func studyContent() fstest.MapFS {
	var b strings.Builder
	b.WriteString("# Layers\n\n### What is a layer?\n\nA group of protocols with one job.\n\n## Vocabulary\n\n")
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&b, "**Term%02d:** The meaning of term number %d.\n\n", i, i)
	}
	return fstest.MapFS{
		"layers.md": {Data: []byte(b.String())},
		"routing.md": {Data: []byte("# Routing\n\n## Vocabulary\n\n**Router:** A device that forwards packets between networks.\n\n" +
			"**Packet:** A unit of data at the network layer.\n\n**Encapsulation:** Wrapping data in the header of the layer below.\n")},
		"quizzes/.keep": {Data: nil},
	}
}

// fcCounts is the page's three numbers: new, learning, to review.
const fcCounts = `["count-new", "count-learning", "count-review"].map((id) => document.getElementById(id).textContent).join(" ")`

func waitCounts(want string) chromedp.Action {
	return browsertest.WaitJS(fcCounts + ` === "` + want + `"`)
}

// A first visit to a deck of 67 cards offers the day's 20 new ones, not
// all 67. By keyboard alone: Space flips, the four grades preview four
// different intervals, 3 grades Good and the counts move at once, u undoes
// it and brings the card back; the statistics and the 30-day chart follow.
func TestFlashcardsBrowserKeyboardLimitsAndUndo(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, studyContent())
	p := browsertest.New(t).NewPage(t)
	p.Run(t,
		chromedp.Navigate(ts.URL+"/flashcards"),
		browsertest.WaitJS(`!document.getElementById("study").hidden`),
		waitCounts("20 0 0"),
	)
	if got := p.Text(t, "#deck-status"); got != "20 cards to study today, of 67 cards in this deck" {
		t.Errorf("deck status %q", got)
	}
	first := p.Text(t, "#front")
	p.Run(t,
		chromedp.Focus("#card", chromedp.ByID),
		pqKeys(" "),
		browsertest.WaitJS(`!document.getElementById("back-face").hidden`),
		pqFocused(`[data-grade="good"]`),
	)
	var whens []string
	p.Eval(t, `[...document.querySelectorAll("#grades .when")].map((e) => e.textContent)`, &whens)
	if strings.Join(whens, "|") != "1 min|6 min|10 min|8 days" {
		t.Errorf("a new card's grades preview %q, want 1 min|6 min|10 min|8 days", whens)
	}
	p.Run(t,
		pqKeys("3"),
		waitCounts("19 1 0"),
		browsertest.WaitJS(`document.getElementById("progress").value === 1`),
	)
	if got := p.Text(t, "#front"); got == first {
		t.Error("after grading, the same card is still shown")
	}
	p.Run(t,
		pqKeys("u"),
		waitCounts("20 0 0"),
		browsertest.WaitJS(`document.getElementById("back-face").hidden`),
	)
	if got := p.Text(t, "#front"); got != first {
		t.Errorf("undo shows %q, want the undone card %q", got, first)
	}
	if got := p.Text(t, "#undo-status"); got != "Last grade undone." {
		t.Errorf("undo announced %q", got)
	}
	// Easy sends the new card 8 days away: a young review card.
	p.Run(t,
		pqKeys(" "), browsertest.WaitJS(`!document.getElementById("back-face").hidden`),
		pqKeys("4"),
		waitCounts("19 0 0"),
		browsertest.WaitJS(`document.getElementById("stat-young").textContent === "1"`),
	)
	var stats []string
	p.Eval(t, `["stat-due", "stat-new", "stat-learning", "stat-young", "stat-mature", "stat-retention"].map((id) => document.getElementById(id).textContent)`, &stats)
	if want := "0|66|0|1|0|no reviews yet"; strings.Join(stats, "|") != want {
		t.Errorf("statistics %q, want %q", stats, want)
	}
	var chart struct {
		Bars  int    `json:"bars"`
		Label string `json:"label"`
		Desc  string `json:"desc"`
		Rows  int    `json:"rows"`
		Day8  string `json:"day8"`
	}
	p.Eval(t, `({
		bars: document.querySelectorAll("#forecast-chart svg rect.bar").length,
		label: document.querySelector("#forecast-chart svg text.bar-value").textContent,
		desc: document.querySelector("#forecast-chart svg desc").textContent,
		rows: document.querySelectorAll("#forecast-rows tr").length,
		day8: document.querySelectorAll("#forecast-rows tr")[8].querySelector("td").textContent,
	})`, &chart)
	if chart.Bars != 1 || chart.Label != "1" || chart.Rows != 30 || chart.Day8 != "1" ||
		chart.Desc != "1 reviews due in the next 30 days: 0 today, 0 within 7 days; the busiest day is day 9 with 1." {
		t.Errorf("chart %+v; want one bar labelled 1 on day 8, 30 table rows", chart)
	}

	// The home page agrees, from its light count alone: 19 cards today.
	p.Run(t,
		chromedp.Navigate(ts.URL+"/"),
		browsertest.WaitJS(`!document.getElementById("due-cards").hidden`),
	)
	if got := p.Text(t, "#due-count"); got != "19" {
		t.Errorf("home page due count %s, want 19", got)
	}
	var fetched []string
	p.Eval(t, `performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname).filter((u) => u.startsWith("/api/"))`, &fetched)
	if strings.Join(fetched, " ") != "/api/flashcards/counts" {
		t.Errorf("the home page fetched %v, want only /api/flashcards/counts", fetched)
	}
}

// The home page's count is a few hundred bytes, not the whole deck.
func TestFlashcardsCountsEndpointIsSmall(t *testing.T) {
	ts := newTestServer(t, studyContent())
	_, body, _ := get(t, ts, "/api/flashcards/counts")
	if body != `{"decks":{"layers":61,"routing":6}}`+"\n" {
		t.Errorf("counts = %q", body)
	}
	_, full, _ := get(t, ts, "/api/flashcards")
	if len(body)*20 > len(full) {
		t.Errorf("counts are %d bytes, the deck %d: not much lighter", len(body), len(full))
	}
}

// Cards reviewed under SM-2 show as due reviews on the page after the
// upgrade, history kept.
func TestFlashcardsBrowserSM2CardsCarryOver(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, studyContent())
	p := browsertest.New(t).NewPage(t)
	var ids []string
	p.Run(t, chromedp.Navigate(ts.URL+"/healthz"))
	evalModule(t, p, `fetch("/api/flashcards?note=routing").then((r) => r.json()).then((cs) => cs.map((c) => c.id))`, &ids)
	p.Run(t, chromedp.Evaluate(fmt.Sprintf(`localStorage.setItem("netstudy.srs.v1", JSON.stringify({
		%q: { n: 2, ef: 2.5, interval: 6, due: Date.now() - 1000, reviews: 2, lapses: 0 },
		%q: { n: 3, ef: 2.5, interval: 15, due: Date.now() + 5 * 86400000, reviews: 3, lapses: 0 },
	}))`, ids[0], ids[1]), nil))
	p.Run(t,
		chromedp.Navigate(ts.URL+"/flashcards?note=routing"),
		waitCounts("4 0 1"),
		browsertest.WaitJS(`document.getElementById("stat-young").textContent === "2"`),
	)
	if got := p.Text(t, "#card-kind"); !strings.EqualFold(got, "Term · Routing") {
		t.Errorf("card kind %q", got)
	}
	var first string
	p.Eval(t, `document.getElementById("front").textContent`, &first)
	var want string
	evalModule(t, p, `fetch("/api/flashcards?note=routing").then((r) => r.json()).then((cs) => { const d = document.createElement("div"); d.innerHTML = cs[0].front_html; return d.textContent; })`, &want)
	if first != want {
		t.Errorf("first card shown %q, want the due migrated review %q", first, want)
	}
}

// Progress moves between devices: one browser grades and exports, another
// imports the file and shows the same counts; a bad file is refused with a
// clear message and changes nothing.
func TestFlashcardsBrowserProgressFile(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, studyContent())
	b := browsertest.New(t)
	a := b.NewPage(t)
	a.Run(t,
		steadyClicks(),
		chromedp.Navigate(ts.URL+"/flashcards?note=routing"),
		waitCounts("6 0 0"),
		chromedp.Focus("#card", chromedp.ByID),
		pqKeys(" "), browsertest.WaitJS(`!document.getElementById("back-face").hidden`), pqKeys("4"),
		waitCounts("5 0 0"),
		pqKeys(" "), browsertest.WaitJS(`!document.getElementById("back-face").hidden`), pqKeys("3"),
		waitCounts("4 1 0"),
		// The download is caught as the page hands it to the browser.
		chromedp.Evaluate(`window.__exported = null;
			const createURL = URL.createObjectURL;
			URL.createObjectURL = (blob) => { blob.text().then((t) => { window.__exported = { ...window.__exported, text: t }; }); return createURL(blob); };
			HTMLAnchorElement.prototype.click = function () { window.__exported = { ...window.__exported, name: this.download }; };`, nil),
		chromedp.Click("#export", chromedp.ByID),
		browsertest.WaitJS(`window.__exported && window.__exported.name && window.__exported.text`),
	)
	var exported struct{ Name, Text string }
	a.Eval(t, `window.__exported`, &exported)
	if !strings.HasPrefix(exported.Name, "netstudy-progress-") || !strings.HasSuffix(exported.Name, ".json") {
		t.Errorf("export file name %q", exported.Name)
	}
	if got := a.Text(t, "#transfer-status"); got != "Exported 2 cards." {
		t.Errorf("export status %q", got)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "progress.json")
	bad := filepath.Join(dir, "notes.json")
	if err := os.WriteFile(good, []byte(exported.Text), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte(`{"format":"netstudy-progress","version":2,"cards":{"x:y:z":{"due":"tomorrow"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}

	other := b.NewPage(t)
	other.Run(t,
		chromedp.Navigate(ts.URL+"/flashcards?note=routing"),
		waitCounts("6 0 0"),
		chromedp.SetUploadFiles("#import", []string{bad}, chromedp.ByID),
		browsertest.WaitJS(`!document.getElementById("transfer-error").hidden`),
	)
	if got := other.Text(t, "#transfer-error"); got != `This progress file cannot be read: card "x:y:z" is not a valid card state. Nothing was changed.` {
		t.Errorf("bad file: %q", got)
	}
	other.Run(t,
		waitCounts("6 0 0"),
		chromedp.SetUploadFiles("#import", []string{good}, chromedp.ByID),
		waitCounts("4 1 0"),
		browsertest.WaitJS(`document.getElementById("transfer-error").hidden`),
	)
	if got := other.Text(t, "#transfer-status"); got != "Imported progress.json: 2 cards updated, merged with this device’s progress." {
		t.Errorf("import status %q", got)
	}
}

// On a 360 px phone: nothing scrolls sideways, a tap flips the card, a tap
// grades it, and the counts move.
func TestFlashcardsBrowserPhone(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, studyContent())
	p := browsertest.New(t).NewPage(t)
	p.Run(t,
		phoneTaps(),
		chromedp.Navigate(ts.URL+"/flashcards"),
		waitCounts("20 0 0"),
		chromedp.Click("#card", chromedp.ByID),
		browsertest.WaitJS(`!document.getElementById("grades").hidden`),
	)
	assertNoSidewaysScroll(t, p, "/flashcards with the answer shown")
	p.Run(t,
		chromedp.Click(`[data-grade="again"]`, chromedp.ByQuery),
		waitCounts("19 1 0"),
		chromedp.Click("#undo", chromedp.ByID),
		waitCounts("20 0 0"),
	)
	p.Run(t, chromedp.Click(".forecast-table summary", chromedp.ByQuery), browsertest.WaitJS(`document.querySelector(".forecast-table").open`))
	assertNoSidewaysScroll(t, p, "/flashcards with the table open")
}

// The options set a deck's own limits and the desired retention, by
// keyboard; a value out of range is refused with a message.
func TestFlashcardsBrowserOptions(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, studyContent())
	p := browsertest.New(t).NewPage(t)
	p.Run(t,
		steadyClicks(),
		chromedp.Navigate(ts.URL+"/flashcards?note=layers"),
		waitCounts("20 0 0"),
		chromedp.Focus("#opt-new", chromedp.ByID),
		pqKeys(kb.End, kb.Backspace, kb.Backspace, "5", kb.Enter),
		browsertest.WaitJS(`document.getElementById("options-status").textContent === "Options saved."`),
		waitCounts("5 0 0"),
		chromedp.Focus("#opt-retention", chromedp.ByID),
		chromedp.SetValue("#opt-retention", "0.5", chromedp.ByID),
		pqKeys(kb.Enter),
		browsertest.WaitJS(`document.getElementById("options-status").textContent === "The desired retention must be between 0.7 and 0.99."`),
	)
	// Another deck keeps the default; the limit stays after a reload.
	p.Run(t,
		chromedp.Navigate(ts.URL+"/flashcards?note=routing"),
		waitCounts("6 0 0"),
		chromedp.Navigate(ts.URL+"/flashcards?note=layers"),
		waitCounts("5 0 0"),
	)
	// A lower desired retention spaces reviews out: Easy on a new card
	// comes back later at 0.8 than at 0.9.
	// The card is turned over by keyboard: a click aims at coordinates,
	// and under CI's load it has twice landed where nothing turned it
	// over. This test is about the options; TestFlashcardsBrowserPhone taps.
	easy := func() string {
		t.Helper()
		p.Run(t, chromedp.Focus("#card", chromedp.ByID), pqKeys(" "), browsertest.WaitJS(`!document.getElementById("grades").hidden`))
		return p.Text(t, `[data-grade="easy"] .when`)
	}
	if got := easy(); got != "8 days" {
		t.Errorf("Easy at 0.9 previews %q, want 8 days", got)
	}
	p.Run(t,
		chromedp.SetValue("#opt-retention", "0.8", chromedp.ByID),
		chromedp.Focus("#opt-retention", chromedp.ByID),
		pqKeys(kb.Enter),
		browsertest.WaitJS(`document.getElementById("options-status").textContent === "Options saved."`),
	)
	if got := easy(); got != "28 days" { // as ts-fsrs gives under node
		t.Errorf("Easy at 0.8 previews %q, want 28 days", got)
	}
}
