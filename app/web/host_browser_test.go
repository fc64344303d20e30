package web

// The instructor's dashboard and the projector view in a real browser,
// while students play from Go over raw WebSockets (as app/live's tests do).

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gorilla/websocket"

	"netstudy/app/browsertest"
	"netstudy/app/live"
)

// hostStudent is a student's phone speaking the live protocol.
type hostStudent struct {
	t    *testing.T
	conn *websocket.Conn
	wmu  sync.Mutex // the reader answers pings while the test sends commands
	in   chan live.Envelope
	n    int
}

// hostDialStudent connects to code and joins as nick. A nick refused by
// the session comes back as the join's error code, with a nil student.
func hostDialStudent(t *testing.T, e *hostEnv, code, nick string) (*hostStudent, string) {
	t.Helper()
	hdr := http.Header{"Origin": {e.ts.URL}}
	conn, res, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(e.ts.URL, "http")+"/live", hdr)
	if res != nil && res.Body != nil {
		res.Body.Close()
	}
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	s := &hostStudent{t: t, conn: conn, in: make(chan live.Envelope, 512)}
	t.Cleanup(func() { conn.Close() })
	go s.read()
	s.send("hello", "", map[string]any{"protocol": live.ProtocolVersion, "session": code, "role": "student"})
	s.expect("welcome")
	ack := s.command("join", map[string]string{"nickname": nick})
	if !ack.OK {
		return nil, ack.Error.Code
	}
	return s, ""
}

func (s *hostStudent) read() {
	defer close(s.in)
	for {
		var env live.Envelope
		if err := s.conn.ReadJSON(&env); err != nil {
			return
		}
		if env.Type == "ping" {
			s.wmu.Lock()
			_ = s.conn.WriteJSON(live.Envelope{Type: "pong", Data: env.Data})
			s.wmu.Unlock()
			continue
		}
		s.in <- env
	}
}

func (s *hostStudent) send(typ, id string, data any) {
	s.t.Helper()
	raw, err := json.Marshal(data)
	if err != nil {
		s.t.Fatal(err)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := s.conn.WriteJSON(live.Envelope{Type: typ, ID: id, Data: raw}); err != nil {
		s.t.Fatalf("send %s: %v", typ, err)
	}
}

// expect reads until an envelope of type typ (and id, if given).
func (s *hostStudent) expect(typ string, id ...string) live.Envelope {
	s.t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case env, ok := <-s.in:
			if !ok {
				s.t.Fatalf("connection closed while waiting for %s", typ)
			}
			if env.Type == typ && (len(id) == 0 || env.ID == id[0]) {
				return env
			}
		case <-timeout:
			s.t.Fatalf("no %s within 10 s", typ)
		}
	}
}

