package layers

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"testing"

	"github.com/google/gopacket"
	gl "github.com/google/gopacket/layers"
)

// TestFramesDecode has gopacket, an independent decoder, read every frame
// of every variant and checks that it sees what the model says, and that
// every checksum is what gopacket itself computes.
func TestFramesDecode(t *testing.T) {
	for _, v := range variants(t) {
		t.Run(v.name, func(t *testing.T) {
			s := build(t, v)
			checkFrames(t, s)
		})
	}
}

func checkFrames(t *testing.T, s *Scenario) {
	t.Helper()
	frags := map[uint16][]gopacket.Packet{} // IP fragments by identification
	for _, p := range s.Packets {
		frame := []byte(p.Frame)
		body := frame[:len(frame)-fcsLen]
		if got, want := binary.LittleEndian.Uint32(frame[len(body):]), crc32Bitwise(body); got != want {
			t.Errorf("packet %d: FCS %#08x, CRC %#08x", p.Index, got, want)
		}
		if len(frame) < 64 {
			t.Errorf("packet %d: frame of %d bytes is below Ethernet's minimum", p.Index, len(frame))
		}
		pkt := gopacket.NewPacket(body, gl.LayerTypeEthernet, gopacket.Default)
		// gopacket guesses the application protocol from the port (DHCP on
		// 67, DNS on 53...) and fails on a message that is not one; only
		// errors up to the transport layer are ours.
		if el := pkt.ErrorLayer(); el != nil && pkt.TransportLayer() == nil {
			t.Fatalf("packet %d: gopacket: %v", p.Index, el.Error())
		}
		eth := pkt.Layer(gl.LayerTypeEthernet).(*gl.Ethernet)
		if eth.SrcMAC.String() != value(t, p, "eth.src") || eth.DstMAC.String() != value(t, p, "eth.dst") {
			t.Errorf("packet %d: MACs %v → %v, model %s → %s", p.Index, eth.SrcMAC, eth.DstMAC, value(t, p, "eth.src"), value(t, p, "eth.dst"))
		}
		if uint64(eth.EthernetType) != number(t, p, "eth.type") {
			t.Errorf("packet %d: EtherType %v", p.Index, eth.EthernetType)
		}
		if eth.EthernetType == gl.EthernetTypeARP {
			checkARP(t, p, pkt)
			continue
		}
		ip, ok := pkt.Layer(gl.LayerTypeIPv4).(*gl.IPv4)
		if !ok {
			t.Fatalf("packet %d: no IPv4 layer", p.Index)
		}
		checkIPv4(t, p, ip)
		if ip.Flags&gl.IPv4MoreFragments != 0 || ip.FragOffset != 0 {
			frags[ip.Id] = append(frags[ip.Id], pkt)
			continue
		}
		switch gl.IPProtocol(number(t, p, "ip.proto")) {
		case gl.IPProtocolTCP:
			tcp, ok := pkt.Layer(gl.LayerTypeTCP).(*gl.TCP)
			if !ok {
				t.Fatalf("packet %d: no TCP layer", p.Index)
			}
			checkTCP(t, p, ip, tcp)
		case gl.IPProtocolUDP:
			udp, ok := pkt.Layer(gl.LayerTypeUDP).(*gl.UDP)
			if !ok {
				t.Fatalf("packet %d: no UDP layer", p.Index)
			}
			checkUDP(t, p, ip, udp, udp.Payload)
		case gl.IPProtocolICMPv4:
			icmp, ok := pkt.Layer(gl.LayerTypeICMPv4).(*gl.ICMPv4)
			if !ok {
				t.Fatalf("packet %d: no ICMP layer", p.Index)
			}
			if uint64(icmp.TypeCode.Type()) != number(t, p, "icmp.type") || uint64(icmp.Checksum) != number(t, p, "icmp.checksum") {
				t.Errorf("packet %d: ICMP %v checksum %#04x", p.Index, icmp.TypeCode, icmp.Checksum)
			}
			if Checksum(ip.Payload) != 0 { // a correct checksum makes the sum come out as zero
				t.Errorf("packet %d: ICMP checksum %#04x does not verify", p.Index, icmp.Checksum)
			}
		default:
			t.Errorf("packet %d: unexpected protocol", p.Index)
		}
	}
	// Put fragments back together, as the receiver's IP would, and have
	// gopacket decode the datagram.
	for id, pkts := range frags {
		var whole []byte
		var first *gl.IPv4
		var model Packet
		for _, pkt := range pkts {
			ip := pkt.Layer(gl.LayerTypeIPv4).(*gl.IPv4)
			if int(ip.FragOffset)*8 != len(whole) {
				if int(ip.FragOffset)*8 < len(whole) {
					continue // a resent copy
				}
				t.Fatalf("fragment of %#04x at offset %d, have %d bytes", id, int(ip.FragOffset)*8, len(whole))
			}
			if ip.FragOffset == 0 {
				first = ip
				for _, p := range s.Packets {
					if bytes.Equal(p.Frame[:len(p.Frame)-fcsLen], pkt.Data()) {
						model = p
						break
					}
				}
			}
			whole = append(whole, ip.Payload...)
		}
		if first == nil {
			t.Fatalf("fragments of %#04x have no first fragment", id)
		}
		pkt := gopacket.NewPacket(whole, gl.LayerTypeUDP, gopacket.Default)
		udp, ok := pkt.Layer(gl.LayerTypeUDP).(*gl.UDP)
		if !ok {
			t.Fatalf("reassembled %#04x: no UDP", id)
		}
		if int(udp.Length) != len(whole) {
			t.Errorf("reassembled %#04x: UDP length %d, have %d bytes", id, udp.Length, len(whole))
		}
		checkUDP(t, model, first, udp, udp.Payload)
	}
}

