package layers

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/gopacket"
	gl "github.com/google/gopacket/layers"
)

// cwndFrame is one TCP frame of the cwnd scenario as gopacket reads it.
type cwndFrame struct {
	p       Packet
	tcp     *gl.TCP
	arrive  int64 // when it reaches the other host, in µs
	fromCli bool
}

func cwndFrames(t *testing.T, s *Scenario) []cwndFrame {
	t.Helper()
	var out []cwndFrame
	for _, p := range s.Packets {
		pkt := gopacket.NewPacket(p.Frame[:len(p.Frame)-fcsLen], gl.LayerTypeEthernet, gopacket.Default)
		tcp, ok := pkt.Layer(gl.LayerTypeTCP).(*gl.TCP)
		if !ok {
			t.Fatalf("packet %d: no TCP", p.Index)
		}
		tx := time.Duration(len(p.Frame)+preambleLen) * 8 * time.Second / bitRate
		out = append(out, cwndFrame{p: p, tcp: tcp, arrive: p.TimeUS + (tx + pathDelay).Microseconds(), fromCli: p.From == "client"})
	}
	return out
}

// TestCwndStory reads the congestion window off the frames alone: how
// many segments the client has in flight when it sends each one, the three
// duplicate ACKs, the fast retransmission of the lost sequence number, and
// the halved window that then grows by one segment per round trip.
func TestCwndStory(t *testing.T) {
	s, err := Build("cwnd", DefaultParamsFor("cwnd"))
	if err != nil {
		t.Fatal(err)
	}
	fs := cwndFrames(t, s)
	if n := len(fs); n < 20 || n > 50 {
		t.Errorf("%d frames; the story should stay readable", n)
	}
	mss := uint32(len(fs[0].tcp.Payload))

	// Rounds: the client's data frames, grouped by the gaps of a round
	// trip between them.
	var rounds [][]cwndFrame
	var lastSent int64 = -1 << 40
	for _, f := range fs {
		if !f.fromCli || len(f.tcp.Payload) == 0 {
			continue
		}
		if f.p.TimeUS-lastSent > pathDelay.Microseconds() {
			rounds = append(rounds, nil)
		}
		rounds[len(rounds)-1] = append(rounds[len(rounds)-1], f)
		lastSent = f.p.TimeUS
	}
	var sizes []int
	for _, r := range rounds {
		sizes = append(sizes, len(r))
	}
	if len(sizes) < 3 || !slices.Equal(sizes[:3], []int{cwndInitial, 2 * cwndInitial, 4 * cwndInitial}) {
		t.Fatalf("segments per round trip %v, want slow start doubling from %d", sizes, cwndInitial)
	}

	// The lost segment is the first of the third round.
	lost := rounds[2][0]
	if !lost.p.Dropped {
		t.Fatalf("packet %d (the first of the third round) is not the dropped one", lost.p.Index)
	}

	// The duplicate ACKs: the same acknowledgment number, the lost
	// sequence number, again and again, with no data.
	var dups []cwndFrame
	for _, f := range fs {
		if !f.fromCli && f.tcp.Ack == lost.tcp.Seq && len(f.tcp.Payload) == 0 && f.p.Caption == "Duplicate ACK" {
			dups = append(dups, f)
		}
	}
	if len(dups) < 3 {
		t.Fatalf("%d duplicate ACKs for seq %d, want at least 3", len(dups), lost.tcp.Seq)
	}
	third := dups[2]

	// The fast retransmission: the first client frame after the third
	// duplicate ACK reached the client, the same sequence number and
	// length, long before any retransmission timer (at least 200 ms).
	var retx *cwndFrame
	for i, f := range fs {
		if f.fromCli && f.p.TimeUS >= third.arrive {
			retx = &fs[i]
			break
		}
	}
	if retx == nil || retx.tcp.Seq != lost.tcp.Seq || len(retx.tcp.Payload) != len(lost.tcp.Payload) || !retx.p.Retransmission {
		t.Fatalf("after the third duplicate ACK: %+v, want the lost segment again", retx)
	}
	// The Info column names them as Wireshark's TCP analysis does, the
	// duplicates by the frame number (from 1) of the ACK they repeat.
	original := -1
	for _, f := range fs {
		if !f.fromCli && f.tcp.Ack == lost.tcp.Seq && original < 0 {
			original = f.p.Index + 1
		}
	}
	if !strings.HasPrefix(third.p.Info, fmt.Sprintf("[TCP Dup ACK %d#3] ", original)) || !strings.HasPrefix(retx.p.Info, "[TCP Fast Retransmission] ") {
		t.Errorf("Info %q and %q, want Wireshark's labels", third.p.Info, retx.p.Info)
	}
	if wait := time.Duration(retx.p.TimeUS-third.arrive) * time.Microsecond; wait > time.Millisecond {
		t.Errorf("fast retransmit waited %v after the third duplicate ACK", wait)
	}
	if gap := time.Duration(retx.p.TimeUS-lost.p.TimeUS) * time.Microsecond; gap >= minRTO {
		t.Errorf("resent %v after the loss: the timer's doing, not fast retransmit", gap)
	}

	// In flight at each new send, in segments: the highest sequence
	// number sent minus the highest acknowledgment that had reached the
	// client by then.
	flightAt := func(f cwndFrame) int {
		acked := fs[0].tcp.Seq // the first byte: nothing acknowledged yet
		for _, a := range fs {
			if !a.fromCli && a.arrive <= f.p.TimeUS && seqGT(a.tcp.Ack, acked) {
				acked = a.tcp.Ack
			}
		}
		high := fs[0].tcp.Seq
		for _, d := range fs {
			if d.fromCli && d.p.TimeUS <= f.p.TimeUS && seqGT(d.tcp.Seq+uint32(len(d.tcp.Payload)), high) {
				high = d.tcp.Seq + uint32(len(d.tcp.Payload))
			}
		}
		return int((high - acked + mss - 1) / mss)
	}
	before := 0
	for _, f := range fs {
		if f.fromCli && f.p.TimeUS < lost.p.TimeUS+pathDelay.Microseconds() {
			before = max(before, flightAt(f))
		}
	}
	if before != 4*cwndInitial {
		t.Errorf("at most %d segments in flight before the loss, want %d", before, 4*cwndInitial)
	}

	// After recovery: the first ACK beyond everything sent before the
	// retransmission ends it. From then on the window is half, and grows
	// by one segment a round trip.
	var full *cwndFrame
	for i, f := range fs {
		if !f.fromCli && seqGT(f.tcp.Ack, retx.tcp.Seq) {
			full = &fs[i]
			break
		}
	}
	if full == nil {
		t.Fatal("no ACK after the retransmission")
	}
	var after []int // the most in flight in each round after recovery
	for _, r := range rounds {
		if r[0].p.TimeUS < full.arrive {
			continue
		}
		most := 0
		for _, f := range r {
			most = max(most, flightAt(f))
		}
		after = append(after, most)
	}
	if len(after) < 2 || after[0] != before/2 || after[1] != before/2+1 {
		t.Errorf("segments in flight per round after recovery %v, want %d then %d: halved, then one more", after, before/2, before/2+1)
	}
}

