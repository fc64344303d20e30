package live

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"netstudy/app/cmdlog"
	"netstudy/app/natstest"
	"netstudy/app/session"
)

// stallingLog is the real log whose followers stop delivering, without an
// error, at the first command of one kind, as an ordered consumer did
// after the stream's leader died: the command is stored, but this node's
// follower never hands it over until it is made again.
type stallingLog struct {
	ClusterLog
	kind    string
	once    sync.Once
	stalled chan struct{} // closed once a follower stalled
}

func (l *stallingLog) Follow(ctx context.Context, sessionID string, afterSeq uint64, fn func(cmdlog.Command) error) error {
	return l.ClusterLog.Follow(ctx, sessionID, afterSeq, func(c cmdlog.Command) error {
		stall := false
		if c.Kind == l.kind {
			l.once.Do(func() { stall = true })
		}
		if stall {
			close(l.stalled)
			<-ctx.Done()
			return ctx.Err()
		}
		return fn(c)
	})
}

// TestClusterStalledFollower stores a student's answer while the node's
// follower has stopped delivering: the answer is neither applied nor
// acknowledged, so the node refuses it as "unavailable" (it used to
// leave it unanswered for good), starts its follower over, and takes the
// page's resend of the same command, which the log stores once.
func TestClusterStalledFollower(t *testing.T) {
	t.Parallel()
	c := natstest.Start(t)
	stalling := &stallingLog{kind: "answer", stalled: make(chan struct{})}
	a := startClusterHub(t, c, 0, func(cfg *testConfig) {
		stalling.ClusterLog = cfg.Cluster
		cfg.Cluster = stalling
	})
	info := a.create(t)
	host, st := a.askFirst(t, info.Code)
	st.expect(session.TypeQuestionOpened, "")

	answer := clientAnswer{QuestionID: "q1", Round: 1, Choices: []string{"a"}}
	id := st.command("answer", answer)
	if ack := st.ack(id); ack.OK || ack.Error == nil || ack.Error.Code != "unavailable" {
		t.Fatalf("answer stored while the follower stalled: %+v, want refused as unavailable", ack)
	}
	select {
	case <-stalling.stalled:
	default:
		t.Fatal("the follower never stalled: the test proves nothing")
	}
	// The page sends the refused command again with the same id until
	// it is acknowledged.
	for {
		st.send("answer", id, answer)
		ack := st.ack(id)
		if ack.OK {
			break
		}
		if ack.Error.Code != "unavailable" {
			t.Fatalf("answer sent again: %+v", ack)
		}
	}
	if ack := host.ack(host.command("close", nil)); !ack.OK {
		t.Fatalf("close after the stall: %+v", ack.Error)
	}
	closed := st.expect(session.TypeQuestionClosed, "")
	var cp struct {
		Answered int `json:"answered"`
	}
	if err := json.Unmarshal(closed.Data, &cp); err != nil || cp.Answered != 1 {
		t.Errorf("question closed with %s, want 1 answer", closed.Data)
	}
	if kinds := loggedKinds(t, a, info.ID); fmt.Sprint(kinds) != "[join ask_next answer close]" {
		t.Errorf("the log holds %v, want the answer once", kinds)
	}
}

// TestClusterStalledFollowerTick stalls the follower at a question's
// deadline, a command no client waits for: the node still notices its
// tick stored and not applied, starts its follower over, and closes the
// question for its students.
func TestClusterStalledFollowerTick(t *testing.T) {
	t.Parallel()
	c := natstest.Start(t)
	stalling := &stallingLog{kind: "tick", stalled: make(chan struct{})}
	a := startClusterHub(t, c, 0, func(cfg *testConfig) {
		stalling.ClusterLog = cfg.Cluster
		cfg.Cluster = stalling
	})
	qs := testQuestions()
	qs[0].TimeLimit = time.Second
	info, err := a.hub.Create(context.Background(), session.Setup{Title: "Quick", Options: session.DefaultOptions(), Questions: qs})
	if err != nil {
		t.Fatal(err)
	}
	_, st := a.askFirst(t, info.Code)
	st.expect(session.TypeQuestionClosed, "")
	select {
	case <-stalling.stalled:
	default:
		t.Fatal("the follower never stalled: the test proves nothing")
	}
}