func checkIPv4(t *testing.T, p Packet, ip *gl.IPv4) {
	t.Helper()
	checks := []struct {
		key string
		got uint64
	}{
		{"ip.version", uint64(ip.Version)},
		{"ip.hdr_len", uint64(ip.IHL)},
		{"ip.len", uint64(ip.Length)},
		{"ip.id", uint64(ip.Id)},
		{"ip.flags", uint64(ip.Flags)},
		{"ip.frag_offset", uint64(ip.FragOffset)},
		{"ip.ttl", uint64(ip.TTL)},
		{"ip.proto", uint64(ip.Protocol)},
		{"ip.checksum", uint64(ip.Checksum)},
		{"ip.dsfield.dscp", uint64(ip.TOS >> 2)},
		{"ip.dsfield.ecn", uint64(ip.TOS & 3)},
	}
	for _, c := range checks {
		if want := number(t, p, c.key); c.got != want {
			t.Errorf("packet %d: %s: gopacket %d, model %d", p.Index, c.key, c.got, want)
		}
	}
	if ip.SrcIP.String() != value(t, p, "ip.src") || ip.DstIP.String() != value(t, p, "ip.dst") {
		t.Errorf("packet %d: addresses %v → %v", p.Index, ip.SrcIP, ip.DstIP)
	}
	// gopacket computes the checksum afresh; it must match the one sent.
	sent := append([]byte(nil), ip.Contents...)
	redo := *ip
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{ComputeChecksums: true}, &redo, gopacket.Payload(ip.Payload)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes()[:len(sent)], sent) {
		t.Errorf("packet %d: IP header % x, gopacket % x", p.Index, sent, buf.Bytes()[:len(sent)])
	}
}

func checkTCP(t *testing.T, p Packet, ip *gl.IPv4, tcp *gl.TCP) {
	t.Helper()
	flags := map[string]bool{
		"tcp.flags.fin": tcp.FIN, "tcp.flags.syn": tcp.SYN, "tcp.flags.rst": tcp.RST, "tcp.flags.psh": tcp.PSH,
		"tcp.flags.ack": tcp.ACK, "tcp.flags.urg": tcp.URG, "tcp.flags.ece": tcp.ECE, "tcp.flags.cwr": tcp.CWR,
	}
	for key, set := range flags {
		if got := number(t, p, key) == 1; got != set {
			t.Errorf("packet %d: %s: model %v, gopacket %v", p.Index, key, got, set)
		}
	}
	checks := []struct {
		key string
		got uint64
	}{
		{"tcp.srcport", uint64(tcp.SrcPort)},
		{"tcp.dstport", uint64(tcp.DstPort)},
		{"tcp.seq", uint64(tcp.Seq)},
		{"tcp.ack", uint64(tcp.Ack)},
		{"tcp.hdr_len", uint64(tcp.DataOffset)},
		{"tcp.window_size", uint64(tcp.Window)},
		{"tcp.checksum", uint64(tcp.Checksum)},
		{"tcp.urgent_pointer", uint64(tcp.Urgent)},
	}
	for _, c := range checks {
		if want := number(t, p, c.key); c.got != want {
			t.Errorf("packet %d: %s: gopacket %d, model %d", p.Index, c.key, c.got, want)
		}
	}
	var mss []uint64
	for _, o := range tcp.Options {
		if o.OptionType == gl.TCPOptionKindMSS {
			mss = append(mss, uint64(binary.BigEndian.Uint16(o.OptionData)))
		}
	}
	model := fieldsByKey(p, "tcp.options.mss_val")
	if len(mss) != len(model) || (len(mss) == 1 && mss[0] != *model[0].Number) {
		t.Errorf("packet %d: MSS options gopacket %v, model %d fields", p.Index, mss, len(model))
	}
	if tcp.SYN != (len(mss) == 1) {
		t.Errorf("packet %d: MSS option should be on SYN segments only", p.Index)
	}
	checkPayload(t, p, tcp.Payload)
	sent := append([]byte(nil), tcp.Contents...)
	redo := *tcp
	if err := redo.SetNetworkLayerForChecksum(ip); err != nil {
		t.Fatal(err)
	}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{ComputeChecksums: true}, &redo, gopacket.Payload(tcp.Payload)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes()[:len(sent)], sent) {
		t.Errorf("packet %d: TCP header % x, gopacket % x", p.Index, sent, buf.Bytes()[:len(sent)])
	}
}

