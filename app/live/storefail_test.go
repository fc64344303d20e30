package live

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"testing"

	"netstudy/app/store"
)

// When SQLite refuses to store an answer, the student is told to try again
// and the session forgets the answer, so memory never runs ahead of the
// disk: a different answer is then accepted, and only it is stored. The
// failure is real: a trigger in the real database file refuses the insert.
func TestAnswerNotStoredIsNotAcknowledged(t *testing.T) {
	th := newTestHub(t)
	info := th.create(t)
	host := th.host(t, info.Code)
	ada, _ := th.student(t, info.Code, "ada")
	mustOK(t, host, "ask_next", nil)

	exec := th.storeFile(t)
	exec(`CREATE TRIGGER refuse_answers BEFORE INSERT ON commands WHEN NEW.kind = 'answer' BEGIN SELECT RAISE(ABORT, 'disk full'); END`)
	if a := ada.ack(ada.command("answer", clientAnswer{QuestionID: "q1", Round: 1, Choices: []string{"a"}})); a.OK || a.Error == nil || a.Error.Code != "unavailable" {
		t.Fatalf("answer the store refused: ack %+v, want unavailable", a)
	}
	exec(`DROP TRIGGER refuse_answers`)

	// Had the refused answer stayed in memory, this one would be refused
	// as a second answer to the same question.
	if a := ada.ack(ada.command("answer", clientAnswer{QuestionID: "q1", Round: 1, Choices: []string{"b"}})); !a.OK {
		t.Fatalf("answer after the store recovered refused: %+v", a.Error)
	}
	cmds, err := th.store.Commands(context.Background(), info.ID)
	if err != nil {
		t.Fatal(err)
	}
	var answers []answerPayload
	for _, c := range cmds {
		if c.Kind != "answer" {
			continue
		}
		var ap answerPayload
		if err := json.Unmarshal(c.Payload, &ap); err != nil {
			t.Fatal(err)
		}
		answers = append(answers, ap)
	}
	if len(answers) != 1 || len(answers[0].Answer.Choices) != 1 || answers[0].Answer.Choices[0] != "b" {
		t.Errorf("stored answers %+v, want the one answer b", answers)
	}
}

// Batches are stored while the next one is applied. When a batch fails to
// store, the next one, applied on top of it, is refused as well, though
// the store would have taken it: the session is rebuilt from the store,
// and neither batch is in it.
func TestBatchAppliedOnAFailedOneIsRefusedToo(t *testing.T) {
	th := newTestHub(t)
	info := th.create(t)
	host := th.host(t, info.Code)
	ada, _ := th.student(t, info.Code, "ada") // p1
	bob, _ := th.student(t, info.Code, "bob") // p2
	mustOK(t, host, "ask_next", nil)
	// Only ada's answers fail.
	th.storeFile(t)(`CREATE TRIGGER refuse_ada BEFORE INSERT ON commands WHEN NEW.kind = 'answer'
		AND instr(CAST(NEW.payload AS TEXT), '"participant_id":"p1"') > 0 BEGIN SELECT RAISE(ABORT, 'disk full'); END`)

	a, ok := th.hub.actorByID(info.ID)
	if !ok {
		t.Fatal("no actor")
	}
	answer := []byte(`{"question_id":"q1","round":1,"choices":["a"]}`)
	err := a.do(context.Background(), func(a *actor) {
		ctx := context.Background()
		a.handle(ctx, []actorMsg{commandMsg(a.byParticipant["p1"][0], Envelope{Type: "answer", ID: "ada-1", Data: answer})})
		a.handle(ctx, []actorMsg{commandMsg(a.byParticipant["p2"][0], Envelope{Type: "answer", ID: "bob-1", Data: answer})})
		a.settle(ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
	for c, id := range map[*wsClient]string{ada: "ada-1", bob: "bob-1"} {
		if ack := c.ack(id); ack.OK || ack.Error == nil || ack.Error.Code != "unavailable" {
			t.Errorf("%s: ack %+v, want unavailable", id, ack)
		}
	}
	// bob's answer is not in memory either: sent again, it is taken.
	if ack := bob.ack(bob.command("answer", clientAnswer{QuestionID: "q1", Round: 1, Choices: []string{"b"}})); !ack.OK {
		t.Fatalf("bob's answer sent again refused: %+v", ack.Error)
	}
}

// storeFile opens the hub's database file beside the store, as another
// program would, and returns a function that runs a statement on it.
func (th *testHub) storeFile(t *testing.T) func(query string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(th.dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return func(query string) {
		t.Helper()
		if _, err := db.Exec(query); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
}
