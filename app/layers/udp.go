package layers

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

const udpHeaderLen = 8

// UDPHeader holds the UDP ports; the length and checksum follow from the
// payload.
type UDPHeader struct {
	SrcPort, DstPort uint16
}

// Datagram returns the header with its checksum, followed by payload.
func (h UDPHeader) Datagram(src, dst netip.Addr, payload []byte) ([]byte, error) {
	if !src.Is4() || !dst.Is4() {
		return nil, fmt.Errorf("layers: udp: addresses must be IPv4, got %v and %v", src, dst)
	}
	n := udpHeaderLen + len(payload)
	if n > 0xffff-ipv4HeaderLen {
		return nil, fmt.Errorf("layers: udp: payload of %d bytes is too long for one IPv4 packet", len(payload))
	}
	b := make([]byte, udpHeaderLen, n)
	binary.BigEndian.PutUint16(b[0:], h.SrcPort)
	binary.BigEndian.PutUint16(b[2:], h.DstPort)
	binary.BigEndian.PutUint16(b[4:], uint16(n))
	b = append(b, payload...)
	s, d := src.As4(), dst.As4()
	sum := Checksum(pseudoHeader(s, d, ProtoUDP, n), b)
	if sum == 0 {
		sum = 0xffff // 0 would mean "no checksum" (RFC 768); 0xffff is the same value in one's complement
	}
	binary.BigEndian.PutUint16(b[6:], sum)
	return b, nil
}

type udpSources struct{ srcPort, dstPort Source }

// udpLayer describes the datagram, or its first fragment, that starts at off
// in the frame.
func udpLayer(h UDPHeader, datagram []byte, off int, srcs udpSources) Layer {
	n := binary.BigEndian.Uint16(datagram[4:])
	sum := binary.BigEndian.Uint16(datagram[6:])
	fields := []Field{
		num("udp.srcport", "Source port", 0, 2, uint64(h.SrcPort), fmt.Sprint(h.SrcPort), srcs.srcPort),
		num("udp.dstport", "Destination port", 2, 2, uint64(h.DstPort), fmt.Sprint(h.DstPort), srcs.dstPort),
		num("udp.length", "Length", 4, 2, uint64(n), fmt.Sprintf("%d bytes", n), Computed),
		num("udp.checksum", "Checksum", 6, 2, uint64(sum), fmt.Sprintf("0x%04x", sum), Computed),
	}
	return Layer{
		Key: "udp", Name: "User Datagram Protocol", OSI: 4, TCPIP: tcpipTransport, PDU: "datagram",
		Offset: off, Length: len(datagram), HeaderLength: udpHeaderLen, Fields: shift(fields, off),
	}
}
