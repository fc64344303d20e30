package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"netstudy/app/browsertest"
)

// routingTerms are the terms of studyContent's routing note, by definition.
var routingTerms = map[string]string{
	"A device that forwards packets between networks.": "Router",
	"A unit of data at the network layer.":             "Packet",
	"Wrapping data in the header of the layer below.":  "Encapsulation",
}

// The Write mode's check (static/js/answer.js) gives the verdict of the
// shared table, whose "right" rows the quizzes' Go code also accepts
// (TestAnswerMatchTableAgreesWithQuizzes in app/study).
func TestWriteAnswerRulesAgreeWithQuizzes(t *testing.T) {
	raw, err := os.ReadFile("../study/testdata/answer_match.json")
	if err != nil {
		t.Fatal(err)
	}
	var rows []struct{ Typed, Accepted, Want string }
	if err := json.Unmarshal(raw, &rows); err != nil {
		t.Fatal(err)
	}
	p := srsPage(t)
	var got []string
	evalModule(t, p, `import("/static/js/answer.js").then((m) => `+string(raw)+`.map((r) => m.checkAnswer(r.typed, r.accepted)))`, &got)
	if len(got) != len(rows) {
		t.Fatalf("%d verdicts for %d rows", len(got), len(rows))
	}
	for i, r := range rows {
		if got[i] != r.Want {
			t.Errorf("checkAnswer(%q, %q) = %q, want %q", r.Typed, r.Accepted, got[i], r.Want)
		}
	}
}

// writePrompt waits for a definition to be asked and returns its term.
func writePrompt(t *testing.T, p *browsertest.Page) string {
	t.Helper()
	p.Run(t, browsertest.WaitJS(`document.getElementById("write").dataset.state === "asking"`))
	def := strings.TrimSpace(p.Text(t, "#write-prompt"))
	term, ok := routingTerms[def]
	if !ok {
		t.Fatalf("asked %q, not a definition of the deck", def)
	}
	return term
}

// Write by keyboard alone: a wrong term, a small typo ("almost", which
// counts), a term in capitals with spaces around (right); the round ends
// with the missed term and retrying it.
func TestWriteBrowserKeyboard(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, studyContent())
	p := browsertest.New(t).NewPage(t)
	p.Run(t, chromedp.Navigate(ts.URL+"/flashcards/write?note=routing"))
	writePrompt(t, p)
	p.Run(t, pqTabUntil("#write-input"))

	answer := func(typed, outcome string) string {
		t.Helper()
		p.Run(t,
			pqKeys(typed, kb.Enter),
			pqFocused("#write-next"),
			browsertest.WaitJS(`document.getElementById("write-verdict").dataset.outcome === "`+outcome+`"`),
		)
		return p.Text(t, "#write-verdict-text")
	}
	missedTerm := writePrompt(t, p)
	if got := answer("Switch", "wrong"); got != "✗ Not quite: the term is "+missedTerm+"." {
		t.Errorf("wrong verdict %q", got)
	}
	p.Run(t, pqKeys(kb.Enter), pqFocused("#write-input"))
	term := writePrompt(t, p)
	if got := answer(term[:len(term)-1], "almost"); got != "≈ Almost: mind the spelling, "+term+". It counts as right." {
		t.Errorf("almost verdict %q", got)
	}
	p.Run(t, pqKeys(kb.Enter), pqFocused("#write-input"))
	term = writePrompt(t, p)
	if got := answer("  "+strings.ToUpper(term)+" ", "right"); got != "✓ Right: "+term+"." {
		t.Errorf("right verdict %q", got)
	}
	p.Run(t, pqKeys(kb.Enter), pqFocused("#write-summary"))
	if got := p.Text(t, "#write-score"); got != "2 of 3 right, 1 of them almost." {
		t.Errorf("score %q", got)
	}
	if got := p.Text(t, "#write-missed"); got != missedTerm+" (you wrote “Switch”)" {
		t.Errorf("missed list %q", got)
	}
	p.Run(t,
		pqKeys(kb.Tab), pqFocused("#write-retry"), pqKeys(kb.Enter),
		pqFocused("#write-input"),
	)
	if got := writePrompt(t, p); got != missedTerm {
		t.Errorf("retry asks for %q, want the missed %q", got, missedTerm)
	}
	if got := p.Text(t, "#write-pos"); got != "Term 1 of 1" {
		t.Errorf("retry position %q", got)
	}
	answer(strings.ToLower(missedTerm), "right")
	p.Run(t, pqKeys(kb.Enter), pqFocused("#write-summary"))
	if got := p.Text(t, "#write-score"); got != "1 of 1 right." {
		t.Errorf("retry score %q", got)
	}
}

