package web

import (
	"fmt"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"netstudy/app/browsertest"
)

// projectorQuizID is a quiz whose first question is as long as the
// shipped ones get: five choices of a line each, several of them right,
// and a two-sentence explanation.
const projectorQuizID = "projector-quiz"

func projectorContent() fstest.MapFS {
	fsys := hostContent()
	fsys["quizzes/"+projectorQuizID+".md"] = &fstest.MapFile{Data: []byte(`---
title: Transport protocols
---

## Which of these usually run over UDP?

Type: multiple

- [x] An ordinary DNS lookup
- [x] The audio and video of a video call
- [x] Position updates in an online game
- [ ] An SSH session
- [ ] Downloading a web page over HTTP/1.1

> When fresh data matters more than complete data, UDP wins. SSH and HTTP/1.1 need every byte in order, so they use TCP.

## What does this capture show?

` + "```" + `
12:00:01.100 IP 10.0.0.5.51512 > 10.0.0.1.53: UDP, length 32
12:00:01.104 IP 10.0.0.1.53 > 10.0.0.5.51512: UDP, length 48
12:00:01.230 IP 10.0.0.5.40022 > 93.184.216.34.443: Flags [S], seq 1000
12:00:01.262 IP 93.184.216.34.443 > 10.0.0.5.40022: Flags [S.], seq 5000, ack 1001
12:00:01.263 IP 10.0.0.5.40022 > 93.184.216.34.443: Flags [.], ack 5001
` + "```" + `

- [x] A DNS lookup, then a TCP handshake
- [ ] Two DNS lookups
- [ ] A TCP handshake, then a DNS lookup
- [ ] A lost segment being sent again

> The first two lines are a query to port 53 and its answer. Then SYN, SYN-ACK and ACK open a connection to port 443.

## How many bytes long is a UDP header?

Answer: 8
Match: number
`)}
	return fsys
}

// chartsFitted is true when every histogram on the page has as many units
// across as its box has pixels per 17 px of its text (see charts.js).
const chartsFitted = `[...document.querySelectorAll(".histogram")].every((svg) => {
	const box = svg.parentElement;
	const want = Math.max(240, Math.round((box.clientWidth * 17) / parseFloat(getComputedStyle(box).fontSize)));
	return Math.abs(svg.viewBox.baseVal.width - want) <= 1;
})`

