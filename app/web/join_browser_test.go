package web

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"netstudy/app/auth"
	"netstudy/app/browsertest"
	"netstudy/app/quiz"
	"netstudy/app/session"
)

// The student's page in a real browser, while the instructor drives the
// session from Go over a raw WebSocket.

// stText returns a JavaScript expression reading an element's text.
func stText(id string) string {
	return `(document.getElementById(` + jsString(id) + `)?.textContent || "")`
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// stJoin fills the join form and waits until the student is in.
func stJoin(t *testing.T, p *browsertest.Page, nick string) {
	t.Helper()
	p.Run(t,
		chromedp.WaitVisible("#nickname", chromedp.ByID),
		chromedp.SetValue("#nickname", nick, chromedp.ByID),
		chromedp.Click("#join-button", chromedp.ByID),
		browsertest.WaitJS(`!document.getElementById("play").hidden && document.getElementById("join-view").hidden && `+
			stText("me-name")+` === `+jsString(nick)),
	)
}

const stQuestionShown = `!document.getElementById("question").hidden && document.querySelectorAll("#q-choices button.choice").length > 0`

func TestStudentBrowserPlaysAndResumes(t *testing.T) {
	t.Parallel()
	e := newStEnv(t, nil)
	info := e.create(t, "Live test", stOptions())
	host := e.host(t, info.Code)
	b := browsertest.New(t)
	p := b.NewPage(t)
	p.Run(t,
		chromedp.EmulateViewport(360, 740),
		chromedp.Navigate(e.ts.URL+"/join?code="+info.Code),
		browsertest.WaitJS(`document.getElementById("code").value === `+jsString(info.Code)),
	)
	stJoin(t, p, "ada")
	p.Run(t, browsertest.WaitJS(stText("waiting-title")+`.includes("in!") && `+stText("conn")+` === "Connected"`))

	host.do("ask_next", nil)
	p.Run(t, browsertest.WaitJS(stQuestionShown))
	var shown struct {
		Prompt   string
		Buttons  []string
		Shapes   int
		MinH     float64
		Overflow int
		Timer    string
	}
	p.Eval(t, `(() => {
		const bs = [...document.querySelectorAll("#q-choices button.choice")];
		return {
			Prompt: document.getElementById("q-prompt").textContent,
			Buttons: bs.map((b) => b.textContent),
			Shapes: new Set(bs.map((b) => b.querySelector(".shape").textContent)).size,
			MinH: Math.min(...bs.map((b) => b.getBoundingClientRect().height)),
			Overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
			Timer: document.getElementById("q-timer").textContent,
		};
	})()`, &shown)
	if shown.Prompt != "Which layer routes packets?" {
		t.Errorf("prompt = %q", shown.Prompt)
	}
	if len(shown.Buttons) != 4 || !strings.Contains(shown.Buttons[0], "A") || !strings.Contains(shown.Buttons[0], "Network") || shown.Shapes != 4 {
		t.Errorf("buttons = %q with %d shapes, want A–D with four shapes", shown.Buttons, shown.Shapes)
	}
	if shown.MinH < 48 {
		t.Errorf("an answer button is %.0f px high, want at least 48", shown.MinH)
	}
	if shown.Overflow > 0 {
		t.Errorf("the page scrolls sideways by %d px at 360 px wide", shown.Overflow)
	}
	if !strings.HasSuffix(shown.Timer, " s") || shown.Timer == "0 s" {
		t.Errorf("timer = %q, want the seconds left", shown.Timer)
	}

	// Record every status the student sees: "Sending…" must come first,
	// "Answer received" only once the server acknowledged.
	var ok bool
	p.Eval(t, `(() => {
		window.__statuses = [];
		const s = document.getElementById("q-status");
		new MutationObserver(() => window.__statuses.push(s.textContent)).observe(s, { childList: true, characterData: true, subtree: true });
		return true;
	})()`, &ok)
	p.Run(t,
		chromedp.Click(`#q-choices button[data-id="a"]`, chromedp.ByQuery),
		browsertest.WaitJS(stText("q-status")+`.includes("Answer received")`),
	)
	var statuses []string
	p.Eval(t, `window.__statuses`, &statuses)
	if len(statuses) == 0 || !strings.HasPrefix(statuses[0], "Sending") {
		t.Errorf("statuses = %q, want Sending… before Answer received", statuses)
	}
	var href string
	p.Eval(t, `document.getElementById("q-journey").hidden ? "" : document.getElementById("q-journey-link").getAttribute("href")`, &href)
	u, err := url.Parse(href)
	if err != nil || u.Path != "/layers" || u.Query().Get("scenario") != "websocket" ||
		u.Query().Get("observed") != "message" || u.Query().Has("client_ip") {
		// On loopback the real addresses never reach Ethernet, so the
		// layers view keeps its example addresses; on a LAN they are added.
		t.Fatalf("journey link = %q", href)
	}
	var env struct {
		Type string `json:"type"`
		ID   string `json:"id"`
		Data struct {
			QuestionID string   `json:"question_id"`
			Round      int      `json:"round"`
			Choices    []string `json:"choices"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(u.Query().Get("message")), &env); err != nil || env.Type != "answer" || env.ID == "" ||
		env.Data.QuestionID != "q1" || env.Data.Round != 1 || len(env.Data.Choices) != 1 || env.Data.Choices[0] != "a" {
		t.Errorf("journey message = %q (%v)", u.Query().Get("message"), err)
	}

	host.do("reveal", nil)
	p.Run(t, browsertest.WaitJS(stText("q-result")+`.includes("Right") && `+stText("me-score")+` === "100 points"`))
	var marks []string
	p.Eval(t, `[...document.querySelectorAll("#q-choices .mark")].map((m) => m.textContent)`, &marks)
	if len(marks) != 4 || marks[0] != "✓ Correct · your answer" {
		t.Errorf("marks after the reveal = %q", marks)
	}

	// A reload keeps the identity, the score and the place: no join form.
	p.Run(t,
		chromedp.Reload(),
		browsertest.WaitJS(`!document.getElementById("play").hidden && document.getElementById("join-view").hidden && `+
			stText("me-name")+` === "ada" && `+stText("me-score")+` === "100 points" && `+stText("q-result")+`.includes("Right")`),
	)

	// The next question reaches the reloaded page, and a typed answer works.
	host.do("ask_next", nil)
	p.Run(t,
		browsertest.WaitJS(`!document.getElementById("q-text").hidden && `+stText("q-title")+`.startsWith("Question 2")`),
		chromedp.SetValue("#q-text-input", "32", chromedp.ByID),
		chromedp.Click("#q-text-send", chromedp.ByID),
		browsertest.WaitJS(stText("q-status")+`.includes("Answer received")`),
	)
	var hint string
	p.Eval(t, stText("q-hint"), &hint)
	if !strings.Contains(hint, "number") {
		t.Errorf("hint for a number answer = %q", hint)
	}
	host.do("reveal", nil)
	p.Run(t, browsertest.WaitJS(stText("q-result")+`.includes("Right") && `+stText("me-score")+` === "200 points"`))
}

func TestStudentBrowserLongPolling(t *testing.T) {
	t.Parallel()
	e := newStEnv(t, stRefuseBrowserWebSockets)
	info := e.create(t, "Polling test", stOptions())
	host := e.host(t, info.Code)
	b := browsertest.New(t)
	p := b.NewPage(t)
	p.Run(t, chromedp.Navigate(e.ts.URL+"/join?transport=polling&code="+info.Code))
	stJoin(t, p, "poller")
	p.Run(t, browsertest.WaitJS(stText("conn")+` === "Connected · slow network mode"`))

	host.do("ask_next", nil)
	p.Run(t,
		browsertest.WaitJS(stQuestionShown),
		chromedp.Click(`#q-choices button[data-id="b"]`, chromedp.ByQuery),
		browsertest.WaitJS(stText("q-status")+`.includes("Answer received")`),
	)
	host.do("close", nil)
	host.do("reveal", nil)
	p.Run(t, browsertest.WaitJS(stText("q-result")+`.includes("Not this time") && `+stText("me-score")+` === "0 points"`))

	host.do("ask_next", nil)
	p.Run(t,
		browsertest.WaitJS(`!document.getElementById("q-text").hidden`),
		chromedp.SetValue("#q-text-input", "32", chromedp.ByID),
		chromedp.Click("#q-text-send", chromedp.ByID),
		browsertest.WaitJS(stText("q-status")+`.includes("Answer received")`),
	)
	host.do("reveal", nil)
	p.Run(t, browsertest.WaitJS(stText("q-result")+`.includes("Right")`))

	// A multiple choice: select two, then submit.
	host.do("ask_next", nil)
	p.Run(t,
		browsertest.WaitJS(stQuestionShown+` && !document.getElementById("q-submit").hidden`),
		chromedp.Click(`#q-choices button[data-id="a"]`, chromedp.ByQuery),
		chromedp.Click(`#q-choices button[data-id="b"]`, chromedp.ByQuery),
		browsertest.WaitJS(`document.querySelectorAll('#q-choices [aria-pressed="true"]').length === 2 && !document.getElementById("q-submit").disabled`),
		chromedp.Click("#q-submit", chromedp.ByID),
		browsertest.WaitJS(stText("q-status")+`.includes("Answer received")`),
	)
	host.do("reveal", nil)
	p.Run(t, browsertest.WaitJS(stText("q-result")+`.includes("Right") && `+stText("me-score")+` === "200 points"`))

	host.do("leaderboard", nil)
	p.Run(t, browsertest.WaitJS(`!document.getElementById("standings").hidden && `+stText("standings-list")+`.includes("poller")`))
	host.do("end", nil)
	p.Run(t, browsertest.WaitJS(`!document.getElementById("ended").hidden && `+
		stText("ended-you")+`.includes("1st of 1") && `+stText("podium")+`.includes("poller")`))
	var still string
	p.Eval(t, stText("conn"), &still)
	if !strings.Contains(still, "slow network mode") {
		t.Errorf("connection state = %q, want the long-polling transport", still)
	}
}

func TestStudentBrowserHostileNickname(t *testing.T) {
	t.Parallel()
	const nick = `<svg onload=__pwned=1>` // the 24-character limit leaves room for this much
	e := newStEnv(t, nil)
	info := e.create(t, "Hostile test", stOptions())
	host := e.host(t, info.Code)
	e.student(t, info.Code, "taken")
	b := browsertest.New(t)
	p := b.NewPage(t)
	p.Run(t, chromedp.Navigate(e.ts.URL+"/join?code="+info.Code))

	// Clear refusals first: too long (checked in the page), taken (by the server).
	p.Run(t,
		chromedp.WaitVisible("#nickname", chromedp.ByID),
		chromedp.SetValue("#nickname", `<img src=x onerror="window.__pwned=1">`, chromedp.ByID),
		chromedp.Click("#join-button", chromedp.ByID),
		browsertest.WaitJS(`!document.getElementById("join-error").hidden && `+stText("join-error")+`.includes("at most 24")`),
		chromedp.SetValue("#nickname", "Taken", chromedp.ByID),
		chromedp.Click("#join-button", chromedp.ByID),
		browsertest.WaitJS(stText("join-error")+`.includes("already has that nickname")`),
	)
	stJoin(t, p, nick)

	host.do("ask_next", nil)
	p.Run(t,
		browsertest.WaitJS(stQuestionShown),
		chromedp.Click(`#q-choices button[data-id="c"]`, chromedp.ByQuery),
		browsertest.WaitJS(stText("q-status")+`.includes("Answer received")`),
	)
	host.do("reveal", nil)
	host.do("leaderboard", nil)
	p.Run(t, browsertest.WaitJS(stText("standings-list")+`.includes(`+jsString(nick)+`)`))
	var pwned bool
	p.Eval(t, `typeof window.__pwned !== "undefined" || document.querySelector("#play svg, #play img") !== null`, &pwned)
	if pwned {
		t.Fatal("the nickname was rendered as HTML on the student's page")
	}

	// The instructor's results page shows it as text too.
	r := b.NewPage(t)
	p.Run(t) // the student's page is still clean
	r.Run(t,
		network.SetCookie(auth.CookieName, e.auth.InstructorCookie()).WithURL(e.ts.URL),
		chromedp.Navigate(e.ts.URL+"/host/sessions/"+info.ID+"/results"),
		browsertest.WaitJS(`document.querySelector(".chart svg") !== null`),
	)
	var page struct {
		Nicks []string
		Pwned bool
	}
	r.Eval(t, `({
		Nicks: [...document.querySelectorAll("#standings .nick")].map((n) => n.textContent),
		Pwned: typeof window.__pwned !== "undefined" || document.querySelector("svg[onload], img[src='x']") !== null,
	})`, &page)
	if page.Pwned {
		t.Fatal("the nickname was rendered as HTML on the results page")
	}
	found := false
	for _, n := range page.Nicks {
		found = found || n == nick
	}
	if !found {
		t.Errorf("results nicknames = %q, want %q among them", page.Nicks, nick)
	}
}

func TestStudentBrowserLateJoinHiddenPromptKicked(t *testing.T) {
	t.Parallel()
	e := newStEnv(t, nil)
	opts := stOptions()
	opts.ShowQuestionOnPhones = false
	info := e.create(t, "Late test", opts)
	host := e.host(t, info.Code)
	host.do("ask_next", nil) // before anyone joined

	b := browsertest.New(t)
	p := b.NewPage(t)
	p.Run(t, chromedp.Navigate(e.ts.URL+"/join?code="+info.Code))
	stJoin(t, p, "late")
	// A late joiner gets the open question; with the prompt on the
	// projector only, the phone says so and shows only the labels.
	p.Run(t, browsertest.WaitJS(stQuestionShown+` && !document.getElementById("q-screen").hidden`))
	var shown struct {
		Prompt  string
		Buttons []string
	}
	p.Eval(t, `({
		Prompt: document.getElementById("q-prompt").hidden ? "" : document.getElementById("q-prompt").textContent,
		Buttons: [...document.querySelectorAll("#q-choices button.choice")].map((b) => b.textContent),
	})`, &shown)
	if shown.Prompt != "" || len(shown.Buttons) != 4 || shown.Buttons[0] != "▲A" {
		t.Errorf("hidden prompt: prompt %q, buttons %q; want no prompt and labels only", shown.Prompt, shown.Buttons)
	}

	host.do("kick", map[string]string{"participant_id": "p1"})
	p.Run(t, browsertest.WaitJS(`!document.getElementById("kicked").hidden && document.getElementById("question").hidden`))
	var stored string
	p.Eval(t, `localStorage.getItem("netstudy.live.`+info.Code+`") || ""`, &stored)
	if stored != "" {
		t.Errorf("the identity was kept after the kick: %s", stored)
	}
	// A reload shows the join form again, the code still filled in.
	p.Run(t,
		chromedp.Reload(),
		browsertest.WaitJS(`!document.getElementById("join-view").hidden && document.getElementById("play").hidden && `+
			`document.getElementById("code").value === `+jsString(info.Code)),
	)
}

// stVisibleLinks is a JavaScript expression: the text of every link a
// finger could reach on the screen (the skip link waits off screen).
const stVisibleLinks = `[...document.querySelectorAll("a[href]")].filter((a) => {
	const r = a.getBoundingClientRect();
	return r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 && r.left < innerWidth;
}).map((a) => a.textContent.trim())`

// TestStudentBrowserPhoneQuizScreen plays on a 360 × 640 phone: the quiz
// screen is an app screen, with no site navigation one tap from leaving
// the game, and a question of four two-line choices shows them all and
// the Submit button without scrolling. Leaving takes an explicit control
// and a confirmation; after the end the site's navigation comes back.
func TestStudentBrowserPhoneQuizScreen(t *testing.T) {
	t.Parallel()
	e := newStEnv(t, nil)
	info, err := e.hub.Create(context.Background(), session.Setup{Title: "Phones", Options: stOptions(), Questions: []quiz.Question{{
		ID: "q1", Kind: quiz.Multiple, Prompt: "Which of these usually run over UDP?", PromptHTML: "Which of these usually run over UDP?",
		Points: 100, TimeLimit: 120 * time.Second, Choices: []quiz.Choice{
			{ID: "a", Text: "An ordinary DNS lookup for a name", HTML: "An ordinary DNS lookup for a name", Correct: true},
			{ID: "b", Text: "The audio and video of a video call", HTML: "The audio and video of a video call", Correct: true},
			{ID: "c", Text: "Position updates in an online game", HTML: "Position updates in an online game", Correct: true},
			{ID: "d", Text: "Downloading a web page over HTTP/1.1", HTML: "Downloading a web page over HTTP/1.1"},
		}}}})
	if err != nil {
		t.Fatal(err)
	}
	host := e.host(t, info.Code)
	p := browsertest.New(t).NewPage(t)
	p.Run(t,
		chromedp.EmulateViewport(360, 640, chromedp.EmulateMobile),
		chromedp.Navigate(e.ts.URL+"/join?code="+info.Code),
	)
	stJoin(t, p, "ada")
	p.Run(t, browsertest.WaitJS(stText("waiting-title")+`.includes("in!")`))
	var links []string
	p.Eval(t, stVisibleLinks, &links)
	if len(links) > 0 {
		t.Errorf("while waiting for the first question, the phone shows links out of the game: %q", links)
	}

	host.do("ask_next", nil)
	p.Run(t, browsertest.WaitJS(stQuestionShown))
	p.Eval(t, stVisibleLinks, &links)
	if len(links) > 0 {
		t.Errorf("during a question, the phone shows links out of the game: %q", links)
	}
	// Each choice's text takes two lines, as a real question's do.
	var lines []int
	p.Eval(t, `[...document.querySelectorAll("#q-choices .choice-text")].map((e) =>
		Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight)))`, &lines)
	if len(lines) != 4 {
		t.Fatalf("%d choices shown, want 4", len(lines))
	}
	for i, n := range lines {
		if n != 2 {
			t.Errorf("choice %d takes %d lines at 360 px, want 2 (the test's premise)", i+1, n)
		}
	}
	var off []string
	p.Eval(t, offFirstScreen("#q-title", "#q-choices .choice", "#q-submit"), &off)
	if len(off) > 0 {
		t.Errorf("at 360 × 640, not on the first screen: %v", off)
	}

	// Leaving asks first; staying puts everything back.
	p.Run(t,
		chromedp.Click("#leave", chromedp.ByID),
		browsertest.WaitJS(`!document.getElementById("leave-box").hidden && document.activeElement.id === "leave-go"`),
		chromedp.Click("#leave-stay", chromedp.ByID),
		browsertest.WaitJS(`document.getElementById("leave-box").hidden && document.activeElement.id === "leave"`),
	)

	// After the end, the site's navigation is back.
	host.do("end", nil)
	p.Run(t, browsertest.WaitJS(`!document.getElementById("ended").hidden`))
	p.Eval(t, stVisibleLinks, &links)
	if !slices.Contains(links, "Back to the notes") || !slices.ContainsFunc(links, func(s string) bool { return strings.Contains(s, "netstudy") }) {
		t.Errorf("after the end, the links on the phone are %q, want the site's navigation and \"Back to the notes\"", links)
	}
	p.AssertClean(t)
}