// Write on a 360 px phone: an empty answer is refused in the page, and
// nothing scrolls sideways.
func TestWriteBrowserPhone(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, studyContent())
	p := browsertest.New(t).NewPage(t)
	p.Run(t,
		phoneTaps(),
		chromedp.Navigate(ts.URL+"/flashcards/write"),
	)
	term := writePromptAny(t, p)
	p.Run(t,
		chromedp.Click("#write-check", chromedp.ByID),
		browsertest.WaitJS(`!document.getElementById("write-error").hidden`),
	)
	if got := p.Text(t, "#write-error"); got != "Type the term first, or choose “I don’t know”." {
		t.Errorf("empty answer: %q", got)
	}
	assertNoSidewaysScroll(t, p, "/flashcards/write")
	p.Run(t,
		chromedp.SendKeys("#write-input", term, chromedp.ByID),
		chromedp.Click("#write-check", chromedp.ByID),
		browsertest.WaitJS(`document.getElementById("write-verdict").dataset.outcome === "right"`),
	)
	assertNoSidewaysScroll(t, p, "/flashcards/write with a verdict")
}

// writePromptAny returns the term asked, from the whole class's deck.
func writePromptAny(t *testing.T, p *browsertest.Page) string {
	t.Helper()
	p.Run(t, browsertest.WaitJS(`document.getElementById("write").dataset.state === "asking"`))
	def := strings.TrimSpace(p.Text(t, "#write-prompt"))
	if term, ok := routingTerms[def]; ok {
		return term
	}
	var n int
	if _, err := fmt.Sscanf(def, "The meaning of term number %d.", &n); err != nil {
		t.Fatalf("asked %q: %v", def, err)
	}
	return fmt.Sprintf("Term%02d", n)
}

// Match by keyboard alone: Start, then arrow keys and Enter pair the
// tiles; a wrong pair adds a second and says so in words; the best time
// is kept for the next game.
func TestMatchBrowserKeyboard(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, studyContent())
	p := browsertest.New(t).NewPage(t)
	p.Run(t,
		chromedp.Navigate(ts.URL+"/flashcards/match?note=routing"),
		browsertest.WaitJS(`document.getElementById("match").dataset.state === "ready"`),
	)
	if got := p.Text(t, "#match-best"); got != "No best time yet" {
		t.Errorf("best before playing %q", got)
	}
	p.Run(t,
		pqTabUntil("#match-start"), pqKeys(kb.Enter),
		pqFocused(".match-tile"),
		browsertest.WaitJS(`document.getElementById("match").dataset.state === "playing"`),
	)
	var tiles int
	p.Eval(t, `document.querySelectorAll(".match-tile").length`, &tiles)
	if tiles != 6 {
		t.Fatalf("%d tiles, want 6 (3 terms and their definitions)", tiles)
	}
	// pick moves the focus with the arrow key to the tile and presses Enter.
	pick := func(pair, side string) chromedp.Action {
		sel := `.match-tile[data-pair="` + pair + `"][data-side="` + side + `"]`
		return chromedp.Tasks{
			chromedp.ActionFunc(func(ctx context.Context) error {
				for range 12 {
					var ok bool
					if err := chromedp.Evaluate(`document.activeElement.matches('`+sel+`')`, &ok).Do(ctx); err != nil {
						return err
					}
					if ok {
						return chromedp.KeyEvent(kb.Enter).Do(ctx)
					}
					if err := chromedp.KeyEvent(kb.ArrowRight).Do(ctx); err != nil {
						return err
					}
				}
				return errors.New("the arrow keys never reached " + sel)
			}),
		}
	}
	p.Run(t,
		pick("0", "term"),
		browsertest.WaitJS(`document.querySelector('.match-tile[data-pair="0"][data-side="term"]').getAttribute("aria-pressed") === "true"`),
		pick("1", "definition"),
		browsertest.WaitJS(`document.querySelectorAll(".match-tile.is-wrong").length === 2`),
	)
	if got := p.Text(t, "#match-status"); got != "Not a pair: one second added." {
		t.Errorf("wrong pair announced %q", got)
	}
	var marks int
	p.Eval(t, `document.querySelectorAll(".match-tile .wrong-mark").length`, &marks)
	if marks != 2 {
		t.Errorf("%d tiles say they are not a pair, want 2 (not colour alone)", marks)
	}
	for _, pair := range []string{"0", "1", "2"} {
		p.Run(t, pick(pair, "definition"), pick(pair, "term"),
			browsertest.WaitJS(`document.querySelectorAll('.match-tile.is-matched[data-pair="`+pair+`"]').length === 2`))
	}
	p.Run(t, pqFocused("#match-done"))
	var best map[string]float64
	p.Eval(t, `JSON.parse(localStorage.getItem("netstudy.match.best"))`, &best)
	if best["routing"] < 1000 {
		t.Errorf("best time %v ms, want at least the 1 s penalty", best["routing"])
	}
	if got := p.Text(t, "#match-result"); !strings.HasSuffix(got, "a new best for this deck.") {
		t.Errorf("result %q", got)
	}
	p.Run(t, pqKeys(kb.Tab), pqFocused("#match-again"), pqKeys(kb.Enter), pqFocused("#match-start"))
	if got := p.Text(t, "#match-best"); !strings.HasPrefix(got, "Best: ") {
		t.Errorf("best shown %q after a game", got)
	}
}

