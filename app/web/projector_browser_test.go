package web

import (
	"fmt"
	"testing"
	"testing/fstest"

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
	// fits opens the scene afresh at each size (so that what is drawn
	// for the screen is drawn at its size) and checks that it fits.
	fits := func(scene, ready string) {
		t.Helper()
		for _, vp := range viewports {
			pres.Run(t,
				chromedp.EmulateViewport(vp[0], vp[1]),
				chromedp.Reload(),
				browsertest.WaitJS(`document.getElementById("conn").dataset.status === "open" && `+hostVisible(scene)+` && `+ready),
			)
			var got struct{ ScrollW, ScrollH, W, H int }
			pres.Eval(t, `({ScrollW: document.documentElement.scrollWidth, ScrollH: document.documentElement.scrollHeight,
				W: document.documentElement.clientWidth, H: document.documentElement.clientHeight})`, &got)
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

	host.Run(t,
		chromedp.Click("#end", chromedp.ByID),
		browsertest.WaitJS(hostText("#end")+`.startsWith("Confirm")`),
		chromedp.Click("#end", chromedp.ByID),
		browsertest.WaitJS(`document.getElementById("state").dataset.state === "ended"`),
	)
	fits("scene-ended", `document.querySelectorAll("#p-podium li").length > 0`)
	pres.AssertClean(t)
}
