package layers

import (
	"encoding/binary"
	"fmt"
	"strings"
	"time"
)

// The ping and traceroute scenarios: ICMP echo through the router, and
// probes whose time to live grows by one until the server answers, each
// router on the way reporting with ICMP Time Exceeded.

const (
	pingWait       = time.Second     // ping sends its next request (and counts a loss) after this long
	tracerouteWait = 5 * time.Second // traceroute waits this long for an answer to a probe
	routerTTL      = 64              // the time to live the router puts in packets of its own
)

// pingData is the 32-byte pattern Windows' ping puts in its requests; Linux
// sends a timestamp and counting bytes instead.
const pingData = "abcdefghijklmnopqrstuvwabcdefghi"

// icmpFrame builds the frame of one ICMP message inside ip on link h.
func icmpFrame(ip IPv4Header, m ICMPMessage, h hop, srcs ipSources, caption, info string) (rawFrame, error) {
	body := m.Bytes()
	framed, err := frameIPv4(h, ip, body, srcs)
	if err != nil {
		return rawFrame{}, err
	}
	return rawFrame{h: h, frame: framed.frame, caption: caption, info: info,
		layers: append(framed.layers, icmpLayer(m, body, ethHeaderLen+ipv4HeaderLen))}, nil
}

var icmpKeys = []string{"eth", "ip", "icmp"}

// icmpOutcome is how far an ICMP message got.
type icmpOutcome int

const (
	icmpLost    icmpOutcome = iota // dropped on a link
	icmpExpired                    // its time to live ran out at the router
	icmpArrived                    // at the other host
)

// sendICMP sends m from one host to the other with time to live ttl,
// through the router if there is one, and writes the steps. It returns how
// far the message got, when, and the IP header and frame it had at the
// router when it expired there.
func (s *sim) sendICMP(from *host, m ICMPMessage, ttl uint8, t time.Duration, caption, info, why string) (icmpOutcome, time.Duration, []byte, error) {
	to := s.peer(from)
	ip := IPv4Header{ID: from.ipID, TTL: ttl, Protocol: ProtoICMP, Src: from.ip, Dst: to.ip}
	from.ipID++
	hops := s.path(from, to)
	srcs := ipSources{src: from.ipSrc, dst: to.ipSrc, ttl: Illustrative}
	f, err := icmpFrame(ip, m, hops[0], srcs, caption, info)
	if err != nil {
		return 0, 0, nil, err
	}
	idx := len(s.packets)
	s.step(idx, from.id, "encapsulate", 3, "ICMP message", []string{"icmp"}, t, why)
	s.step(idx, from.id, "encapsulate", 3, "packet", []string{"ip", "icmp"}, t, fmt.Sprintf(
		"IP puts a 20-byte header in front: from %v to %v, time to live %d, protocol 1 (ICMP), identification 0x%04x, and a checksum over the header. ICMP rides directly in IP, with no port numbers: the result is a %d-byte packet.",
		ip.Src, ip.Dst, ip.TTL, ip.ID, ipv4HeaderLen+len(m.Bytes())))
	next := "the " + to.id + ", on the same network"
	if s.routed {
		next = "the router, the " + from.id + "'s default gateway"
	}
	s.step(idx, from.id, "encapsulate", 2, "frame", icmpKeys, t, fmt.Sprintf(
		"Ethernet puts the packet in a frame for %s: to %v, from %v, type 0x0800 for IPv4. With the frame check sequence the frame is %d bytes.",
		next, hops[0].dstMAC, hops[0].srcMAC, len(f.frame)))
	_, at, alive := s.emit(f, t)
	if !alive {
		return icmpLost, at, nil, nil
	}
	for _, h := range hops[1:] {
		in := f.frame
		s.step(idx, "router", "decapsulate", 2, "frame", icmpKeys, at, fmt.Sprintf(
			"The router's card on the %s's side receives the frame. Its FCS, 0x%08x, matches and the destination MAC is the router's own, so the router takes the packet out.",
			from.id, binary.LittleEndian.Uint32(in[len(in)-fcsLen:])))
		if ip.TTL <= 1 {
			s.step(idx, "router", "forward", 3, "packet", []string{"ip", "icmp"}, at, fmt.Sprintf(
				"The packet's time to live is %d. Lowering it would leave 0, so the router does not forward the packet: it throws it away and tells the sender with an ICMP Time Exceeded message.",
				ip.TTL))
			return icmpExpired, at, in, nil
		}
		before := binary.BigEndian.Uint16(in[ethHeaderLen+10:])
		ip.TTL--
		info = strings.Replace(info, fmt.Sprintf("ttl=%d", ip.TTL+1), fmt.Sprintf("ttl=%d", ip.TTL), 1)
		out, err := icmpFrame(ip, m, h, ipSources{src: from.ipSrc, dst: to.ipSrc, ttl: Computed}, caption, info)
		if err != nil {
			return 0, 0, nil, err
		}
		idx = len(s.packets)
		s.step(idx, "router", "forward", 3, "packet", []string{"ip", "icmp"}, at, fmt.Sprintf(
			"The router looks up %v and finds it through its interface on the %s's network. It lowers the time to live from %d to %d and recomputes the header checksum, from 0x%04x to 0x%04x.",
			ip.Dst, to.id, ip.TTL+1, ip.TTL, before, binary.BigEndian.Uint16(out.frame[ethHeaderLen+10:])))
		s.step(idx, "router", "encapsulate", 2, "frame", icmpKeys, at, fmt.Sprintf(
			"A new frame for the next link: from the router's MAC on that side, %v, to the %s's, %v.",
			h.srcMAC, to.id, h.dstMAC))
		f = out
		if _, at, alive = s.emit(out, at); !alive {
			return icmpLost, at, nil, nil
		}
	}
	s.step(idx, to.id, "decapsulate", 2, "frame", icmpKeys, at, fmt.Sprintf(
		"%s's card receives the %d-byte frame; the FCS matches and the destination MAC is its own, so Ethernet hands the packet to IPv4.",
		to.The(), len(f.frame)))
	s.step(idx, to.id, "decapsulate", 3, "packet", []string{"ip", "icmp"}, at, fmt.Sprintf(
		"IPv4 checks the header checksum, 0x%04x, finds its own address, %v, as the destination, and protocol 1 hands the message to ICMP, which the operating system answers itself: no program is involved.",
		binary.BigEndian.Uint16(f.frame[ethHeaderLen+10:]), to.ip))
	return icmpArrived, at, nil, nil
}