// Match on a 360 px phone with reduced motion: taps play it, nothing
// scrolls sideways, tiles do not animate, and a matched pair keeps its
// place (no layout shift).
func TestMatchBrowserPhoneReducedMotion(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, studyContent())
	p := browsertest.New(t).NewPage(t)
	p.Run(t,
		phoneTaps(),
		chromedp.Navigate(ts.URL+"/flashcards/match"),
		browsertest.WaitJS(`document.getElementById("match").dataset.state === "ready"`),
		chromedp.Click("#match-start", chromedp.ByID),
		browsertest.WaitJS(`document.getElementById("match").dataset.state === "playing"`),
	)
	assertNoSidewaysScroll(t, p, "/flashcards/match")
	// app.css cuts every transition to a hundred-thousandth of a second.
	var transition float64
	p.Eval(t, `parseFloat(getComputedStyle(document.querySelector(".match-tile")).transitionDuration)`, &transition)
	if transition > 0.001 {
		t.Errorf("tiles animate with reduced motion: transition %vs", transition)
	}
	var before, after []float64
	pos := `[...document.querySelectorAll(".match-tile")].map((b) => b.getBoundingClientRect().top + scrollY)`
	p.Eval(t, pos, &before)
	p.Run(t,
		chromedp.Click(`.match-tile[data-pair="0"][data-side="term"]`, chromedp.ByQuery),
		chromedp.Click(`.match-tile[data-pair="0"][data-side="definition"]`, chromedp.ByQuery),
		browsertest.WaitJS(`document.querySelectorAll(".match-tile.is-matched").length === 2`),
	)
	p.Eval(t, pos, &after)
	if len(before) != 12 || len(after) != 12 {
		t.Fatalf("%d tiles, want 12", len(before))
	}
	for i := range before {
		if before[i] != after[i] {
			t.Errorf("tile %d moved from %v to %v when a pair was matched", i, before[i], after[i])
		}
	}
}

// The study modes pass the accessibility rules in the states a student
// reaches: the flashcards' statistics with the table open, a Write
// verdict, a Match game under way with a wrong pair marked.
func TestStudyModesPassAxe(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, studyContent())
	p := browsertest.New(t).NewPage(t)
	p.Run(t,
		steadyClicks(),
		chromedp.Navigate(ts.URL+"/flashcards"),
		waitCounts("20 0 0"),
		chromedp.Click("#flip", chromedp.ByID),
		chromedp.Click(`[data-grade="easy"]`, chromedp.ByQuery),
		waitCounts("19 0 0"),
		chromedp.Click(".forecast-table summary", chromedp.ByQuery),
	)
	assertAxeClean(t, p, "/flashcards with statistics")
	p.Run(t, chromedp.Navigate(ts.URL+"/flashcards/write?note=routing"))
	writePrompt(t, p)
	p.Run(t,
		chromedp.SendKeys("#write-input", "Nothing", chromedp.ByID),
		chromedp.Click("#write-check", chromedp.ByID),
		browsertest.WaitJS(`document.getElementById("write-verdict").dataset.outcome === "wrong"`),
	)
	assertAxeClean(t, p, "/flashcards/write with a verdict")
	p.Run(t,
		chromedp.Navigate(ts.URL+"/flashcards/match?note=routing"),
		browsertest.WaitJS(`document.getElementById("match").dataset.state === "ready"`),
		chromedp.Click("#match-start", chromedp.ByID),
		chromedp.Click(`.match-tile[data-pair="0"][data-side="term"]`, chromedp.ByQuery),
		chromedp.Click(`.match-tile[data-pair="1"][data-side="definition"]`, chromedp.ByQuery),
		browsertest.WaitJS(`document.querySelectorAll(".match-tile.is-wrong").length === 2`),
	)
	assertAxeClean(t, p, "/flashcards/match with a wrong pair")
}

// phoneTaps makes the page a 360 px phone whose user asks for reduced
// motion. Besides testing that preference, it turns off smooth scrolling,
// which would move a button while a tap is aimed at it.
func phoneTaps() chromedp.Action {
	return chromedp.Tasks{chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile), steadyClicks()}
}

// steadyClicks asks for reduced motion, which turns smooth scrolling off
// (app.css): a click that scrolls to its target then lands where aimed.
func steadyClicks() chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		return emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}).Do(ctx)
	})
}
