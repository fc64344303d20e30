package layers

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"maps"
	"net"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/gopacket"
	gl "github.com/google/gopacket/layers"
)

// Every number a step's text states must be one its frame holds: the test
// decodes the frame with gopacket (not with this package's own encoders)
// and collects what a reader could check in Wireshark, then looks each
// number of the text up in that collection.

var (
	quotedRe = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	macRe    = regexp.MustCompile(`\b(?:[0-9a-f]{2}:){5}[0-9a-f]{2}\b`)
	ipRe     = regexp.MustCompile(`\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b`)
	hexRe    = regexp.MustCompile(`\b0x[0-9a-f]+\b`)
	// hexBytes are bytes written out one by one: "(f8 f8 fb 83)".
	hexBytes = regexp.MustCompile(`\b[0-9a-f]{2}(?: [0-9a-f]{2}){3,}\b`)
	decRe    = regexp.MustCompile(`(?:^|[\s(,/])(\d+(?:\.\d+)?)\b`)
	// fixedPhrases hold numbers that are facts of the protocols, not of
	// one frame: they are removed before the numbers are looked up.
	fixedPhrases = regexp.MustCompile(strings.Join([]string{
		`7-byte preamble`, `100 Mbit/s`, `60-byte minimum`, `4-byte frame check sequence`, `CRC-32`,
		`14-byte header`, `8-byte header`, `type 0x0800`, `RFC \d+`, `SHA-1`, `UTF-8`, `opcode 1`,
		`16 random bytes`, `4-byte masking key`, `101 Switching Protocols`, `Sec-WebSocket-Version: 13`,
		`\(0 when counted from itself\)`, `one sequence number`, `[A-Za-z0-9+/]{27}=`, `[A-Za-z0-9+/]{22}==`,
		`10 segments`, `TLS 1\.3`, `32 random bytes`, `16-byte authentication tag`, `\d+ in a row`, `12 byte times`, `stretches the trip to \d+ milliseconds`, `500 milliseconds`, `code 1`,
	}, "|"))
)

// frameFacts is what gopacket reads from one frame, as text.
type frameFacts struct {
	macs, ips, hexes, decimals map[string]bool
	payload                    []byte
}

func newFacts() *frameFacts {
	return &frameFacts{macs: map[string]bool{}, ips: map[string]bool{}, hexes: map[string]bool{}, decimals: map[string]bool{}}
}

func (f *frameFacts) clone() *frameFacts {
	return &frameFacts{macs: maps.Clone(f.macs), ips: maps.Clone(f.ips), hexes: maps.Clone(f.hexes),
		decimals: maps.Clone(f.decimals), payload: bytes.Clone(f.payload)}
}

func (f *frameFacts) dec(vs ...int) {
	for _, v := range vs {
		f.decimals[strconv.Itoa(v)] = true
	}
}

func (f *frameFacts) hex(vs ...uint64) {
	for _, v := range vs {
		f.hexes[fmt.Sprintf("0x%04x", v)] = true
		f.hexes[fmt.Sprintf("0x%08x", v)] = true
	}
}

// flowISN finds each direction's initial sequence number as Wireshark
// does: from the SYN, or one before the first sequence number seen.
func flowISN(t *testing.T, s *Scenario) map[string]uint32 {
	isn := map[string]uint32{}
	for _, p := range s.Packets {
		pkt := decodeFrame(t, p)
		tcp, ok := pkt.Layer(gl.LayerTypeTCP).(*gl.TCP)
		if !ok {
			continue
		}
		key := strconv.Itoa(int(tcp.SrcPort))
		if _, seen := isn[key]; seen {
			continue
		}
		if tcp.SYN {
			isn[key] = tcp.Seq
		} else {
			isn[key] = tcp.Seq - 1
		}
	}
	return isn
}

func decodeFrame(t *testing.T, p Packet) gopacket.Packet {
	t.Helper()
	pkt := gopacket.NewPacket(p.Frame[:len(p.Frame)-fcsLen], gl.LayerTypeEthernet, gopacket.Default)
	if e := pkt.ErrorLayer(); e != nil {
		t.Fatalf("packet %d: gopacket: %v", p.Index, e.Error())
	}
	return pkt
}

