package layers

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"time"
)

// The DHCP scenario: a client with no address yet gets one, in four
// messages, Discover, Offer, Request and ACK.

const (
	dhcpRetry = 4 * time.Second // RFC 2131 4.1: the first wait before a client sends again
	dhcpTries = 3
	dhcpLease = 86400 // one day
)

var broadcastIP = netip.AddrFrom4([4]byte{255, 255, 255, 255})

// dhcpFrame builds the frame of one DHCP message.
func (s *sim) dhcpFrame(m dhcpMessage, h hop, srcIP, dstIP netip.Addr, srcPort, dstPort uint16, ipSrcs ipSources, caption string) (rawFrame, error) {
	from := s.client
	if h.from == s.server.id {
		from = s.server
	}
	ip := IPv4Header{ID: from.ipID, TTL: s.p.TTL, Protocol: ProtoUDP, Src: srcIP, Dst: dstIP}
	from.ipID++
	f, err := udpFrame(h, ip, UDPHeader{SrcPort: srcPort, DstPort: dstPort}, m.app(s.client.ipSrc, s.server.ipSrc),
		ipSrcs, udpSources{srcPort: Computed, dstPort: Computed}, caption)
	if err != nil {
		return rawFrame{}, err
	}
	f.info = fmt.Sprintf("DHCP %s - Transaction ID 0x%08x", dhcpTypeNames[m.typ], m.xid)
	return f, nil
}

var dhcpKeys = []string{"eth", "ip", "udp", "dhcp"}

// dhcpSend writes the sender's steps for one message, sends it and, if it
// arrives, the receiver's first steps. It returns when it arrived and
// whether it did.
func (s *sim) dhcpSend(f rawFrame, at time.Duration, appWhy, ipWhy, ethWhy, recvWhy string) (int, time.Duration, bool) {
	idx := len(s.packets)
	from, to := f.h.from, f.h.to
	udp := f.layers[2]
	s.step(idx, from, "encapsulate", 7, "data", []string{"dhcp"}, at, appWhy)
	s.step(idx, from, "encapsulate", 4, "datagram", []string{"udp", "dhcp"}, at, fmt.Sprintf(
		"UDP puts an 8-byte header in front: source port %s, destination port %s, the length, %s, and a checksum.",
		fieldValue(udp, "udp.srcport"), fieldValue(udp, "udp.dstport"), fieldValue(udp, "udp.length")))
	s.step(idx, from, "encapsulate", 3, "packet", []string{"ip", "udp", "dhcp"}, at, ipWhy)
	s.step(idx, from, "encapsulate", 2, "frame", dhcpKeys, at, ethWhy)
	_, arr, alive := s.emit(f, at)
	if alive {
		s.step(idx, to, "decapsulate", 2, "frame", dhcpKeys, arr, fmt.Sprintf(
			"The %s's card takes the frame in; its FCS, 0x%08x, matches. Ethernet hands the packet to IPv4, IPv4 to UDP, and UDP to the program on port %s.",
			to, binary.LittleEndian.Uint32(f.frame[len(f.frame)-fcsLen:]), fieldValue(udp, "udp.dstport")))
		s.step(idx, to, "deliver", 7, "data", []string{"dhcp"}, arr, recvWhy)
	}
	return idx, arr, alive
}

