package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"netstudy/app/quiz"
	"netstudy/app/session"
)

// The audit tests walk the paths a teacher and a class take on a normal
// day, over real WebSockets and a real store: every host command in every
// state, timers running out on every kind of question, reconnects, a
// restart in the middle, long polling and the end of a session.

// auditLimit is the time limit of the timed questions: short, so that a
// test lets several run out and stays fast.
const auditLimit = 250 * time.Millisecond

// auditQuestion returns a question of kind k, with a key whose right
// answer is auditRight(k).
func auditQuestion(id string, k quiz.Kind, limit time.Duration) quiz.Question {
	q := quiz.Question{ID: id, Kind: k, Prompt: "Question " + id, PromptHTML: template.HTML("Question " + id), Points: 100, TimeLimit: limit}
	switch k {
	case quiz.Single, quiz.Poll:
		q.Choices = []quiz.Choice{{ID: "a", Text: "A", HTML: "A", Correct: k == quiz.Single}, {ID: "b", Text: "B", HTML: "B"}}
	case quiz.Multiple:
		q.Choices = []quiz.Choice{{ID: "a", Text: "A", HTML: "A", Correct: true}, {ID: "b", Text: "B", HTML: "B"}, {ID: "c", Text: "C", HTML: "C", Correct: true}}
	case quiz.TrueFalse:
		q.Choices = []quiz.Choice{{ID: "true", Text: "True", HTML: "True", Correct: true}, {ID: "false", Text: "False", HTML: "False"}}
	case quiz.Text:
		q.Accepted, q.Match = []string{"32"}, quiz.MatchNumber
	}
	return q
}

// auditRight is a right answer (any answer, for a poll) to a question of
// auditQuestion.
func auditRight(q quiz.Question) clientAnswer {
	a := clientAnswer{QuestionID: q.ID}
	switch q.Kind {
	case quiz.Multiple:
		a.Choices = []string{"c", "a"}
	case quiz.TrueFalse:
		a.Choices = []string{"true"}
	case quiz.Text:
		a.Text = " 32.0 "
	default:
		a.Choices = []string{"a"}
	}
	return a
}

func (th *testHub) createWith(t testing.TB, opts session.Options, qs ...quiz.Question) SessionInfo {
	t.Helper()
	info, err := th.hub.Create(context.Background(), session.Setup{Title: "Audit", Options: opts, Questions: qs})
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// auditOpts are the default options without speed points, so that scores
// are exact.
func auditOpts() session.Options {
	o := session.DefaultOptions()
	o.SpeedPoints = false
	return o
}

// mustOK sends a command and fails the test unless it is acknowledged.
func mustOK(t testing.TB, c *wsClient, typ string, data any) json.RawMessage {
	t.Helper()
	a := c.ack(c.command(typ, data))
	if !a.OK {
		t.Fatalf("%s refused: %+v", typ, a.Error)
	}
	raw, _ := a.Result.(json.RawMessage)
	return raw
}

// mustRefuse sends a command and reports an error unless it is refused
// with code.
func mustRefuse(t testing.TB, c *wsClient, typ string, data any, code string) {
	t.Helper()
	a := c.ack(c.command(typ, data))
	if a.OK || a.Error == nil || a.Error.Code != code {
		t.Errorf("%s %v: ok=%v error=%+v, want refused with %q", typ, data, a.OK, a.Error, code)
	}
}

// answer sends an answer and returns its acknowledgement.
func answer(c *wsClient, a clientAnswer) ackData {
	c.t.Helper()
	return c.ack(c.command("answer", a))
}

// decode decodes an event's data.
func decode[T any](t testing.TB, env Envelope) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(env.Data, &v); err != nil {
		t.Fatalf("decode %s %s: %v", env.Type, env.Data, err)
	}
	return v
}

// within reads until an envelope of type typ (and id) arrives, for at most
// d. It answers pings. An error (a timeout, a closed connection) ends it;
// the connection cannot be read after a timeout.
func (c *wsClient) within(d time.Duration, typ, id string) (Envelope, error) {
	deadline := time.Now().Add(d)
	for {
		_ = c.conn.SetReadDeadline(deadline)
		var env Envelope
		if err := c.conn.ReadJSON(&env); err != nil {
			return env, err
		}
		if env.Type == "ping" {
			c.pong(env)
			continue
		}
		if env.Seq > c.lastSeq {
			c.lastSeq = env.Seq
		}
		c.seen = append(c.seen, env)
		if env.Type == typ && (id == "" || env.ID == id) {
			return env, nil
		}
	}
}

// quiet reports the first envelope of one of the types that arrives within
// d, or "" if none does. The connection cannot be read afterwards.
func (c *wsClient) quiet(d time.Duration, types ...string) string {
	deadline := time.Now().Add(d)
	for {
		_ = c.conn.SetReadDeadline(deadline)
		var env Envelope
		if err := c.conn.ReadJSON(&env); err != nil {
			return ""
		}
		if slices.Contains(types, env.Type) {
			return env.Type + " " + string(env.Data)
		}
	}
}

// student dials, says hello and joins.
func (th *testHub) student(t testing.TB, code, nick string) (*wsClient, joinResult) {
	t.Helper()
	c := th.dial(t, false)
	c.hello(code, RoleStudent, "")
	jr := c.join(nick)
	c.expect("snapshot", "")
	return c, jr
}

// host dials the instructor's dashboard.
func (th *testHub) host(t testing.TB, code string) *wsClient {
	t.Helper()
	c := th.dial(t, true)
	c.hello(code, RoleHost, "")
	c.expect("snapshot", "")
	return c
}

