package layers

import (
	"encoding/binary"
	"fmt"
	"time"
	"unicode/utf8"
)

// The NAT scenario: a home router gives the client's datagram its own
// public address and a port of its choosing, and maps the reply back.

var udpKeys = []string{"eth", "ip", "udp", "data"}

// checksums reads the IP header and UDP checksums of a frame.
func checksums(frame []byte) (ipSum, udpSum uint16) {
	return binary.BigEndian.Uint16(frame[ethHeaderLen+10:]), binary.BigEndian.Uint16(frame[ethHeaderLen+ipv4HeaderLen+6:])
}

func runNAT(s *sim) error {
	c, sv := s.client, s.server
	public := s.routerIPs()[1]
	mapped := uint16(40000 + digest("nat port", c.ip.String(), fmt.Sprint(c.port))%20000)
	// The datagram must fit one packet: this scenario does not fragment.
	msg, src := s.p.Message, s.p.source(ParamMessage)
	for most := s.p.MTU - ipv4HeaderLen - udpHeaderLen - len("ok: "); len(msg) > most || !utf8.ValidString(msg); {
		msg, src = msg[:min(len(msg)-1, most)], Illustrative
	}
	app := rawApp(msg, src)
	reply := rawApp("ok: "+msg, Illustrative)
	out, in := s.path(c, sv), s.path(sv, c)
	ttl := s.p.TTL
	ttlSrc := s.p.source(ParamTTL)

	// Out: client to router.
	ip1 := IPv4Header{ID: c.ipID, TTL: ttl, Protocol: ProtoUDP, Src: c.ip, Dst: sv.ip}
	c.ipID++
	f1, err := udpFrame(out[0], ip1, UDPHeader{SrcPort: c.port, DstPort: sv.port}, app,
		ipSources{src: c.ipSrc, dst: sv.ipSrc, ttl: ttlSrc}, udpSources{srcPort: c.portSrc, dstPort: sv.portSrc}, "UDP datagram (private source)")
	if err != nil {
		return err
	}
	idx := len(s.packets)
	t := s.last
	s.step(idx, c.id, "encapsulate", 7, "data", []string{"data"}, t, fmt.Sprintf(
		"The client's program sends your message, %d bytes (cut to fit one packet if it was longer), to %v port %d through a UDP socket: %s.", len(app.bytes), sv.ip, sv.port, quote(msg)))
	s.step(idx, c.id, "encapsulate", 4, "datagram", []string{"udp", "data"}, t, fmt.Sprintf(
		"UDP puts an 8-byte header in front: source port %d, destination port %d, the length and a checksum, which covers the addresses too, through the pseudo-header.", c.port, sv.port))
	s.step(idx, c.id, "encapsulate", 3, "packet", []string{"ip", "udp", "data"}, t, fmt.Sprintf(
		"IP writes its header from the client's own address, %v, a private address (RFC 1918) that no router on the Internet will carry, to %v.", c.ip, sv.ip))
	s.step(idx, c.id, "encapsulate", 2, "frame", udpKeys, t, fmt.Sprintf(
		"The server is on another network, so Ethernet sends the frame to the home router, the default gateway %v, at %v.", s.routerIPs()[0], out[0].dstMAC))
	_, at, alive := s.emit(f1, t)
	if !alive {
		return s.natLost()
	}

	// The router translates and forwards.
	ip2 := ip1
	ip2.Src, ip2.TTL = public, ttl-1
	f2, err := udpFrame(out[1], ip2, UDPHeader{SrcPort: mapped, DstPort: sv.port}, app,
		ipSources{src: Illustrative, dst: sv.ipSrc, ttl: Computed}, udpSources{srcPort: Illustrative, dstPort: sv.portSrc}, "UDP datagram (after NAT)")
	if err != nil {
		return err
	}
	ipOld, udpOld := checksums(f1.frame)
	ipNew, udpNew := checksums(f2.frame)
	idx = len(s.packets)
	s.step(idx-1, "router", "decapsulate", 2, "frame", udpKeys, at, fmt.Sprintf(
		"The home router's card on the LAN side receives the frame; its FCS, 0x%08x, matches and it is addressed to the router's MAC.", binary.LittleEndian.Uint32(f1.frame[len(f1.frame)-fcsLen:])))
	s.step(idx, "router", "forward", 3, "packet", []string{"ip", "udp", "data"}, at, fmt.Sprintf(
		"The router does network address translation. It replaces the private source address %v with its own public one, %v, and the source port %d with a port of its own, %d (Linux keeps the original port when it is free; many home routers pick a new one). It notes the mapping %v:%d ↔ %v:%d in its table.",
		c.ip, public, c.port, mapped, c.ip, c.port, public, mapped))
	s.step(idx, "router", "forward", 4, "datagram", []string{"udp", "data"}, at, fmt.Sprintf(
		"Because the address and the port changed, both checksums must be redone: the IP header checksum goes from 0x%04x to 0x%04x (the time to live also drops from %d to %d), and the UDP checksum, which covers the addresses through the pseudo-header, from 0x%04x to 0x%04x.",
		ipOld, ipNew, ttl, ttl-1, udpOld, udpNew))
	s.step(idx, "router", "encapsulate", 2, "frame", udpKeys, at, fmt.Sprintf(
		"A new frame on the Internet side: from the router's MAC there, %v, to the server's, %v.", out[1].srcMAC, out[1].dstMAC))
	if _, at, alive = s.emit(f2, at); !alive {
		return s.natLost()
	}
	s.step(idx, sv.id, "decapsulate", 4, "datagram", []string{"udp", "data"}, at, fmt.Sprintf(
		"The server's IP and UDP check their checksums and hand the message to the program on port %d. The datagram comes from %v port %d: the server never sees the client's private address.", sv.port, public, mapped))

	// The reply goes to the router's public address and is mapped back.
	ip3 := IPv4Header{ID: sv.ipID, TTL: ttl, Protocol: ProtoUDP, Src: sv.ip, Dst: public}
	sv.ipID++
	f3, err := udpFrame(in[0], ip3, UDPHeader{SrcPort: sv.port, DstPort: mapped}, reply,
		ipSources{src: sv.ipSrc, dst: Illustrative, ttl: ttlSrc}, udpSources{srcPort: sv.portSrc, dstPort: Illustrative}, "UDP reply (to the public address)")
	if err != nil {
		return err
	}
	idx = len(s.packets)
	s.step(idx, sv.id, "encapsulate", 3, "packet", []string{"ip", "udp", "data"}, at, fmt.Sprintf(
		"The server answers where the datagram came from: %v port %d. It writes %d bytes back from port %d.", public, mapped, len(reply.bytes), sv.port))
	if _, at, alive = s.emit(f3, at); !alive {
		return s.natLost()
	}
	ip4 := ip3
	ip4.Dst, ip4.TTL = c.ip, ttl-1
	f4, err := udpFrame(in[1], ip4, UDPHeader{SrcPort: sv.port, DstPort: c.port}, reply,
		ipSources{src: sv.ipSrc, dst: c.ipSrc, ttl: Computed}, udpSources{srcPort: sv.portSrc, dstPort: c.portSrc}, "UDP reply (mapped back)")
	if err != nil {
		return err
	}
	ipOld, udpOld = checksums(f3.frame)
	ipNew, udpNew = checksums(f4.frame)
	idx = len(s.packets)
	s.step(idx-1, "router", "decapsulate", 2, "frame", udpKeys, at, fmt.Sprintf(
		"The router's card on the Internet side receives the reply; its FCS, 0x%08x, matches.", binary.LittleEndian.Uint32(f3.frame[len(f3.frame)-fcsLen:])))
	s.step(idx, "router", "forward", 3, "packet", []string{"ip", "udp", "data"}, at, fmt.Sprintf(
		"The reply reaches the router at %v port %d. Its table says that port belongs to %v port %d, so it rewrites the destination back, lowers the time to live and redoes the checksums: IP from 0x%04x to 0x%04x, UDP from 0x%04x to 0x%04x. A datagram to a port with no mapping would be dropped: that is why NAT also keeps outsiders from starting conversations.",
		public, mapped, c.ip, c.port, ipOld, ipNew, udpOld, udpNew))
	if _, at, alive = s.emit(f4, at); !alive {
		return s.natLost()
	}
	s.step(idx, c.id, "decapsulate", 4, "datagram", []string{"udp", "data"}, at, fmt.Sprintf(
		"The client's card, IP and UDP take the reply in; to %v port %d, it is for the program that sent the message.", c.ip, c.port))
	s.step(idx, c.id, "deliver", 7, "data", []string{"data"}, at, fmt.Sprintf(
		"The client's program receives the reply from %v port %d, as if nothing stood in between: %s.", sv.ip, sv.port, quote(string(reply.bytes))))
	return nil
}

func (s *sim) natLost() error {
	s.step(-1, s.client.id, "note", 4, "datagram", nil, s.last+time.Millisecond,
		"Nothing else happens: UDP does not resend, and the router's mapping simply expires after a while (30 seconds or more for UDP on Linux) if no more datagrams use it.")
	return nil
}
