package loadtest

import (
	"bytes"
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
