package loadtest

import (
	"bytes"
	"encoding/json"
	"sync/atomic"
	"testing"

	"github.com/gobwas/ws"

	"netstudy/app/live"
)

// The poller hands a student whatever one read returned: frames split
// anywhere, several at once, masked or not. Every frame must come out
// whole, once, in order, wherever the reads cut.
func TestEachFrameAcrossAnySplit(t *testing.T) {
	var stream []byte
	var want []string
	for i, payload := range []string{`{"type":"ping","data":{"t":1}}`, "", string(bytes.Repeat([]byte("x"), 300)), string(bytes.Repeat([]byte("y"), 70000))} {
		f := ws.NewTextFrame([]byte(payload))
		if i == 1 {
			f = ws.MaskFrameInPlace(f)
		}
		b, err := ws.CompileFrame(f)
		if err != nil {
			t.Fatal(err)
		}
		stream = append(stream, b...)
		want = append(want, payload)
	}
	for cut := 1; cut <= len(stream); cut += 97 {
		var got []string
		var partial []byte
		for start := 0; start < len(stream); start += cut {
			chunk := stream[start:min(start+cut, len(stream))]
			partial = eachFrame(append(partial, chunk...), func(_ ws.OpCode, p []byte) bool {
				got = append(got, string(p))
				return true
			})
		}
		if len(partial) != 0 || len(got) != len(want) {
			t.Fatalf("reads of %d bytes: %d frames and %d bytes left, want %d frames", cut, len(got), len(partial), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("reads of %d bytes: frame %d differs", cut, i)
			}
		}
	}
}

func TestDecodeHead(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want live.Envelope
	}{
		{`{"type":"ack","id":"ab-1","data":{"ok":true}}`, live.Envelope{Type: "ack", ID: "ab-1", Data: []byte(`{"ok":true}`)}},
		{`{"type":"question_opened","seq":42,"data":{"question_id":"q1"}}`, live.Envelope{Type: "question_opened", Seq: 42, Data: []byte(`{"question_id":"q1"}`)}},
		{`{"type":"ended"}`, live.Envelope{Type: "ended"}},
		// Not the server's own order: the JSON decoder takes over.
		{`{"seq":7,"type":"x\"y"}`, live.Envelope{Type: `x"y`, Seq: 7}},
	} {
		var got live.Envelope
		if err := decodeHead([]byte(tc.in), &got); err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if got.Type != tc.want.Type || got.ID != tc.want.ID || got.Seq != tc.want.Seq || !bytes.Equal(got.Data, tc.want.Data) {
			t.Errorf("%s: got %+v, want %+v", tc.in, got, tc.want)
		}
	}
	if err := decodeHead([]byte(`{"type":`), new(live.Envelope)); err == nil {
		t.Error("a broken envelope decoded")
	}
}

// An answer is written by hand rather than by the JSON encoder; the server
// must read it as the answer it is, whatever the question id holds, and its
// acknowledgement must count once.
func TestHandWrittenAnswerIsWhatTheServerReads(t *testing.T) {
	for _, qid := range []string{"q1", `q"<2>\&é`} {
		r := &run{cfg: Config{Questions: 1}, acked: make([]atomic.Int64, 1), acks: make([][]float64, 1)}
		var out bytes.Buffer
		s := r.newStudent(0, nil, nil)
		s.out = &out
		s.asked[0] = openedQuestion{id: qid, round: 2, ok: true}
		if err := s.answer(0, "b"); err != nil {
			t.Fatal(err)
		}
		var frames int
		rest := eachFrame(out.Bytes(), func(op ws.OpCode, p []byte) bool {
			frames++
			env, err := live.Decode(p)
			if err != nil || op != ws.OpText || env.Type != "answer" || env.ID != s.prefix+"-1" {
				t.Fatalf("question id %q: frame %q decodes as %+v, %v", qid, p, env, err)
			}
			var data struct {
				QuestionID string   `json:"question_id"`
				Round      int      `json:"round"`
				Choices    []string `json:"choices"`
			}
			if err := json.Unmarshal(env.Data, &data); err != nil || data.QuestionID != qid || data.Round != 2 || len(data.Choices) != 1 || data.Choices[0] != "b" {
				t.Fatalf("question id %q: data %s decodes as %+v, %v", qid, env.Data, data, err)
			}
			return true
		})
		if frames != 1 || len(rest) != 0 {
			t.Fatalf("question id %q: %d frames, %d bytes left over", qid, frames, len(rest))
		}
		ack := []byte(`{"type":"ack","id":"` + s.prefix + `-1","data":{"ok":true}}`)
		s.play(ack)
		s.play(ack)
		if r.acked[0].Load() != 1 || r.dups.Load() != 1 || len(r.acks[0]) != 1 {
			t.Fatalf("two acks of one answer: %d counted, %d duplicates", r.acked[0].Load(), r.dups.Load())
		}
	}
}
