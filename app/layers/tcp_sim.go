package layers

import (
	"fmt"
	"time"
)

// This file is the TCP of the simulation: the handshake, reliable transfer
// with acknowledgments and retransmission, and the close. It follows RFC
// 9293 for the segments, RFC 6298 for the retransmission timer and RFC 5681
// for acknowledgments and fast retransmit; it leaves out congestion control
// (every write fits in the initial window of RFC 6928, ten segments), window
// scaling, SACK and timestamps.

// seg makes a segment from one host to the other. Every segment but the
// first SYN acknowledges what its sender has received.
func (s *sim) seg(from *host, flags TCPFlags, seq uint32, app appData, at time.Duration) *xmit {
	to := s.peer(from)
	h := &TCPHeader{SrcPort: from.port, DstPort: to.port, Seq: seq, Flags: flags, Window: window}
	if flags&ACK != 0 {
		h.Ack = from.rcvNxt
		from.lastAck = from.rcvNxt
	}
	if flags&SYN != 0 {
		h.MSS = from.mss
	}
	return &xmit{from: from, to: to, tcp: h, app: app, at: at}
}

// timeout is a step where a timer runs out at h.
func (s *sim) timeout(h *host, osi int, t time.Duration, desc string) {
	pdu := "segment"
	if osi == 3 {
		pdu = "packet"
	}
	s.step(-1, h.id, "timeout", osi, pdu, nil, t, desc)
}

// recv is a receive step at the transport layer for x.
func (s *sim) recv(x *xmit, desc string) {
	s.step(x.pkts[len(x.pkts)-1], x.to.id, "decapsulate", 4, x.l4PDU(), x.keys(4), x.arriveAt, desc)
}

// sentAt is when x's first frame left.
func (s *sim) sentAt(x *xmit) time.Duration {
	return time.Duration(s.packets[x.pkts[0]].TimeUS) * time.Microsecond
}

// establish sets both hosts up as if the handshake had happened, for
// scenarios that start with an open connection.
func (s *sim) establish() {
	for _, h := range []*host{s.client, s.server} {
		p := s.peer(h)
		h.sndNxt, h.sndUna = h.iss+1, h.iss+1
		h.irs, h.rcvNxt = p.iss, p.iss+1
	}
}

