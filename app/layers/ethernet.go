package layers

import (
	"encoding/binary"
	"fmt"
	"net"
)

// EtherTypeIPv4 is the EtherType that says an IPv4 packet follows.
const EtherTypeIPv4 = 0x0800

const (
	ethHeaderLen = 14
	fcsLen       = 4
	// minFrameLen is the shortest frame without its FCS: 802.3 requires 64
	// bytes with the FCS, so that a collision is seen while still sending.
	minFrameLen = 60
)

// EthernetHeader is the header of an Ethernet II frame.
type EthernetHeader struct {
	Dst, Src  net.HardwareAddr
	EtherType uint16
}

// Frame returns the whole frame: header, payload, zero padding up to the
// minimum size, and the FCS.
func (h EthernetHeader) Frame(payload []byte) ([]byte, error) {
	if len(h.Dst) != 6 || len(h.Src) != 6 {
		return nil, fmt.Errorf("layers: ethernet: MAC addresses must be 6 bytes, got %d and %d", len(h.Dst), len(h.Src))
	}
	n := max(ethHeaderLen+len(payload), minFrameLen)
	b := make([]byte, ethHeaderLen, n+fcsLen)
	copy(b[0:6], h.Dst)
	copy(b[6:12], h.Src)
	binary.BigEndian.PutUint16(b[12:14], h.EtherType)
	b = append(b, payload...)
	b = b[:n] // the capacity is zeroed, so this is the padding
	return AppendFCS(b), nil
}

// ethSources says where the addresses in a frame come from.
type ethSources struct{ dst, src Source }

// ethLayer describes frame, whose payload is payloadLen bytes long.
func ethLayer(h EthernetHeader, frame []byte, payloadLen int, srcs ethSources) Layer {
	fields := []Field{
		text("eth.dst", "Destination", 0, 6, h.Dst.String(), srcs.dst),
		text("eth.src", "Source", 6, 6, h.Src.String(), srcs.src),
		num("eth.type", "Type", 12, 2, uint64(h.EtherType), fmt.Sprintf("0x%04x (%s)", h.EtherType, etherTypeName(h.EtherType)), Computed),
	}
	end := len(frame) - fcsLen
	if pad := end - ethHeaderLen - payloadLen; pad > 0 {
		fields = append(fields, text("eth.padding", "Padding", end-pad, pad, fmt.Sprintf("%d zero bytes", pad), Computed))
	}
	fcs := binary.LittleEndian.Uint32(frame[end:])
	f := num("eth.fcs", "Frame check sequence", end, fcsLen, uint64(fcs), fmt.Sprintf("0x%08x (CRC-32 of bytes 0 to %d)", fcs, end-1), Computed)
	f.LittleEndian = true
	fields = append(fields, f)
	return Layer{
		Key: "eth", Name: "Ethernet II", OSI: 2, TCPIP: tcpipLink, PDU: "frame",
		Offset: 0, Length: len(frame), HeaderLength: ethHeaderLen, Fields: fields,
	}
}

func etherTypeName(t uint16) string {
	switch t {
	case EtherTypeIPv4:
		return "IPv4"
	case 0x0806:
		return "ARP"
	case 0x86dd:
		return "IPv6"
	}
	return "unknown"
}