// addFrame collects the facts of one frame into f.
func addFrame(t *testing.T, f *frameFacts, p Packet, isn map[string]uint32) {
	pkt := decodeFrame(t, p)
	n := len(p.Frame)
	f.dec(n, n*8, n-fcsLen)
	tx := time.Duration(n+preambleLen) * 8 * time.Second / bitRate
	f.decimals[strings.Fields(spoken(tx))[0]] = true
	f.hex(uint64(FCS(p.Frame[:n-fcsLen])))
	if eth, ok := pkt.Layer(gl.LayerTypeEthernet).(*gl.Ethernet); ok {
		f.macs[eth.SrcMAC.String()], f.macs[eth.DstMAC.String()] = true, true
		f.hex(uint64(eth.EthernetType))
		f.dec(len(eth.Payload) + ethHeaderLen) // before padding
	}
	if ip, ok := pkt.Layer(gl.LayerTypeIPv4).(*gl.IPv4); ok {
		f.ips[ip.SrcIP.String()], f.ips[ip.DstIP.String()] = true, true
		f.hex(uint64(ip.Checksum), uint64(ip.Id))
		f.dec(int(ip.TTL), int(ip.Protocol), int(ip.Length), int(ip.IHL)*4, int(ip.Length)-int(ip.IHL)*4,
			int(ip.FragOffset), int(ip.FragOffset)*8, int(ip.Length)+ethHeaderLen)
	}
	if arp, ok := pkt.Layer(gl.LayerTypeARP).(*gl.ARP); ok {
		f.macs[net.HardwareAddr(arp.SourceHwAddress).String()] = true
		f.macs[net.HardwareAddr(arp.DstHwAddress).String()] = true
		f.ips[net.IP(arp.SourceProtAddress).String()] = true
		f.ips[net.IP(arp.DstProtAddress).String()] = true
		f.dec(arpLen, ethHeaderLen+arpLen, int(arp.Operation))
		f.hex(uint64(arp.Protocol))
	}
	if ip, ok := pkt.Layer(gl.LayerTypeIPv4).(*gl.IPv4); ok && ip.Flags&gl.IPv4MoreFragments != 0 && ip.FragOffset == 0 {
		// gopacket leaves a first fragment's transport header undecoded.
		pkt = gopacket.NewPacket(ip.Payload, ip.Protocol.LayerType(), gopacket.Default)
	}
	if udp, ok := pkt.Layer(gl.LayerTypeUDP).(*gl.UDP); ok {
		f.dec(int(udp.SrcPort), int(udp.DstPort), int(udp.Length), len(udp.Payload))
		f.hex(uint64(udp.Checksum))
		f.payload = append(f.payload, udp.Payload...)
	}
	if icmp, ok := pkt.Layer(gl.LayerTypeICMPv4).(*gl.ICMPv4); ok {
		f.dec(int(icmp.TypeCode.Type()), int(icmp.TypeCode.Code()), int(icmp.Seq), len(icmp.Payload), icmpHeaderLen, icmpHeaderLen+len(icmp.Payload))
		f.hex(uint64(icmp.Checksum), uint64(icmp.Id))
	}
	if dhcp, ok := pkt.Layer(gl.LayerTypeDHCPv4).(*gl.DHCPv4); ok {
		f.hex(uint64(dhcp.Xid))
		f.ips[dhcp.YourClientIP.String()] = true
		for _, o := range dhcp.Options {
			switch {
			case o.Type == gl.DHCPOptMessageType && len(o.Data) == 1:
				f.dec(int(o.Data[0]))
			case o.Type == gl.DHCPOptLeaseTime && len(o.Data) == 4:
				f.dec(int(binary.BigEndian.Uint32(o.Data)))
			case len(o.Data) == 4:
				f.ips[net.IP(o.Data).String()] = true
			}
		}
	}
	if dns, ok := pkt.Layer(gl.LayerTypeDNS).(*gl.DNS); ok {
		f.hex(uint64(dns.ID))
		for _, a := range dns.Answers {
			f.ips[a.IP.String()] = true
			f.dec(int(a.TTL))
		}
	}
	if tcp, ok := pkt.Layer(gl.LayerTypeTCP).(*gl.TCP); ok {
		f.hex(uint64(tcp.Checksum))
		n := len(tcp.Payload)
		rel := int(tcp.Seq - isn[strconv.Itoa(int(tcp.SrcPort))])
		f.dec(int(tcp.SrcPort), int(tcp.DstPort), rel, rel+n, rel-1, rel+n-2, n, int(tcp.Window),
			int(tcp.DataOffset)*4, int(tcp.DataOffset)*4+n)
		if tcp.ACK {
			f.dec(int(tcp.Ack - isn[strconv.Itoa(int(tcp.DstPort))]))
		}
		for _, o := range tcp.Options {
			if o.OptionType == gl.TCPOptionKindMSS {
				f.dec(int(o.OptionData[0])<<8 | int(o.OptionData[1]))
			}
		}
		f.payload = append(f.payload, tcp.Payload...)
		if tcp.SrcPort == tlsPort || tcp.DstPort == tlsPort { // TLS record lengths
			for b := tcp.Payload; len(b) >= tlsRecordHeaderLen; {
				n := int(binary.BigEndian.Uint16(b[3:]))
				f.dec(n)
				b = b[min(len(b), tlsRecordHeaderLen+n):]
			}
		}
	}
}