// timeExceeded has the router report an expired packet (the frame it
// arrived in) to the client, and writes the steps.
func (s *sim) timeExceeded(expired []byte, hopNo int, sentAt, t time.Duration) error {
	c := s.client
	gw := s.routerIPs()[0]
	quoted := expired[ethHeaderLen : ethHeaderLen+ipv4HeaderLen+8]
	m := ICMPMessage{Type: ICMPTimeExceeded, Data: append([]byte{}, quoted...)}
	ip := IPv4Header{ID: uint16(digest("router ip id", fmt.Sprint(hopNo))), TTL: routerTTL, Protocol: ProtoICMP, Src: gw, Dst: c.ip}
	back := s.path(s.server, c)[1]
	f, err := icmpFrame(ip, m, back, ipSources{src: Illustrative, dst: c.ipSrc, ttl: Illustrative}, "ICMP Time Exceeded", "Time-to-live exceeded (Time to live exceeded in transit)")
	if err != nil {
		return err
	}
	idx := len(s.packets)
	s.step(idx, "router", "encapsulate", 3, "ICMP message", []string{"icmp"}, t,
		"The router writes an ICMP Time Exceeded message, type 11 code 0, and copies into it the expired packet's IP header and its first 8 bytes, which hold the ICMP identifier and sequence number: with them the client can tell which probe this answers.")
	s.step(idx, "router", "encapsulate", 3, "packet", []string{"ip", "icmp"}, t, fmt.Sprintf(
		"The router sends it from its own address on the client's side, %v, to %v, with a time to live of its own, %d: a router has an IP address on each network it joins, and this one is how traceroute learns who the hop was.",
		gw, c.ip, routerTTL))
	_, at, alive := s.emit(f, t)
	if !alive {
		return s.noAnswer(hopNo, sentAt)
	}
	s.step(idx, c.id, "decapsulate", 3, "packet", []string{"ip", "icmp"}, at, fmt.Sprintf(
		"The client's IP hands the message to ICMP, which passes it to traceroute. The source address says hop %d is %v, and traceroute prints it with the time the answer took.",
		hopNo, gw))
	return nil
}

// noAnswer is traceroute giving up on one probe.
func (s *sim) noAnswer(hopNo int, sentAt time.Duration) error {
	s.timeout(s.client, 7, sentAt+tracerouteWait, fmt.Sprintf(
		"No answer within %s: traceroute prints * for hop %d and goes on with the next time to live.", spoken(tracerouteWait), hopNo))
	return nil
}

