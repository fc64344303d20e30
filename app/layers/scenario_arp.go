package layers

import (
	"encoding/binary"
	"fmt"
	"net"
	"time"
)

// The ARP scenario: before its first IP packet to a neighbour, the client
// has to learn the neighbour's MAC address.

const (
	arpRetransTime = time.Second // Linux waits this long for a reply before asking again
	arpTries       = 3           // and asks this many times before giving up
)

var broadcastMAC = net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// arpFrame builds the frame of one ARP message on link h.
func (s *sim) arpFrame(m ARPMessage, h hop, caption, info string) (rawFrame, error) {
	body, err := m.Bytes()
	if err != nil {
		return rawFrame{}, err
	}
	eh := EthernetHeader{Dst: h.dstMAC, Src: h.srcMAC, EtherType: EtherTypeARP}
	frame, err := eh.Frame(body)
	if err != nil {
		return rawFrame{}, err
	}
	src := s.client.ipSrc
	if m.SenderIP == s.server.ip {
		src = s.server.ipSrc
	}
	return rawFrame{h: h, frame: frame, caption: caption, info: info, layers: []Layer{
		ethLayer(eh, frame, arpLen, ethSources{dst: h.dstMACSrc, src: h.srcMACSrc}),
		arpLayer(m, ethHeaderLen, src),
	}}, nil
}

func runARP(s *sim) error {
	c, sv := s.client, s.server
	link := s.path(c, sv)[0]
	ask := link
	ask.dstMAC, ask.dstMACSrc = broadcastMAC, Computed
	req := ARPMessage{Op: ARPRequest, SenderMAC: c.mac, SenderIP: c.ip, TargetMAC: make(net.HardwareAddr, 6), TargetIP: sv.ip}
	t := s.last
	for try := 1; ; try++ {
		f, err := s.arpFrame(req, ask, "ARP request (broadcast)", fmt.Sprintf("Who has %v? Tell %v", sv.ip, c.ip))
		if err != nil {
			return fmt.Errorf("arp request: %w", err)
		}
		idx := len(s.packets)
		if try == 1 {
			s.step(idx, c.id, "note", 3, "packet", []string{"arp"}, t, fmt.Sprintf(
				"The client's program asks to connect to %v. IP finds that %v is on the client's own network, so the frame can go straight to it, but the client's ARP cache holds no MAC address for %v yet. IP keeps the packet back and asks ARP.",
				sv.ip, sv.ip, sv.ip))
		} else {
			s.step(idx, c.id, "note", 2, "ARP message", []string{"arp"}, t, fmt.Sprintf(
				"This is try %d of %d: ARP sends the same request again.", try, arpTries))
		}
		s.step(idx, c.id, "encapsulate", 2, "ARP message", []string{"arp"}, t, fmt.Sprintf(
			"ARP writes a 28-byte request, opcode 1: sender %v at %v, target %v, and the target MAC left as 00:00:00:00:00:00, since that is the question.",
			c.mac, c.ip, sv.ip))
		s.step(idx, c.id, "encapsulate", 2, "frame", []string{"eth", "arp"}, t, fmt.Sprintf(
			"Ethernet sends the request to the broadcast address, ff:ff:ff:ff:ff:ff, which every card on the LAN accepts, from %v, with type 0x0806 for ARP. The frame would be only %d bytes, so it is padded with zeros to the 60-byte minimum; with the 4-byte frame check sequence it is %d bytes.",
			c.mac, ethHeaderLen+arpLen, len(f.frame)))
		_, at, alive := s.emit(f, t)
		if alive {
			s.step(idx, sv.id, "decapsulate", 2, "frame", []string{"eth", "arp"}, at, fmt.Sprintf(
				"The server's card takes the frame in, as every card on the LAN does with a broadcast. Its FCS, 0x%08x, matches, and type 0x0806 sends the message to ARP.",
				binary.LittleEndian.Uint32(f.frame[len(f.frame)-fcsLen:])))
			s.step(idx, sv.id, "decapsulate", 2, "ARP message", []string{"arp"}, at, fmt.Sprintf(
				"ARP finds its own address, %v, as the target, so the question is for the server. It notes that %v is at %v, which it needs to answer, and replies. Every other machine on the LAN throws the request away.",
				sv.ip, c.ip, c.mac))
			rep := ARPMessage{Op: ARPReply, SenderMAC: sv.mac, SenderIP: sv.ip, TargetMAC: c.mac, TargetIP: c.ip}
			back := s.path(sv, c)[0]
			rf, err := s.arpFrame(rep, back, "ARP reply", fmt.Sprintf("%v is at %v", sv.ip, sv.mac))
			if err != nil {
				return fmt.Errorf("arp reply: %w", err)
			}
			ridx := len(s.packets)
			s.step(ridx, sv.id, "encapsulate", 2, "ARP message", []string{"arp"}, at, fmt.Sprintf(
				"The reply, opcode 2, gives the answer as its sender: %v is at %v. Its target is the client, %v at %v.",
				sv.ip, sv.mac, c.ip, c.mac))
			s.step(ridx, sv.id, "encapsulate", 2, "frame", []string{"eth", "arp"}, at, fmt.Sprintf(
				"The reply goes straight to the client's MAC, %v, not to everyone: a unicast frame from %v, type 0x0806, padded to the minimum like the request.",
				c.mac, sv.mac))
			_, rat, ralive := s.emit(rf, at)
			if ralive {
				s.step(ridx, c.id, "decapsulate", 2, "frame", []string{"eth", "arp"}, rat, fmt.Sprintf(
					"The client's card receives the reply. The FCS, 0x%08x, matches and the frame is addressed to its own MAC; type 0x0806 hands it to ARP.",
					binary.LittleEndian.Uint32(rf.frame[len(rf.frame)-fcsLen:])))
				s.step(ridx, c.id, "decapsulate", 2, "ARP message", []string{"arp"}, rat, fmt.Sprintf(
					"ARP stores %v → %v in its cache, where it stays while it is in use (Linux checks it again after some tens of seconds). IP can now send the packet it kept back: the first IP packet of the conversation.",
					sv.ip, sv.mac))
				return s.handshake(false)
			}
		}
		if try == arpTries {
			s.timeout(c, 2, s.sentAtIndex(idx)+arpRetransTime, fmt.Sprintf(
				"No reply to %d requests. ARP gives up, IP throws away the packet it kept, and the program's connect() fails with “No route to host”. Nothing was ever sent to the server at the IP layer.", arpTries))
			return nil
		}
		t = s.sentAtIndex(idx) + arpRetransTime
		s.timeout(c, 2, t, "One second and no reply: the request or the answer was lost. Linux's ARP waits that long before it asks again.")
	}
}

// sentAtIndex is when packet idx left.
func (s *sim) sentAtIndex(idx int) time.Duration {
	return time.Duration(s.packets[idx].TimeUS) * time.Microsecond
}
