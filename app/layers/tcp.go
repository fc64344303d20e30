package layers

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strings"
)

// TCPFlags are the eight control bits of a TCP header (RFC 9293).
type TCPFlags uint8

// The TCP flags, least significant bit first.
const (
	FIN TCPFlags = 1 << iota
	SYN
	RST
	PSH
	ACK
	URG
	ECE
	CWR
)

type namedFlag struct {
	f    TCPFlags
	name string
}

// headerOrder lists the flags from the most significant bit down, the
// order they sit in the header.
func headerOrder() []namedFlag {
	return []namedFlag{{CWR, "CWR"}, {ECE, "ECE"}, {URG, "URG"}, {ACK, "ACK"}, {PSH, "PSH"}, {RST, "RST"}, {SYN, "SYN"}, {FIN, "FIN"}}
}

// String lists the set flags in the order Wireshark shows them: "SYN, ACK",
// "FIN, PSH, ACK".
func (f TCPFlags) String() string {
	var names []string
	for _, n := range []namedFlag{{SYN, "SYN"}, {FIN, "FIN"}, {RST, "RST"}, {PSH, "PSH"}, {ACK, "ACK"}, {URG, "URG"}, {ECE, "ECE"}, {CWR, "CWR"}} {
		if f&n.f != 0 {
			names = append(names, n.name)
		}
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

const (
	tcpHeaderLen = 20
	mssOptionLen = 4
)

// TCPHeader holds the TCP header fields a sender chooses. MSS, when not
// zero, adds the maximum segment size option (sent on SYN segments only).
type TCPHeader struct {
	SrcPort, DstPort uint16
	Seq, Ack         uint32
	Flags            TCPFlags
	Window           uint16
	Urgent           uint16
	MSS              uint16
}

func (h TCPHeader) headerLen() int {
	if h.MSS != 0 {
		return tcpHeaderLen + mssOptionLen
	}
	return tcpHeaderLen
}

// Segment returns the header with its checksum, followed by payload. The
// addresses are needed only for the checksum's pseudo-header.
func (h TCPHeader) Segment(src, dst netip.Addr, payload []byte) ([]byte, error) {
	if !src.Is4() || !dst.Is4() {
		return nil, fmt.Errorf("layers: tcp: addresses must be IPv4, got %v and %v", src, dst)
	}
	hl := h.headerLen()
	if hl+len(payload) > 0xffff-ipv4HeaderLen {
		return nil, fmt.Errorf("layers: tcp: payload of %d bytes is too long for one IPv4 packet", len(payload))
	}
	b := make([]byte, hl, hl+len(payload))
	binary.BigEndian.PutUint16(b[0:], h.SrcPort)
	binary.BigEndian.PutUint16(b[2:], h.DstPort)
	binary.BigEndian.PutUint32(b[4:], h.Seq)
	binary.BigEndian.PutUint32(b[8:], h.Ack)
	b[12] = byte(hl/4) << 4
	b[13] = byte(h.Flags)
	binary.BigEndian.PutUint16(b[14:], h.Window)
	binary.BigEndian.PutUint16(b[18:], h.Urgent)
	if h.MSS != 0 {
		b[20], b[21] = 2, mssOptionLen
		binary.BigEndian.PutUint16(b[22:], h.MSS)
	}
	b = append(b, payload...)
	s, d := src.As4(), dst.As4()
	binary.BigEndian.PutUint16(b[16:], Checksum(pseudoHeader(s, d, ProtoTCP, len(b)), b))
	return b, nil
}

// tcpView is what a reader needs to make sense of the sequence numbers: the
// initial sequence numbers of both sides, so they can also be shown relative
// to the start of the connection, as Wireshark does.
type tcpView struct {
	isn, peerISN     uint32
	srcPort, dstPort Source
}

// tcpLayer describes segment (header first) that starts at off in the frame.
func tcpLayer(h TCPHeader, segment []byte, off int, v tcpView) Layer {
	hl := h.headerLen()
	sum := binary.BigEndian.Uint16(segment[16:])
	ackValue := fmt.Sprintf("%d (relative %d)", h.Ack, h.Ack-v.peerISN)
	if h.Flags&ACK == 0 {
		ackValue = fmt.Sprintf("%d (not used: the ACK flag is clear)", h.Ack)
	}
	flags := num("tcp.flags", "Flags", 13, 1, uint64(h.Flags), fmt.Sprintf("0x%02x (%s)", uint8(h.Flags), h.Flags), Illustrative)
	for i, n := range headerOrder() {
		flags.Children = append(flags.Children, bitFlag("tcp.flags."+strings.ToLower(n.name), n.name, 13, i, h.Flags&n.f != 0))
	}
	fields := []Field{
		num("tcp.srcport", "Source port", 0, 2, uint64(h.SrcPort), fmt.Sprint(h.SrcPort), v.srcPort),
		num("tcp.dstport", "Destination port", 2, 2, uint64(h.DstPort), fmt.Sprint(h.DstPort), v.dstPort),
		num("tcp.seq", "Sequence number", 4, 4, uint64(h.Seq), fmt.Sprintf("%d (relative %d)", h.Seq, h.Seq-v.isn), Illustrative),
		num("tcp.ack", "Acknowledgment number", 8, 4, uint64(h.Ack), ackValue, Illustrative),
		bits("tcp.hdr_len", "Header length", 12, 1, 0, 4, uint64(hl/4), fmt.Sprintf("%d (%d bytes)", hl/4, hl), Computed),
		bits("tcp.flags.res", "Reserved", 12, 1, 4, 4, 0, "0", Computed),
		flags,
		num("tcp.window_size", "Window", 14, 2, uint64(h.Window), fmt.Sprintf("%d bytes", h.Window), Illustrative),
		num("tcp.checksum", "Checksum", 16, 2, uint64(sum), fmt.Sprintf("0x%04x", sum), Computed),
		num("tcp.urgent_pointer", "Urgent pointer", 18, 2, uint64(h.Urgent), fmt.Sprint(h.Urgent), Computed),
	}
	if h.MSS != 0 {
		opts := text("tcp.options", "Options", 20, mssOptionLen, fmt.Sprintf("Maximum segment size: %d bytes", h.MSS), Computed)
		opts.Children = []Field{
			num("tcp.option_kind", "Kind", 20, 1, 2, "2 (Maximum segment size)", Computed),
			num("tcp.option_len", "Length", 21, 1, mssOptionLen, fmt.Sprint(mssOptionLen), Computed),
			num("tcp.options.mss_val", "Maximum segment size", 22, 2, uint64(h.MSS), fmt.Sprintf("%d bytes", h.MSS), Computed),
		}
		fields = append(fields, opts)
	}
	return Layer{
		Key: "tcp", Name: "Transmission Control Protocol", OSI: 4, TCPIP: tcpipTransport, PDU: "segment",
		Offset: off, Length: len(segment), HeaderLength: hl, Fields: shift(fields, off),
	}
}
