package web

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"netstudy/app/browsertest"
)

// TestClassroomPlaysAWholeQuiz is Monday morning: an instructor, the
// projector and three students, each in a browser context of their own
// (separate cookies and storage, like separate devices), play a whole
// quiz through the real pages.
func TestClassroomPlaysAWholeQuiz(t *testing.T) {
	t.Parallel()
	e := newHostEnv(t, "")
	b := browsertest.New(t)

	host, id, code := hostOpenSession(t, e, b)

	pres := hostOpenProjector(t, e, b, id)
	pres.Run(t, browsertest.WaitJS(hostText("#big-code")+` === `+jsQuote(code)))

	nicks := []string{"ada", "bob", "cy"}
	students := make([]*browsertest.Page, len(nicks))
	for i, nick := range nicks {
		p := b.NewPage(t)
		p.Run(t, chromedp.Navigate(e.ts.URL+"/join?code="+code))
		stJoin(t, p, nick)
		students[i] = p
	}
	host.Run(t, browsertest.WaitJS(`document.querySelectorAll('#students-body tr[data-status="connected"]').length === 3`),
		// Each phone's round-trip time, measured from the heartbeats.
		browsertest.WaitJS(`[...document.querySelectorAll("#students-body .rtt-text")].every((e) => / ms$/.test(e.textContent))`))
	pres.Run(t, browsertest.WaitJS(`document.querySelectorAll("#lobby-names li").length === 3`))

	// Question 1: ada and bob pick Network (right), cy picks Session.
	host.Run(t, chromedp.Click("#ask-next", chromedp.ByID),
		browsertest.WaitJS(`document.getElementById("state").dataset.state === "question_open"`),
		// The teacher's own screen shows the key while the question is open.
		browsertest.WaitJS(`[...document.querySelectorAll("#q-choices li.correct")].map((li) => li.textContent).join().includes("Network")`))
	for i, p := range students {
		choice := 1
		if i == 2 {
			choice = 2
		}
		p.Run(t,
			browsertest.WaitJS(stQuestionShown),
			chromedp.Click(fmt.Sprintf("#q-choices button.choice:nth-child(%d)", choice), chromedp.ByQuery),
			browsertest.WaitJS(stText("q-status")+`.includes("Answer received")`),
		)
	}
	host.Run(t, browsertest.WaitJS(hostText("#answered")+`.startsWith("3 of 3")`),
		// The students table says who has answered.
		browsertest.WaitJS(`document.querySelectorAll('#students-body tr[data-answered="yes"]').length === 3`))
	pres.Run(t, browsertest.WaitJS(hostText("#p-answered")+`.startsWith("3 of 3")`))
	host.Run(t,
		chromedp.Click("#close", chromedp.ByID),
		browsertest.WaitJS(`document.getElementById("state").dataset.state === "question_closed"`),
		chromedp.Click("#reveal", chromedp.ByID),
		browsertest.WaitJS(hostText("#right-count")+` === "2 of 3 answers right."`),
	)
	pres.Run(t, browsertest.WaitJS(hostText("#p-explanation")+`.includes(`+jsQuote(hostExplanation)+`)`))
	for i, p := range students {
		want := "right"
		if i == 2 {
			want = "wrong"
		}
		p.Run(t, browsertest.WaitJS(`!document.getElementById("q-result").hidden && document.getElementById("q-result").dataset.outcome === `+jsString(want)))
	}

	// Question 2, typed: only cy gets it right.
	host.Run(t,
		chromedp.Click("#leaderboard", chromedp.ByID),
		browsertest.WaitJS(`document.getElementById("state").dataset.state === "leaderboard"`),
		chromedp.Click("#ask-next", chromedp.ByID),
		browsertest.WaitJS(`document.getElementById("state").dataset.state === "question_open"`),
	)
	const hostile = `<img src=x onerror="window.__pwned=1">`
	for i, p := range students {
		answer := "64"
		switch i {
		case 1:
			answer = hostile // typed answers are text wherever they are shown
		case 2:
			answer = "32"
		}
		p.Run(t,
			browsertest.WaitJS(`!document.getElementById("q-text").hidden`),
			chromedp.SetValue("#q-text-input", answer, chromedp.ByID),
			chromedp.Click("#q-text-send", chromedp.ByID),
			browsertest.WaitJS(stText("q-status")+`.includes("Answer received")`),
		)
	}
	host.Run(t,
		chromedp.Click("#reveal", chromedp.ByID),
		browsertest.WaitJS(hostText("#right-count")+` === "1 of 3 answers right."`),
		browsertest.WaitJS(hostText("#histograms")+`.includes(`+jsQuote(hostile)+`)`),
	)
	pres.Run(t, browsertest.WaitJS(hostText("#p-hist")+`.includes(`+jsQuote(hostile)+`)`))
	for _, p := range []*browsertest.Page{host, pres} {
		var pwned string
		p.Eval(t, `String(window.__pwned)`, &pwned)
		if pwned != "undefined" {
			t.Fatal("a typed answer ran as script on an instructor screen")
		}
	}
	hostEndSession(t, host)
	pres.Run(t, browsertest.WaitJS(hostVisible("scene-ended")+` && document.querySelectorAll("#p-podium li").length >= 1`))
	for _, p := range students {
		p.Run(t, browsertest.WaitJS(`!document.getElementById("ended").hidden && `+stText("podium")+`.length > 0`))
	}
	// The results page has all three and their answers, as text.
	var pwned string
	host.Run(t,
		chromedp.Navigate(e.ts.URL+"/host/sessions/"+id+"/results"),
		browsertest.WaitJS(`["ada", "bob", "cy"].every((n) => document.body.textContent.includes(n))`),
		browsertest.WaitJS(`document.body.textContent.includes(`+jsQuote(hostile)+`)`),
		chromedp.Evaluate(`String(window.__pwned)`, &pwned),
	)
	if pwned != "undefined" {
		t.Fatal("a typed answer ran as script on the results page")
	}
}