// TestProjectorFitsItsScreen plays a class of thirty on the projector view
// and checks that no scene of it ever needs scrolling, on the projectors
// classrooms have: 16:9 at 1280 × 720 and 1920 × 1080, and 4:3 at
// 1024 × 768. Nobody scrolls a projected page in front of a class.
func TestProjectorFitsItsScreen(t *testing.T) {
	t.Parallel()
	e := newHostEnvOf(t, projectorContent(), "")
	b := browsertest.New(t)
	host, id, code := hostOpenSessionOf(t, e, b, projectorQuizID)
	pres := hostOpenProjector(t, e, b, id)

	// Nicknames as a class types them: short and long, one at the limit.
	names := []string{"ada", "Bob", "carl_w", "Dina M", "eve", "Frank", "gus", "Hana K.", "ivan", "Jo",
		"kim", "Lou", "Maya R", "nico", "Olu", "Priya", "quinn", "Rafa", "Sam", "Tomás",
		"uma", "Vic", "Wen", "Xavi", "Yara", "Zoé", "Ali B", "Ben", "Chloé", "AdaLovelaceAndCharlesBab"}
	var students []*hostStudent
	for _, n := range names {
		s, refused := hostDialStudent(t, e, code, n)
		if s == nil {
			t.Fatalf("%s refused: %s", n, refused)
		}
		students = append(students, s)
	}

	viewports := [][2]int64{{1280, 720}, {1024, 768}, {1920, 1080}}
	// fits opens the scene afresh at the first size, as a projector
	// switched on mid-quiz does, then gives the same window the other
	// sizes, as a screen switched or made full screen does, and checks at
	// each size that the scene fits.
	fits := func(scene, ready string) {
		t.Helper()
		for i, vp := range viewports {
			shown := chromedp.Action(browsertest.WaitFrames(3))
			if i == 0 {
				shown = chromedp.Reload()
			}
			pres.Run(t,
				chromedp.EmulateViewport(vp[0], vp[1]),
				shown,
				browsertest.WaitJS(`document.getElementById("conn").dataset.status === "open" && `+hostVisible(scene)+` && `+ready),
			)
			var got struct{ ScrollW, ScrollH, W, H int }
			pres.Eval(t, `({ScrollW: document.documentElement.scrollWidth, ScrollH: document.documentElement.scrollHeight,
				W: document.documentElement.clientWidth, H: document.documentElement.clientHeight})`, &got)
			var fit string
			pres.Eval(t, `document.getElementById("present").style.getPropertyValue("--fit")`, &fit)
			t.Logf("%s at %d × %d: fit %s", scene, vp[0], vp[1], fit)
			if got.ScrollH > got.H || got.ScrollW > got.W {
				t.Errorf("%s at %d × %d needs %d × %d: it scrolls", scene, vp[0], vp[1], got.ScrollW, got.ScrollH)
			}
		}
	}

	fits("scene-lobby", fmt.Sprintf(`document.querySelectorAll("#lobby-names li").length === %d`, len(names)))

	host.Run(t,
		chromedp.Click("#ask-next", chromedp.ByID),
		browsertest.WaitJS(`document.getElementById("state").dataset.state === "question_open"`),
	)
	for i, s := range students {
		s.answer([][]string{{"a", "b", "c"}, {"a", "d"}, {"b"}}[i%3]...)
	}
	host.Run(t, browsertest.WaitJS(hostText("#answered")+fmt.Sprintf(`.startsWith("%d of %d")`, len(names), len(names))))
	fits("scene-question", `document.querySelectorAll("#p-choices li").length === 5`)

	host.Run(t,
		chromedp.Click("#close", chromedp.ByID),
		browsertest.WaitJS(`document.getElementById("state").dataset.state === "question_closed"`),
		chromedp.Click("#reveal", chromedp.ByID),
		browsertest.WaitJS(hostVisible("reveal-box")),
	)
	fits("scene-question", `document.querySelectorAll("#p-hist .hist-row.correct").length === 3 && `+hostVisible("p-reveal"))
	assertReadableCharts(t, pres, "the projector's histogram")
	// A window that changes size (full screen, another projector) gets
	// its chart fitted again at once, not at the next message.
	var refitted bool
	pres.Run(t,
		chromedp.EmulateViewport(1024, 768),
		chromedp.Evaluate(`new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() =>
			requestAnimationFrame(() => done(`+chartsFitted+`)))))`, &refitted,
			func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }),
	)
	if !refitted {
		t.Error("after the window changed size, the projector's chart was not fitted to its new box")
	}

	host.Run(t, chromedp.Click("#leaderboard", chromedp.ByID))
	fits("scene-leaderboard", `document.querySelectorAll("#p-leaderboard li").length === 10`)

	// A question that shows a capture in a code block, as networking
	// quizzes do: it too must fit, open and revealed.
	host.Run(t,
		chromedp.Click("#ask-next", chromedp.ByID),
		browsertest.WaitJS(`document.getElementById("state").dataset.state === "question_open"`),
	)
	for i, s := range students {
		s.answer([]string{"a", "b", "c"}[i%3])
	}
	host.Run(t, browsertest.WaitJS(hostText("#answered")+fmt.Sprintf(`.startsWith("%d of %d")`, len(names), len(names))))
	fits("scene-question", `document.querySelector("#p-prompt pre") !== null && document.querySelectorAll("#p-choices li").length === 4`)
	host.Run(t,
		chromedp.Click("#close", chromedp.ByID),
		browsertest.WaitJS(`document.getElementById("state").dataset.state === "question_closed"`),
		chromedp.Click("#reveal", chromedp.ByID),
		browsertest.WaitJS(hostVisible("reveal-box")),
	)
	fits("scene-question", `document.querySelector("#p-prompt pre") !== null && document.querySelectorAll("#p-hist .hist-row.correct").length === 1 && `+hostVisible("p-reveal"))
	// Fitted by shrinking (most at 1280 × 720, where the height is
	// shortest), but still readable from the back of the room.
	var shrunk struct {
		Fit                   string
		CodePx, ChoicePx      float64
		CodeWidth, CodeScroll int
	}
	pres.Run(t,
		chromedp.EmulateViewport(1280, 720),
		chromedp.Reload(),
		browsertest.WaitJS(hostVisible("p-reveal")+` && document.querySelector("#p-prompt pre") !== null`),
	)
	pres.Eval(t, `(() => {
		const pre = document.querySelector("#p-prompt pre");
		return {Fit: document.getElementById("present").style.getPropertyValue("--fit"),
			CodePx: parseFloat(getComputedStyle(pre).fontSize), CodeWidth: pre.clientWidth, CodeScroll: pre.scrollWidth,
			ChoicePx: parseFloat(getComputedStyle(document.querySelector("#p-choices .choice-text")).fontSize)};
	})()`, &shrunk)
	t.Logf("the code question at 1280 × 720: fit %s, code %.1f px, choices %.1f px", shrunk.Fit, shrunk.CodePx, shrunk.ChoicePx)
	if shrunk.CodeScroll > shrunk.CodeWidth || shrunk.CodePx < 12 || shrunk.ChoicePx < 14 {
		t.Errorf("the code question at 1280 × 720 (fit %s): code %.1f px, %d px of lines in %d px; choices %.1f px",
			shrunk.Fit, shrunk.CodePx, shrunk.CodeScroll, shrunk.CodeWidth, shrunk.ChoicePx)
	}
	pres.Run(t, chromedp.Evaluate(chartsFitted, &refitted))
	if !refitted {
		t.Error("after the scene was shrunk, the projector's chart was not drawn for its new text size")
	}

	hostEndSession(t, host)
	fits("scene-ended", `document.querySelectorAll("#p-podium li").length > 0`)
	pres.AssertClean(t)
}

