package layers

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// This file writes the steps that every packet goes through on its way down
// the sender's stack, through a router, and up the receiver's stack to the
// transport layer. What the transport and application layers make of it is
// up to the scenario.

// senderSteps explains how x is wrapped, layer by layer, before it is sent.
func (s *sim) senderSteps(x *xmit, pieces []piece) {
	idx := len(s.packets) // the first packet of x, about to be built
	first := pieces[0]
	var l4Len int
	if x.tcp != nil {
		l4Len = len(x.app.bytes) + x.tcp.headerLen()
	} else {
		l4Len = len(x.app.bytes) + udpHeaderLen
	}
	if x.appWhy != "" {
		s.step(idx, x.from.id, "encapsulate", 7, "data", x.keys(7), x.at, x.appWhy)
	}
	var l4 string
	if h := x.tcp; h != nil {
		l4 = fmt.Sprintf("%s TCP puts a %d-byte header in front: source port %d, destination port %d, sequence number %d, acknowledgment number %d, flags %s, window %d bytes, and a checksum. The result is a %d-byte segment.",
			x.why, h.headerLen(), h.SrcPort, h.DstPort, h.Seq-x.from.iss, ackRel(h, x.to.iss), h.Flags, h.Window, l4Len)
		if h.MSS != 0 {
			l4 = strings.Replace(l4, " and a checksum.", fmt.Sprintf(" a checksum, and an option announcing a maximum segment size of %d bytes.", h.MSS), 1)
		}
	} else {
		l4 = fmt.Sprintf("%s UDP puts an 8-byte header in front: source port %d, destination port %d, the length (%d bytes) and a checksum. The result is a %d-byte datagram. There is no sequence number and no connection.",
			x.why, x.udp.SrcPort, x.udp.DstPort, l4Len, l4Len)
	}
	s.step(idx, x.from.id, "encapsulate", 4, x.l4PDU(), x.keys(4), x.at, l4)

	ip := first.ip
	var l3 string
	if len(pieces) == 1 {
		l3 = fmt.Sprintf("IP puts a 20-byte header in front: from %v to %v, time to live %d, protocol %d (%s), identification 0x%04x, the Don't Fragment flag, and a checksum over the header. The result is a %d-byte packet.",
			ip.Src, ip.Dst, ip.TTL, ip.Protocol, protoName(ip.Protocol), ip.ID, ipv4HeaderLen+l4Len)
	} else {
		l3 = fmt.Sprintf("The %d-byte datagram does not fit in one packet on a link whose MTU is %d bytes, so IP cuts it into %d fragments. Each gets its own 20-byte header from %v to %v with the same identification, 0x%04x, and the offset of its bytes in the datagram; all but the last have the More Fragments flag set. Only the first carries the UDP header.",
			l4Len, s.p.MTU, len(pieces), ip.Src, ip.Dst, ip.ID)
	}
	s.step(idx, x.from.id, "encapsulate", 3, "packet", x.keys(3), x.at, l3)

	h := s.path(x.from, x.to)[0]
	var l2 string
	if s.routed {
		gw := s.routerIPs()[0]
		if x.from == s.server {
			gw = s.routerIPs()[1]
		}
		l2 = fmt.Sprintf("The %s is on another network, so the frame goes to the router, the %s's default gateway, %v: Ethernet puts a 14-byte header in front with the router's MAC, %v, as destination (learnt earlier with ARP), its own MAC, %v, as source, and type 0x0800 for IPv4. The %s's MAC is not in the frame at all, and neither is the gateway's IP address: the packet still says where it is going.",
			x.to.id, x.from.id, gw, h.dstMAC, h.srcMAC, x.to.id)
	} else {
		l2 = fmt.Sprintf("The %s is on the same network, so Ethernet addresses the frame straight to it: a 14-byte header with destination MAC %v (learnt earlier with ARP), source MAC %v, and type 0x0800 for IPv4.",
			x.to.id, h.dstMAC, h.srcMAC)
	}
	frameLen := len(first.payload) + ipv4HeaderLen + ethHeaderLen
	if frameLen < minFrameLen {
		l2 += fmt.Sprintf(" The frame would be only %d bytes, so it is padded with zeros to the 60-byte minimum.", frameLen)
		frameLen = minFrameLen
	}
	l2 += fmt.Sprintf(" Last comes a 4-byte frame check sequence, a CRC-32 over everything before it. The result is a %d-byte frame.", frameLen+fcsLen)
	if len(pieces) > 1 {
		l2 += " Each fragment travels in a frame of its own."
	}
	s.step(idx, x.from.id, "encapsulate", 2, "frame", x.keys(2), x.at, l2)
}

