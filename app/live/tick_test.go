package live

import (
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
	info := th.createWith(t, session.DefaultOptions(), qs...)
	host := th.host(t, info.Code)
	ada, _ := th.student(t, info.Code, "ada")
	mustOK(t, host, "ask_next", nil)
	ada.expect(session.TypeQuestionOpened, "")
	ada.expect(session.TypeQuestionClosed, "")
	host.expect(session.TypeQuestionClosed, "")
	// The session is still running, and the tick is stored, so that a
	// restart closes the question at the same moment.
	mustOK(t, host, "reveal", nil)
	if kinds := th.storedKinds(t, info.ID); !slices.Contains(kinds, "tick") {
		t.Errorf("stored commands %v, want a tick", kinds)
	}
}
