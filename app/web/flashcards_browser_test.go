package web

import (
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"netstudy/app/browsertest"
)

// A student reviews flashcards by keyboard; after a reload the home page's
// due count has gone down by the cards graded Good, because the schedule
// is kept in the browser.
func TestBrowserFlashcardsReviewLowersDueCount(t *testing.T) {
	ts := newTestServer(t, testContent())
	p := browsertest.New(t).NewPage(t)
	due := func() int {
		t.Helper()
		var s string
		p.Run(t,
			chromedp.Navigate(ts.URL+"/"),
			browsertest.WaitJS(`!document.getElementById("due-cards").hidden`),
			chromedp.Text("#due-count", &s, chromedp.ByID),
		)
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("due count %q", s)
		}
		return n
	}
	before := due()
	if before == 0 {
		t.Fatal("no card is due on a fresh browser")
	}
	p.Run(t,
		chromedp.Navigate(ts.URL+"/flashcards"),
		browsertest.WaitJS(`!document.getElementById("study").hidden`),
		// Space flips the card, 3 grades it Good; twice.
		chromedp.KeyEvent(" "),
		browsertest.WaitJS(`!document.getElementById("back-face").hidden`),
		chromedp.KeyEvent("3"),
		browsertest.WaitJS(`document.getElementById("back-face").hidden`),
		chromedp.KeyEvent(" "),
		browsertest.WaitJS(`!document.getElementById("back-face").hidden`),
		chromedp.KeyEvent("3"),
		browsertest.WaitJS(`document.getElementById("progress").value === 2`),
	)
	// "Again" keeps a card due.
	p.Run(t,
		chromedp.KeyEvent(" "),
		browsertest.WaitJS(`!document.getElementById("back-face").hidden`),
		chromedp.KeyEvent("1"),
	)
	after := due()
	if after != before-2 {
		t.Errorf("due count went from %d to %d after two cards graded Good, want %d", before, after, before-2)
	}
}