func checkUDP(t *testing.T, p Packet, ip *gl.IPv4, udp *gl.UDP, payload []byte) {
	t.Helper()
	for _, c := range []struct {
		key string
		got uint64
	}{
		{"udp.srcport", uint64(udp.SrcPort)},
		{"udp.dstport", uint64(udp.DstPort)},
		{"udp.length", uint64(udp.Length)},
		{"udp.checksum", uint64(udp.Checksum)},
	} {
		if want := number(t, p, c.key); c.got != want {
			t.Errorf("packet %d: %s: gopacket %d, model %d", p.Index, c.key, c.got, want)
		}
	}
	redo := *udp
	if err := redo.SetNetworkLayerForChecksum(ip); err != nil {
		t.Fatal(err)
	}
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{ComputeChecksums: true}, &redo, gopacket.Payload(payload)); err != nil {
		t.Fatal(err)
	}
	if got := binary.BigEndian.Uint16(buf.Bytes()[6:]); got != udp.Checksum {
		t.Errorf("packet %d: UDP checksum %#04x, gopacket %#04x", p.Index, udp.Checksum, got)
	}
}

// checkPayload compares the transport payload gopacket found with the
// model's application layer.
func checkPayload(t *testing.T, p Packet, payload []byte) {
	t.Helper()
	var app []byte
	for _, l := range p.Layers {
		if l.OSI == 7 {
			app = p.Frame[l.Offset : l.Offset+l.Length]
		}
	}
	if !bytes.Equal(app, payload) {
		t.Errorf("packet %d: payload %q, model %q", p.Index, payload, app)
	}
}

// TestFieldBytes checks that each field's offset and length point at the
// bytes that hold its value.
func TestFieldBytes(t *testing.T) {
	for _, v := range variants(t) {
		s := build(t, v)
		for _, p := range s.Packets {
			end := 0
			for _, l := range p.Layers {
				if l.Offset < end && l.Key != "eth" {
					t.Errorf("%s packet %d: layer %s at %d overlaps the one before", v.name, p.Index, l.Key, l.Offset)
				}
				end = l.Offset + l.HeaderLength
				if l.Offset < 0 || l.Offset+l.Length > len(p.Frame) || l.HeaderLength > l.Length {
					t.Errorf("%s packet %d: layer %s [%d, +%d) header %d outside the frame of %d", v.name, p.Index, l.Key, l.Offset, l.Length, l.HeaderLength, len(p.Frame))
				}
				checkFields(t, v.name, p, l, l.Offset, l.Offset+l.Length, l.Fields)
			}
		}
	}
}

