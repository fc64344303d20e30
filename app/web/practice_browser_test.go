package web

import (
	"context"
	"fmt"
	"testing"
	"testing/fstest"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"netstudy/app/browsertest"
)

// pqKeys types on whatever has the focus, as a person at the keyboard does:
// no element is targeted and nothing is clicked.
func pqKeys(k ...string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		for _, s := range k {
			if err := chromedp.KeyEvent(s).Do(ctx); err != nil {
				return err
			}
		}
		return nil
	})
}

// pqFocused waits until the focused element matches the CSS selector.
func pqFocused(sel string) chromedp.Action {
	return browsertest.WaitJS(fmt.Sprintf(`document.activeElement && document.activeElement.matches(%q)`, sel))
}

// pqTabUntil presses Tab until the focused element matches sel, as a keyboard
// user moves through the page; it fails after 40 presses.
func pqTabUntil(sel string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		for range 40 {
			if err := chromedp.KeyEvent(kb.Tab).Do(ctx); err != nil {
				return err
			}
			var ok bool
			if err := chromedp.Evaluate(fmt.Sprintf(`document.activeElement.matches(%q)`, sel), &ok).Do(ctx); err != nil {
				return err
			}
			if ok {
				return nil
			}
		}
		return fmt.Errorf("40 presses of Tab never reached %s", sel)
	})
}

// pqVisible is the IDs of the questions on screen.
const pqVisible = `[...document.querySelectorAll(".pq")].filter((li) => !li.hidden && li.offsetParent !== null).map((li) => li.dataset.qid).join(",")`

// pqAnswered waits for the feedback of question qid to have the focus and to
// say outcome ("right", "wrong" or "poll").
func pqAnswered(qid, outcome string) chromedp.Action {
	return chromedp.Tasks{
		pqFocused("#pq-feedback"),
		browsertest.WaitJS(fmt.Sprintf(`document.querySelector("#pq-%s").classList.contains("is-answered") &&
			document.querySelector("#pq-feedback").dataset.outcome === %q && !document.querySelector("#pq-feedback").hidden`, qid, outcome)),
	}
}

// pqNext moves on with the keyboard: Tab from the feedback reaches "Next",
// and Enter presses it; the next question's prompt then has the focus.
func pqNext(qid string) chromedp.Action {
	return chromedp.Tasks{
		pqKeys(kb.Tab), pqFocused("#pq-next"),
		pqKeys(kb.Enter),
		pqFocused("#pq-" + qid + "-prompt"),
		browsertest.WaitJS(pqVisible + ` === "` + qid + `"`),
	}
}