// handshake runs the three-way handshake. When finish is set and the last
// ACK is lost, the server's timer brings the SYN-ACK back until an ACK gets
// through; otherwise the next segment from the client completes it, as it
// would in practice, since that segment carries the ACK flag too.
func (s *sim) handshake(finish bool) error {
	c, sv := s.client, s.server
	t := s.last
	rto := initialRTO
	var synAckAt time.Duration
	for attempt := 0; ; attempt++ {
		syn := s.seg(c, SYN, c.iss, appData{}, t)
		syn.caption = "SYN"
		syn.why = fmt.Sprintf("The client's program asks to connect to %v port %d, so TCP starts the three-way handshake with a SYN segment. It carries no data; its sequence number is the client's initial sequence number (0 when counted from itself), and the SYN uses up that one number.", sv.ip, sv.port)
		if attempt > 0 {
			syn.retx = true
			syn.why = "No SYN-ACK has come back, so the client's TCP sends its SYN again, exactly as before."
		}
		c.sndNxt, c.sndUna = c.iss+1, c.iss
		if err := s.flight(syn); err != nil {
			return err
		}
		if syn.arrived {
			s.receiveLower(syn)
			if !sv.synAcked {
				sv.irs, sv.rcvNxt = c.iss, c.iss+1
				s.recv(syn, fmt.Sprintf("The server's TCP finds a program listening on port %d, so it accepts the connection: it notes the client's initial sequence number, expects byte 1 next, and answers.", sv.port))
			} else {
				s.recv(syn, "The server's TCP has answered this SYN already. Getting it again means its SYN-ACK was lost, so it answers again.")
			}
			sa := s.seg(sv, SYN|ACK, sv.iss, appData{}, syn.arriveAt)
			sa.caption = "SYN, ACK"
			sa.retx = sv.synAcked
			sa.why = "The server's TCP answers with a SYN-ACK: SYN to start its own direction with its own initial sequence number, ACK to acknowledge the client's SYN. Acknowledgment number 1 means: everything before byte 1 has arrived, send byte 1 next."
			sv.synAcked, sv.synReceived = true, true
			sv.sndNxt, sv.sndUna = sv.iss+1, sv.iss
			if err := s.flight(sa); err != nil {
				return err
			}
			synAckAt = s.sentAt(sa)
			if sa.arrived {
				s.receiveLower(sa)
				c.irs, c.rcvNxt, c.sndUna = sv.iss, sv.iss+1, c.iss+1
				if attempt == 0 { // Karn: a resent SYN gives no sample
					c.rto = minRTO + sa.arriveAt - s.sentAt(syn)
				}
				s.recv(sa, "The SYN-ACK acknowledges the client's SYN and brings the server's initial sequence number. The connection is established on the client's side; the client still has to acknowledge the server's SYN.")
				t = sa.arriveAt
				break
			}
		}
		fire := s.sentAt(syn) + rto
		s.timeout(c, 4, fire, fmt.Sprintf("%s and no SYN-ACK. The client's retransmission timer runs out (Linux, like RFC 6298, starts it at 1 second until it has measured a round trip), so TCP will send the SYN again, and doubles the timer in case the network is congested.", spoken(rto)))
		rto *= 2
		c.rto = fallbackRTO // RFC 6298 5.7
		t = fire
	}
	ack := s.seg(c, ACK, c.sndNxt, appData{}, t)
	ack.caption = "ACK"
	ack.why = "To finish the handshake the client acknowledges the server's SYN with acknowledgment number 1. A bare ACK carries no data and uses up no sequence number."
	if err := s.flight(ack); err != nil {
		return err
	}
	if ack.arrived {
		sv.rto = minRTO + ack.arriveAt - synAckAt
		s.handshakeDone(ack, "The ACK confirms that the server's SYN arrived. The connection is now established on both sides: three segments, and each side knows where the other's bytes start.")
	}
	rto = initialRTO
	for finish && sv.synReceived {
		fire := synAckAt + rto
		s.timeout(sv, 4, fire, fmt.Sprintf("The server has waited %s for the ACK that ends the handshake. Its timer runs out, so it sends the SYN-ACK again.", spoken(rto)))
		rto *= 2
		sv.rto = fallbackRTO
		sa := s.seg(sv, SYN|ACK, sv.iss, appData{}, fire)
		sa.caption, sa.retx = "SYN, ACK", true
		sa.why = "The server's TCP sends its SYN-ACK again, unchanged."
		if err := s.flight(sa); err != nil {
			return err
		}
		synAckAt = s.sentAt(sa)
		if !sa.arrived {
			continue
		}
		s.receiveLower(sa)
		s.recv(sa, "The client is already connected, so a second SYN-ACK means its ACK was lost on the way. It acknowledges again.")
		ack := s.seg(c, ACK, c.sndNxt, appData{}, sa.arriveAt)
		ack.caption = "ACK (again)"
		ack.why = "The client acknowledges the server's SYN again, with acknowledgment number 1."
		if err := s.flight(ack); err != nil {
			return err
		}
		if ack.arrived {
			s.handshakeDone(ack, "This time the ACK arrives. The connection is established on both sides.")
		}
	}
	return nil
}

func (s *sim) handshakeDone(ack *xmit, desc string) {
	sv := s.server
	s.receiveLower(ack)
	sv.synReceived, sv.sndUna = false, sv.iss+1
	s.recv(ack, desc)
}

// write is what a program hands to TCP in one go: data, or the end of its
// stream (a FIN).
type write struct {
	app     appData
	fin     bool
	appWhy  string // the sender's application step
	recvWhy string // the receiver's application step, once all has arrived
	caption string
	why     string // for a FIN: the sender's transport step
}

// outSeg is a segment the sender keeps until it is acknowledged.
type outSeg struct {
	seq     uint32
	app     appData
	flags   TCPFlags
	why     string
	appWhy  string
	caption string
	sent    bool
}

func (o *outSeg) end() uint32 {
	n := uint32(len(o.app.bytes))
	if o.flags&FIN != 0 {
		n++
	}
	return o.seq + n
}

