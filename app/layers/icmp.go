package layers

import (
	"encoding/binary"
	"fmt"
)

// ProtoICMP is ICMP's number in the IPv4 Protocol field.
const ProtoICMP = 1

// ICMP types used here (RFC 792).
const (
	ICMPEchoReply    = 0
	ICMPEchoRequest  = 8
	ICMPTimeExceeded = 11
)

const icmpHeaderLen = 8

// ICMPMessage is an ICMP message: type, code, the four bytes whose meaning
// depends on the type (identifier and sequence number for an echo, unused
// for Time Exceeded), and the data.
type ICMPMessage struct {
	Type, Code uint8
	Rest       [4]byte
	Data       []byte
}

// Bytes returns the message with its checksum, which covers all of it.
func (m ICMPMessage) Bytes() []byte {
	b := make([]byte, icmpHeaderLen, icmpHeaderLen+len(m.Data))
	b[0], b[1] = m.Type, m.Code
	copy(b[4:8], m.Rest[:])
	b = append(b, m.Data...)
	binary.BigEndian.PutUint16(b[2:], Checksum(b))
	return b
}

// echo makes an echo request or reply.
func echo(typ uint8, id, seq uint16, data []byte) ICMPMessage {
	m := ICMPMessage{Type: typ, Data: data}
	binary.BigEndian.PutUint16(m.Rest[0:], id)
	binary.BigEndian.PutUint16(m.Rest[2:], seq)
	return m
}

// icmpLayer describes the message b (as Bytes returned it) at off.
func icmpLayer(m ICMPMessage, b []byte, off int) Layer {
	sum := binary.BigEndian.Uint16(b[2:])
	var typeName string
	switch m.Type {
	case ICMPEchoRequest:
		typeName = "8 (Echo request)"
	case ICMPEchoReply:
		typeName = "0 (Echo reply)"
	case ICMPTimeExceeded:
		typeName = "11 (Time exceeded)"
	default:
		typeName = fmt.Sprint(m.Type)
	}
	codeName := fmt.Sprint(m.Code)
	if m.Type == ICMPTimeExceeded && m.Code == 0 {
		codeName = "0 (time to live exceeded in transit)"
	}
	fields := []Field{
		num("icmp.type", "Type", 0, 1, uint64(m.Type), typeName, Computed),
		num("icmp.code", "Code", 1, 1, uint64(m.Code), codeName, Computed),
		num("icmp.checksum", "Checksum", 2, 2, uint64(sum), fmt.Sprintf("0x%04x", sum), Computed),
	}
	name := "Internet Control Message Protocol"
	if m.Type == ICMPTimeExceeded {
		fields = append(fields,
			num("icmp.unused", "Unused", 4, 4, 0, "0", Computed),
			text("icmp.original", "The packet that expired: its IP header and first 8 bytes", icmpHeaderLen, len(m.Data), fmt.Sprintf("%d bytes", len(m.Data)), Computed))
	} else {
		id, seq := binary.BigEndian.Uint16(m.Rest[0:]), binary.BigEndian.Uint16(m.Rest[2:])
		fields = append(fields,
			num("icmp.ident", "Identifier", 4, 2, uint64(id), fmt.Sprintf("0x%04x", id), Illustrative),
			num("icmp.seq", "Sequence number", 6, 2, uint64(seq), fmt.Sprint(seq), Computed))
		if len(m.Data) > 0 {
			fields = append(fields, text("icmp.data", "Data", icmpHeaderLen, len(m.Data), fmt.Sprintf("%d bytes", len(m.Data)), Illustrative))
		}
	}
	return Layer{Key: "icmp", Name: name, OSI: 3, TCPIP: tcpipInternet, PDU: "ICMP message",
		Offset: off, Length: len(b), HeaderLength: icmpHeaderLen, Fields: shift(fields, off)}
}
