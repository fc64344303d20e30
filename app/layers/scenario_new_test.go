package layers

import (
	"slices"
	"testing"
	"time"
)

// TestARP: the request is broadcast and asks with a zero target MAC, the
// reply comes back unicast, and both come before the first IP packet.
func TestARP(t *testing.T) {
	s, err := Build("arp", DefaultParamsFor("arp"))
	if err != nil {
		t.Fatal(err)
	}
	req, rep := s.Packets[0], s.Packets[1]
	if value(t, req, "eth.dst") != "ff:ff:ff:ff:ff:ff" || number(t, req, "eth.type") != EtherTypeARP ||
		number(t, req, "arp.opcode") != ARPRequest || value(t, req, "arp.dst.hw_mac") != "00:00:00:00:00:00" ||
		value(t, req, "arp.dst.proto_ipv4") != "192.168.1.80" {
		t.Errorf("request: %s", req.Info)
	}
	if value(t, rep, "eth.dst") != value(t, req, "eth.src") || number(t, rep, "arp.opcode") != ARPReply ||
		value(t, rep, "arp.src.hw_mac") != value(t, s.Packets[2], "eth.dst") {
		t.Errorf("reply: %s", rep.Info)
	}
	if len(s.Packets) != 5 || s.Packets[2].Caption != "SYN" {
		t.Errorf("after ARP: %d packets, the third is %q; want the handshake", len(s.Packets), s.Packets[2].Caption)
	}

	tests := []struct {
		drop    []int
		packets int // how many frames in all
		tries   int // ARP requests sent
	}{
		{[]int{0}, 6, 2},       // the request is lost: asked again a second later
		{[]int{1}, 7, 2},       // the reply is lost: asked again, answered again
		{[]int{0, 1, 2}, 3, 3}, // all three requests lost: ARP gives up, no IP packet at all
	}
	for _, tt := range tests {
		p := DefaultParamsFor("arp")
		p.Drop = tt.drop
		s, err := Build("arp", p)
		if err != nil {
			t.Fatal(err)
		}
		tries := 0
		var times []int64
		for _, pk := range s.Packets {
			if pk.Caption == "ARP request (broadcast)" {
				tries++
				times = append(times, pk.TimeUS)
			}
		}
		if len(s.Packets) != tt.packets || tries != tt.tries {
			t.Errorf("drop %v: %d packets and %d requests, want %d and %d", tt.drop, len(s.Packets), tries, tt.packets, tt.tries)
		}
		for i := 1; i < len(times); i++ {
			if gap := time.Duration(times[i]-times[i-1]) * time.Microsecond; gap != arpRetransTime {
				t.Errorf("drop %v: request %d %v after the one before, want %v", tt.drop, i, gap, arpRetransTime)
			}
		}
		if slices.Equal(tt.drop, []int{0, 1, 2}) && s.Steps[len(s.Steps)-1].Action != "timeout" {
			t.Errorf("drop %v: the story does not end with ARP giving up", tt.drop)
		}
	}
}