// transfer sends w from one host to the other until every byte is
// acknowledged, retransmitting whatever is lost.
func (s *sim) transfer(from *host, w write) error {
	to := s.peer(from)
	segs := s.cut(from, w)
	start, end := segs[0].seq, segs[len(segs)-1].end()
	from.sndNxt = end
	dataLen := len(w.app.bytes)
	rto := from.rto
	t := s.readyAt(from) // the program writes as soon as it has what it needed
	send := segs
	var timerStart time.Duration
	dupAcks := 0
	retxRound, fastRetxDone := false, false
	for {
		xs := make([]*xmit, len(send))
		for i, o := range send {
			x := s.seg(from, o.flags, o.seq, o.app, t)
			x.caption, x.why, x.appWhy, x.retx = o.caption, o.why, o.appWhy, o.sent
			o.sent, o.appWhy = true, "" // the program hands over its data once
			xs[i] = x
		}
		if err := s.flight(xs...); err != nil {
			return err
		}
		timerStart = s.sentAt(xs[0]) // RFC 6298 5.1: the timer runs from the oldest unacknowledged segment

		acks, err := s.receiveData(to, xs, start, dataLen, w)
		if err != nil {
			return err
		}
		if err := s.flight(acks...); err != nil {
			return err
		}
		progressed := false
		var lastAck, thirdDup time.Duration
		for _, a := range acks {
			if !a.arrived {
				continue
			}
			s.receiveLower(a)
			lastAck = a.arriveAt
			ack := a.tcp.Ack
			if seqGT(ack, from.sndUna) {
				from.sndUna, progressed, dupAcks = ack, true, 0
				timerStart = a.arriveAt // RFC 6298 5.3: new data acknowledged, restart the timer
				if ack == end {
					s.recv(a, fmt.Sprintf("Acknowledgment number %d covers everything %s sent, so its TCP can throw away its copies and stop the retransmission timer.", ack-from.iss, from.the()))
				} else {
					s.recv(a, fmt.Sprintf("Acknowledgment number %d says every byte before it has arrived. %s's TCP can forget those; the bytes from %d on are still waiting for an acknowledgment.", ack-from.iss, from.The(), ack-from.iss))
				}
				continue
			}
			dupAcks++
			if dupAcks == 3 {
				thirdDup = a.arriveAt
			}
			s.recv(a, fmt.Sprintf("A duplicate ACK (%d in a row): %s still asks for byte %d, so something after it arrived while that byte did not.", dupAcks, to.the(), ack-from.iss))
		}
		if from.sndUna == end {
			return nil
		}
		var o *outSeg
		for _, c := range segs {
			if c.seq == from.sndUna {
				o = c
				break
			}
		}
		if o == nil {
			return fmt.Errorf("layers: tcp: no segment starts at the unacknowledged sequence number %d", from.sndUna-from.iss)
		}
		rel := o.seq - from.iss
		switch {
		case dupAcks >= 3 && !fastRetxDone:
			t, fastRetxDone = thirdDup, true
			o.why = fmt.Sprintf("Three duplicate ACKs mean that the segment at byte %d was lost while later ones got through. TCP sends it again at once, without waiting for its timer: this is fast retransmit (RFC 5681).", rel)
		case progressed && retxRound:
			t = lastAck
			o.why = fmt.Sprintf("The acknowledgment moved forward but stopped at byte %d, so that segment is missing too. TCP sends it again at once.", rel)
		default:
			fire := timerStart + rto
			s.timeout(from, 4, fire, fmt.Sprintf("%s and no acknowledgment of byte %d, so %s's retransmission timer runs out. Linux sets that timer to the round trip it measured plus a floor of 200 milliseconds, however short the round trip (RFC 6298 would wait at least 1 second). TCP will send the oldest unacknowledged segment again, and doubles the timer in case the network is congested.", spoken(rto), rel, from.the()))
			rto *= 2
			t = fire
			o.why = fmt.Sprintf("TCP sends the segment at byte %d again: the same bytes with the same sequence number, from the copy it kept.", rel)
		}
		send, retxRound = []*outSeg{o}, true
	}
}

