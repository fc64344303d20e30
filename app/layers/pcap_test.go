package layers

import (
	"bytes"
	"errors"
	"io"
	"slices"
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

// TestWritePcapng reads each scenario's pcapng back: one interface per
// link, every frame on the interface of the link it crossed, in order, with
// its bytes and time.
func TestWritePcapng(t *testing.T) {
	for _, info := range Scenarios() {
		p := DefaultParamsFor(info.ID)
		p.Drop = []int{3}
		s, err := Build(info.ID, p)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := WritePcapng(&buf, s); err != nil {
			t.Fatal(err)
		}
		r, err := pcapgo.NewNgReader(&buf, pcapgo.DefaultNgReaderOptions)
		if err != nil {
			t.Fatalf("%s: %v", info.ID, err)
		}
		links := s.Links()
		wantLinks := 1
		if slices.Contains([]string{"router-hop", "ping", "traceroute", "nat"}, info.ID) {
			wantLinks = 2
		}
		if len(links) != wantLinks {
			t.Errorf("%s: links %v", info.ID, links)
		}
		for i, want := range s.Packets {
			data, ci, err := r.ReadPacketData()
			if err != nil {
				t.Fatalf("%s: packet %d: %v", info.ID, i, err)
			}
			if frame := want.Frame[:len(want.Frame)-fcsLen]; !bytes.Equal(data, frame) {
				t.Errorf("%s: packet %d: bytes differ from the frame without its FCS", info.ID, i)
			}
			intf, err := r.Interface(ci.InterfaceIndex)
			if err != nil {
				t.Fatalf("%s: packet %d: %v", info.ID, i, err)
			}
			if wantName := want.From + "-" + want.To; intf.Name != wantName && intf.Name != want.To+"-"+want.From {
				t.Errorf("%s: packet %d (%s→%s) on interface %q", info.ID, i, want.From, want.To, intf.Name)
			}
			if intf.LinkType != layers.LinkTypeEthernet {
				t.Errorf("%s: interface %q link type %v", info.ID, intf.Name, intf.LinkType)
			}
			if wantT := pcapEpoch().Add(time.Duration(want.TimeUS) * time.Microsecond); !ci.Timestamp.Equal(wantT) {
				t.Errorf("%s: packet %d: time %v, want %v", info.ID, i, ci.Timestamp, wantT)
			}
		}
		if _, _, err := r.ReadPacketData(); !errors.Is(err, io.EOF) {
			t.Errorf("%s: after the last packet: %v", info.ID, err)
		}
		if r.NInterfaces() != len(links) {
			t.Errorf("%s: %d interfaces, want %d", info.ID, r.NInterfaces(), len(links))
		}
	}
}

// TestNoFalseRetransmissionsPerLink looks at router-hop's capture as
// Wireshark's TCP analysis does, one interface at a time: a segment seen
// twice is a retransmission. With one interface per link only the model's
// own retransmissions repeat; merged into one interface (classic pcap),
// every forwarded copy would.
func TestNoFalseRetransmissionsPerLink(t *testing.T) {
	s, err := Build("router-hop", DefaultParamsFor("router-hop"))
	if err != nil {
		t.Fatal(err)
	}
	type segKey struct {
		link          string
		src, dst, seq string
		ack           string
	}
	repeats := func(perLink bool) int {
		seen := map[segKey]bool{}
		n := 0
		for _, p := range s.Packets {
			k := segKey{link: "one", src: value(t, p, "ip.src"), dst: value(t, p, "ip.dst"),
				seq: value(t, p, "tcp.seq"), ack: value(t, p, "tcp.ack")}
			if perLink {
				k.link = s.link(p)
			}
			if seen[k] && !p.Retransmission {
				n++
			}
			seen[k] = true
		}
		return n
	}
	if n := repeats(true); n != 0 {
		t.Errorf("one interface per link: %d segments repeat", n)
	}
	if n := repeats(false); n == 0 {
		t.Error("merged into one interface no segment repeats, so this test checks nothing")
	}
}

func TestWritePcapngError(t *testing.T) {
	s, err := Build("router-hop", DefaultParamsFor("router-hop"))
	if err != nil {
		t.Fatal(err)
	}
	if err := WritePcapng(&failWriter{n: 0}, s); err == nil {
		t.Error("a failing writer: no error")
	}
}
