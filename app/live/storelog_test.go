package live

import (
	"context"
	"testing"
	"time"

	"netstudy/app/cmdlog"
	"netstudy/app/store"
)

// The actor numbers commands as it applies them and stores each batch
// fenced at the seq before it. When the log moved on behind its back (here
// another writer of the same SQLite file appends a command), the fence
// refuses the batch: the student is told to retry, the session is rebuilt
// from the log, and the retry is stored right after the other writer's
// command, the seqs still 1, 2, 3 with nothing lost or doubled.
func TestAppendFencedAtTheActorsSeq(t *testing.T) {
	th := newTestHub(t)
	info := th.create(t)
	host := th.host(t, info.Code)
	ada, _ := th.student(t, info.Code, "ada")
	mustOK(t, host, "ask_next", nil)
	ctx := context.Background()

	other := store.NewLog(th.store)
	before, err := other.Commands(ctx, info.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := before[len(before)-1].Seq
	tick := cmdlog.Command{Kind: "tick", At: time.Now().Truncate(time.Microsecond), Payload: []byte("{}")}
	if _, err := other.Append(ctx, info.ID, []cmdlog.Command{tick}, cmdlog.FenceAt(last)); err != nil {
		t.Fatal(err)
	}

	answer := clientAnswer{QuestionID: "q1", Round: 1, Choices: []string{"a"}}
	if a := ada.ack(ada.command("answer", answer)); a.OK || a.Error == nil || a.Error.Code != "unavailable" {
		t.Fatalf("answer applied on a log that moved on: ack %+v, want unavailable", a)
	}
	if a := ada.ack(ada.command("answer", answer)); !a.OK {
		t.Fatalf("the retried answer: %+v", a.Error)
	}
	cmds, err := th.store.Commands(ctx, info.ID)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for i, c := range cmds {
		if c.Seq != int64(i+1) {
			t.Fatalf("command %d has seq %d: the log is not dense", i, c.Seq)
		}
		kinds = append(kinds, c.Kind)
	}
	if n := len(kinds); n != len(before)+2 || kinds[n-2] != "tick" || kinds[n-1] != "answer" {
		t.Errorf("log ends %v, want the other writer's tick, then the one answer", kinds[len(before):])
	}
}
