package live

import (
	"encoding/json"
	"fmt"
	"testing"

	"netstudy/app/session"
)

// keyLeak says what in an envelope would give the answer key away, or ""
// if nothing does: the key's own fields, a count of right answers, or the
// dashboard's answer_key message.
func keyLeak(env Envelope) string {
	if env.Type == "answer_key" {
		return "an answer_key message"
	}
	var v any
	if err := json.Unmarshal(env.Data, &v); err != nil {
		return ""
	}
	return leakIn("data", v)
}

func leakIn(path string, v any) string {
	switch x := v.(type) {
	case map[string]any:
		for k, sub := range x {
			switch k {
			case "correct", "accepted":
				if list, ok := sub.([]any); ok && len(list) > 0 {
					return fmt.Sprintf("%s.%s = %v", path, k, list)
				}
			case "right":
				if n, ok := sub.(float64); ok && n != 0 {
					return fmt.Sprintf("%s.right = %v", path, n)
				}
			case "explanation_html", "match":
				if s, ok := sub.(string); ok && s != "" {
					return fmt.Sprintf("%s.%s = %q", path, k, s)
				}
			}
			if leak := leakIn(path+"."+k, sub); leak != "" {
				return leak
			}
		}
	case []any:
		for i, sub := range x {
			if leak := leakIn(fmt.Sprintf("%s[%d]", path, i), sub); leak != "" {
				return leak
			}
		}
	}
	return ""
}

// untilRevealed reads a presenter's frames up to the reveal and reports
// every one before it that gives the key away.
func untilRevealed(t *testing.T, name string, c *wsClient) {
	t.Helper()
	for {
		env, err := c.next()
		if err != nil {
			t.Fatalf("%s: waiting for the reveal: %v", name, err)
		}
		if env.Type == session.TypeRevealed {
			return
		}
		if leak := keyLeak(env); leak != "" {
			t.Errorf("%s got the key before the reveal in %s: %s", name, env.Type, leak)
		}
	}
}

// checkUntil checks every frame a presenter has been sent up to an envelope of
// type typ.
func checkUntil(t *testing.T, name string, c *wsClient, typ string) {
	t.Helper()
	for {
		env, err := c.next()
		if err != nil {
			t.Fatalf("%s: waiting for %s: %v", name, typ, err)
		}
		if leak := keyLeak(env); leak != "" {
			t.Errorf("%s got the key before the reveal in %s: %s", name, env.Type, leak)
		}
		if env.Type == typ {
			return
		}
	}
}

// No frame a projector receives before the reveal carries the answer key
// or the count of right answers: not on connect, not on a reload in the
// middle of a question (snapshot), not on a reconnect that replays what it
// missed, not among the live events. After the reveal the key is there.
func TestPresenterNeverSeesTheKeyBeforeTheReveal(t *testing.T) {
	th := newTestHub(t)
	info := th.create(t)
	host := th.host(t, info.Code)

	fromStart := th.dial(t, true) // on screen from the lobby on
	fromStart.hello(info.Code, RolePresenter, "")
	checkUntil(t, "presenter from the start", fromStart, "snapshot")

	var students []*wsClient
	for i := range 3 {
		s, _ := th.student(t, info.Code, fmt.Sprintf("s%d", i))
		students = append(students, s)
		checkUntil(t, "presenter from the start", fromStart, session.TypeParticipantJoined)
	}
	lobbySeq := fromStart.lastSeq
	mustOK(t, host, "ask_next", nil)
	for _, s := range students[:2] {
		s.expect(session.TypeQuestionOpened, "")
		if a := answer(s, clientAnswer{QuestionID: "q1", Round: 1, Choices: []string{"a"}}); !a.OK {
			t.Fatalf("answer refused: %+v", a.Error)
		}
	}
	students[2].expect(session.TypeQuestionOpened, "")
	if a := answer(students[2], clientAnswer{QuestionID: "q1", Round: 1, Choices: []string{"b"}}); !a.OK {
		t.Fatalf("answer refused: %+v", a.Error)
	}

	reloaded := th.dial(t, true) // the projector's page reloaded mid-question
	reloaded.hello(info.Code, RolePresenter, "")
	checkUntil(t, "reloaded presenter", reloaded, "snapshot")

	replayed := th.dial(t, true) // a reconnect that replays from the lobby
	replayed.lastSeq = lobbySeq
	w := replayed.hello(info.Code, RolePresenter, "")
	if leak := keyLeak(w); leak != "" {
		t.Errorf("replaying presenter's welcome: %s", leak)
	}
	if got := decode[welcomeData](t, w).Resume; got != "replay" {
		t.Errorf("the reconnecting presenter got resume %q, want replay", got)
	}

	mustOK(t, host, "close", nil)
	mustOK(t, host, "reveal", nil)
	for name, c := range map[string]*wsClient{"presenter from the start": fromStart, "reloaded presenter": reloaded, "replaying presenter": replayed} {
		untilRevealed(t, name, c)
	}
	if !contains(envTypes(replayed.seen), session.TypeQuestionOpened) {
		t.Errorf("the replaying presenter was not replayed the question: %v", envTypes(replayed.seen))
	}

	// Once revealed, a reload shows the key and the right answers.
	after := th.dial(t, true)
	after.hello(info.Code, RolePresenter, "")
	snap := after.expect("snapshot", "")
	v := decode[session.HostView](t, snap)
	if v.Question == nil || len(v.Question.Key.Correct) != 1 || v.Question.Right != 2 {
		t.Errorf("after the reveal a presenter's snapshot lacks the key: %s", snap.Data)
	}
	// The dashboard itself still gets the key on a reload mid-question.
	mustOK(t, host, "reask", nil)
	dash := th.dial(t, true)
	dash.hello(info.Code, RoleHost, "")
	if v := decode[session.HostView](t, dash.expect("snapshot", "")); v.Question == nil || len(v.Question.Key.Correct) != 1 {
		t.Errorf("the dashboard's snapshot lost the key")
	}
}

func envTypes(envs []Envelope) []string {
	out := make([]string, len(envs))
	for i, e := range envs {
		out[i] = e.Type
	}
	return out
}

// A client that says it has applied events the server never sent (its
// last_seq is above the latest) gets a snapshot, not an empty replay that
// would leave it showing a state the server does not have.
func TestLastSeqAboveTheLatestGetsASnapshot(t *testing.T) {
	th := newTestHub(t)
	info := th.create(t)
	_, jr := th.student(t, info.Code, "ahead")
	for _, role := range []Role{RoleStudent, RoleHost, RolePresenter} {
		c := th.dial(t, role != RoleStudent)
		c.lastSeq = 1 << 40
		token := ""
		if role == RoleStudent {
			token = jr.Token
		}
		w := c.hello(info.Code, role, token)
		if got := decode[welcomeData](t, w).Resume; got != "snapshot" {
			t.Errorf("%s with last_seq above the latest: resume %q, want snapshot", role, got)
			continue
		}
		if snap := c.expect("snapshot", ""); snap.Seq == 0 || snap.Seq >= 1<<40 {
			t.Errorf("%s snapshot seq %d", role, snap.Seq)
		}
	}
}