// forward takes the pieces of x that reached the router across its link
// from the sender and sends them on over link h.
func (s *sim) forward(x *xmit, pieces []piece, h hop) error {
	for i := range pieces {
		pc := &pieces[i]
		if !pc.alive {
			continue
		}
		in := s.packets[pc.pkt] // this piece's frame on the previous link
		keys := pc.keys(x, 2)
		fcs := binary.LittleEndian.Uint32(in.Frame[len(in.Frame)-fcsLen:])
		s.step(in.Index, "router", "decapsulate", 2, "frame", keys, pc.at, fmt.Sprintf(
			"The router's card on the %s's side receives the frame. Its FCS, 0x%08x, matches the CRC the router computes, and the destination MAC is the router's own, so the router takes the packet out of the frame.",
			x.from.id, fcs))
		before := pc.ip
		pc.ip.TTL--
		// Both checksums are read from bytes: the one in the frame that
		// arrived, and the one in the packet the router is about to send,
		// payload included, so the text says what the frames carry.
		oldSum := binary.BigEndian.Uint16(in.Frame[ethHeaderLen+10:])
		outPacket, err := pc.ip.Packet(pc.payload)
		if err != nil {
			return fmt.Errorf("forwarding %s: %w", x.caption, err)
		}
		newSum := binary.BigEndian.Uint16(outPacket[10:])
		// The next two steps show the packet as it leaves: the frame
		// sendPiece is about to append, so its new TTL, checksum and MACs
		// are what the inspector shows.
		out := len(s.packets)
		s.step(out, "router", "forward", 3, "packet", pc.keys(x, 3), pc.at, fmt.Sprintf(
			"The router has an IP address on each network, %v and %v. It looks up the destination address, %v, in its routing table and finds that it is reached through its interface on the %s's network. It lowers the time to live from %d to %d; as the header has changed, it recomputes the header checksum, which goes from 0x%04x to 0x%04x. The IP addresses and everything inside the packet stay as they were.",
			s.routerIPs()[0], s.routerIPs()[1], pc.ip.Dst, x.to.id, before.TTL, pc.ip.TTL, oldSum, newSum))
		s.step(out, "router", "encapsulate", 2, "frame", keys, pc.at, fmt.Sprintf(
			"The router puts the packet in a new frame for the next link, from its own MAC on that side, %v, to the %s's MAC, %v, with a new FCS. MAC addresses change at every hop; IP addresses do not.",
			h.srcMAC, x.to.id, h.dstMAC))
		if err := s.sendPiece(x, pc, h, pc.at); err != nil {
			return err
		}
	}
	return nil
}