// TestCwndHoldsUpUnderAnyLoss: whatever is dropped, every byte arrives in
// the end, and the sender never has more in flight than the window the
// story could have reached.
func TestCwndHoldsUpUnderAnyLoss(t *testing.T) {
	for _, drop := range [][]int{{}, {0}, {2}, {9, 10}, {9, 24}, {17, 18, 19, 20, 21, 22, 23}, {0, 1, 2, 3}} {
		p := DefaultParamsFor("cwnd")
		p.Drop = drop
		s, err := Build("cwnd", p)
		if err != nil {
			t.Fatalf("drop %v: %v", drop, err)
		}
		fs := cwndFrames(t, s)
		end, acked := fs[0].tcp.Seq, fs[0].tcp.Seq
		for _, f := range fs {
			switch {
			case f.fromCli && seqGT(f.tcp.Seq+uint32(len(f.tcp.Payload)), end):
				end = f.tcp.Seq + uint32(len(f.tcp.Payload))
			case !f.fromCli && !f.p.Dropped && seqGT(f.tcp.Ack, acked):
				acked = f.tcp.Ack
			}
		}
		if acked != end {
			t.Errorf("drop %v: the last ACK that arrives is %d, want %d, the end of the data", drop, acked, end)
		}
		if len(drop) == 0 {
			for _, f := range fs {
				if f.p.Retransmission || f.p.Caption == "Duplicate ACK" {
					t.Errorf("no loss, but packet %d is %q", f.p.Index, f.p.Info)
				}
			}
		}
	}
}