// cut splits a write into segments of at most the MSS each side announced.
func (s *sim) cut(from *host, w write) []*outSeg {
	to := s.peer(from)
	seq := from.sndNxt
	if len(w.app.bytes) == 0 {
		return []*outSeg{{seq: seq, flags: FIN | ACK, caption: w.caption, why: w.why}}
	}
	mss := int(min(from.mss, to.mss))
	n := len(w.app.bytes)
	parts := (n + mss - 1) / mss
	var out []*outSeg
	for i := range parts {
		a, b := i*mss, min((i+1)*mss, n)
		app := w.app
		if parts > 1 {
			app = w.app.slice(a, b, i+1, parts)
		}
		o := &outSeg{seq: seq, app: app, flags: ACK, caption: w.caption}
		if i == 0 {
			o.appWhy = w.appWhy
		}
		rel := seq - from.iss
		if parts == 1 {
			o.why = fmt.Sprintf("TCP takes the %d bytes. They fit in one segment (the most is the MSS, %d bytes), which starts at sequence number %d. The ACK flag is set, as on every segment after the handshake, and PSH asks the receiver to pass the data up without waiting for more.", n, mss, rel)
		} else {
			o.caption = fmt.Sprintf("%s, part %d of %d", w.caption, i+1, parts)
			o.why = fmt.Sprintf("TCP cuts the %d bytes into %d segments of at most %d bytes, the MSS both sides announced in the handshake, so that no packet is larger than the MTU. This is segment %d: bytes %d to %d, so its sequence number is %d.", n, parts, mss, i+1, a, b-1, rel)
			if i == parts-1 {
				o.why += " It is the last one, so PSH is set."
			}
		}
		if i == parts-1 {
			o.flags |= PSH
			if w.fin {
				o.flags |= FIN
			}
		}
		out = append(out, o)
		seq += uint32(b - a)
	}
	return out
}

// receiveData has the receiving host take each segment of xs that arrived
// and returns the acknowledgments it sends. It acknowledges at once when
// something is out of order, duplicated or a FIN, after every second
// in-order segment (RFC 5681: at least every second full-sized segment), and
// at the end of what arrived together.
func (s *sim) receiveData(to *host, xs []*xmit, start uint32, dataLen int, w write) ([]*xmit, error) {
	from := s.peer(to)
	var acks []*xmit
	pending := 0 // in-order segments not acknowledged yet
	var lastArrive time.Duration
	ackNow := func(at time.Duration, caption, why string) {
		if caption == "Duplicate ACK" && to.rcvNxt != to.lastAck {
			// The first acknowledgment after a gap still acknowledges
			// the in-order bytes before it: not a duplicate.
			caption = "ACK"
			why = fmt.Sprintf("TCP acknowledges at once, with acknowledgment number %d: the end of the unbroken run of bytes it has. The segment held aside cannot be acknowledged yet, because an acknowledgment number only says where that run ends.", to.rcvNxt-to.irs)
		}
		a := s.seg(to, ACK, to.sndNxt, appData{}, at)
		a.caption, a.why = caption, why
		acks = append(acks, a)
		pending = 0
	}
	for _, x := range xs {
		if !x.arrived {
			continue
		}
		s.receiveLower(x)
		lastArrive = x.arriveAt
		h := x.tcp
		n := uint32(len(x.app.bytes))
		fin := h.Flags&FIN != 0
		if fin {
			n++
		}
		rel := h.Seq - to.irs
		var desc string
		if to.synReceived {
			to.synReceived, to.sndUna = false, to.iss+1
			desc = "Its ACK flag also completes the handshake, whose own ACK was lost. "
		}
		before := to.rcvNxt
		switch {
		case h.Seq == to.rcvNxt:
			to.rcvNxt += n
			filled := s.pullHeld(to)
			switch {
			case filled:
				desc += fmt.Sprintf("Sequence number %d is the byte TCP was missing. With the bytes it held aside, everything up to byte %d is now in order, and TCP passes it all up.", rel, to.rcvNxt-to.irs-1)
			case fin:
				desc += s.finText(to, rel)
			default:
				desc += fmt.Sprintf("TCP finds the connection by its addresses and ports. Sequence number %d is exactly the next byte it expected, so the %d bytes are in order and go up to the application.", rel, n)
			}
			s.recv(x, desc)
			switch {
			case filled:
				ackNow(x.arriveAt, "ACK", fmt.Sprintf("The gap is filled, so TCP acknowledges at once: acknowledgment number %d covers the retransmitted bytes and those it held aside.", to.rcvNxt-to.irs))
			case fin:
				ackNow(x.arriveAt, "ACK", fmt.Sprintf("TCP acknowledges the FIN at once. The FIN used up one sequence number, so the acknowledgment number is %d.", to.rcvNxt-to.irs))
			default:
				pending++
				if pending == 2 {
					ackNow(x.arriveAt, "ACK", fmt.Sprintf("Two segments have arrived since the last acknowledgment, so TCP acknowledges them together: acknowledgment number %d means every byte before %d has arrived. The segment carries no data.", to.rcvNxt-to.irs, to.rcvNxt-to.irs))
				}
			}
		case seqGT(to.rcvNxt, h.Seq) && fin && n == 1:
			s.recv(x, desc+"TCP has had this FIN already: it is a copy, sent again because the acknowledgment did not get through. Waiting in TIME-WAIT is for exactly this; TCP acknowledges again.")
			ackNow(x.arriveAt, "ACK (again)", fmt.Sprintf("TCP repeats acknowledgment number %d.", to.rcvNxt-to.irs))
		case seqGT(to.rcvNxt, h.Seq):
			s.recv(x, desc+fmt.Sprintf("TCP already has the bytes from sequence number %d: this is a copy, sent again because the acknowledgment did not reach %s. TCP throws it away and acknowledges again at once.", rel, from.the()))
			ackNow(x.arriveAt, "ACK (again)", fmt.Sprintf("TCP repeats acknowledgment number %d, so that %s stops resending.", to.rcvNxt-to.irs, from.the()))
		default:
			to.ooo = append(to.ooo, span{seq: h.Seq, n: n})
			s.recv(x, desc+fmt.Sprintf("Sequence number %d is ahead of byte %d, the next one TCP expects: the bytes in between are missing. TCP keeps this segment aside and at once repeats its last acknowledgment.", rel, to.rcvNxt-to.irs))
			ackNow(x.arriveAt, "Duplicate ACK", fmt.Sprintf("TCP sends acknowledgment number %d again, a duplicate ACK, telling %s which byte it is still missing.", to.rcvNxt-to.irs, from.the()))
		}
		if got := int(to.rcvNxt - before); got > 0 && dataLen > 0 {
			s.deliver(x, start, dataLen, w)
		}
	}
	if pending > 0 {
		ackNow(lastArrive, "ACK", fmt.Sprintf("TCP acknowledges what has arrived: acknowledgment number %d means every byte before %d is here. The segment carries no data. (A real receiver may hold such an ACK back, by up to 500 milliseconds under RFC 1122, in the hope of sending it along with data; this model sends it at once.)", to.rcvNxt-to.irs, to.rcvNxt-to.irs))
	}
	return acks, nil
}