// receiveLower explains how the receiver of x (which arrived) unwraps the
// link and network layers.
func (s *sim) receiveLower(x *xmit) {
	last := s.packets[x.pkts[len(x.pkts)-1]]
	to, t := x.to, x.arriveAt
	ip := last.Layers[1]
	if s.fragments(x) > 1 {
		s.receiveFragments(x)
		s.step(last.Index, to.id, "decapsulate", 3, "packet", x.keys(3), t, fmt.Sprintf(
			"With every fragment in, IPv4 puts their payloads together in the order of their offsets. It has the whole %d-byte datagram again and hands it to %s, as protocol %d says.",
			len(x.app.bytes)+udpHeaderLen, strings.ToUpper(x.l4Key()), ipProto(last.Frame)))
		return
	}
	fcs := binary.LittleEndian.Uint32(last.Frame[len(last.Frame)-fcsLen:])
	s.step(last.Index, to.id, "decapsulate", 2, "frame", x.keys(2), t, fmt.Sprintf(
		"%s's card turns the signal back into the %d-byte frame. The CRC it computes equals the FCS, 0x%08x, so no bit was damaged, and the destination MAC is its own. Ethernet removes its header and FCS and, as the type is 0x0800, hands the packet to IPv4.",
		to.The(), len(last.Frame), fcs))
	s.step(last.Index, to.id, "decapsulate", 3, "packet", x.keys(3), t, fmt.Sprintf(
		"IPv4 checks the header checksum, %s, and finds its own address, %v, as the destination. Protocol %d says %s, so IP removes its header and hands the %s to %s.",
		fieldValue(ip, "ip.checksum"), to.ip, ipProto(last.Frame), protoName(ipProto(last.Frame)), x.l4PDU(), strings.ToUpper(x.l4Key())))
}

// receiveFragments explains the fragments of x that reached its receiver,
// each held by IP until the whole datagram is there.
func (s *sim) receiveFragments(x *xmit) {
	to := x.to
	n := s.fragments(x)
	for _, i := range x.pkts {
		p := s.packets[i]
		if p.To != to.id || p.Dropped {
			continue
		}
		ipl := p.Layers[1]
		keys := []string{"eth", "ip"}
		for _, l := range p.Layers[2:] {
			keys = append(keys, l.Key)
		}
		t := s.arrive[i]
		s.step(i, to.id, "decapsulate", 2, "frame", keys, t, fmt.Sprintf(
			"%s's card receives a %d-byte frame. Its FCS matches and it is addressed to %s's MAC, so Ethernet hands the packet inside to IPv4.",
			to.The(), len(p.Frame), to.the()))
		s.step(i, to.id, "decapsulate", 3, "packet", keys[1:], t, fmt.Sprintf(
			"IPv4 sees a fragment, %d of %d, of datagram 0x%04x: its offset is %s and More Fragments is %s. IP keeps it until all the pieces are in.",
			s.fragmentNumber(p), n, binary.BigEndian.Uint16(p.Frame[18:]), fieldValue(ipl, "ip.frag_offset"), setOrNot(fieldNumber(p, "ip.flags.mf"))))
	}
}

// fragmentNumber is which fragment p holds, counting from 1: all but the
// last hold the same number of bytes.
func (s *sim) fragmentNumber(p Packet) int {
	size := (s.p.MTU - ipv4HeaderLen) &^ 7
	return int(fieldNumber(p, "ip.frag_offset"))*8/size + 1
}

func setOrNot(v uint64) string {
	if v == 1 {
		return "set"
	}
	return "clear"
}

// fieldNumber is the value of the numeric field with key in p, or 0.
func fieldNumber(p Packet, key string) uint64 {
	var find func([]Field) uint64
	find = func(fs []Field) uint64 {
		for _, f := range fs {
			if f.Key == key && f.Number != nil {
				return *f.Number
			}
			if v := find(f.Children); v != 0 {
				return v
			}
		}
		return 0
	}
	for _, l := range p.Layers {
		if v := find(l.Fields); v != 0 {
			return v
		}
	}
	return 0
}

// fragments is how many pieces x was sent in.
func (s *sim) fragments(x *xmit) int {
	n := 0
	for _, i := range x.pkts {
		if s.packets[i].From == x.from.id {
			n++
		}
	}
	return n
}

func ipProto(frame []byte) uint8 { return frame[ethHeaderLen+9] }

// fieldValue is the display value of the field with key in l.
func fieldValue(l Layer, key string) string {
	for _, f := range l.Fields {
		if f.Key == key {
			return f.Value
		}
	}
	return ""
}

// ackRel is the acknowledgment number relative to the peer's initial
// sequence number, or 0 when the ACK flag is clear.
func ackRel(h *TCPHeader, peerISN uint32) uint32 {
	if h.Flags&ACK == 0 {
		return 0
	}
	return h.Ack - peerISN
}
