package layers

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// IP protocol numbers carried in the IPv4 Protocol field.
const (
	ProtoTCP = 6
	ProtoUDP = 17
)

const ipv4HeaderLen = 20

// IPv4Header holds the IPv4 header fields a sender chooses; the version,
// header length, total length and checksum follow from them. Options are not
// modelled: hardly any packet carries them.
type IPv4Header struct {
	DSCP         uint8 // 6 bits
	ECN          uint8 // 2 bits
	ID           uint16
	DontFragment bool
	// MoreFragments and FragOffset (in units of 8 bytes) place a fragment
	// within the original packet's payload.
	MoreFragments bool
	FragOffset    uint16 // 13 bits
	TTL           uint8
	Protocol      uint8
	Src, Dst      netip.Addr
}

// Packet returns the header with its checksum, followed by payload.
func (h IPv4Header) Packet(payload []byte) ([]byte, error) {
	if !h.Src.Is4() || !h.Dst.Is4() {
		return nil, fmt.Errorf("layers: ipv4: addresses must be IPv4, got %v and %v", h.Src, h.Dst)
	}
	total := ipv4HeaderLen + len(payload)
	if total > 0xffff {
		return nil, fmt.Errorf("layers: ipv4: packet of %d bytes exceeds 65535", total)
	}
	b := make([]byte, ipv4HeaderLen, total)
	b[0] = 4<<4 | ipv4HeaderLen/4
	b[1] = h.DSCP<<2 | h.ECN&3
	binary.BigEndian.PutUint16(b[2:], uint16(total))
	binary.BigEndian.PutUint16(b[4:], h.ID)
	frag := h.FragOffset & 0x1fff
	if h.DontFragment {
		frag |= 0x4000
	}
	if h.MoreFragments {
		frag |= 0x2000
	}
	binary.BigEndian.PutUint16(b[6:], frag)
	b[8] = h.TTL
	b[9] = h.Protocol
	src, dst := h.Src.As4(), h.Dst.As4()
	copy(b[12:16], src[:])
	copy(b[16:20], dst[:])
	binary.BigEndian.PutUint16(b[10:], Checksum(b))
	return append(b, payload...), nil
}

type ipSources struct{ src, dst, ttl Source }

// ipLayer describes packet (header first) that starts at off in the frame.
func ipLayer(h IPv4Header, packet []byte, off int, srcs ipSources) Layer {
	total := len(packet)
	sum := binary.BigEndian.Uint16(packet[10:])
	var flagBits uint64
	flagsValue := "0x0"
	switch {
	case h.DontFragment:
		flagBits, flagsValue = 2, "0x2 (Don't Fragment)"
	case h.MoreFragments:
		flagBits, flagsValue = 1, "0x1 (More Fragments)"
	}
	flags := bits("ip.flags", "Flags", 6, 1, 0, 3, flagBits, flagsValue, Illustrative)
	flags.Children = []Field{
		bitFlag("ip.flags.rb", "Reserved bit", 6, 0, false),
		bitFlag("ip.flags.df", "Don't fragment", 6, 1, h.DontFragment),
		bitFlag("ip.flags.mf", "More fragments", 6, 2, h.MoreFragments),
	}
	fragValue := "0"
	if h.FragOffset != 0 {
		fragValue = fmt.Sprintf("%d (byte %d of the original payload)", h.FragOffset, int(h.FragOffset)*8)
	}
	fields := []Field{
		bits("ip.version", "Version", 0, 1, 0, 4, 4, "4", Computed),
		bits("ip.hdr_len", "Header length", 0, 1, 4, 4, ipv4HeaderLen/4, fmt.Sprintf("5 (%d bytes)", ipv4HeaderLen), Computed),
		bits("ip.dsfield.dscp", "Differentiated services code point", 1, 1, 0, 6, uint64(h.DSCP), fmt.Sprint(h.DSCP), Illustrative),
		bits("ip.dsfield.ecn", "Explicit congestion notification", 1, 1, 6, 2, uint64(h.ECN), fmt.Sprint(h.ECN), Illustrative),
		num("ip.len", "Total length", 2, 2, uint64(total), fmt.Sprintf("%d bytes", total), Computed),
		num("ip.id", "Identification", 4, 2, uint64(h.ID), fmt.Sprintf("0x%04x (%d)", h.ID, h.ID), Illustrative),
		flags,
		bits("ip.frag_offset", "Fragment offset", 6, 2, 3, 13, uint64(h.FragOffset&0x1fff), fragValue, Computed),
		num("ip.ttl", "Time to live", 8, 1, uint64(h.TTL), fmt.Sprint(h.TTL), srcs.ttl),
		num("ip.proto", "Protocol", 9, 1, uint64(h.Protocol), fmt.Sprintf("%d (%s)", h.Protocol, protoName(h.Protocol)), Computed),
		num("ip.checksum", "Header checksum", 10, 2, uint64(sum), fmt.Sprintf("0x%04x", sum), Computed),
		text("ip.src", "Source address", 12, 4, h.Src.String(), srcs.src),
		text("ip.dst", "Destination address", 16, 4, h.Dst.String(), srcs.dst),
	}
	return Layer{
		Key: "ip", Name: "Internet Protocol version 4", OSI: 3, TCPIP: tcpipInternet, PDU: "packet",
		Offset: off, Length: total, HeaderLength: ipv4HeaderLen, Fields: shift(fields, off),
	}
}

func protoName(p uint8) string {
	switch p {
	case ProtoTCP:
		return "TCP"
	case ProtoUDP:
		return "UDP"
	case 1:
		return "ICMP"
	}
	return "unknown"
}
