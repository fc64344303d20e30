package live

import (
	"context"
	"slices"
	"testing"
	"time"

	"netstudy/app/session"
)

// A question whose time runs out closes by itself: the session's own
// goroutine stores the tick and tells everyone, with nobody to acknowledge.
func TestQuestionClosesWhenItsTimeIsUp(t *testing.T) {
	th := newTestHub(t)
	qs := testQuestions()
	qs[0].TimeLimit = 300 * time.Millisecond
	opts := session.DefaultOptions()
	info, err := th.hub.Create(context.Background(), Setup{Title: "Timed", Options: opts, Questions: qs})
	if err != nil {
		t.Fatal(err)
	}
	host := th.dial(t, true)
	host.hello(info.Code, RoleHost, "")
	host.expect("snapshot", "")
	ada := th.dial(t, false)
	ada.hello(info.Code, RoleStudent, "")
	ada.join("ada")
	ada.expect("snapshot", "")
	if a := host.ack(host.command("ask_next", nil)); !a.OK {
		t.Fatalf("ask_next refused: %+v", a.Error)
	}
	ada.expect(session.TypeQuestionOpened, "")
	ada.expect(session.TypeQuestionClosed, "")
	host.expect(session.TypeQuestionClosed, "")
	// The session is still running, and the tick is stored, so that a
	// restart closes the question at the same moment.
	if a := host.ack(host.command("reveal", nil)); !a.OK {
		t.Fatalf("reveal after the time ran out refused: %+v", a.Error)
	}
	cmds, err := th.store.Commands(context.Background(), info.ID)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, c := range cmds {
		kinds = append(kinds, c.Kind)
	}
	if !slices.Contains(kinds, "tick") {
		t.Errorf("stored commands %v, want a tick", kinds)
	}
}