// TestProjectorLobbyFitsALargeClass fills the lobby with a hundred names,
// three classes in the hall: the join code, the QR code and every name
// still show on a 1280 × 720 projector without scrolling.
func TestProjectorLobbyFitsALargeClass(t *testing.T) {
	t.Parallel()
	e := newHostEnvOf(t, projectorContent(), "")
	b := browsertest.New(t)
	_, id, code := hostOpenSessionOf(t, e, b, projectorQuizID)
	pres := hostOpenProjector(t, e, b, id)
	pres.Run(t, chromedp.EmulateViewport(1280, 720))
	const class = 100
	for i := range class {
		if s, refused := hostDialStudent(t, e, code, fmt.Sprintf("student %d", i+1)); s == nil {
			t.Fatalf("student %d refused: %s", i+1, refused)
		}
	}
	// The names came in one by one while the projector watched; then the
	// projector is opened afresh on the full lobby. Both must fit. A
	// hundred names are laid out again at every step of the fitting: on
	// a busy machine that takes longer than the usual timeout.
	for _, reload := range []bool{false, true} {
		open := chromedp.Action(browsertest.WaitFrames(3))
		if reload {
			open = chromedp.Reload()
		}
		pres.RunWithin(t, time.Minute,
			open,
			browsertest.WaitJS(fmt.Sprintf(`document.querySelectorAll("#lobby-names li").length === %d`, class)),
			browsertest.WaitFrames(2),
		)
		checkLobbyFits(t, pres, class, reload)
	}
	pres.AssertClean(t)
}

// checkLobbyFits checks that a lobby of class names fits the projector's
// screen, at a size still readable from the back of the room.
func checkLobbyFits(t *testing.T, pres *browsertest.Page, class int, reloaded bool) {
	t.Helper()
	var got struct {
		ScrollH, H     int
		Fit            string
		NamePx, CodePx float64
	}
	pres.Eval(t, `({ScrollH: document.documentElement.scrollHeight, H: document.documentElement.clientHeight,
		Fit: document.getElementById("present").style.getPropertyValue("--fit"),
		NamePx: parseFloat(getComputedStyle(document.querySelector("#lobby-names li")).fontSize),
		CodePx: parseFloat(getComputedStyle(document.getElementById("big-code")).fontSize)})`, &got)
	how := "filled while open"
	if reloaded {
		how = "opened afresh"
	}
	t.Logf("a lobby of %d at 1280 × 720, %s: fit %s, names %.1f px, code %.1f px", class, how, got.Fit, got.NamePx, got.CodePx)
	if got.ScrollH > got.H {
		t.Errorf("a lobby of %d, %s, needs %d px of a %d px screen: it scrolls", class, how, got.ScrollH, got.H)
	}
	if got.NamePx < 10 || got.CodePx < 40 {
		t.Errorf("a lobby of %d, %s, shrank too far: names %.1f px, code %.1f px", class, how, got.NamePx, got.CodePx)
	}
}
