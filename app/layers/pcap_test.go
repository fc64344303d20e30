package layers

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

func TestWritePcap(t *testing.T) {
	for _, info := range Scenarios() {
		p := DefaultParamsFor(info.ID)
		p.Drop = []int{3}
		s, err := Build(info.ID, p)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := WritePcap(&buf, s); err != nil {
			t.Fatal(err)
		}
		r, err := pcapgo.NewReader(&buf)
		if err != nil {
			t.Fatalf("%s: %v", info.ID, err)
		}
		if r.LinkType() != layers.LinkTypeEthernet {
			t.Errorf("%s: link type %v", info.ID, r.LinkType())
		}
		for i, want := range s.Packets {
			data, ci, err := r.ReadPacketData()
			if err != nil {
				t.Fatalf("%s: packet %d: %v", info.ID, i, err)
			}
			if frame := want.Frame[:len(want.Frame)-fcsLen]; !bytes.Equal(data, frame) {
				t.Errorf("%s: packet %d: bytes differ from the frame without its FCS", info.ID, i)
			}
			if ci.CaptureLength != len(data) || ci.Length != len(data) {
				t.Errorf("%s: packet %d: lengths %d/%d", info.ID, i, ci.CaptureLength, ci.Length)
			}
			if wantT := pcapEpoch().Add(time.Duration(want.TimeUS) * time.Microsecond); !ci.Timestamp.Equal(wantT) {
				t.Errorf("%s: packet %d: time %v, want %v", info.ID, i, ci.Timestamp, wantT)
			}
		}
		if _, _, err := r.ReadPacketData(); !errors.Is(err, io.EOF) {
			t.Errorf("%s: after the last packet: %v", info.ID, err)
		}
	}
}

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n == 0 {
		return 0, errors.New("disk full")
	}
	w.n--
	return len(p), nil
}

func TestWritePcapError(t *testing.T) {
	s, err := Build("tcp-handshake", DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	for n := range 4 {
		if err := WritePcap(&failWriter{n: n}, s); err == nil {
			t.Errorf("write %d failing: no error", n)
		}
	}
}