// related lists the frames that carry the same IP packet as packet i: its
// copies on the other links (a router's step speaks of the frame that came
// in and the one that goes out, translated or not) and its other fragments.
func related(s *Scenario, i int) []Packet {
	key := func(p Packet) string {
		if len(p.Frame) < ethHeaderLen+ipv4HeaderLen {
			return ""
		}
		// source, destination and identification
		return string(p.Frame[ethHeaderLen+12:ethHeaderLen+20]) + string(p.Frame[ethHeaderLen+4:ethHeaderLen+6])
	}
	out := []Packet{s.Packets[i]}
	k := key(s.Packets[i])
	for j := range s.Packets {
		if j != i && k != "" && key(s.Packets[j]) == k {
			out = append(out, s.Packets[j])
		}
	}
	// Through NAT one of the addresses changes but the identification and
	// the other address stay: the frames before and after translation.
	natKey := func(p Packet, which int) string {
		if len(p.Frame) < ethHeaderLen+ipv4HeaderLen || binary.BigEndian.Uint16(p.Frame[12:]) != EtherTypeIPv4 {
			return ""
		}
		return string(p.Frame[ethHeaderLen+which:ethHeaderLen+which+4]) + string(p.Frame[ethHeaderLen+4:ethHeaderLen+6])
	}
	for j := range s.Packets {
		for _, which := range []int{12, 16} {
			if j != i && natKey(s.Packets[i], which) != "" && natKey(s.Packets[j], which) == natKey(s.Packets[i], which) && !slices.ContainsFunc(out, func(p Packet) bool { return p.Index == j }) {
				out = append(out, s.Packets[j])
			}
		}
	}
	return out
}

// scenarioFacts are the numbers that describe the whole conversation:
// the MTU and MSS, and how far each stream got.
func scenarioFacts(t *testing.T, s *Scenario, p Params, f *frameFacts) {
	f.dec(p.MTU, p.MTU-ipv4HeaderLen-tcpHeaderLen, len(p.Message), 0, 1, 2, 3)
	isn := flowISN(t, s)
	for _, pk := range s.Packets {
		pkt := decodeFrame(t, pk)
		if tcp, ok := pkt.Layer(gl.LayerTypeTCP).(*gl.TCP); ok {
			end := int(tcp.Seq-isn[strconv.Itoa(int(tcp.SrcPort))]) + len(tcp.Payload)
			rel := int(tcp.Seq - isn[strconv.Itoa(int(tcp.SrcPort))])
			f.dec(rel, end, end-1, len(tcp.Payload)) // stream positions, bytes delivered so far
		}
	}
	// Offsets within one program's write, which ends at a PSH.
	type seg struct{ rel, n int }
	segs := map[string][]seg{}
	ends := map[string][]int{}
	for _, pk := range s.Packets {
		if tcp, ok := decodeFrame(t, pk).Layer(gl.LayerTypeTCP).(*gl.TCP); ok && len(tcp.Payload) > 0 {
			dir := strconv.Itoa(int(tcp.SrcPort))
			rel := int(tcp.Seq - isn[dir])
			segs[dir] = append(segs[dir], seg{rel, len(tcp.Payload)})
			if tcp.PSH {
				ends[dir] = append(ends[dir], rel+len(tcp.Payload))
			}
		}
	}
	for dir, ss := range segs {
		for _, sg := range ss {
			start, end := 1, 0
			for _, e := range ends[dir] {
				if e <= sg.rel {
					start = max(start, e)
				}
				if e >= sg.rel+sg.n && (end == 0 || e < end) {
					end = e
				}
			}
			f.dec(sg.rel-start, sg.rel+sg.n-start-1, sg.rel+sg.n-start, end-start)
		}
	}
	// How many segments a write was cut into: count the distinct starts.
	starts := map[string]bool{}
	for _, pk := range s.Packets {
		if tcp, ok := decodeFrame(t, pk).Layer(gl.LayerTypeTCP).(*gl.TCP); ok && len(tcp.Payload) > 0 {
			starts[fmt.Sprint(tcp.SrcPort, tcp.Seq)] = true
		}
	}
	for n := 1; n <= len(starts); n++ {
		f.dec(n)
	}
}