func runDHCP(s *sim) error {
	c, sv := s.client, s.server
	xid := digest("dhcp xid", c.mac.String())
	offered, server, gw := c.ip, sv.ip, s.routerIPs()[0]
	toAll := hop{from: c.id, to: sv.id, srcMAC: c.mac, dstMAC: broadcastMAC, srcMACSrc: c.macSrc, dstMACSrc: Computed, delay: pathDelay}
	back := s.path(sv, c)[0]
	clientSrcs := ipSources{src: Computed, dst: Computed, ttl: s.p.source(ParamTTL)}
	serverSrcs := ipSources{src: sv.ipSrc, dst: c.ipSrc, ttl: s.p.source(ParamTTL)}
	ethAll := fmt.Sprintf("Ethernet sends it to the broadcast MAC, ff:ff:ff:ff:ff:ff, from the client's own, %v, type 0x0800.", c.mac)
	t := s.last

	// Discover and Offer, until an offer arrives.
	for try := 1; ; try++ {
		disc := dhcpMessage{typ: dhcpDiscover, xid: xid, clientMAC: c.mac}
		f, err := s.dhcpFrame(disc, toAll, netip.IPv4Unspecified(), broadcastIP, dhcpClientPort, dhcpServerPort, clientSrcs, "DHCP Discover")
		if err != nil {
			return err
		}
		why := fmt.Sprintf("The client's network card has just come up and the client has no IP address. Its DHCP client writes a Discover: message type 1, a transaction ID, 0x%08x, its MAC address, %v, and the settings it wants.", xid, c.mac)
		if try > 1 {
			why = fmt.Sprintf("No offer came, so the DHCP client sends its Discover again (try %d of %d), the same transaction ID.", try, dhcpTries)
		}
		idx, arr, ok := s.dhcpSend(f, t, why,
			"IP has no address of its own to send from, so the source is 0.0.0.0; it does not know who the server is, so the destination is 255.255.255.255, everyone on this network.",
			ethAll,
			"The DHCP server, listening on port 67, reads the Discover. It finds a free address in its pool and sets it aside for this MAC address.")
		if ok {
			off := dhcpMessage{typ: dhcpOffer, xid: xid, clientMAC: c.mac, yours: offered, serverID: server, lease: dhcpLease, router: gw}
			of, err := s.dhcpFrame(off, back, server, offered, dhcpServerPort, dhcpClientPort, serverSrcs, "DHCP Offer")
			if err != nil {
				return err
			}
			_, oarr, ook := s.dhcpSend(of, arr,
				fmt.Sprintf("The server answers with an Offer, message type 2: the address %v in the “your address” field, for %d seconds, with the subnet mask 255.255.255.0, the router and DNS server %v, and its own address, %v, as server identifier.", offered, dhcpLease, gw, server),
				fmt.Sprintf("IP sends it from the server's address, %v, to the address offered, %v.", server, offered),
				fmt.Sprintf("The client cannot answer ARP for an address it does not have yet, so the server takes the client's MAC from the Discover and sends the frame straight to it, %v.", c.mac),
				"The DHCP client reads the Offer: the transaction ID is its own. It could wait for offers from other servers; it takes this one.")
			if ook {
				t = oarr
				break
			}
		}
		if try == dhcpTries {
			s.timeout(c, 7, s.sentAtIndex(idx)+dhcpRetry, "No offer after three tries. The DHCP client gives up for now and the card stays without an address (an operating system may then pick a 169.254 link-local address).")
			return nil
		}
		t = s.sentAtIndex(idx) + dhcpRetry
		s.timeout(c, 7, t, fmt.Sprintf("%s and no offer: DHCP runs on UDP, which never resends, so the client's own timer (4 seconds at first, RFC 2131) runs out.", spoken(dhcpRetry)))
	}

	// Request and ACK.
	for try := 1; ; try++ {
		req := dhcpMessage{typ: dhcpRequest, xid: xid, clientMAC: c.mac, requested: offered, serverID: server}
		f, err := s.dhcpFrame(req, toAll, netip.IPv4Unspecified(), broadcastIP, dhcpClientPort, dhcpServerPort, clientSrcs, "DHCP Request")
		if err != nil {
			return err
		}
		why := fmt.Sprintf("The client asks for the offered address with a Request, message type 3: requested address %v, and the identifier of the server whose offer it takes, %v.", offered, server)
		if try > 1 {
			why = fmt.Sprintf("No ACK came, so the client sends its Request again (try %d of %d).", try, dhcpTries)
		}
		idx, arr, ok := s.dhcpSend(f, t, why,
			"The client still has no address until the server confirms, so again it sends from 0.0.0.0 to 255.255.255.255: every DHCP server on the LAN hears which offer was taken.",
			ethAll,
			fmt.Sprintf("The server reads the Request: its own identifier, %v, and the address it offered. It records the lease.", server))
		if ok {
			ack := dhcpMessage{typ: dhcpAck, xid: xid, clientMAC: c.mac, yours: offered, serverID: server, lease: dhcpLease, router: gw}
			af, err := s.dhcpFrame(ack, back, server, offered, dhcpServerPort, dhcpClientPort, serverSrcs, "DHCP ACK")
			if err != nil {
				return err
			}
			_, aarr, aok := s.dhcpSend(af, arr,
				fmt.Sprintf("The server confirms with an ACK, message type 5: %v is the client's for %d seconds.", offered, dhcpLease),
				fmt.Sprintf("IP sends it from %v to %v.", server, offered),
				fmt.Sprintf("Ethernet sends it straight to the client's MAC, %v.", c.mac),
				fmt.Sprintf("The client configures its card: address %v, mask 255.255.255.0, default gateway %v, DNS server %v. Before it uses the address it may check with ARP that no one else has it. It will ask to renew after half the lease.", offered, gw, gw))
			if aok {
				_ = aarr
				return nil
			}
		}
		if try == dhcpTries {
			s.timeout(c, 7, s.sentAtIndex(idx)+dhcpRetry, "No ACK after three tries. The client goes back to the start, with a new Discover, later.")
			return nil
		}
		t = s.sentAtIndex(idx) + dhcpRetry
		s.timeout(c, 7, t, fmt.Sprintf("%s and no ACK: the client's timer runs out and it asks again.", spoken(dhcpRetry)))
	}
}
