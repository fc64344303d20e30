package layers

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
)

// EtherTypeARP is the EtherType of an ARP message.
const EtherTypeARP = 0x0806

// The two ARP operations (RFC 826).
const (
	ARPRequest = 1
	ARPReply   = 2
)

const arpLen = 28 // an ARP message for Ethernet and IPv4

// ARPMessage is an ARP request or reply for IPv4 over Ethernet.
type ARPMessage struct {
	Op                   uint16
	SenderMAC, TargetMAC net.HardwareAddr
	SenderIP, TargetIP   netip.Addr
}

// Bytes returns the 28-byte message.
func (m ARPMessage) Bytes() ([]byte, error) {
	if len(m.SenderMAC) != 6 || len(m.TargetMAC) != 6 {
		return nil, fmt.Errorf("layers: arp: MAC addresses must be 6 bytes, got %d and %d", len(m.SenderMAC), len(m.TargetMAC))
	}
	if !m.SenderIP.Is4() || !m.TargetIP.Is4() {
		return nil, fmt.Errorf("layers: arp: addresses must be IPv4, got %v and %v", m.SenderIP, m.TargetIP)
	}
	b := make([]byte, arpLen)
	binary.BigEndian.PutUint16(b[0:], 1) // hardware type: Ethernet
	binary.BigEndian.PutUint16(b[2:], EtherTypeIPv4)
	b[4], b[5] = 6, 4
	binary.BigEndian.PutUint16(b[6:], m.Op)
	copy(b[8:14], m.SenderMAC)
	sip, tip := m.SenderIP.As4(), m.TargetIP.As4()
	copy(b[14:18], sip[:])
	copy(b[18:24], m.TargetMAC)
	copy(b[24:28], tip[:])
	return b, nil
}

// arpLayer describes the message at off in the frame.
func arpLayer(m ARPMessage, off int, src Source) Layer {
	op := "1 (request)"
	if m.Op == ARPReply {
		op = "2 (reply)"
	}
	targetMAC := Computed
	if m.Op == ARPReply {
		targetMAC = src
	}
	fields := []Field{
		num("arp.hw.type", "Hardware type", 0, 2, 1, "1 (Ethernet)", Computed),
		num("arp.proto.type", "Protocol type", 2, 2, EtherTypeIPv4, "0x0800 (IPv4)", Computed),
		num("arp.hw.size", "Hardware size", 4, 1, 6, "6", Computed),
		num("arp.proto.size", "Protocol size", 5, 1, 4, "4", Computed),
		num("arp.opcode", "Opcode", 6, 2, uint64(m.Op), op, Computed),
		text("arp.src.hw_mac", "Sender MAC address", 8, 6, m.SenderMAC.String(), src),
		text("arp.src.proto_ipv4", "Sender IP address", 14, 4, m.SenderIP.String(), src),
		text("arp.dst.hw_mac", "Target MAC address", 18, 6, m.TargetMAC.String(), targetMAC),
		text("arp.dst.proto_ipv4", "Target IP address", 24, 4, m.TargetIP.String(), src),
	}
	name := "Address Resolution Protocol (request)"
	if m.Op == ARPReply {
		name = "Address Resolution Protocol (reply)"
	}
	return Layer{Key: "arp", Name: name, OSI: 2, TCPIP: tcpipLink, PDU: "ARP message",
		Offset: off, Length: arpLen, HeaderLength: arpLen, Fields: shift(fields, off)}
}
