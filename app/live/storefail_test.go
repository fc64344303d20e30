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

	db, err := sql.Open("sqlite", "file:"+filepath.Join(th.dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	exec := func(q string) {
		t.Helper()
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
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
