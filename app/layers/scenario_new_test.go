package layers

import (
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/gopacket"
	gl "github.com/google/gopacket/layers"
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

// gopacketNames maps the model's layer keys to gopacket's layer types, for
// the protocols gopacket decodes in full.
var gopacketNames = map[string]gopacket.LayerType{
	"eth": gl.LayerTypeEthernet, "arp": gl.LayerTypeARP, "ip": gl.LayerTypeIPv4,
	"icmp": gl.LayerTypeICMPv4, "udp": gl.LayerTypeUDP, "tcp": gl.LayerTypeTCP, "dns": gl.LayerTypeDNS, "dhcp": gl.LayerTypeDHCPv4,
}

// TestNewScenariosDecodeCleanly has gopacket decode every frame of the
// scenarios added with real application bytes, in every variant: each
// layer the model names is there under the same protocol, nothing fails to
// decode, and no bytes are left over but Ethernet's padding.
func TestNewScenariosDecodeCleanly(t *testing.T) {
	for _, v := range variants(t) {
		if !slices.Contains([]string{"arp", "dns", "ping", "traceroute", "dhcp", "nat", "cwnd"}, v.id) {
			continue
		}
		s := build(t, v)
		for _, p := range s.Packets {
			if len(p.Frame) > ethHeaderLen+v.p.MTU+fcsLen {
				t.Errorf("%s packet %d: a %d-byte frame does not fit the MTU of %d", v.name, p.Index, len(p.Frame), v.p.MTU)
			}
			pkt := gopacket.NewPacket(p.Frame[:len(p.Frame)-fcsLen], gl.LayerTypeEthernet, gopacket.Default)
			if e := pkt.ErrorLayer(); e != nil {
				t.Fatalf("%s packet %d: %v", v.name, p.Index, e.Error())
			}
			var got []gopacket.LayerType
			for _, l := range pkt.Layers() {
				if l.LayerType() != gopacket.LayerTypePayload {
					got = append(got, l.LayerType())
				}
			}
			var want []gopacket.LayerType
			for _, l := range p.Layers {
				if l.Key != "data" { // plain bytes are gopacket's Payload, left out above
					want = append(want, gopacketNames[l.Key])
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s packet %d: gopacket sees %v, model %v", v.name, p.Index, got, want)
			}
		}
	}
}

// TestDNS: the query and the response match up, over UDP port 53, and
// gopacket reads the name and the answer the text gives.
func TestDNS(t *testing.T) {
	s, err := Build("dns", DefaultParamsFor("dns"))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Packets) != 2 {
		t.Fatalf("%d packets, want a query and a response", len(s.Packets))
	}
	var msgs []*gl.DNS
	for _, p := range s.Packets {
		pkt := gopacket.NewPacket(p.Frame[:len(p.Frame)-fcsLen], gl.LayerTypeEthernet, gopacket.Default)
		dns, ok := pkt.Layer(gl.LayerTypeDNS).(*gl.DNS)
		if !ok {
			t.Fatalf("packet %d: no DNS", p.Index)
		}
		udp := pkt.Layer(gl.LayerTypeUDP).(*gl.UDP)
		if (p.From == "client" && udp.DstPort != 53) || (p.From == "server" && udp.SrcPort != 53) {
			t.Errorf("packet %d: ports %d → %d", p.Index, udp.SrcPort, udp.DstPort)
		}
		msgs = append(msgs, dns)
	}
	q, r := msgs[0], msgs[1]
	if q.QR || !r.QR || q.ID != r.ID || !q.RD || !r.RA || r.ResponseCode != gl.DNSResponseCodeNoErr {
		t.Errorf("query %+v / response flags %+v", q, r)
	}
	if len(q.Questions) != 1 || string(q.Questions[0].Name) != dnsQueryName || q.Questions[0].Type != gl.DNSTypeA {
		t.Errorf("question %+v", q.Questions)
	}
	if len(r.Answers) != 1 || !r.Answers[0].IP.Equal(net.IP(dnsAnswerIP.AsSlice())) || string(r.Answers[0].Name) != dnsQueryName || r.Answers[0].TTL != dnsAnswerTTL {
		t.Errorf("answers %+v", r.Answers)
	}
	// A lost query is asked again after the resolver's timeout.
	p := DefaultParamsFor("dns")
	p.Drop = []int{0}
	s, err = Build("dns", p)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Packets) != 3 || !s.Packets[1].Retransmission || time.Duration(s.Packets[1].TimeUS)*time.Microsecond != dnsTimeout {
		t.Errorf("query lost: packets %d, the second at %dµs", len(s.Packets), s.Packets[1].TimeUS)
	}
}