func checkFields(t *testing.T, name string, p Packet, l Layer, lo, hi int, fields []Field) {
	t.Helper()
	for _, f := range fields {
		where := func() string { return fmt.Sprintf("%s packet %d %s", name, p.Index, f.Key) }
		if f.Key == "" || f.Name == "" || f.Source == "" {
			t.Errorf("%s: key, name or source missing", where())
		}
		if f.Help == "" {
			t.Errorf("%s: no help text", where())
		}
		if f.Length <= 0 || f.Offset < lo || f.Offset+f.Length > hi {
			t.Errorf("%s: [%d, +%d) outside [%d, %d)", where(), f.Offset, f.Length, lo, hi)
			continue
		}
		b := []byte(p.Frame[f.Offset : f.Offset+f.Length])
		switch {
		case f.Number != nil:
			if f.Length > 8 {
				t.Errorf("%s: numeric field of %d bytes", where(), f.Length)
				continue
			}
			if f.BitLength > 0 && (f.BitOffset+f.BitLength > 8*f.Length) {
				t.Errorf("%s: bits %d+%d do not fit %d bytes", where(), f.BitOffset, f.BitLength, f.Length)
			}
			var v uint64
			for i := range b {
				if f.LittleEndian {
					v |= uint64(b[i]) << (8 * i)
				} else {
					v = v<<8 | uint64(b[i])
				}
			}
			if f.BitLength > 0 {
				v = v >> (8*f.Length - f.BitOffset - f.BitLength) & (1<<f.BitLength - 1)
			}
			if v != *f.Number {
				t.Errorf("%s: bytes % x hold %d, model says %d", where(), b, v, *f.Number)
			}
		case f.Key == "eth.src" || f.Key == "eth.dst":
			if want, _ := net.ParseMAC(f.Value); !bytes.Equal(b, want) {
				t.Errorf("%s: bytes % x, value %s", where(), b, f.Value)
			}
		case f.Key == "ip.src" || f.Key == "ip.dst":
			if a := netip.MustParseAddr(f.Value).As4(); !bytes.Equal(b, a[:]) {
				t.Errorf("%s: bytes % x, value %s", where(), b, f.Value)
			}
		case f.Key == "websocket.payload":
			if len(f.Value) != f.Length {
				t.Errorf("%s: %d bytes but a value of %d", where(), f.Length, len(f.Value))
			}
			masked := len(fieldsByKey(p, "websocket.mask")) == 1 && number(t, p, "websocket.mask") == 1
			keys := fieldsByKey(p, "websocket.masking_key")
			switch {
			case masked && len(keys) == 1 && keys[0].Offset+4 == f.Offset:
				var k [4]byte
				binary.BigEndian.PutUint32(k[:], uint32(*keys[0].Number))
				for i := range b {
					b[i] ^= k[i%4]
				}
			case masked || len(fieldsByKey(p, "websocket.mask")) == 0:
				continue // a later piece of a frame: its masking key is in another packet
			}
			if string(b) != f.Value {
				t.Errorf("%s: bytes %q, value %q", where(), b, f.Value)
			}
		case f.Key == "data.data" || (len(f.Key) > 5 && f.Key[:5] == "http."):
			if f.Key == "http.end" {
				if string(b) != "\r\n" {
					t.Errorf("%s: bytes %q", where(), b)
				}
			} else if string(b) != f.Value {
				t.Errorf("%s: bytes %q, value %q", where(), b, f.Value)
			}
		}
		checkFields(t, name, p, l, f.Offset, f.Offset+f.Length, f.Children)
	}
}

// checkARP compares gopacket's reading of an ARP message with the model's.
func checkARP(t *testing.T, p Packet, pkt gopacket.Packet) {
	t.Helper()
	arp, ok := pkt.Layer(gl.LayerTypeARP).(*gl.ARP)
	if !ok {
		t.Fatalf("packet %d: no ARP layer", p.Index)
	}
	if arp.AddrType != gl.LinkTypeEthernet || arp.Protocol != gl.EthernetTypeIPv4 || arp.HwAddressSize != 6 || arp.ProtAddressSize != 4 {
		t.Errorf("packet %d: ARP for %v/%v sizes %d/%d", p.Index, arp.AddrType, arp.Protocol, arp.HwAddressSize, arp.ProtAddressSize)
	}
	if uint64(arp.Operation) != number(t, p, "arp.opcode") {
		t.Errorf("packet %d: ARP operation %d", p.Index, arp.Operation)
	}
	for _, c := range []struct {
		key string
		got string
	}{
		{"arp.src.hw_mac", net.HardwareAddr(arp.SourceHwAddress).String()},
		{"arp.src.proto_ipv4", net.IP(arp.SourceProtAddress).String()},
		{"arp.dst.hw_mac", net.HardwareAddr(arp.DstHwAddress).String()},
		{"arp.dst.proto_ipv4", net.IP(arp.DstProtAddress).String()},
	} {
		if want := value(t, p, c.key); c.got != want {
			t.Errorf("packet %d: %s is %s, model %s", p.Index, c.key, c.got, want)
		}
	}
}