func TestPracticeBrowserKeyboardOnly(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, practiceContent())
	p := browsertest.New(t).NewPage(t)
	p.Run(t,
		chromedp.Navigate(ts.URL+"/practice/practice-basics"),
		browsertest.WaitJS(`document.querySelector("#practice").classList.contains("is-interactive")`),
		browsertest.WaitJS(pqVisible+` === "q1"`),
	)
	var live string
	p.Eval(t, `document.querySelector("#pq-status").getAttribute("aria-live")`, &live)
	if live != "polite" {
		t.Errorf("the status region's aria-live = %q", live)
	}

	// q1, single choice: Tab into the radio group, arrow to the right
	// answer, Enter checks it.
	p.Run(t,
		pqTabUntil("#pq-q1 input[value=a]"),
		pqKeys(kb.ArrowDown),
		browsertest.WaitJS(`document.querySelector("#pq-q1 input[value=b]").checked`),
		pqKeys(kb.Enter),
		pqAnswered("q1", "right"),
	)
	if got := p.Text(t, "#pq-verdict"); got != "✓ Right!" {
		t.Errorf("verdict = %q, want an icon and words", got)
	}
	if got := p.Text(t, `#pq-q1 [data-choice="b"] .pq-mark`); got != "✓ Your answer: right" {
		t.Errorf("the right choice is marked %q", got)
	}
	if got := p.Text(t, "#pq-explanation"); got == "" {
		t.Error("no explanation after answering")
	}
	if got := p.Text(t, "#pq-status"); got != "Right!" {
		t.Errorf("announced %q", got)
	}

	// q2, multiple: Space ticks each box, Enter checks the set.
	p.Run(t,
		pqNext("q2"),
		pqKeys(kb.Tab), pqFocused("#pq-q2 input[value=a]"), pqKeys(" "),
		pqKeys(kb.Tab), pqFocused("#pq-q2 input[value=b]"), pqKeys(" "),
		browsertest.WaitJS(`document.querySelectorAll("#pq-q2 input:checked").length === 2`),
		pqKeys(kb.Enter),
		pqAnswered("q2", "right"),
	)

	// q3, true/false: answered wrong on purpose.
	p.Run(t,
		pqNext("q3"),
		pqKeys(kb.Tab), pqFocused(`#pq-q3 input[value="true"]`),
		pqKeys(kb.ArrowDown),
		browsertest.WaitJS(`document.querySelector('#pq-q3 input[value="false"]').checked`),
		pqKeys(kb.Enter),
		pqAnswered("q3", "wrong"),
	)
	if got := p.Text(t, "#pq-verdict"); got != "✗ Not quite." {
		t.Errorf("verdict = %q", got)
	}
	if got := p.Text(t, `#pq-q3 [data-choice="true"] .pq-mark`); got != "✓ Right answer" {
		t.Errorf("the right answer is marked %q", got)
	}
	if got := p.Text(t, `#pq-q3 [data-choice="false"] .pq-mark`); got != "✗ Your answer: wrong" {
		t.Errorf("the wrong answer is marked %q", got)
	}
	if got := p.Text(t, "#pq-answer"); got != "The right answer is True." {
		t.Errorf("answer line = %q", got)
	}

	// q4, a poll: Space picks, Enter sends; nothing is wrong.
	p.Run(t,
		pqNext("q4"),
		pqKeys(kb.Tab), pqFocused("#pq-q4 input[value=a]"), pqKeys(" "),
		browsertest.WaitJS(`document.querySelector("#pq-q4 input[value=a]").checked`),
		pqKeys(kb.Enter),
		pqAnswered("q4", "poll"),
	)
	var wrongMarks int
	p.Eval(t, `document.querySelectorAll("#pq-q4 .is-wrong, #pq-q4 .is-right").length`, &wrongMarks)
	if wrongMarks != 0 {
		t.Errorf("a poll marked %d choices right or wrong", wrongMarks)
	}

	// q5 and q6, typed: Enter in the text box checks, and the server
	// compares numbers as numbers and prefixes as prefixes.
	p.Run(t,
		pqNext("q5"),
		pqKeys(kb.Tab), pqFocused("#pq-q5-text"), pqKeys("32.0", kb.Enter),
		pqAnswered("q5", "right"),
		pqNext("q6"),
		pqKeys(kb.Tab), pqFocused("#pq-q6-text"), pqKeys("10.0.0.0/255.0.0.0", kb.Enter),
		pqAnswered("q6", "right"),
		browsertest.WaitJS(`document.querySelector("#pq-next").textContent === "See your score"`),
		pqKeys(kb.Tab), pqFocused("#pq-next"), pqKeys(kb.Enter),
		pqFocused("#pq-score"),
		browsertest.WaitJS(pqVisible+` === ""`),
	)
	if got := p.Text(t, "#pq-score-text"); got != "4 of 5 right (80%)." {
		t.Errorf("score = %q", got)
	}
	if got := p.Text(t, "#pq-retry"); got != "Retry the one I missed" {
		t.Errorf("retry button = %q", got)
	}
	var prog []float64
	p.Eval(t, `[document.querySelector("#pq-progress").value, document.querySelector("#pq-progress").max]`, &prog)
	if len(prog) != 2 || prog[0] != 6 || prog[1] != 6 {
		t.Errorf("progress = %v, want [6 6]", prog)
	}

	// Retry the one I missed: only q3 comes back, reset, and this time right.
	p.Run(t,
		pqKeys(kb.Tab), pqFocused("#pq-retry"), pqKeys(kb.Enter),
		pqFocused("#pq-q3-prompt"),
		browsertest.WaitJS(pqVisible+` === "q3"`),
		browsertest.WaitJS(`document.querySelectorAll("#pq-q3 input:checked").length === 0`),
	)
	var pos string
	p.Eval(t, `document.querySelector("#pq-q3 .pq-pos").textContent`, &pos) // innerText is upper-cased by CSS
	if got := pos; got != "Retry 1 of 1" {
		t.Errorf("position = %q", got)
	}
	p.Run(t,
		pqKeys(kb.Tab), pqFocused(`#pq-q3 input[value="true"]`), pqKeys(" "),
		pqKeys(kb.Enter),
		pqAnswered("q3", "right"),
		pqKeys(kb.Tab), pqFocused("#pq-next"), pqKeys(kb.Enter),
		pqFocused("#pq-score"),
	)
	if got := p.Text(t, "#pq-score-text"); got != "1 of 1 right (100%) on this retry." {
		t.Errorf("retry score = %q", got)
	}
	var retryHidden bool
	p.Eval(t, `document.querySelector("#pq-retry").hidden`, &retryHidden)
	if !retryHidden {
		t.Error("nothing was missed, yet the retry button shows")
	}
}