// finText explains a FIN arriving at to.
func (s *sim) finText(to *host, rel uint32) string {
	if to == s.server {
		return fmt.Sprintf("The FIN at sequence number %d says the client has nothing more to send. TCP tells the server's program that the stream has ended. The server may still send until its own program closes: its side is in CLOSE-WAIT.", rel)
	}
	return fmt.Sprintf("The FIN at sequence number %d says the server is done too. After acknowledging it, the client waits in TIME-WAIT for twice the maximum segment lifetime, in case that ACK is lost and the FIN comes again; then the connection is gone.", rel)
}

// pullHeld moves bytes held aside into the stream once the gap before them
// is filled, and reports whether any did.
func (s *sim) pullHeld(h *host) bool {
	filled := false
	for moved := true; moved; {
		moved = false
		for i, sp := range h.ooo {
			if sp.seq == h.rcvNxt {
				h.rcvNxt += sp.n
				h.ooo = append(h.ooo[:i], h.ooo[i+1:]...)
				moved, filled = true, true
				break
			}
			if seqGT(h.rcvNxt, sp.seq) { // already covered
				h.ooo = append(h.ooo[:i], h.ooo[i+1:]...)
				moved = true
				break
			}
		}
	}
	return filled
}

// deliver is the receiving application's step after x brought it data.
func (s *sim) deliver(x *xmit, start uint32, dataLen int, w write) {
	to := x.to
	got := min(int(to.rcvNxt-start), dataLen)
	keys := []string{w.app.key}
	if got >= dataLen {
		s.step(x.pkts[len(x.pkts)-1], to.id, "deliver", 7, "data", keys, x.arriveAt, w.recvWhy)
		return
	}
	s.step(x.pkts[len(x.pkts)-1], to.id, "deliver", 7, "data", keys, x.arriveAt, fmt.Sprintf(
		"TCP passes up the bytes it has in order: %d of the %d that %s wrote. TCP keeps no message boundaries, so %s's program reads whatever has arrived and must itself know when a message is complete.", got, dataLen, s.peer(to).the(), to.the()))
}

// seqGT compares sequence numbers, which wrap around at 2^32 (RFC 9293 3.4).
func seqGT(a, b uint32) bool { return int32(a-b) > 0 }
