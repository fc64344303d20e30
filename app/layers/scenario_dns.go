package layers

import (
	"fmt"
	"net/netip"
	"time"
)

// The DNS scenario: the client asks its resolver for a name's address over
// UDP port 53 and gets the answer back.

const (
	dnsQueryName = "www.example.com"
	dnsTimeout   = 5 * time.Second // glibc's resolver waits this long for an answer
	dnsAttempts  = 2               // and asks this many times
	dnsAnswerTTL = 300
)

// dnsAnswerIP is the address in the answer: one from a block kept for
// documentation (RFC 5737).
var dnsAnswerIP = netip.MustParseAddr("198.51.100.7")

func runDNS(s *sim) error {
	c, sv := s.client, s.server
	id := uint16(digest("dns id", c.ip.String(), fmt.Sprint(c.port)))
	q, err := dnsMessage{id: id, name: dnsQueryName}.app(Illustrative)
	if err != nil {
		return err
	}
	r, err := dnsMessage{id: id, name: dnsQueryName, answer: dnsAnswerIP, ttl: dnsAnswerTTL}.app(Illustrative)
	if err != nil {
		return err
	}
	t := s.last
	for try := 1; ; try++ {
		x := &xmit{from: c, to: sv, udp: &UDPHeader{SrcPort: c.port, DstPort: sv.port}, app: q,
			caption: "DNS query", at: t, retx: try > 1,
			appWhy: fmt.Sprintf("A program wants to reach %s, so it asks the system's resolver for the address. The resolver writes a DNS query: transaction ID 0x%04x, the flag that asks for recursion, one question: the A record (an IPv4 address) of %s. It sends it to its DNS server, %v, on UDP port %d.",
				dnsQueryName, id, dnsQueryName, sv.ip, sv.port),
			why: "UDP suits a question that fits in one datagram: no handshake, so the answer can come back after a single round trip."}
		if try > 1 {
			x.appWhy = fmt.Sprintf("No answer after %s, so the resolver sends the same query again (try %d of %d).", spoken(dnsTimeout), try, dnsAttempts)
		}
		if err := s.flight(x); err != nil {
			return err
		}
		s.setInfo(x, fmt.Sprintf("Standard query 0x%04x A %s", id, dnsQueryName))
		if x.arrived {
			s.receiveLower(x)
			s.recv(x, fmt.Sprintf("UDP checks the checksum and hands the datagram to the program bound to port %d: the DNS server.", sv.port))
			s.step(x.pkts[0], sv.id, "deliver", 7, "data", []string{"dns"}, x.arriveAt, fmt.Sprintf(
				"The DNS server reads the question. It has %s's address in its cache (or asks other servers for it, which this scenario does not show) and writes the response.", dnsQueryName))
			y := &xmit{from: sv, to: c, udp: &UDPHeader{SrcPort: sv.port, DstPort: c.port}, app: r,
				caption: "DNS response", at: x.arriveAt,
				appWhy: fmt.Sprintf("The response keeps the transaction ID, 0x%04x, sets the response flag and says recursion is available. It repeats the question and adds one answer: %s has the address %v, which may be cached for %d seconds.",
					id, dnsQueryName, dnsAnswerIP, dnsAnswerTTL),
				why: fmt.Sprintf("UDP sends it back from port %d to the port the query came from, %d.", sv.port, c.port)}
			if err := s.flight(y); err != nil {
				return err
			}
			s.setInfo(y, fmt.Sprintf("Standard query response 0x%04x A %s A %v", id, dnsQueryName, dnsAnswerIP))
			if y.arrived {
				s.receiveLower(y)
				s.recv(y, fmt.Sprintf("UDP hands the datagram to the resolver, which waits on port %d.", c.port))
				s.step(y.pkts[0], c.id, "deliver", 7, "data", []string{"dns"}, y.arriveAt, fmt.Sprintf(
					"The resolver checks that the transaction ID, 0x%04x, is the one it sent and that the question is its own, then hands %v to the program, which can now open its connection to that address.",
					id, dnsAnswerIP))
				return nil
			}
		}
		if try == dnsAttempts {
			s.timeout(c, 7, s.sentAt(x)+dnsTimeout, fmt.Sprintf(
				"No answer to %d queries. The resolver gives up and the program gets an error: the name could not be resolved, though it exists.", dnsAttempts))
			return nil
		}
		t = s.sentAt(x) + dnsTimeout
		s.timeout(c, 7, t, fmt.Sprintf("%s and no answer: UDP does not resend, so the resolver's own timer runs out (glibc waits %s).", spoken(dnsTimeout), spoken(dnsTimeout)))
	}
}

// setInfo gives x's frames the Info line Wireshark's decoder for their
// application protocol would show.
func (s *sim) setInfo(x *xmit, info string) {
	for _, i := range x.pkts {
		s.packets[i].Info = info
	}
}
