package live

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"netstudy/app/auth"
	"netstudy/app/quiz"
	"netstudy/app/session"
)

var answerFrame = []byte(`{"type":"answer","id":"3f9a1c2b7d4e5f60-12","data":{"question_id":"q3","round":1,"choices":["b"]}}`)

func BenchmarkDecodeEnvelope(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		if _, err := Decode(answerFrame); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeQuestionEvent(b *testing.B) {
	q := testQuestions()[0]
	payload := session.QuestionOpened{QuestionID: q.ID, Number: 1, Total: 10, Round: 1, Question: q.Public(), TimeLimitMS: 30000}
	b.ReportAllocs()
	for range b.N {
		m := newMessage(session.TypeQuestionOpened, "", 42, payload)
		if len(m.data) == 0 {
			b.Fatal("empty")
		}
	}
}

// BenchmarkFanout10k measures queueing one event for 10,000 students: the
// actor's share of a broadcast (the writers' syscalls are not included).
func BenchmarkFanout10k(b *testing.B) {
	h := NewHub(Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Auth: auth.New("k", []byte("s"))})
	a := newActor(h, "s", "123456", session.Setup{Options: session.DefaultOptions(), Questions: []quiz.Question{testQuestions()[0]}}, h.now())
	clients := make([]*Peer, 10000)
	for i := range clients {
		c := h.Connect(ConnInfo{Transport: TransportWebSocket, RemoteIP: "127.0.0.1", Instructor: false})
		c.attached, c.role = true, RoleStudent
		a.bind(c, fmt.Sprintf("p%d", i+1))
		clients[i] = c
	}
	msg := newMessage(session.TypeQuestionOpened, "", 1, map[string]string{"x": "y"})
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		a.route(session.ToParticipants, msg)
		b.StopTimer()
		for _, c := range clients {
			c.Take(nil, 1)
		}
		b.StartTimer()
	}
}

// BenchmarkActorAnswers10k measures the session's own goroutine taking a
// class's answers to one question: applying them, storing them in SQLite
// (a real file) and queueing the acknowledgements, in batches of maxBatch
// as under load. The sockets, and the decoding the connections' own
// goroutines do, are not included.
func BenchmarkActorAnswers10k(b *testing.B) {
	const students = 10000
	ctx := context.Background()
	answer := []byte(`{"question_id":"q1","round":1,"choices":["a"]}`)
	for n := range b.N {
		b.StopTimer()
		th := startTestHub(b, b.TempDir())
		info := th.create(b)
		a, _ := th.hub.actorByID(info.ID)
		host := th.hub.Connect(ConnInfo{Transport: TransportWebSocket, RemoteIP: "127.0.0.1", Instructor: true})
		clients := make([]*Peer, students)
		msgs := make([]actorMsg, 0, students)
		for i := range clients {
			c := th.hub.Connect(ConnInfo{Transport: TransportWebSocket, RemoteIP: "127.0.0.1", Instructor: false})
			c.queueMax = 1 << 20 // nobody reads these queues
			clients[i] = c
			msgs = append(msgs, actorMsg{kind: msgCommand, c: c, env: Envelope{Type: "join", ID: fmt.Sprintf("j%d", i), Data: []byte(fmt.Sprintf(`{"nickname":"s%05d"}`, i))}})
		}
		err := a.do(ctx, func(a *actor) {
			host.attached, host.role = true, RoleHost
			a.hosts[host] = struct{}{}
			for _, c := range clients {
				c.attached, c.role = true, RoleStudent
				a.students[c] = struct{}{}
			}
			for i := 0; i < len(msgs); i += maxBatch {
				a.handle(ctx, msgs[i:min(i+maxBatch, len(msgs))])
			}
			a.handle(ctx, []actorMsg{{kind: msgCommand, c: host, env: Envelope{Type: "ask_next", ID: "ask"}}})
		})
		if err != nil {
			b.Fatal(err)
		}
		msgs = msgs[:0]
		for i, c := range clients {
			// Decoded as the connections' goroutines decode them.
			msgs = append(msgs, commandMsg(c, Envelope{Type: "answer", ID: fmt.Sprintf("a%d-%d", n, i), Data: answer}))
		}
		b.StartTimer()
		err = a.do(ctx, func(a *actor) {
			for i := 0; i < len(msgs); i += maxBatch {
				a.handle(ctx, msgs[i:min(i+maxBatch, len(msgs))])
			}
			a.settle(ctx) // the last batch's acknowledgements too
		})
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if got := testutil.ToFloat64(th.hub.metrics.stored); got < 2*students {
			b.Fatalf("%v commands stored, want joins and answers", got)
		}
		th.stop()
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*students), "ns/answer")
}