type hostAck struct {
	OK     bool            `json:"ok"`
	Result json.RawMessage `json:"result"`
	Error  struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// command sends a command and returns its acknowledgement.
func (s *hostStudent) command(typ string, data any) hostAck {
	s.t.Helper()
	s.n++
	id := fmt.Sprintf("%p-%d", s, s.n)
	s.send(typ, id, data)
	var a hostAck
	if err := json.Unmarshal(s.expect("ack", id).Data, &a); err != nil {
		s.t.Fatal(err)
	}
	return a
}

// answer waits for the next question and answers it with choices.
func (s *hostStudent) answer(choices ...string) {
	s.t.Helper()
	env := s.expect("question_opened")
	if strings.Contains(string(env.Data), `"correct"`) || strings.Contains(string(env.Data), "explanation") {
		s.t.Errorf("a student's question_opened carries the key: %s", env.Data)
	}
	var q struct {
		QuestionID string `json:"question_id"`
		Round      int    `json:"round"`
	}
	if err := json.Unmarshal(env.Data, &q); err != nil {
		s.t.Fatal(err)
	}
	if a := s.command("answer", map[string]any{"question_id": q.QuestionID, "round": q.Round, "choices": choices}); !a.OK {
		s.t.Fatalf("answer refused: %+v", a.Error)
	}
}

// hostPlayQuestion asks the next question from the dashboard, has the
// students answer it (answer), waits until all n have, then closes and
// reveals it.
func hostPlayQuestion(t *testing.T, host *browsertest.Page, n int, answer func()) {
	t.Helper()
	host.Run(t,
		chromedp.Click("#ask-next", chromedp.ByID),
		browsertest.WaitJS(`document.getElementById("state").dataset.state === "question_open"`),
	)
	answer()
	host.Run(t,
		browsertest.WaitJS(hostText("#answered")+fmt.Sprintf(`.startsWith("%d of %d")`, n, n)),
		chromedp.Click("#close", chromedp.ByID),
		browsertest.WaitJS(`document.getElementById("state").dataset.state === "question_closed"`),
		chromedp.Click("#reveal", chromedp.ByID),
		browsertest.WaitJS(hostVisible("reveal-box")),
	)
}

// hostEndSession ends the session from the dashboard, with its
// confirmation, and waits until it has ended.
func hostEndSession(t *testing.T, host *browsertest.Page) {
	t.Helper()
	host.Run(t,
		chromedp.Click("#end", chromedp.ByID),
		browsertest.WaitJS(hostText("#end")+`.startsWith("Confirm")`),
		chromedp.Click("#end", chromedp.ByID),
		browsertest.WaitJS(`document.getElementById("state").dataset.state === "ended"`),
	)
}

// js helpers for WaitJS conditions.
func hostText(sel string) string {
	return `(document.querySelector(` + jsQuote(sel) + `)?.textContent || "")`
}

func hostVisible(id string) string {
	return `(document.getElementById(` + jsQuote(id) + `) && !document.getElementById(` + jsQuote(id) + `).hidden)`
}

func jsQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// hostKeyShown is true when the projector shows anything of the first
// question's answer key.
const hostKeyShown = `(document.body.innerText.includes(` + "`" + hostExplanation + "`" + `) ||
	!!document.querySelector("#p-choices li.correct, #present .hist-row.correct") ||
	document.body.innerText.includes("Right answer") || document.body.innerText.includes("(correct)"))`

// hostOpenSession signs the instructor in with the printed link, creates
// a session from the test quiz and waits for its dashboard's lobby.
func hostOpenSession(t *testing.T, e *hostEnv, b *browsertest.Browser) (host *browsertest.Page, id, code string) {
	t.Helper()
	return hostOpenSessionOf(t, e, b, hostQuizID)
}

// hostOpenSessionOf is hostOpenSession for another quiz of the content.
func hostOpenSessionOf(t *testing.T, e *hostEnv, b *browsertest.Browser, quizID string) (host *browsertest.Page, id, code string) {
	t.Helper()
	host = b.NewPage(t)
	host.Run(t,
		chromedp.Navigate(e.ts.URL+"/host?key="+url.QueryEscape(testInstructorKey)),
		chromedp.WaitVisible("#new-session", chromedp.ByID),
		chromedp.SetValue("#quiz", quizID, chromedp.ByID),
		chromedp.Click("#source-quiz", chromedp.ByID),
		chromedp.Click("#create", chromedp.ByID),
		chromedp.WaitVisible("#dashboard", chromedp.ByID),
		browsertest.WaitJS(`document.getElementById("conn").dataset.status === "open" && document.getElementById("state").dataset.state === "lobby"`),
	)
	var loc string
	host.Run(t, chromedp.Location(&loc), chromedp.Text("#join-code", &code, chromedp.ByID))
	if strings.Contains(loc, testInstructorKey) {
		t.Errorf("the key is still in the address bar: %s", loc)
	}
	return host, loc[strings.LastIndex(loc, "/")+1:], code
}

// hostOpenProjector opens session id's projector view in a page of its
// own, signing in with the key as a classroom computer would.
func hostOpenProjector(t *testing.T, e *hostEnv, b *browsertest.Browser, id string) *browsertest.Page {
	t.Helper()
	pres := b.NewPage(t)
	pres.Run(t,
		chromedp.Navigate(e.ts.URL+"/host/sessions/"+id+"/present"),
		chromedp.WaitVisible("#key", chromedp.ByID),
		chromedp.SetValue("#key", testInstructorKey, chromedp.ByID),
		chromedp.Click("#signin", chromedp.ByID),
		chromedp.WaitVisible("#present", chromedp.ByID),
	)
	return pres
}

func TestHostBrowserRunsASession(t *testing.T) {
	t.Parallel()
	e := newHostEnv(t, "")
	b := browsertest.New(t)

	// The instructor signs in with the link and creates a session.
	host, id, code := hostOpenSession(t, e, b)
	host.Run(t, browsertest.WaitJS(hostText("#progress-text")+`.includes("0 questions asked of 2")`))

	// The projector signs in on its own (another browser) and comes back.
	pres := hostOpenProjector(t, e, b, id)
	pres.Run(t,
		browsertest.WaitJS(`document.getElementById("conn").dataset.status === "open"`),
		browsertest.WaitJS(hostText("#big-code")+` === `+jsQuote(code)+` && `+hostVisible("scene-lobby")),
		browsertest.WaitJS(`document.getElementById("qr").complete && document.getElementById("qr").naturalWidth > 0`),
	)

	// Students join; the dashboard shows their connections, the projector their names.
	ada, _ := hostDialStudent(t, e, code, "ada")
	bob, _ := hostDialStudent(t, e, code, "bob")
	host.Run(t, browsertest.WaitJS(
		`document.querySelectorAll('#students-body tr[data-status="connected"][data-transport="websocket"]').length === 2 && `+
			hostText("#students-body")+`.includes("WebSocket") && `+hostText("#student-count")+`.includes("2 connected")`))
	pres.Run(t, browsertest.WaitJS(`document.querySelectorAll("#lobby-names li").length === 2 && `+hostText("#lobby-count")+`.includes("2 players")`))

	// Locking refuses a newcomer.
	host.Run(t,
		chromedp.Click("#opt-locked", chromedp.ByID),
		browsertest.WaitJS(`document.getElementById("opt-locked").checked`),
	)
	ada.expect("options_changed")
	if s, refused := hostDialStudent(t, e, code, "carl"); s != nil || refused != "locked" {
		t.Errorf("join of a locked session: refused with %q, want locked", refused)
	}

	// The first question: a live count and histogram, and no key on the projector.
	host.Run(t,
		chromedp.Click("#ask-next", chromedp.ByID),
		browsertest.WaitJS(`document.getElementById("state").dataset.state === "question_open" && `+
			hostText("#q-prompt")+`.includes("Which layer routes packets?") && /^1:[0-9]{2}$/.test(`+hostText("#timer")+`)`),
	)
	pres.Run(t, browsertest.WaitJS(hostVisible("scene-question")+` && `+hostText("#p-prompt")+`.includes("Which layer routes packets?")`))
	ada.answer("a")
	bob.answer("b")
	host.Run(t, browsertest.WaitJS(hostText("#answered")+`.startsWith("2 of 2")`+` &&
		[...document.querySelectorAll("#histograms .hist-row")].map((g) => g.dataset.count).join() === "1,1,0"`))
	pres.Run(t, browsertest.WaitJS(hostText("#p-answered")+`.startsWith("2 of 2")`))
	var keyShown bool
	pres.Eval(t, hostKeyShown, &keyShown)
	if keyShown {
		t.Fatal("the projector shows the answer key while the question is open")
	}
	// After a reload, the projector rebuilds from the host's snapshot, which
	// carries the key: it must still not show it.
	pres.Run(t,
		chromedp.Reload(),
		chromedp.WaitVisible("#present", chromedp.ByID),
		browsertest.WaitJS(hostVisible("scene-question")+` && `+hostText("#p-prompt")+`.includes("Which layer")`),
	)
	pres.Eval(t, hostKeyShown, &keyShown)
	if keyShown {
		t.Fatal("the projector shows the answer key from the snapshot before the reveal")
	}

	// Close: the projector shows the histogram, still without the key.
	host.Run(t,
		chromedp.Click("#close", chromedp.ByID),
		browsertest.WaitJS(`document.getElementById("state").dataset.state === "question_closed"`),
	)
	pres.Run(t, browsertest.WaitJS(hostVisible("p-hist")+` && document.querySelectorAll("#p-hist .hist-row").length === 3`))
	pres.Eval(t, hostKeyShown, &keyShown)
	if keyShown {
		t.Fatal("the projector shows the answer key after the close, before the reveal")
	}

	// Reveal: now the key, the explanation and the marked bar.
	host.Run(t,
		chromedp.Click("#reveal", chromedp.ByID),
		browsertest.WaitJS(hostVisible("reveal-box")+` && `+hostText("#right-count")+` === "1 of 2 answers right."`),
	)
	pres.Run(t, browsertest.WaitJS(hostText("#p-explanation")+`.includes(`+jsQuote(hostExplanation)+`) && `+
		hostText("#p-choices li.correct")+`.includes("Network") && `+
		`document.querySelectorAll("#p-hist .hist-row.correct").length === 1`))

	// Leaderboard.
	host.Run(t, chromedp.Click("#leaderboard", chromedp.ByID))
	pres.Run(t, browsertest.WaitJS(hostVisible("scene-leaderboard")+` && `+hostText("#p-leaderboard li:first-child .nick")+` === "ada"`))

	// Remove bob, with the confirmation.
	kick := `#students-body tr:nth-child(2) button[data-action="kick"]`
	host.Run(t,
		chromedp.Click(kick, chromedp.ByQuery),
		browsertest.WaitJS(hostText(kick)+` === "Confirm removal"`),
		chromedp.Click(kick, chromedp.ByQuery),
		browsertest.WaitJS(`document.querySelector("#students-body tr:nth-child(2)").dataset.status === "removed"`),
	)
	bob.expect("kicked")

	// A question typed on the spot, with extra time for ada. Its form
	// is folded away until opened.
	var typedOpen bool
	host.Eval(t, `document.getElementById("typed").open`, &typedOpen)
	if typedOpen {
		t.Error(`"Ask a question of your own" is unfolded before the teacher opens it`)
	}
	host.Run(t,
		chromedp.Click("#typed > summary", chromedp.ByQuery),
		chromedp.WaitVisible("#t-prompt", chromedp.ByID),
		chromedp.SetValue("#t-prompt", "Is UDP reliable?", chromedp.ByID),
		chromedp.SetValue("#t-choice-0", "Yes", chromedp.ByID),
		chromedp.SetValue("#t-choice-1", "No", chromedp.ByID),
		chromedp.Click(`#t-choices input[data-correct="1"]`, chromedp.ByQuery),
		chromedp.Click("#t-ask", chromedp.ByID),
		browsertest.WaitJS(`document.getElementById("state").dataset.state === "question_open" && `+
			hostText("#q-prompt")+` === "Is UDP reliable?" && `+hostText("#q-choices li.correct")+`.includes("No")`),
	)
	pres.Run(t, browsertest.WaitJS(hostVisible("scene-question")+` && `+hostText("#p-prompt")+` === "Is UDP reliable?"`))
	pres.Eval(t, `!!document.querySelector("#p-choices li.correct")`, &keyShown)
	if keyShown {
		t.Fatal("the projector shows the typed question's key before the reveal")
	}
	ada.answer("b")
	host.Run(t,
		chromedp.Click(`#students-body tr:nth-child(1) button[data-action="extend"]`, chromedp.ByQuery),
		browsertest.WaitJS(hostText(`#students-body tr:nth-child(1) .deadline`)+`.startsWith("extra time until")`),
	)
	ada.expect("time_extended")

	// End, with its confirmation: the podium.
	hostEndSession(t, host)
	host.Run(t, browsertest.WaitJS(`document.getElementById("state").dataset.state === "ended" && `+hostVisible("podium-box")+` && `+
		hostText("#podium li:first-child .nick")+` === "ada"`))
	pres.Run(t, browsertest.WaitJS(hostVisible("scene-ended")+` && `+hostText("#p-podium li:first-child .nick")+` === "ada" && `+
		`document.querySelectorAll("#p-podium li").length === 1`))
	ada.expect("ended")
	host.AssertClean(t)
	pres.AssertClean(t)
}

// The classroom computer, with a session's dashboard open, and the
// teacher's laptop are both signed in; "Sign out on every device" on the
// laptop closes the classroom's dashboard, saying why, and signs that
// computer out too; the laptop can sign in again at once.
func TestHostBrowserSignOutEverywhere(t *testing.T) {
	t.Parallel()
	e := newHostEnv(t, "")
	b := browsertest.New(t)
	signIn := func(p *browsertest.Page) {
		p.Run(t,
			chromedp.Navigate(e.ts.URL+"/host?key="+url.QueryEscape(testInstructorKey)),
			chromedp.WaitVisible("#new-session", chromedp.ByID),
		)
	}
	classroom, _, _ := hostOpenSession(t, e, b)
	laptop := b.NewPage(t)
	signIn(laptop)
	laptop.Run(t,
		browsertest.WaitJS(`document.getElementById("signout").textContent.includes("every device")`),
		chromedp.Click("#signout", chromedp.ByID),
		chromedp.WaitVisible("#key", chromedp.ByID),
	)
	classroom.Run(t,
		chromedp.WaitVisible("#command-error", chromedp.ByID),
		browsertest.WaitJS(hostText("#command-error")+`.includes("not signed in as the instructor")`),
		chromedp.Navigate(e.ts.URL+"/host"),
		chromedp.WaitVisible("#key", chromedp.ByID), // the sign-in form
	)
	signIn(laptop)
}

// TestHostBrowserDashboardFitsALaptop runs a class of thirty from a
// 1366 × 768 laptop: while a question is open, and after its reveal, the
// count, the live histogram, who has answered and the next / close /
// reveal buttons are all on the first screen, with no scrolling.
func TestHostBrowserDashboardFitsALaptop(t *testing.T) {
	t.Parallel()
	e := newHostEnvOf(t, projectorContent(), "")
	b := browsertest.New(t)
	host, _, code := hostOpenSessionOf(t, e, b, projectorQuizID)
	host.Run(t, chromedp.EmulateViewport(1366, 768))
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
	host.Run(t,
		browsertest.WaitJS(`document.querySelectorAll('#students-body tr[data-status="connected"]').length === 30`),
		chromedp.Click("#ask-next", chromedp.ByID),
		browsertest.WaitJS(`document.getElementById("state").dataset.state === "question_open"`),
	)
	// Two thirds answer: the rest are still thinking.
	for i, s := range students[:20] {
		s.answer([][]string{{"a", "b", "c"}, {"a", "d"}, {"b"}}[i%3]...)
	}
	host.Run(t, browsertest.WaitJS(hostText("#answered")+`.startsWith("20 of 30") && `+
		`document.querySelectorAll('#who-answered li[data-answered="yes"]').length === 20 && `+
		`document.querySelectorAll('#who-answered li[data-answered="no"]').length === 10 && `+
		`document.querySelectorAll("#histograms .hist-row").length === 5`))
	var thinking string
	host.Eval(t, `document.querySelector('#who-answered li[data-answered="no"]').textContent`, &thinking)
	if !strings.Contains(thinking, "thinking") {
		t.Errorf("a student still thinking reads %q, want words saying so besides the mark", thinking)
	}
	var typedOpen bool
	host.Eval(t, `document.getElementById("typed").open`, &typedOpen)
	if typedOpen {
		t.Error(`"Ask a question of your own" is unfolded while a question runs`)
	}
	onScreen := []string{"#answered", "#histograms", "#who-answered li", "#ask-next", "#close", "#reveal", "#timer"}
	var off []string
	host.Eval(t, offFirstScreen(onScreen...), &off)
	if len(off) > 0 {
		t.Errorf("at 1366 × 768 with a question open, not on the first screen: %v", off)
	}

	// After the close and the reveal, with its explanation.
	host.Run(t,
		chromedp.Click("#close", chromedp.ByID),
		browsertest.WaitJS(`document.getElementById("state").dataset.state === "question_closed"`),
		chromedp.Click("#reveal", chromedp.ByID),
		browsertest.WaitJS(hostVisible("reveal-box")+` && document.querySelectorAll("#histograms .hist-row.correct").length === 3`),
	)
	host.Eval(t, offFirstScreen("#answered", "#histograms", "#who-answered li", "#ask-next", "#reveal", "#right-count"), &off)
	if len(off) > 0 {
		t.Errorf("at 1366 × 768 after the reveal, not on the first screen: %v", off)
	}
	host.AssertClean(t)
}