// A phone-sized screen: nothing overflows sideways, and an empty answer is
// refused in the page, without a request the server would reject.
func TestPracticeBrowserPhone(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, practiceContent())
	p := browsertest.New(t).NewPage(t)
	p.Run(t,
		chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile),
		chromedp.Navigate(ts.URL+"/practice/practice-basics"),
		browsertest.WaitJS(pqVisible+` === "q1"`),
		pqTabUntil("#pq-q1 input[value=a]"),
		pqKeys(kb.Enter),
		browsertest.WaitJS(`!document.querySelector("#pq-error").hidden`),
	)
	if got := p.Text(t, "#pq-error"); got != "Choose an answer first." {
		t.Errorf("error = %q", got)
	}
	var overflow bool
	p.Eval(t, `document.documentElement.scrollWidth > document.documentElement.clientWidth`, &overflow)
	if overflow {
		t.Error("the page scrolls sideways on a 360px screen")
	}
}

// The score page lists the questions missed, each with its right answer
// and explanation, and "Retry the ones I missed" brings back only those.
func TestPracticeBrowserMissedListExplains(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, fstest.MapFS{
		"quizzes/two.md": {Data: []byte(`---
title: Two questions
---

## Which layer does a router work at?

- [ ] Transport
- [x] Network

> Routers forward packets by their **IP address**.

## How many bits are in an IPv4 address?

Answer: 32
Match: number

> Four bytes of eight bits.
`)},
	})
	p := browsertest.New(t).NewPage(t)
	p.Run(t,
		chromedp.Navigate(ts.URL+"/practice/two"),
		browsertest.WaitJS(`document.querySelector("#practice").classList.contains("is-interactive")`),
		browsertest.WaitJS(pqVisible+` === "q1"`),
		pqTabUntil("#pq-q1 input[value=a]"), pqKeys(" ", kb.Enter),
		pqAnswered("q1", "wrong"),
		pqNext("q2"),
		pqKeys(kb.Tab), pqFocused("#pq-q2-text"), pqKeys("16", kb.Enter),
		pqAnswered("q2", "wrong"),
		pqKeys(kb.Tab), pqFocused("#pq-next"), pqKeys(kb.Enter),
		pqFocused("#pq-score"),
	)
	var missed []struct{ Prompt, Answer, Explanation string }
	p.Eval(t, `[...document.querySelectorAll("#pq-missed > li")].map((li) => ({
		prompt: li.querySelector(".pq-missed-prompt").textContent.trim(),
		answer: li.querySelector(".pq-missed-answer").textContent,
		explanation: li.querySelector(".pq-missed-explanation").textContent.trim(),
	}))`, &missed)
	want := []struct{ Prompt, Answer, Explanation string }{
		{"Which layer does a router work at?", "The right answer is Network.", "Routers forward packets by their IP address."},
		{"How many bits are in an IPv4 address?", "The answer is 32.", "Four bytes of eight bits."},
	}
	if len(missed) != len(want) {
		t.Fatalf("missed list %+v, want %d items", missed, len(want))
	}
	for i := range want {
		if missed[i] != want[i] {
			t.Errorf("missed %d: %+v, want %+v", i+1, missed[i], want[i])
		}
	}
	// Retry both, get one right: the list shrinks to the other.
	p.Run(t,
		pqKeys(kb.Tab), pqFocused("#pq-retry"), pqKeys(kb.Enter),
		pqFocused("#pq-q1-prompt"),
		pqTabUntil("#pq-q1 input[value=a]"), pqKeys(kb.ArrowDown, kb.Enter),
		pqAnswered("q1", "right"),
		pqNext("q2"),
		pqKeys(kb.Tab), pqFocused("#pq-q2-text"), pqKeys("8", kb.Enter),
		pqAnswered("q2", "wrong"),
		pqKeys(kb.Tab), pqFocused("#pq-next"), pqKeys(kb.Enter),
		pqFocused("#pq-score"),
	)
	var prompts []string
	p.Eval(t, `[...document.querySelectorAll("#pq-missed .pq-missed-prompt")].map((e) => e.textContent.trim())`, &prompts)
	if len(prompts) != 1 || prompts[0] != "How many bits are in an IPv4 address?" {
		t.Errorf("after the retry the missed list is %q", prompts)
	}
}