func (s *sim) echoIdent() uint16 {
	return uint16(digest("icmp ident", s.client.ip.String()))
}

func runPing(s *sim) error {
	c, sv := s.client, s.server
	id := s.echoIdent()
	req := echo(ICMPEchoRequest, id, 1, []byte(pingData))
	first := len(s.packets)
	out, at, _, err := s.sendICMP(c, req, s.p.TTL, s.last, "ICMP Echo request",
		fmt.Sprintf("Echo (ping) request id=0x%04x, seq=1/256, ttl=%d", id, s.p.TTL),
		fmt.Sprintf("The student types ping %v. ping asks ICMP for an echo request, type 8 code 0, with identifier 0x%04x, sequence number 1 and %d bytes of data for the reply to carry back, and a checksum over the whole message.",
			sv.ip, id, len(pingData)))
	if err != nil {
		return err
	}
	sent := s.sentAtIndex(first)
	if out != icmpArrived {
		s.timeout(c, 7, sent+pingWait, "No reply within a second: ping counts the request as lost and, as it does every second, sends the next one. ICMP itself never resends.")
		return nil
	}
	rep := echo(ICMPEchoReply, id, 1, []byte(pingData))
	out, at, _, err = s.sendICMP(sv, rep, s.p.TTL, at, "ICMP Echo reply",
		fmt.Sprintf("Echo (ping) reply id=0x%04x, seq=1/256, ttl=%d", id, s.p.TTL),
		fmt.Sprintf("ICMP answers with an echo reply, type 0: the same identifier, 0x%04x, sequence number 1 and data, a new checksum, addressed back to %v.", id, c.ip))
	if err != nil {
		return err
	}
	if out != icmpArrived {
		s.timeout(c, 7, sent+pingWait, "The reply was lost, so ping counts the request as lost all the same: it cannot tell which way the loss happened.")
		return nil
	}
	s.step(len(s.packets)-1, c.id, "deliver", 7, "data", []string{"icmp"}, at,
		"ping matches the reply to its request by identifier and sequence number and prints how long the round trip took: twice the path, plus the time to send the frames and to forward them.")
	return nil
}

func runTraceroute(s *sim) error {
	c, sv := s.client, s.server
	id := s.echoIdent()
	t := s.last
	for ttl := 1; ttl <= 2; ttl++ {
		req := echo(ICMPEchoRequest, id, uint16(ttl), []byte(pingData))
		why := fmt.Sprintf("The student types traceroute -I -q 1 %v: ICMP echo requests, one per hop. The first probe has a time to live of 1, so the first router will throw it away and say so. Identifier 0x%04x, sequence number 1.", sv.ip, id)
		if ttl > 1 {
			why = fmt.Sprintf("Hop %d answered, so traceroute sends the next probe with a time to live one higher, %d, and sequence number %d: it will get one router further.", ttl-1, ttl, ttl)
		}
		first := len(s.packets)
		out, at, expired, err := s.sendICMP(c, req, uint8(ttl), t, "ICMP Echo request",
			fmt.Sprintf("Echo (ping) request id=0x%04x, seq=%d/%d, ttl=%d", id, ttl, ttl<<8, ttl), why)
		if err != nil {
			return err
		}
		sent := s.sentAtIndex(first)
		switch out {
		case icmpExpired:
			if err := s.timeExceeded(expired, ttl, sent, at); err != nil {
				return err
			}
		case icmpArrived:
			rep := echo(ICMPEchoReply, id, uint16(ttl), []byte(pingData))
			out, at, _, err = s.sendICMP(sv, rep, s.p.TTL, at, "ICMP Echo reply",
				fmt.Sprintf("Echo (ping) reply id=0x%04x, seq=%d/%d, ttl=%d", id, ttl, ttl<<8, s.p.TTL),
				fmt.Sprintf("This probe reached the server itself, so it answers with an echo reply rather than Time Exceeded: type 0, the same identifier, 0x%04x, and sequence number %d.", id, ttl))
			if err != nil {
				return err
			}
			if out != icmpArrived {
				return s.noAnswer(ttl, sent)
			}
			s.step(len(s.packets)-1, c.id, "deliver", 7, "data", []string{"icmp"}, at, fmt.Sprintf(
				"An echo reply from %v, the address traceroute was asked about: the trace is complete after %d hops, the router and the server.", sv.ip, ttl))
			return nil
		default:
			if err := s.noAnswer(ttl, sent); err != nil {
				return err
			}
		}
		t = max(s.readyAt(c), s.last)
	}
	return nil
}