// icmpOf decodes packet p's ICMP message and IP header with gopacket.
func icmpOf(t *testing.T, p Packet) (*gl.IPv4, *gl.ICMPv4) {
	t.Helper()
	pkt := gopacket.NewPacket(p.Frame[:len(p.Frame)-fcsLen], gl.LayerTypeEthernet, gopacket.Default)
	ip, ok1 := pkt.Layer(gl.LayerTypeIPv4).(*gl.IPv4)
	icmp, ok2 := pkt.Layer(gl.LayerTypeICMPv4).(*gl.ICMPv4)
	if !ok1 || !ok2 {
		t.Fatalf("packet %d: no IPv4 and ICMP", p.Index)
	}
	return ip, icmp
}

// TestPing: an echo request and its reply through the router, matched by
// identifier and sequence number, the router lowering the TTL both ways.
func TestPing(t *testing.T) {
	s, err := Build("ping", DefaultParamsFor("ping"))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Packets) != 4 {
		t.Fatalf("%d packets, want a request and a reply, each on two links", len(s.Packets))
	}
	want := []struct {
		typ uint8
		ttl uint8
	}{{ICMPEchoRequest, 64}, {ICMPEchoRequest, 63}, {ICMPEchoReply, 64}, {ICMPEchoReply, 63}}
	_, first := icmpOf(t, s.Packets[0])
	for i, w := range want {
		ip, icmp := icmpOf(t, s.Packets[i])
		if icmp.TypeCode.Type() != w.typ || ip.TTL != w.ttl || icmp.Id != first.Id || icmp.Seq != 1 || string(icmp.Payload) != pingData {
			t.Errorf("packet %d: %v ttl %d id %#x seq %d", i, icmp.TypeCode, ip.TTL, icmp.Id, icmp.Seq)
		}
	}
}

// TestTraceroute: the first probe expires at the router, which answers
// from its own address with Time Exceeded quoting the probe; the second
// reaches the server, which answers with an echo reply.
func TestTraceroute(t *testing.T) {
	s, err := Build("traceroute", DefaultParamsFor("traceroute"))
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, p := range s.Packets {
		kinds = append(kinds, p.Direction+" "+p.Caption)
	}
	wantKinds := []string{"client→router ICMP Echo request", "router→client ICMP Time Exceeded",
		"client→router ICMP Echo request", "router→server ICMP Echo request",
		"server→router ICMP Echo reply", "router→client ICMP Echo reply"}
	if !slices.Equal(kinds, wantKinds) {
		t.Fatalf("packets %v, want %v", kinds, wantKinds)
	}
	probeIP, _ := icmpOf(t, s.Packets[0])
	teIP, te := icmpOf(t, s.Packets[1])
	if probeIP.TTL != 1 || te.TypeCode != gl.CreateICMPv4TypeCode(gl.ICMPv4TypeTimeExceeded, gl.ICMPv4CodeTTLExceeded) {
		t.Errorf("probe TTL %d, answer %v", probeIP.TTL, te.TypeCode)
	}
	if teIP.SrcIP.String() != s.Nodes[1].Interfaces[0].IP || teIP.DstIP.String() != "192.168.1.20" {
		t.Errorf("Time Exceeded from %v to %v, want from the router's client-side address", teIP.SrcIP, teIP.DstIP)
	}
	quoted := s.Packets[0].Frame[ethHeaderLen : ethHeaderLen+ipv4HeaderLen+8]
	if !slices.Equal(te.Payload, quoted) {
		t.Errorf("Time Exceeded quotes % x, want the probe's IP header and 8 bytes % x", te.Payload, quoted)
	}
	if ip, _ := icmpOf(t, s.Packets[3]); ip.TTL != 1 {
		t.Errorf("second probe reaches the server with TTL %d, want 1", ip.TTL)
	}
}

