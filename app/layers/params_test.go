package layers

import (
	"errors"
	"net"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Params)
		want   []string // the params named in the errors, in order
	}{
		{"defaults", func(*Params) {}, nil},
		{"empty message", func(p *Params) { p.Message = "" }, []string{ParamMessage}},
		{"message at the limit", func(p *Params) { p.Message = strings.Repeat("a", MaxMessage) }, nil},
		{"message too long", func(p *Params) { p.Message = strings.Repeat("a", MaxMessage+1) }, []string{ParamMessage}},
		{"message not UTF-8", func(p *Params) { p.Message = "\xff" }, []string{ParamMessage}},
		{"no client address", func(p *Params) { p.ClientIP = netip.Addr{} }, []string{ParamClientIP}},
		{"IPv6 server", func(p *Params) { p.ServerIP = netip.MustParseAddr("2001:db8::1") }, []string{ParamServerIP}},
		{"IPv4-mapped", func(p *Params) { p.ServerIP = netip.MustParseAddr("::ffff:192.0.2.1") }, []string{ParamServerIP}},
		{"unspecified", func(p *Params) { p.ClientIP = netip.IPv4Unspecified() }, []string{ParamClientIP}},
		{"loopback", func(p *Params) { p.ServerIP = netip.MustParseAddr("127.0.0.1") }, []string{ParamServerIP}},
		{"broadcast", func(p *Params) { p.ServerIP = netip.MustParseAddr("255.255.255.255") }, []string{ParamServerIP}},
		{"multicast", func(p *Params) { p.ServerIP = netip.MustParseAddr("224.0.0.1") }, []string{ParamServerIP}},
		{"same addresses", func(p *Params) { p.ServerIP = p.ClientIP }, []string{ParamServerIP}},
		{"port 0", func(p *Params) { p.ClientPort, p.ServerPort = 0, 0 }, []string{ParamClientPort, ParamServerPort}},
		{"short MAC", func(p *Params) { p.ClientMAC = net.HardwareAddr{1, 2} }, []string{ParamClientMAC}},
		{"broadcast MAC", func(p *Params) { p.ServerMAC = net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff} }, []string{ParamServerMAC}},
		{"zero MAC", func(p *Params) { p.ServerMAC = make(net.HardwareAddr, 6) }, []string{ParamServerMAC}},
		{"shared MAC", func(p *Params) { p.RouterMACs[1] = p.ClientMAC }, []string{ParamRouterServerMAC}},
		{"MTU too small", func(p *Params) { p.MTU = 575 }, []string{ParamMTU}},
		{"MTU too big", func(p *Params) { p.MTU = 9000 }, []string{ParamMTU}},
		{"TTL 0", func(p *Params) { p.TTL = 0 }, []string{ParamTTL}},
		{"negative drop", func(p *Params) { p.Drop = []int{-1} }, []string{ParamDrop}},
		{"drop out of range", func(p *Params) { p.Drop = []int{MaxDropIndex + 1} }, []string{ParamDrop}},
		{"too many drops", func(p *Params) { p.Drop = make([]int, MaxDrops+1) }, []string{ParamDrop}},
		{"unknown observed", func(p *Params) { p.Observed = []string{"colour"} }, []string{ParamObserved}},
		{"two at once", func(p *Params) { p.Message, p.MTU = "", 0 }, []string{ParamMessage, ParamMTU}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultParams()
			tt.change(&p)
			err := p.Validate()
			var got []string
			for _, e := range unjoin(err) {
				var pe *ParamError
				if !errors.As(e, &pe) {
					t.Fatalf("error %v is not a *ParamError", e)
				}
				if pe.Reason == "" {
					t.Errorf("%s: no reason", pe.Param)
				}
				got = append(got, pe.Param)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("params in error %v, want %v (%v)", got, tt.want, err)
			}
			if _, berr := Build("udp", p); (berr == nil) != (err == nil) {
				t.Errorf("Build error %v, Validate error %v", berr, err)
			}
		})
	}
}

func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func TestSet(t *testing.T) {
	p := DefaultParams()
	sets := [][2]string{
		{ParamMessage, "  spaced  "}, {ParamClientIP, "10.0.0.1"}, {ParamServerIP, " 10.0.0.2 "},
		{ParamClientPort, "40000"}, {ParamServerPort, "443"}, {ParamClientMAC, "02:00:00:00:00:01"},
		{ParamServerMAC, "02-00-00-00-00-02"}, {ParamRouterClientMAC, "02:00:00:00:00:03"},
		{ParamRouterServerMAC, "02:00:00:00:00:04"}, {ParamMTU, "576"}, {ParamTTL, "128"},
		{ParamDrop, "3, 5,"}, {ParamObserved, "message,client_ip"},
	}
	for _, s := range sets {
		if err := p.Set(s[0], s[1]); err != nil {
			t.Fatalf("Set(%q, %q): %v", s[0], s[1], err)
		}
	}
	if p.Message != "  spaced  " || p.ClientIP.String() != "10.0.0.1" || p.ServerIP.String() != "10.0.0.2" ||
		p.ClientPort != 40000 || p.ServerPort != 443 || p.ServerMAC.String() != "02:00:00:00:00:02" ||
		p.RouterMACs[1].String() != "02:00:00:00:00:04" || p.MTU != 576 || p.TTL != 128 ||
		!slices.Equal(p.Drop, []int{3, 5}) || !slices.Equal(p.Observed, []string{ParamMessage, ParamClientIP}) {
		t.Errorf("after Set: %+v", p)
	}
	if err := p.Validate(); err != nil {
		t.Error(err)
	}
	bad := [][2]string{
		{ParamClientIP, "10.0.0"}, {ParamClientPort, "65536"}, {ParamServerPort, "http"}, {ParamClientMAC, "02:00"},
		{ParamMTU, "big"}, {ParamTTL, "256"}, {ParamDrop, "1,two"}, {"colour", "red"},
	}
	for _, b := range bad {
		var pe *ParamError
		if err := p.Set(b[0], b[1]); !errors.As(err, &pe) || pe.Param != b[0] {
			t.Errorf("Set(%q, %q) = %v, want a ParamError", b[0], b[1], err)
		}
	}
}

// "drop=none" turns off a scenario's default loss; no drop at all keeps it.
func TestDropNone(t *testing.T) {
	lost := func(p Params) int {
		t.Helper()
		s, err := Build("tcp-loss", p)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, pk := range s.Packets {
			if pk.Dropped {
				n++
			}
		}
		return n
	}
	p := DefaultParamsFor("tcp-loss")
	if got := lost(p); got != 1 {
		t.Errorf("tcp-loss with no drop given lost %d packets, want its default 1", got)
	}
	if err := p.Set(ParamDrop, "none"); err != nil {
		t.Fatal(err)
	}
	if got := lost(p); got != 0 {
		t.Errorf("tcp-loss with drop=none lost %d packets, want 0", got)
	}
}

// While the router forwards, the steps show the frame it is sending: the
// lowered TTL and the new MACs, not the frame that arrived.
func TestRouterStepsShowTheOutgoingFrame(t *testing.T) {
	s, err := Build("router-hop", DefaultParamsFor("router-hop"))
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, st := range s.Steps {
		if st.Side != "router" || (st.Action != "forward" && st.Action != "encapsulate") {
			continue
		}
		out := s.Packets[st.Packet]
		if out.From != "router" {
			t.Errorf("step %d (%s) shows packet %d from %s, want the router's outgoing frame", st.Index, st.Action, st.Packet, out.From)
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no router forward step found")
	}
}