// storedKinds lists the kinds of a session's stored commands.
func (th *testHub) storedKinds(t testing.TB, id string) []string {
	t.Helper()
	cmds, err := th.store.Commands(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, c := range cmds {
		kinds = append(kinds, c.Kind)
	}
	return kinds
}

// A question of every kind whose time runs out closes by itself, takes no
// late answer, reveals with the right outcome for who answered and who
// did not, and the session carries on to its end.
func TestAuditEveryKindClosesWhenItsTimeIsUp(t *testing.T) {
	th := newTestHub(t)
	for _, k := range []quiz.Kind{quiz.Single, quiz.Multiple, quiz.TrueFalse, quiz.Poll, quiz.Text} {
		t.Run(string(k), func(t *testing.T) {
			t.Parallel()
			q := auditQuestion("k-"+string(k), k, auditLimit)
			info := th.createWith(t, auditOpts(), q)
			host := th.host(t, info.Code)
			ada, _ := th.student(t, info.Code, "ada")
			bob, _ := th.student(t, info.Code, "bob")
			mustOK(t, host, "ask_next", nil)
			ada.expect(session.TypeQuestionOpened, "")
			bob.expect(session.TypeQuestionOpened, "")
			if a := answer(ada, auditRight(q)); !a.OK {
				t.Fatalf("answer refused: %+v", a.Error)
			}
			closed := decode[session.QuestionClosedPayload](t, host.expect(session.TypeQuestionClosed, ""))
			if closed.QuestionID != q.ID || closed.Answered != 1 {
				t.Errorf("question_closed = %+v, want %s with 1 answer", closed, q.ID)
			}
			bob.expect(session.TypeQuestionClosed, "")
			late := auditRight(q)
			late.Round = 1
			if a := answer(bob, late); a.OK || a.Error.Code != "question_closed" {
				t.Errorf("an answer after the time ran out: %+v, want question_closed", a)
			}
			mustOK(t, host, "reveal", nil)
			want := session.OutcomeRight
			if k == quiz.Poll {
				want = session.OutcomePoll
			}
			if r := decode[session.Result](t, ada.expect(session.TypeResult, "")); r.Outcome != want {
				t.Errorf("ada's result = %+v, want %s", r, want)
			}
			if r := decode[session.Result](t, bob.expect(session.TypeResult, "")); r.Outcome != session.OutcomeNoAnswer {
				t.Errorf("bob's result = %+v, want no_answer", r)
			}
			mustRefuse(t, host, "ask_next", nil, "no_more_questions")
			mustOK(t, host, "leaderboard", nil)
			mustOK(t, host, "end", nil)
			ended := decode[session.EndedPayload](t, ada.expect(session.TypeEnded, ""))
			if ended.Participants != 2 {
				t.Errorf("ended = %+v", ended)
			}
			if kinds := th.storedKinds(t, info.ID); !slices.Contains(kinds, "tick") {
				t.Errorf("stored %v, want a tick", kinds)
			}
		})
	}
}

// Every host command in every state: refused with the right code where it
// makes no sense, never crashing the session, and accepted where it does.
func TestAuditHostCommandsInEveryState(t *testing.T) {
	th := newTestHub(t)
	info := th.create(t) // q1 single (30 s), q2 text (no limit)
	host := th.host(t, info.Code)
	ada, jr := th.student(t, info.Code, "ada")
	kick := map[string]string{"participant_id": jr.ParticipantID}
	ext := map[string]any{"participant_id": jr.ParticipantID, "seconds": 5}

	// Lobby.
	mustRefuse(t, host, "close", nil, "wrong_state")
	mustRefuse(t, host, "reveal", nil, "wrong_state")
	mustRefuse(t, host, "leaderboard", nil, "wrong_state")
	mustRefuse(t, host, "reask", nil, "wrong_state")
	mustRefuse(t, host, "extend_time", ext, "wrong_state")
	mustOK(t, host, "lock", nil)
	mustOK(t, host, "lock", nil) // again: nothing changes, no harm
	mustOK(t, host, "unlock", nil)

	// Question open (q1).
	mustOK(t, host, "ask_next", nil)
	ada.expect(session.TypeQuestionOpened, "")
	mustRefuse(t, host, "ask_next", nil, "wrong_state")
	mustRefuse(t, host, "reask", nil, "wrong_state")
	mustRefuse(t, host, "leaderboard", nil, "wrong_state")
	mustRefuse(t, host, "extend_time", map[string]any{"participant_id": "p99", "seconds": 5}, "not_participant")
	mustRefuse(t, host, "extend_time", map[string]any{"participant_id": jr.ParticipantID, "seconds": 0}, "bad_data")
	mustOK(t, host, "extend_time", ext)
	ada.expect(session.TypeTimeExtended, "")
	// Reveal straight from open: it closes first.
	mustOK(t, host, "reveal", nil)
	ada.expect(session.TypeQuestionClosed, "")
	ada.expect(session.TypeRevealed, "")
	ada.expect(session.TypeResult, "")

	// Revealed.
	mustRefuse(t, host, "close", nil, "wrong_state")
	mustRefuse(t, host, "reveal", nil, "wrong_state")
	mustRefuse(t, host, "extend_time", ext, "wrong_state")
	mustOK(t, host, "leaderboard", nil)
	ada.expect(session.TypeLeaderboard, "")
	ada.expect(session.TypeYourRank, "")
	mustRefuse(t, host, "leaderboard", nil, "wrong_state")

	// From the leaderboard, the same question again, then the next one.
	mustOK(t, host, "reask", nil)
	if o := decode[session.QuestionOpened](t, ada.expect(session.TypeQuestionOpened, "")); o.QuestionID != "q1" || o.Round != 2 {
		t.Errorf("reask opened %+v, want q1 round 2", o)
	}
	mustOK(t, host, "close", nil)
	mustRefuse(t, host, "close", nil, "wrong_state")
	// Move on without revealing (allowed: the round scores nothing).
	mustOK(t, host, "ask_next", nil)
	if o := decode[session.QuestionOpened](t, ada.expect(session.TypeQuestionOpened, "")); o.QuestionID != "q2" {
		t.Errorf("ask_next opened %+v, want q2", o)
	}
	// q2 has no time limit.
	mustRefuse(t, host, "extend_time", ext, "no_time_limit")
	mustOK(t, host, "close", nil)
	// Every question has been asked.
	mustRefuse(t, host, "ask_next", nil, "no_more_questions")
	mustOK(t, host, "reveal", nil)
	mustRefuse(t, host, "ask_next", nil, "no_more_questions")

	// End, then everything after the end.
	mustOK(t, host, "end", nil)
	ada.expect(session.TypeEnded, "")
	if r := decode[session.YourRank](t, ada.expect(session.TypeYourRank, "")); !r.Final {
		t.Errorf("your_rank at the end = %+v, want final", r)
	}
	for _, cmd := range []string{"ask_next", "reask", "close", "reveal", "leaderboard", "lock", "unlock"} {
		mustRefuse(t, host, cmd, nil, "ended")
	}
	mustRefuse(t, host, "kick", kick, "ended")
	mustRefuse(t, host, "extend_time", ext, "ended")
	mustRefuse(t, host, "set_options", session.DefaultOptions(), "ended")
	mustRefuse(t, host, "ask_typed", map[string]any{"question": ClientQuestion{Kind: quiz.Poll, Prompt: "More?", Choices: []string{"y", "n"}}}, "ended")
	mustOK(t, host, "end", nil) // a repeated click is harmless
	if a := answer(ada, clientAnswer{QuestionID: "q2", Round: 1, Text: "32"}); a.OK || a.Error.Code != "ended" {
		t.Errorf("answer after the end: %+v, want ended", a)
	}
	late := th.dial(t, false)
	late.hello(info.Code, RoleStudent, "")
	if a := late.ack(late.command("join", map[string]string{"nickname": "late"})); a.OK || a.Error.Code != "ended" {
		t.Errorf("join after the end: %+v, want ended", a)
	}
	rep, err := th.hub.Results(context.Background(), info.ID)
	if err != nil || rep.Results.State != session.Ended || len(rep.Results.Rounds) != 3 {
		t.Fatalf("results = %+v, %v", rep.Results, err)
	}
}

// Ending the session while a timed question is open closes it; the timer
// that was armed for it must not fire a tick into the ended session.
func TestAuditEndWhileTimedQuestionIsOpen(t *testing.T) {
	th := newTestHub(t)
	info := th.createWith(t, auditOpts(), auditQuestion("t1", quiz.Single, auditLimit), auditQuestion("t2", quiz.Single, auditLimit))
	host := th.host(t, info.Code)
	ada, _ := th.student(t, info.Code, "ada")
	mustOK(t, host, "ask_next", nil)
	ada.expect(session.TypeQuestionOpened, "")
	mustOK(t, host, "end", nil)
	ada.expect(session.TypeQuestionClosed, "")
	ada.expect(session.TypeEnded, "")
	// Past the deadline: nothing more happens.
	if got := ada.quiet(2*auditLimit, session.TypeQuestionClosed, session.TypeEnded, session.TypeQuestionOpened); got != "" {
		t.Errorf("after the end the student received %s", got)
	}
	if kinds := th.storedKinds(t, info.ID); slices.Contains(kinds, "tick") {
		t.Errorf("stored %v: a tick after the end", kinds)
	}
	if rec, err := th.store.Session(context.Background(), info.ID); err != nil || rec.EndedAt.IsZero() {
		t.Errorf("the end is not stored: %+v %v", rec, err)
	}
	mustOK(t, host, "end", nil)
}

// Revealing a timed question before its time is up closes it at once; the
// armed timer then has nothing to do.
func TestAuditRevealBeforeTheTimerRunsOut(t *testing.T) {
	th := newTestHub(t)
	info := th.createWith(t, auditOpts(), auditQuestion("t1", quiz.Multiple, auditLimit), auditQuestion("t2", quiz.Text, auditLimit))
	host := th.host(t, info.Code)
	ada, _ := th.student(t, info.Code, "ada")
	mustOK(t, host, "ask_next", nil)
	ada.expect(session.TypeQuestionOpened, "")
	if a := answer(ada, clientAnswer{QuestionID: "t1", Round: 1, Choices: []string{"a", "c", "a"}}); !a.OK {
		t.Fatalf("answer refused: %+v", a.Error)
	}
	mustOK(t, host, "reveal", nil)
	ada.expect(session.TypeQuestionClosed, "")
	if r := decode[session.Result](t, ada.expect(session.TypeResult, "")); r.Outcome != session.OutcomeRight || r.Score != 100 {
		t.Errorf("result = %+v, want right with 100", r)
	}
	mustOK(t, host, "leaderboard", nil)
	if got := ada.quiet(2*auditLimit, session.TypeQuestionClosed, session.TypeRevealed); got != "" {
		t.Errorf("after the reveal the student received %s", got)
	}
	if kinds := th.storedKinds(t, info.ID); slices.Contains(kinds, "tick") {
		t.Errorf("stored %v: a tick for a question already revealed", kinds)
	}
	// The next timed question still runs out by itself.
	mustOK(t, host, "ask_next", nil)
	host.expect(session.TypeQuestionClosed, "")
	mustOK(t, host, "reveal", nil)
}

// A question asked again (peer instruction) gets its own round and its own
// timer; an answer for the earlier round is refused, round 0 means "the
// current one", and only the last revealed round counts.
func TestAuditReaskRoundsWithTimers(t *testing.T) {
	th := newTestHub(t)
	q := auditQuestion("r1", quiz.Single, auditLimit)
	info := th.createWith(t, auditOpts(), q)
	host := th.host(t, info.Code)
	ada, _ := th.student(t, info.Code, "ada")
	bob, _ := th.student(t, info.Code, "bob")
	mustOK(t, host, "ask_next", nil)
	ada.expect(session.TypeQuestionOpened, "")
	if a := answer(ada, clientAnswer{QuestionID: "r1", Round: 1, Choices: []string{"b"}}); !a.OK {
		t.Fatal(a.Error)
	}
	host.expect(session.TypeQuestionClosed, "")
	mustOK(t, host, "reveal", nil)
	if r := decode[session.Result](t, ada.expect(session.TypeResult, "")); r.Outcome != session.OutcomeWrong {
		t.Errorf("round 1 result = %+v", r)
	}
	mustOK(t, host, "reask", nil)
	if o := decode[session.QuestionOpened](t, ada.expect(session.TypeQuestionOpened, "")); o.Round != 2 || o.DeadlineMS == 0 {
		t.Errorf("reask opened %+v, want round 2 with a deadline", o)
	}
	if a := answer(ada, clientAnswer{QuestionID: "r1", Round: 1, Choices: []string{"a"}}); a.OK || a.Error.Code != "question_closed" {
		t.Errorf("an answer for round 1 during round 2: %+v, want question_closed", a)
	}
	if a := answer(ada, clientAnswer{QuestionID: "r1", Round: 2, Choices: []string{"a"}}); !a.OK {
		t.Errorf("round 2 answer refused: %+v", a.Error)
	}
	if a := answer(bob, clientAnswer{QuestionID: "r1", Round: 0, Choices: []string{"a"}}); !a.OK {
		t.Errorf("round 0 answer refused: %+v", a.Error)
	}
	host.expect(session.TypeQuestionClosed, "")
	mustOK(t, host, "reveal", nil)
	rv := decode[session.RevealedPayload](t, ada.expect(session.TypeRevealed, ""))
	if rv.Round != 2 || len(rv.Histograms) != 2 || rv.Right != 2 {
		t.Errorf("revealed = %+v, want round 2, both histograms, 2 right", rv)
	}
	if r := decode[session.Result](t, ada.expect(session.TypeResult, "")); r.Outcome != session.OutcomeRight || r.Score != 100 {
		t.Errorf("round 2 result = %+v", r)
	}
	rep, err := th.hub.Results(context.Background(), info.ID)
	if err != nil || len(rep.Results.Rounds) != 2 || rep.Results.Rounds[0].Counted || !rep.Results.Rounds[1].Counted {
		t.Errorf("results = %+v %v", rep.Results.Rounds, err)
	}
}

// Every way a student's answer can be wrong gets a refusal with its code,
// and none of them disturbs the session.
func TestAuditAnswerRefusals(t *testing.T) {
	th := newTestHub(t)
	info := th.create(t) // q1 single, q2 text
	host := th.host(t, info.Code)
	ada, _ := th.student(t, info.Code, "ada")
	lurker := th.dial(t, false) // said hello, never joined
	lurker.hello(info.Code, RoleStudent, "")

	if a := answer(ada, clientAnswer{QuestionID: "q1", Round: 1, Choices: []string{"a"}}); a.OK || a.Error.Code != "question_closed" {
		t.Errorf("answer in the lobby: %+v", a)
	}
	mustOK(t, host, "ask_next", nil)
	ada.expect(session.TypeQuestionOpened, "")
	for _, c := range []struct {
		name string
		a    clientAnswer
		code string
	}{
		{"another question", clientAnswer{QuestionID: "q2", Round: 1, Text: "32"}, "question_closed"},
		{"a later round", clientAnswer{QuestionID: "q1", Round: 2, Choices: []string{"a"}}, "question_closed"},
		{"text to a choice question", clientAnswer{QuestionID: "q1", Round: 1, Text: "a"}, "invalid_answer"},
		{"no choice", clientAnswer{QuestionID: "q1", Round: 1}, "invalid_answer"},
		{"two choices to a single", clientAnswer{QuestionID: "q1", Round: 1, Choices: []string{"a", "b"}}, "invalid_answer"},
		{"an unknown choice", clientAnswer{QuestionID: "q1", Round: 1, Choices: []string{"z"}}, "invalid_answer"},
	} {
		if a := answer(ada, c.a); a.OK || a.Error.Code != c.code {
			t.Errorf("%s: %+v, want %s", c.name, a, c.code)
		}
	}
	if a := answer(lurker, clientAnswer{QuestionID: "q1", Round: 1, Choices: []string{"a"}}); a.OK || a.Error.Code != "not_participant" {
		t.Errorf("answer without joining: %+v", a)
	}
	if a := host.ack(host.command("answer", clientAnswer{QuestionID: "q1", Round: 1, Choices: []string{"a"}})); a.OK {
		t.Errorf("the host answered: %+v", a)
	}
	// Data that does not fit an answer.
	ada.send("answer", "bad-1", map[string]any{"question_id": "q1", "round": 1, "choice": "a"})
	if a := ada.ack("bad-1"); a.OK || a.Error.Code != "bad_data" {
		t.Errorf("answer with an unknown field: %+v", a)
	}
	// After all that, a good answer goes through.
	if a := answer(ada, clientAnswer{QuestionID: "q1", Round: 1, Choices: []string{"a"}}); !a.OK {
		t.Fatalf("a good answer was refused: %+v", a.Error)
	}
	mustOK(t, host, "close", nil)
	ada.expect(session.TypeQuestionClosed, "")
	mustOK(t, host, "ask_next", nil) // q2, the text question
	ada.expect(session.TypeQuestionOpened, "")
	for _, c := range []struct {
		name string
		a    clientAnswer
	}{
		{"choices to a text question", clientAnswer{QuestionID: "q2", Round: 1, Choices: []string{"a"}}},
		{"blank text", clientAnswer{QuestionID: "q2", Round: 1, Text: "   "}},
		{"overlong text", clientAnswer{QuestionID: "q2", Round: 1, Text: strings.Repeat("9", quiz.MaxAnswerLen+1)}},
	} {
		if a := answer(ada, c.a); a.OK || a.Error.Code != "invalid_answer" {
			t.Errorf("%s: %+v, want invalid_answer", c.name, a)
		}
	}
	if a := answer(ada, clientAnswer{QuestionID: "q2", Round: 1, Text: "thirty-two"}); !a.OK {
		t.Fatalf("a wrong typed answer was refused: %+v", a.Error)
	}
	mustOK(t, host, "reveal", nil)
	if r := decode[session.Result](t, ada.expect(session.TypeResult, "")); r.Outcome != session.OutcomeWrong {
		t.Errorf("typed result = %+v, want wrong", r)
	}
	if a := answer(ada, clientAnswer{QuestionID: "q2", Round: 1, Text: "32"}); a.OK || a.Error.Code != "already_answered" && a.Error.Code != "question_closed" {
		t.Errorf("answer after the reveal: %+v", a)
	}
}

// A retried answer (same command id) is acknowledged again with its first
// result even once the question's time has run out, and even after a
// restart; it is stored once.
func TestAuditRetriedAnswerAfterTimeoutAndRestart(t *testing.T) {
	dir := t.TempDir()
	th := startTestHub(t, dir)
	q := auditQuestion("t1", quiz.TrueFalse, auditLimit)
	info := th.createWith(t, auditOpts(), q)
	host := th.host(t, info.Code)
	ada, jr := th.student(t, info.Code, "ada")
	mustOK(t, host, "ask_next", nil)
	ada.expect(session.TypeQuestionOpened, "")
	ada.send("answer", "ans-1", clientAnswer{QuestionID: "t1", Round: 1, Choices: []string{"false"}})
	first := ada.ack("ans-1")
	if !first.OK {
		t.Fatal(first.Error)
	}
	ada.expect(session.TypeQuestionClosed, "")
	ada.send("answer", "ans-1", clientAnswer{QuestionID: "t1", Round: 1, Choices: []string{"false"}})
	if again := ada.ack("ans-1"); !again.OK || string(again.Result.(json.RawMessage)) != string(first.Result.(json.RawMessage)) {
		t.Errorf("retry after the close = %+v, want %s", again, first.Result)
	}
	th.stop()

	th2 := startTestHub(t, dir)
	back := th2.dial(t, false)
	back.lastSeq = ada.lastSeq
	back.hello(info.Code, RoleStudent, jr.Token)
	back.send("answer", "ans-1", clientAnswer{QuestionID: "t1", Round: 1, Choices: []string{"false"}})
	if again := back.ack("ans-1"); !again.OK || string(again.Result.(json.RawMessage)) != string(first.Result.(json.RawMessage)) {
		t.Errorf("retry after a restart = %+v, want %s", again, first.Result)
	}
	n := 0
	for _, k := range th2.storedKinds(t, info.ID) {
		if k == "answer" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the answer is stored %d times, want once", n)
	}
}

// Kicking a student in the middle of a question: their answer leaves the
// count, they can no longer answer or come back with their token, and the
// rest of the class carries on.
func TestAuditKickMidQuestion(t *testing.T) {
	th := newTestHub(t)
	info := th.create(t)
	host := th.host(t, info.Code)
	ada, jra := th.student(t, info.Code, "ada")
	bob, _ := th.student(t, info.Code, "bob")
	mustOK(t, host, "ask_next", nil)
	ada.expect(session.TypeQuestionOpened, "")
	for _, s := range []*wsClient{ada, bob} {
		if a := answer(s, clientAnswer{QuestionID: "q1", Round: 1, Choices: []string{"a"}}); !a.OK {
			t.Fatal(a.Error)
		}
	}
	mustOK(t, host, "kick", map[string]string{"participant_id": jra.ParticipantID})
	if k := decode[session.Kicked](t, ada.expect(session.TypeKicked, "")); k.ParticipantID != jra.ParticipantID {
		t.Errorf("kicked = %+v", k)
	}
	host.expect(session.TypeKicked, "")
	mustRefuse(t, host, "kick", map[string]string{"participant_id": jra.ParticipantID}, "not_participant")
	mustRefuse(t, host, "kick", map[string]string{"participant_id": "p42"}, "not_participant")
	mustRefuse(t, host, "extend_time", map[string]any{"participant_id": jra.ParticipantID, "seconds": 10}, "not_participant")
	if a := answer(ada, clientAnswer{QuestionID: "q1", Round: 1, Choices: []string{"b"}}); a.OK || a.Error.Code != "not_participant" {
		t.Errorf("a kicked student answered: %+v", a)
	}
	// Joining again on the same connection gives no fresh token.
	if a := ada.ack(ada.command("join", map[string]string{"nickname": "ada2"})); a.OK || a.Error == nil || a.Error.Code != "kicked" {
		t.Errorf("a kicked student's join on the same connection: %+v, want kicked", a)
	}
	mustOK(t, host, "reveal", nil)
	rv := decode[session.RevealedPayload](t, bob.expect(session.TypeRevealed, ""))
	if rv.Answered != 1 {
		t.Errorf("revealed counts %d answers, want 1 (the kicked student's is removed)", rv.Answered)
	}
	if r := decode[session.Result](t, bob.expect(session.TypeResult, "")); r.Rank != 1 || r.Participants != 1 {
		t.Errorf("bob's result = %+v", r)
	}
	// The kicked phone reconnects with its token.
	back := th.dial(t, false)
	back.send("hello", "", hello{Protocol: ProtocolVersion, Session: info.Code, Role: RoleStudent, Token: jra.Token})
	if e := back.expect("error", ""); !strings.Contains(string(e.Data), `"kicked"`) {
		t.Errorf("kicked student's resume: %s", e.Data)
	}
	if w := back.expect("welcome", ""); strings.Contains(string(w.Data), "participant_id") {
		t.Errorf("kicked student's resume was welcomed as a participant: %s", w.Data)
	}
	// The nickname stays taken.
	if a := back.ack(back.command("join", map[string]string{"nickname": "ADA"})); a.OK || a.Error.Code != "nickname_taken" {
		t.Errorf("join as the kicked nickname: %+v", a)
	}
	mustOK(t, host, "end", nil)
	if e := decode[session.EndedPayload](t, bob.expect(session.TypeEnded, "")); len(e.Podium) != 1 || e.Podium[0].Nickname != "bob" {
		t.Errorf("podium = %+v", e)
	}
}

// Extra time for one student: the question stays open for them past the
// class's deadline while everyone else is refused, and closes by itself
// when the extra time runs out.
func TestAuditExtendTimePastTheClassDeadline(t *testing.T) {
	th := newTestHub(t)
	info := th.createWith(t, auditOpts(), auditQuestion("t1", quiz.Single, auditLimit))
	host := th.host(t, info.Code)
	ada, jra := th.student(t, info.Code, "ada")
	bob, _ := th.student(t, info.Code, "bob")
	mustOK(t, host, "ask_next", nil)
	opened := decode[session.QuestionOpened](t, ada.expect(session.TypeQuestionOpened, ""))
	mustOK(t, host, "extend_time", map[string]any{"participant_id": jra.ParticipantID, "seconds": 1})
	te := decode[session.TimeExtended](t, ada.expect(session.TypeTimeExtended, ""))
	if te.DeadlineMS <= opened.DeadlineMS {
		t.Errorf("extended deadline %d is not after %d", te.DeadlineMS, opened.DeadlineMS)
	}
	time.Sleep(time.Until(time.UnixMilli(opened.DeadlineMS)) + 50*time.Millisecond)
	if a := answer(bob, clientAnswer{QuestionID: "t1", Round: 1, Choices: []string{"a"}}); a.OK || a.Error.Code != "question_closed" {
		t.Errorf("bob after his deadline: %+v, want question_closed", a)
	}
	if a := answer(ada, clientAnswer{QuestionID: "t1", Round: 1, Choices: []string{"a"}}); !a.OK {
		t.Errorf("ada within her extra time was refused: %+v", a.Error)
	}
	// The extended deadline closes it by itself.
	if c := decode[session.QuestionClosedPayload](t, host.expect(session.TypeQuestionClosed, "")); c.Answered != 1 {
		t.Errorf("question_closed = %+v", c)
	}
	mustOK(t, host, "reveal", nil)
}

// The instructor's laptop drops its connection mid-question and comes
// back: with its last seq it gets what it missed and the answer key again;
// without, a snapshot with the open question. A projector reconnecting
// never gets the key. Then the host carries on.
func TestAuditHostReconnectsMidQuestion(t *testing.T) {
	th := newTestHub(t)
	info := th.create(t)
	host := th.host(t, info.Code)
	ada, _ := th.student(t, info.Code, "ada")
	mustOK(t, host, "ask_next", nil)
	host.expect("answer_key", "")
	last := host.lastSeq
	host.conn.Close()

	if a := answer(ada, clientAnswer{QuestionID: "q1", Round: 1, Choices: []string{"a"}}); !a.OK {
		t.Fatal(a.Error)
	}
	bob, _ := th.student(t, info.Code, "bob") // a late joiner, which the host missed

	back := th.dial(t, true)
	back.lastSeq = last
	if w := back.hello(info.Code, RoleHost, ""); !strings.Contains(string(w.Data), `"resume":"replay"`) {
		t.Fatalf("host welcome = %s, want a replay", w.Data)
	}
	if j := decode[session.ParticipantJoined](t, back.expect(session.TypeParticipantJoined, "")); j.Nickname != "bob" {
		t.Errorf("replayed join = %+v", j)
	}
	if k := back.expect("answer_key", ""); !strings.Contains(string(k.Data), `"q1"`) {
		t.Errorf("answer_key after reconnect = %s", k.Data)
	}

	fresh := th.dial(t, true)
	if w := fresh.hello(info.Code, RoleHost, ""); !strings.Contains(string(w.Data), `"resume":"snapshot"`) {
		t.Errorf("fresh host welcome = %s", w.Data)
	}
	v := decode[session.HostView](t, fresh.expect("snapshot", ""))
	if v.State != session.QuestionOpen || v.Question == nil || !v.Question.Open || v.Question.Answered != 1 || len(v.Question.Key.Correct) != 1 {
		t.Errorf("host snapshot = %+v", v)
	}

	proj := th.dial(t, true)
	proj.lastSeq = last
	proj.hello(info.Code, RolePresenter, "")
	if got := proj.quiet(300*time.Millisecond, "answer_key"); got != "" {
		t.Errorf("a reconnecting projector received %s", got)
	}

	mustOK(t, back, "close", nil)
	mustOK(t, back, "reveal", nil)
	bob.expect(session.TypeRevealed, "")
	if r := decode[session.Result](t, ada.expect(session.TypeResult, "")); r.Outcome != session.OutcomeRight {
		t.Errorf("ada's result = %+v", r)
	}
	fresh.expect(session.TypeRevealed, "")
}

// The server restarts in the middle of a question. Phones and the
// dashboard come back with their last seq and get a replay, numbered as
// before; the teacher carries on and everyone hears the rest.
func TestAuditResumeAfterRestartMidQuestion(t *testing.T) {
	dir := t.TempDir()
	th := startTestHub(t, dir)
	info := th.create(t)
	host := th.host(t, info.Code)
	ada, jra := th.student(t, info.Code, "ada")
	bob, jrb := th.student(t, info.Code, "bob")
	mustOK(t, host, "ask_next", nil)
	host.expect("answer_key", "")
	ada.expect(session.TypeQuestionOpened, "")
	if a := answer(ada, clientAnswer{QuestionID: "q1", Round: 1, Choices: []string{"a"}}); !a.OK {
		t.Fatal(a.Error)
	}
	bobSeq := bob.lastSeq // bob's phone slept before the question opened
	adaSeq, hostSeq := ada.lastSeq, host.lastSeq
	head := headOf(t, th, info.ID)
	th.stop()

	th2 := startTestHub(t, dir)
	if h := headOf(t, th2, info.ID); h != head {
		t.Errorf("after a restart the session's last seq is %d, want %d as before", h, head)
	}
	ada2 := th2.dial(t, false)
	ada2.lastSeq = adaSeq
	if w := ada2.hello(info.Code, RoleStudent, jra.Token); !strings.Contains(string(w.Data), `"resume":"replay"`) {
		t.Errorf("ada's welcome after restart = %s", w.Data)
	}
	bob2 := th2.dial(t, false)
	bob2.lastSeq = bobSeq
	bob2.hello(info.Code, RoleStudent, jrb.Token)
	if o := decode[session.QuestionOpened](t, bob2.expect(session.TypeQuestionOpened, "")); o.QuestionID != "q1" {
		t.Errorf("bob's replay = %+v", o)
	}
	host2 := th2.dial(t, true)
	host2.lastSeq = hostSeq
	if w := host2.hello(info.Code, RoleHost, ""); !strings.Contains(string(w.Data), `"resume":"replay"`) {
		t.Errorf("host's welcome after restart = %s", w.Data)
	}
	host2.expect("answer_key", "")
	mustOK(t, host2, "reveal", nil)
	if r := decode[session.Result](t, ada2.expect(session.TypeResult, "")); r.Outcome != session.OutcomeRight || r.Score != 100 {
		t.Errorf("ada's result after restart = %+v", r)
	}
	if r := decode[session.Result](t, bob2.expect(session.TypeResult, "")); r.Outcome != session.OutcomeNoAnswer {
		t.Errorf("bob's result after restart = %+v", r)
	}
	if ada2.lastSeq <= adaSeq {
		t.Errorf("ada's seq went from %d to %d across the restart", adaSeq, ada2.lastSeq)
	}
	mustOK(t, host2, "ask_next", nil)
	mustOK(t, host2, "end", nil)
	bob2.expect(session.TypeEnded, "")
}

// A timed question's deadline passes while the server is down: on restart
// the question closes at once, the phones hear it on resume, and a second
// restart replays that close exactly.
func TestAuditTimerRunsOutWhileServerIsDown(t *testing.T) {
	dir := t.TempDir()
	th := startTestHub(t, dir)
	info := th.createWith(t, auditOpts(), auditQuestion("t1", quiz.Poll, auditLimit), auditQuestion("t2", quiz.Text, 0))
	host := th.host(t, info.Code)
	ada, jra := th.student(t, info.Code, "ada")
	mustOK(t, host, "ask_next", nil)
	opened := decode[session.QuestionOpened](t, ada.expect(session.TypeQuestionOpened, ""))
	if a := answer(ada, clientAnswer{QuestionID: "t1", Round: 1, Choices: []string{"b"}}); !a.OK {
		t.Fatal(a.Error)
	}
	adaSeq := ada.lastSeq
	th.stop()
	time.Sleep(time.Until(time.UnixMilli(opened.DeadlineMS)) + 20*time.Millisecond)

	th2 := startTestHub(t, dir)
	ada2 := th2.dial(t, false)
	ada2.lastSeq = adaSeq
	ada2.hello(info.Code, RoleStudent, jra.Token)
	if c := decode[session.QuestionClosedPayload](t, ada2.expect(session.TypeQuestionClosed, "")); c.QuestionID != "t1" || c.Answered != 1 {
		t.Errorf("question_closed after restart = %+v", c)
	}
	host2 := th2.host(t, info.Code)
	mustOK(t, host2, "reveal", nil)
	if r := decode[session.Result](t, ada2.expect(session.TypeResult, "")); r.Outcome != session.OutcomePoll {
		t.Errorf("result = %+v", r)
	}
	headBefore := ada2.lastSeq
	th2.stop()

	th3 := startTestHub(t, dir)
	ada3 := th3.dial(t, false)
	ada3.lastSeq = headBefore
	if w := ada3.hello(info.Code, RoleStudent, jra.Token); !strings.Contains(string(w.Data), `"resume":"replay"`) {
		t.Errorf("welcome after the second restart = %s", w.Data)
	}
	if head := headOf(t, th3, info.ID); head != headBefore {
		t.Errorf("after the second restart the session's last seq is %d, want %d as before", head, headBefore)
	}
	host3 := th3.host(t, info.Code)
	mustOK(t, host3, "ask_next", nil)
	if o := host3.expect(session.TypeQuestionOpened, ""); o.Seq != headBefore+1 {
		t.Errorf("the next event after the second restart has seq %d, want %d", o.Seq, headBefore+1)
	}
	ada3.expect(session.TypeQuestionOpened, "")
	rep, err := th3.hub.Results(context.Background(), info.ID)
	if err != nil || len(rep.Results.Rounds) != 2 || !rep.Results.Rounds[0].Revealed || rep.Results.Rounds[0].Answered != 1 {
		t.Errorf("results after two restarts = %+v %v", rep.Results.Rounds, err)
	}
}

// Questions typed on the spot, of every kind, are asked, answered,
// revealed, and come back identical after a restart.
func TestAuditTypedQuestionsSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	th := startTestHub(t, dir)
	info := th.createWith(t, auditOpts()) // no questions: everything is typed
	host := th.host(t, info.Code)
	ada, jra := th.student(t, info.Code, "ada")
	mustRefuse(t, host, "ask_next", nil, "no_more_questions")
	mustRefuse(t, host, "reask", nil, "wrong_state")
	typed := []struct {
		q ClientQuestion
		a clientAnswer
	}{
		{ClientQuestion{Kind: quiz.Single, Prompt: "Port of DNS?", Choices: []string{"53", "80"}, Correct: []int{0}}, clientAnswer{Choices: []string{"a"}}},
		{ClientQuestion{Kind: quiz.Multiple, Prompt: "Transport protocols?", Choices: []string{"TCP", "IP", "UDP"}, Correct: []int{0, 2}}, clientAnswer{Choices: []string{"a", "c"}}},
		{ClientQuestion{Kind: quiz.TrueFalse, Prompt: "UDP is reliable", Choices: []string{"True", "False"}, Correct: []int{1}}, clientAnswer{Choices: []string{"false"}}},
		{ClientQuestion{Kind: quiz.Poll, Prompt: "Coffee?", Choices: []string{"yes", "no"}}, clientAnswer{Choices: []string{"b"}}},
		{ClientQuestion{Kind: quiz.Text, Prompt: "Loopback address?", Accepted: []string{"127.0.0.1"}, Match: quiz.MatchIP, Explanation: "localhost"}, clientAnswer{Text: "127.0.0.1"}},
	}
	score := 0
	for i, ty := range typed {
		mustOK(t, host, "ask_typed", map[string]any{"question": ty.q})
		o := decode[session.QuestionOpened](t, ada.expect(session.TypeQuestionOpened, ""))
		if o.Total != i+1 || o.Number != i+1 {
			t.Errorf("typed question %d opened as %+v", i, o)
		}
		ty.a.QuestionID, ty.a.Round = o.QuestionID, o.Round
		if a := answer(ada, ty.a); !a.OK {
			t.Fatalf("answer to typed %s refused: %+v", ty.q.Kind, a.Error)
		}
		mustOK(t, host, "reveal", nil)
		r := decode[session.Result](t, ada.expect(session.TypeResult, ""))
		want := session.OutcomeRight
		if ty.q.Kind == quiz.Poll {
			want = session.OutcomePoll
		} else {
			score += 100
		}
		if r.Outcome != want || r.Score != score {
			t.Errorf("typed %s: result %+v, want %s with score %d", ty.q.Kind, r, want, score)
		}
	}
	mustRefuse(t, host, "ask_typed", map[string]any{"question": ClientQuestion{Kind: quiz.Single, Prompt: "No key", Choices: []string{"x", "y"}}}, "invalid_question")
	mustRefuse(t, host, "ask_typed", map[string]any{"question": ClientQuestion{Kind: quiz.Text, Prompt: "Bad key", Accepted: []string{"10.0.0.0/33"}, Match: quiz.MatchCIDR}}, "invalid_question")
	mustRefuse(t, host, "ask_typed", map[string]any{"question": ClientQuestion{Kind: quiz.Poll, Prompt: "Too long", Choices: []string{"a", "b"}, TimeLimitSeconds: 4000}}, "invalid_question")
	mustRefuse(t, host, "ask_typed", map[string]any{"question": ClientQuestion{Kind: quiz.Poll, Prompt: "Wraps round", Choices: []string{"a", "b"}, TimeLimitSeconds: 1<<62 + 30}}, "invalid_question")
	mustRefuse(t, host, "ask_typed", map[string]any{"question": ClientQuestion{Kind: quiz.Poll, Prompt: "Thirteen", Choices: strings.Split("abcdefghijklm", "")}}, "invalid_question")
	before, err := th.hub.Results(context.Background(), info.ID)
	if err != nil {
		t.Fatal(err)
	}
	th.stop()

	th2 := startTestHub(t, dir)
	after, err := th2.hub.Results(context.Background(), info.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Times are stored to the microsecond: compare everything else.
	b1, _ := json.Marshal(timeless(before.Results))
	b2, _ := json.Marshal(timeless(after.Results))
	if string(b1) != string(b2) {
		t.Errorf("results changed across a restart:\nbefore %s\nafter  %s", b1, b2)
	}
	q1, _ := json.Marshal(before.Questions)
	q2, _ := json.Marshal(after.Questions)
	if string(q1) != string(q2) {
		t.Errorf("typed questions changed across a restart:\nbefore %s\nafter  %s", q1, q2)
	}
	back := th2.dial(t, false)
	back.hello(info.Code, RoleStudent, jra.Token)
	if v := decode[session.ParticipantView](t, back.expect("snapshot", "")); v.Score != score || v.State != session.Revealed {
		t.Errorf("ada's snapshot after restart = %+v, want score %d", v, score)
	}
}

// Late joins: a student joining while a question is open gets it and can
// answer it; with late joins off, or the session locked, joining is
// refused with the reason, and allowed again once unlocked.
func TestAuditLateJoinLockAndOptions(t *testing.T) {
	th := newTestHub(t)
	info := th.createWith(t, auditOpts(), auditQuestion("t1", quiz.Single, 0), auditQuestion("t2", quiz.Text, 0))
	host := th.host(t, info.Code)
	th.student(t, info.Code, "ada")
	mustOK(t, host, "ask_next", nil)

	late := th.dial(t, false)
	late.hello(info.Code, RoleStudent, "")
	late.join("late")
	v := decode[session.ParticipantView](t, late.expect("snapshot", ""))
	if v.State != session.QuestionOpen || v.Question == nil || v.Question.QuestionID != "t1" {
		t.Fatalf("a late joiner's snapshot = %+v", v)
	}
	if a := answer(late, clientAnswer{QuestionID: "t1", Round: v.Question.Round, Choices: []string{"a"}}); !a.OK {
		t.Errorf("a late joiner could not answer: %+v", a.Error)
	}

	mustOK(t, host, "lock", nil)
	host.expect(session.TypeOptionsChanged, "")
	locked := th.dial(t, false)
	locked.hello(info.Code, RoleStudent, "")
	if a := locked.ack(locked.command("join", map[string]string{"nickname": "locked"})); a.OK || a.Error.Code != "locked" {
		t.Errorf("join while locked: %+v", a)
	}
	mustOK(t, host, "unlock", nil)
	locked.join("locked") // the same connection, once unlocked

	opts := auditOpts()
	opts.AllowLateJoin = false
	mustOK(t, host, "set_options", opts)
	nolate := th.dial(t, false)
	nolate.hello(info.Code, RoleStudent, "")
	if a := nolate.ack(nolate.command("join", map[string]string{"nickname": "nolate"})); a.OK || a.Error.Code != "late_join" {
		t.Errorf("late join when late joins are off: %+v", a)
	}
	nolate.send("set_options", "so-1", map[string]any{"locked": true})
	if a := nolate.ack("so-1"); a.OK || a.Error.Code != "forbidden" {
		t.Errorf("a student set options: %+v", a)
	}
	host.send("set_options", "so-2", map[string]any{"lockd": true})
	if a := host.ack("so-2"); a.OK || a.Error.Code != "bad_data" {
		t.Errorf("set_options with a misspelt field: %+v", a)
	}
	mustOK(t, host, "reveal", nil)
	rep, _ := th.hub.Results(context.Background(), info.ID)
	if len(rep.Results.Participants) != 3 {
		t.Errorf("participants = %+v", rep.Results.Participants)
	}
}

// A student on long polling plays a whole timed question: the timer's
// close and the reveal reach the poll, and a new channel resumes with
// the last seq.
func TestAuditLongPollingStudentThroughATimedQuestion(t *testing.T) {
	th := newTestHub(t)
	info := th.createWith(t, auditOpts(), auditQuestion("t1", quiz.Single, auditLimit))
	host := th.host(t, info.Code)
	client := &http.Client{Timeout: 30 * time.Second}
	open := func() string {
		t.Helper()
		res, err := client.Post(th.srv.URL+"/live/poll", "application/json", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var o struct{ CID string }
		if err := json.NewDecoder(res.Body).Decode(&o); err != nil {
			t.Fatal(err)
		}
		return o.CID
	}
	send := func(cid, body string) {
		t.Helper()
		res, err := client.Post(th.srv.URL+"/live/send?cid="+url.QueryEscape(cid), "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNoContent {
			t.Fatalf("send = %d", res.StatusCode)
		}
	}
	var lastSeq uint64
	var seen, pending []Envelope
	// until polls until an envelope of type typ (and id) arrives; what
	// came after it in the same poll is kept for the next call.
	until := func(cid, typ, id string) Envelope {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			for len(pending) > 0 {
				e := pending[0]
				pending = pending[1:]
				seen = append(seen, e)
				if e.Type == typ && (id == "" || e.ID == id) {
					return e
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("long polling never got %s %s; got %v", typ, id, seen)
			}
			res, err := client.Get(th.srv.URL + "/live/poll?cid=" + url.QueryEscape(cid))
			if err != nil {
				t.Fatal(err)
			}
			var envs []Envelope
			err = json.NewDecoder(res.Body).Decode(&envs)
			res.Body.Close()
			if err != nil {
				t.Fatalf("poll: %v", err)
			}
			for _, e := range envs {
				if e.Seq > lastSeq {
					lastSeq = e.Seq
				}
			}
			pending = append(pending, envs...)
		}
	}
	cid := open()
	send(cid, fmt.Sprintf(`[{"type":"hello","data":{"protocol":1,"session":%q,"role":"student"}},{"type":"join","id":"j1","data":{"nickname":"polly"}}]`, info.Code))
	jack := decode[struct {
		OK     bool       `json:"ok"`
		Result joinResult `json:"result"`
	}](t, until(cid, "ack", "j1"))
	if !jack.OK {
		t.Fatalf("join over polling refused")
	}
	jr := jack.Result
	until(cid, "snapshot", "")
	mustOK(t, host, "ask_next", nil)
	until(cid, session.TypeQuestionOpened, "")
	send(cid, `{"type":"answer","id":"a1","data":{"question_id":"t1","round":1,"choices":["a"]}}`)
	if a := until(cid, "ack", "a1"); !strings.Contains(string(a.Data), `"ok":true`) {
		t.Errorf("answer over polling: %s", a.Data)
	}
	until(cid, session.TypeQuestionClosed, "")
	mustOK(t, host, "reveal", nil)
	until(cid, session.TypeResult, "")
	seqBefore := lastSeq
	mustOK(t, host, "leaderboard", nil)

	// The channel is abandoned (the phone went to sleep); a new one
	// resumes from the last seq.
	pending = nil
	cid2 := open()
	send(cid2, fmt.Sprintf(`{"type":"hello","data":{"protocol":1,"session":%q,"role":"student","token":%q,"last_seq":%d}}`, info.Code, jr.Token, seqBefore))
	w := until(cid2, "welcome", "")
	if !strings.Contains(string(w.Data), `"resume":"replay"`) {
		t.Errorf("polling resume = %s", w.Data)
	}
	until(cid2, session.TypeLeaderboard, "")
}

// An ended session lingers, then retires. Every phone still connected,
// joined or not, must then be told: an acknowledgement or a closed
// connection, never silence.
func TestAuditRetiredSessionLeavesNoPhoneHanging(t *testing.T) {
	th := startTestHubWith(t, t.TempDir(), func(c *testConfig) { c.EndedLinger = 50 * time.Millisecond })
	info := th.create(t)
	host := th.host(t, info.Code)
	ada, _ := th.student(t, info.Code, "ada")
	// carl opened the join page (hello) but had not typed his name yet.
	carl := th.dial(t, false)
	carl.hello(info.Code, RoleStudent, "")
	mustOK(t, host, "end", nil)
	ada.expect(session.TypeEnded, "")
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, running := th.hub.actorByID(info.ID); !running {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the ended session never retired")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// The joined phone is disconnected when the session retires.
	if _, err := ada.within(2*time.Second, "never", ""); err == nil || isTimeout(err) {
		t.Errorf("a joined phone of a retired session: %v, want its connection closed", err)
	}
	// The phone on the join page types a name and joins.
	id := carl.command("join", map[string]string{"nickname": "carl"})
	if _, err := carl.within(1500*time.Millisecond, "ack", id); isTimeout(err) {
		t.Errorf("a join sent to a retired session got no acknowledgement and the connection stayed open: the phone hangs")
	}
	// A new connection with the code finds no session.
	late := th.dial(t, false)
	late.send("hello", "", hello{Protocol: ProtocolVersion, Session: info.Code, Role: RoleStudent})
	if e := late.expect("error", ""); !strings.Contains(string(e.Data), "no_session") {
		t.Errorf("hello to a retired session: %s", e.Data)
	}
	if rep, err := th.hub.Results(context.Background(), info.ID); err != nil || rep.Results.State != session.Ended {
		t.Errorf("results of the retired session: %+v %v", rep.Results, err)
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// headOf is the last seq a running session has numbered.
func headOf(t testing.TB, th *testHub, id string) uint64 {
	t.Helper()
	a, ok := th.hub.actorByID(id)
	if !ok {
		t.Fatalf("session %s is not running", id)
	}
	var head uint64
	if err := a.do(context.Background(), func(a *actor) { head = a.seq }); err != nil {
		t.Fatal(err)
	}
	return head
}

// timeless is r without its times, which a restart reads back at the
// store's precision.
func timeless(r session.Results) session.Results {
	r.CreatedAt = time.Time{}
	for i := range r.Rounds {
		r.Rounds[i].OpenedAt, r.Rounds[i].ClosedAt = time.Time{}, time.Time{}
		for j := range r.Rounds[i].Answers {
			r.Rounds[i].Answers[j].ElapsedMS = 0
		}
	}
	for i := range r.Participants {
		r.Participants[i].JoinedAt = time.Time{}
	}
	return r
}

// Speed points are computed from when the answer came. The score a student
// was shown must be the score the session has after a restart, which
// replays the stored answer: the time applied live must be the time
// stored. A controlled clock puts an answer 1 ns past a rounding boundary
// (the real clock does this at random, a few answers in a million).
func TestAuditSpeedPointsSameAfterRestart(t *testing.T) {
	dir := t.TempDir()
	base := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	var clock atomic.Int64 // nanoseconds after base
	tune := func(c *testConfig) {
		c.Now = func() time.Time { return base.Add(time.Duration(clock.Load())) }
	}
	th := startTestHubWith(t, dir, tune)
	info := th.createWith(t, session.DefaultOptions(), auditQuestion("s1", quiz.Single, 30*time.Second))
	host := th.host(t, info.Code)
	ada, _ := th.student(t, info.Code, "ada")
	mustOK(t, host, "ask_next", nil)
	ada.expect(session.TypeQuestionOpened, "")
	// 300 ms of a 30 s limit is exactly 99.5 points, which rounds up to
	// 100; one nanosecond later it is just under, 99.
	clock.Store(int64(300*time.Millisecond + time.Nanosecond))
	if a := answer(ada, clientAnswer{QuestionID: "s1", Round: 1, Choices: []string{"a"}}); !a.OK {
		t.Fatal(a.Error)
	}
	mustOK(t, host, "reveal", nil)
	shown := decode[session.Result](t, ada.expect(session.TypeResult, ""))
	th.stop()

	th2 := startTestHubWith(t, dir, tune)
	rep, err := th2.hub.Results(context.Background(), info.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := rep.Results.Participants[0].Score; got != shown.Score {
		t.Errorf("ada was shown a score of %d; after a restart the session says %d", shown.Score, got)
	}
}

// The dashboard hears who answered and the live histogram; the phones
// hear the count without it.
func TestAuditDashboardHearsAnswers(t *testing.T) {
	th := newTestHub(t)
	info := th.createWith(t, auditOpts(), auditQuestion("m1", quiz.Multiple, 0))
	host := th.host(t, info.Code)
	ada, jra := th.student(t, info.Code, "ada")
	bob, _ := th.student(t, info.Code, "bob")
	mustOK(t, host, "ask_next", nil)
	bob.expect(session.TypeQuestionOpened, "")
	if a := answer(ada, clientAnswer{QuestionID: "m1", Round: 1, Choices: []string{"a", "b"}}); !a.OK {
		t.Fatal(a.Error)
	}
	ans := decode[answeredData](t, host.expect("answered", ""))
	if ans.QuestionID != "m1" || ans.Round != 1 || !slices.Equal(ans.ParticipantIDs, []string{jra.ParticipantID}) {
		t.Errorf("answered = %+v", ans)
	}
	hc := decode[session.AnswerCount](t, host.expect(session.TypeAnswerCount, ""))
	if hc.Answered != 1 || hc.Participants != 2 || hc.Histogram == nil || hc.Histogram.Counts["a"] != 1 || hc.Histogram.Counts["b"] != 1 || hc.Histogram.Counts["c"] != 0 {
		t.Errorf("host's answer_count = %+v", hc)
	}
	pc := decode[session.AnswerCount](t, bob.expect(session.TypeAnswerCount, ""))
	if pc.Answered != 1 || pc.Histogram != nil {
		t.Errorf("a phone's answer_count = %+v, want the count without the histogram", pc)
	}
	mustOK(t, host, "close", nil)
	// The count for the question arrives before its close, never after.
	if c := decode[session.QuestionClosedPayload](t, bob.expect(session.TypeQuestionClosed, "")); c.Answered != 1 {
		t.Errorf("question_closed = %+v", c)
	}
}