// TestDHCP: Discover, Offer, Request, ACK with one transaction ID; the
// client's two from 0.0.0.0 port 68 to the broadcast address port 67.
func TestDHCP(t *testing.T) {
	s, err := Build("dhcp", DefaultParamsFor("dhcp"))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Packets) != 4 {
		t.Fatalf("%d packets, want 4", len(s.Packets))
	}
	var xid uint32
	for i, want := range []gl.DHCPMsgType{gl.DHCPMsgTypeDiscover, gl.DHCPMsgTypeOffer, gl.DHCPMsgTypeRequest, gl.DHCPMsgTypeAck} {
		p := s.Packets[i]
		pkt := gopacket.NewPacket(p.Frame[:len(p.Frame)-fcsLen], gl.LayerTypeEthernet, gopacket.Default)
		dhcp, ok := pkt.Layer(gl.LayerTypeDHCPv4).(*gl.DHCPv4)
		if !ok {
			t.Fatalf("packet %d: no DHCP", i)
		}
		var typ gl.DHCPMsgType
		for _, o := range dhcp.Options {
			if o.Type == gl.DHCPOptMessageType {
				typ = gl.DHCPMsgType(o.Data[0])
			}
		}
		if typ != want {
			t.Errorf("packet %d: %v, want %v", i, typ, want)
		}
		if i == 0 {
			xid = dhcp.Xid
		}
		if dhcp.Xid != xid {
			t.Errorf("packet %d: transaction ID %#x, want %#x", i, dhcp.Xid, xid)
		}
		ip := pkt.Layer(gl.LayerTypeIPv4).(*gl.IPv4)
		udp := pkt.Layer(gl.LayerTypeUDP).(*gl.UDP)
		fromClient := i%2 == 0
		switch {
		case fromClient && (ip.SrcIP.String() != "0.0.0.0" || ip.DstIP.String() != "255.255.255.255" || udp.SrcPort != 68 || udp.DstPort != 67 || value(t, p, "eth.dst") != "ff:ff:ff:ff:ff:ff"):
			t.Errorf("packet %d: %v:%d → %v:%d", i, ip.SrcIP, udp.SrcPort, ip.DstIP, udp.DstPort)
		case !fromClient && (dhcp.YourClientIP.String() != "192.168.1.20" || udp.SrcPort != 67 || udp.DstPort != 68):
			t.Errorf("packet %d: offers %v, ports %d → %d", i, dhcp.YourClientIP, udp.SrcPort, udp.DstPort)
		}
	}
}

// TestNAT: the router rewrites the source address and port on the way out
// and the destination on the way back. (checkFrames has gopacket recompute
// every checksum of every variant, so the rewritten ones are checked too.)
func TestNAT(t *testing.T) {
	s, err := Build("nat", DefaultParamsFor("nat"))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Packets) != 4 {
		t.Fatalf("%d packets, want 4", len(s.Packets))
	}
	type ends struct{ src, dst string }
	var got []ends
	for _, p := range s.Packets {
		pkt := gopacket.NewPacket(p.Frame[:len(p.Frame)-fcsLen], gl.LayerTypeEthernet, gopacket.Default)
		ip := pkt.Layer(gl.LayerTypeIPv4).(*gl.IPv4)
		udp := pkt.Layer(gl.LayerTypeUDP).(*gl.UDP)
		got = append(got, ends{net.JoinHostPort(ip.SrcIP.String(), udp.SrcPort.String()[:strings.IndexByte(udp.SrcPort.String()+"(", '(')]),
			net.JoinHostPort(ip.DstIP.String(), udp.DstPort.String()[:strings.IndexByte(udp.DstPort.String()+"(", '(')])})
	}
	public := s.Nodes[1].Interfaces[1].IP
	if got[0].src != "192.168.1.20:49152" || !strings.HasPrefix(got[1].src, public+":") || got[1].src == got[0].src ||
		got[1].dst != got[0].dst || got[2].dst != got[1].src || got[3].dst != got[0].src || got[3].src != got[2].src {
		t.Errorf("addresses and ports: %+v", got)
	}
}

// TestNoPortsWhereNoneAreUsed: ARP, ICMP and DHCP scenarios draw their
// hosts without the port the form holds, which none of their frames carry.
func TestNoPortsWhereNoneAreUsed(t *testing.T) {
	for _, id := range []string{"arp", "ping", "traceroute", "dhcp"} {
		s, err := Build(id, DefaultParamsFor(id))
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range s.Nodes {
			if n.Port != 0 {
				t.Errorf("%s: %s drawn with port %d", id, n.ID, n.Port)
			}
		}
	}
	if s, _ := Build("dns", DefaultParamsFor("dns")); s.Nodes[len(s.Nodes)-1].Port != dnsPort {
		t.Errorf("dns: the server is not drawn on port 53")
	}
}
