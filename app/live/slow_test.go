package live

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"netstudy/app/auth"
	"netstudy/app/quiz"
	"netstudy/app/session"
)

// A student whose phone stops reading must not hold up the class: once its
// queue is full it is disconnected (it will resume from its last seq), and
// everyone else still receives every event, in order, without waiting.
func TestSlowClientIsDroppedWithoutDelayingOthers(t *testing.T) {
	h := NewHub(Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Auth: auth.New("k", []byte("s"))})
	a := newActor(h, "s", "123456", session.Setup{Options: session.DefaultOptions(), Questions: []quiz.Question{testQuestions()[0]}}, h.now())
	slow := h.Connect(ConnInfo{Transport: TransportWebSocket, RemoteIP: "10.0.0.1", Instructor: false})
	fast := h.Connect(ConnInfo{Transport: TransportWebSocket, RemoteIP: "10.0.0.2", Instructor: false})
	for i, c := range []*Peer{slow, fast} {
		c.attached, c.role = true, RoleStudent
		a.bind(c, []string{"p1", "p2"}[i])
	}
	for i := range 3 * sendQueueLen {
		// route never blocks: if it did, this loop would hang here.
		a.route(session.ToParticipants, newMessage("options_changed", "", uint64(i+1), nil))
		// The reading phone keeps up and gets each event in order.
		got := fast.Take(nil, 1)
		if len(got) == 0 {
			t.Fatalf("event %d did not reach the reading phone", i+1)
		}
		if want := fmt.Sprintf(`"seq":%d`, i+1); !strings.Contains(string(got[0].data), want) {
			t.Fatalf("event %d out of order: %s", i+1, got[0].data)
		}
	}
	if !slow.Closed() {
		t.Fatal("the phone that stopped reading is still connected")
	}
	if r, _ := slow.reason.Load().(string); r != "send queue full" {
		t.Errorf("closed because %q", r)
	}
	if fast.Closed() {
		t.Error("the reading phone was disconnected")
	}
}