// unexplained lists the numbers in desc that facts does not hold.
func unexplained(desc string, f *frameFacts) []string {
	desc = quotedRe.ReplaceAllString(desc, `""`)
	var out []string
	// Words that appear as they are in the application bytes, such as a
	// header value, are tied to the bytes already.
	for _, w := range strings.Fields(desc) {
		w = strings.Trim(w, ".,;:()")
		if len(w) >= 3 && bytes.Contains(f.payload, []byte(w)) {
			desc = strings.Replace(desc, w, "", 1)
		}
	}
	desc = fixedPhrases.ReplaceAllString(desc, "")
	for _, m := range hexBytes.FindAllString(desc, -1) {
		b, err := hex.DecodeString(strings.ReplaceAll(m, " ", ""))
		if err != nil || !bytes.Contains(f.payload, b) {
			out = append(out, "bytes "+m)
		}
	}
	desc = hexBytes.ReplaceAllString(desc, "")
	for _, m := range macRe.FindAllString(desc, -1) {
		if !f.macs[m] {
			out = append(out, "MAC "+m)
		}
	}
	desc = macRe.ReplaceAllString(desc, "")
	for _, m := range ipRe.FindAllString(desc, -1) {
		if a, err := netip.ParseAddr(m); err != nil || !f.ips[a.String()] {
			out = append(out, "address "+m)
		}
	}
	desc = ipRe.ReplaceAllString(desc, "")
	for _, m := range hexRe.FindAllString(desc, -1) {
		if !f.hexes[m] {
			out = append(out, "hex "+m)
		}
	}
	desc = hexRe.ReplaceAllString(desc, "")
	for _, m := range decRe.FindAllStringSubmatch(desc, -1) {
		if !f.decimals[m[1]] {
			out = append(out, "number "+m[1])
		}
	}
	return out
}

// TestNarrationMatchesBytes ties every number in every step that is about a
// packet to the bytes of that packet's frame.
func TestNarrationMatchesBytes(t *testing.T) {
	t.Parallel()
	for _, v := range variants(t) {
		s := build(t, v)
		isn := flowISN(t, s)
		// What every step of the scenario may state, read once.
		scenario := newFacts()
		scenarioFacts(t, s, v.p, scenario)
		for _, st := range s.Steps {
			if st.Packet < 0 {
				continue
			}
			f := scenario.clone()
			offsets := map[int]bool{} // to count the fragments of the datagram
			for _, p := range related(s, st.Packet) {
				addFrame(t, f, p, isn)
				offsets[int(binary.BigEndian.Uint16(p.Frame[ethHeaderLen+6:])&0x1fff)] = true
			}
			for n := 1; n <= len(offsets); n++ {
				f.dec(n)
			}
			for _, n := range s.Nodes {
				if n.ID == "router" { // its addresses are in no frame it forwards
					for _, in := range n.Interfaces {
						f.ips[in.IP] = true
					}
				}
			}
			f.dec(st.Packet) // "Packet 4 is lost"
			if bad := unexplained(st.Description, f); len(bad) > 0 {
				t.Errorf("%s step %d (packet %d, %s): %v not in the frame:\n%s", v.name, st.Index, st.Packet, st.Action, bad, st.Description)
			}
		}
	}
}

// TestNarrationCheckCatches makes sure the check above would see a wrong
// number of each kind.
func TestNarrationCheckCatches(t *testing.T) {
	s, err := Build("router-hop", DefaultParamsFor("router-hop"))
	if err != nil {
		t.Fatal(err)
	}
	f := newFacts()
	for _, p := range related(s, 1) {
		addFrame(t, f, p, flowISN(t, s))
	}
	for _, tc := range []struct{ desc, want string }{
		{"The checksum goes from 0x8b8e to 0x8c8e.", "hex 0x8b8e"},
		{"It goes to 203.0.113.81.", "address 203.0.113.81"},
		{"From 02:00:00:cc:00:09.", "MAC 02:00:00:cc:00:09"},
		{"The time to live goes from 64 to 62.", "number 62"},
		{"A 65-byte frame.", "number 65"},
		{"A masking key (01 02 03 04).", "bytes 01 02 03 04"},
	} {
		if got := unexplained(tc.desc, f); len(got) == 0 || got[0] != tc.want {
			t.Errorf("%q: unexplained = %v, want %q first", tc.desc, got, tc.want)
		}
	}
}
