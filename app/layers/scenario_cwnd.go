package layers

import (
	"encoding/binary"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// The congestion window scenario: a bulk transfer on an open connection.
// The client's TCP starts with a small congestion window, doubles it every
// round trip in slow start, loses one segment, learns of it from three
// duplicate ACKs, halves the window (fast retransmit and fast recovery,
// RFC 5681, with NewReno's partial ACKs from RFC 6582) and then grows it by
// one segment per round trip (congestion avoidance). The window is counted
// in segments, as Linux does.

const (
	// cwndInitial is the initial window in segments. RFC 6928 allows ten;
	// two keeps the story short enough to follow step by step.
	cwndInitial = 2
	// cwndSegments is how many full-sized segments the program writes.
	cwndSegments = 26
	// cwndMaxRounds stops a run that would never end; no set of drops
	// the parameters allow comes near it.
	cwndMaxRounds = 200
)

// cwndDefaultDrop is the first segment of the third round trip, sent when
// the window has grown to eight segments: frames 0 to 8 are two rounds of
// data and their ACKs.
const cwndDefaultDrop = 9

// congestion is the sender's congestion control state, in segments.
type congestion struct {
	cwnd     int
	ssthresh int // 0 until the first loss: no threshold yet
	una, nxt int // the first unacknowledged segment and the next new one
	high     int // one past the highest segment ever sent
	dupAcks  int
	// inRecovery is set between a fast retransmit and the ACK that
	// covers recover, the segments in flight when the loss was found.
	inRecovery bool
	recover    int
	caAcked    int // segments acknowledged since cwnd last grew in congestion avoidance
}

func (c *congestion) flight() int { return c.nxt - c.una }

func (c *congestion) threshold() string {
	if c.ssthresh == 0 {
		return "ssthresh is not set yet (no loss so far)"
	}
	return fmt.Sprintf("ssthresh is %d segments", c.ssthresh)
}

func (c *congestion) state() string {
	return fmt.Sprintf("cwnd is %d segments and %s", c.cwnd, c.threshold())
}

func (c *congestion) slowStart() bool { return c.ssthresh == 0 || c.cwnd < c.ssthresh }

// grow applies an ACK of acked new segments outside recovery and says
// what happened.
func (c *congestion) grow(acked int) string {
	before := c.cwnd
	if c.slowStart() {
		c.cwnd += acked
		if c.ssthresh != 0 && c.cwnd > c.ssthresh {
			c.caAcked += c.cwnd - c.ssthresh
			c.cwnd = c.ssthresh
		}
		return fmt.Sprintf("In slow start cwnd grows by one segment for every segment acknowledged (Linux counts this way, and RFC 3465 allows it when the receiver acknowledges every second segment), so it doubles every round trip: from %d to %d segments; %s.", before, c.cwnd, c.threshold())
	}
	c.caAcked += acked
	if c.caAcked < c.cwnd {
		return fmt.Sprintf("cwnd, %d segments, has reached ssthresh, %d, so TCP is in congestion avoidance: it adds one segment only once a whole window has been acknowledged, about once per round trip. So far %d of the %d segments needed are acknowledged.", c.cwnd, c.ssthresh, c.caAcked, c.cwnd)
	}
	c.caAcked -= c.cwnd
	c.cwnd++
	return fmt.Sprintf("Congestion avoidance: a whole window of %d segments has now been acknowledged, so cwnd grows by one, to %d segments, about one per round trip instead of doubling; ssthresh stays %d.", before, c.cwnd, c.ssthresh)
}

func runCwnd(s *sim) error {
	c, sv := s.client, s.server
	s.establish()
	mss := int(min(c.mss, sv.mss))
	msg := strings.Repeat(s.p.Message+" ", cwndSegments*mss/(len(s.p.Message)+1)+1)[:cwndSegments*mss]
	for !utf8.ValidString(msg) { // do not end in the middle of a character
		msg = msg[:len(msg)-1]
	}
	w := write{app: rawApp(msg, Illustrative), caption: "Data",
		appWhy: fmt.Sprintf("The connection is already open (the handshake scenario shows how). The client's program writes %d bytes to its TCP socket in one go, say a file it uploads: your message, repeated. That is %d segments of at most %d bytes (the MSS), far more than TCP may send at once.", len(msg), cwndSegments, mss),
	}
	w.recvWhy = fmt.Sprintf("The server's program has read all %d bytes the client wrote, in order, although one segment was lost on the way.", len(msg))
	segs := s.cut(c, w)
	c.sndNxt = segs[len(segs)-1].end()
	start := segs[0].seq
	index := map[uint32]int{c.sndNxt: len(segs)}
	for i, o := range segs {
		index[o.seq] = i
	}
	cc := &congestion{cwnd: cwndInitial}
	rto := c.rto
	var timerStart time.Duration

	// send queues segment i to leave at t, with why explaining it.
	var batch []*xmit
	send := func(i int, t time.Duration, why string) {
		o := segs[i]
		x := s.seg(c, o.flags, o.seq, o.app, t)
		x.caption, x.appWhy, x.retx = o.caption, o.appWhy, o.sent
		o.sent, o.appWhy = true, ""
		rel := o.seq - c.iss
		x.why = fmt.Sprintf("%s This segment starts at sequence number %d and carries %d bytes.", why, rel, len(o.app.bytes))
		batch = append(batch, x)
	}
	// fill sends new segments while the window allows.
	fill := func(t time.Duration) {
		for cc.nxt < len(segs) && cc.flight() < cc.cwnd {
			if cc.flight() == 0 {
				timerStart = t // RFC 6298 5.1: start the timer when it is not running
			}
			inFlight := cc.flight()
			cc.nxt++
			cc.high = max(cc.high, cc.nxt)
			send(cc.nxt-1, t, fmt.Sprintf("The window allows another segment: %s, and %s were in flight.", cc.state(), segments(inFlight)))
		}
	}
	t := s.last
	fill(t)
	batch[0].why = fmt.Sprintf("Slow start: TCP may not send all it has at once, since it does not know how much the network between the hosts can carry. It starts with a congestion window (cwnd) of %d segments; RFC 6928 allows up to 10 segments, this model starts small to keep the story short. %s", cwndInitial, batch[0].why[strings.Index(batch[0].why, "This segment"):])

	for round := 0; cc.una < len(segs); round++ {
		if round == cwndMaxRounds {
			return fmt.Errorf("layers: congestion window: no end after %d round trips", round)
		}
		if len(batch) == 0 {
			// Everything in flight is lost, or its ACKs are: only the
			// retransmission timer can help.
			fire := timerStart + rto
			rel := segs[cc.una].seq - c.iss
			cc.ssthresh = max(cc.flight()/2, 2)
			s.timeout(c, 4, fire, fmt.Sprintf("%s and no acknowledgment of byte %d: the client's retransmission timer runs out. That is worse news than duplicate ACKs, since nothing at all is getting through, so TCP sets ssthresh to half the segments in flight, %d segments, and cwnd to a single segment, and starts slow start again from the oldest unacknowledged segment. It also doubles the timer.", spoken(rto), rel, cc.ssthresh))
			rto *= 2
			cc.cwnd, cc.nxt, cc.dupAcks, cc.inRecovery, cc.caAcked = 1, cc.una, 0, false, 0
			timerStart = fire
			cc.nxt++
			send(cc.una, fire, fmt.Sprintf("After the timeout cwnd is 1 segment and %s, so TCP sends just the oldest unacknowledged segment again.", cc.threshold()))
		}
		xs := batch
		batch = nil
		if err := s.flight(xs...); err != nil {
			return err
		}
		acks, err := s.receiveData(sv, xs, start, len(msg), w)
		if err != nil {
			return err
		}
		if err := s.flight(acks...); err != nil {
			return err
		}
		for _, a := range acks {
			if !a.arrived {
				continue
			}
			s.receiveLower(a)
			s.recv(a, s.cwndAck(cc, a, index, segs, &timerStart, send))
			fill(a.arriveAt)
		}
	}
	s.wiresharkLabels()
	return nil
}

// wiresharkLabels puts in the Info column the names Wireshark's TCP
// analysis gives duplicate ACKs ("[TCP Dup ACK 9#1]": the frame number of
// the ACK repeated, and which repeat this is) and a retransmission that
// follows duplicate ACKs ("[TCP Fast Retransmission]").
func (s *sim) wiresharkLabels() {
	const ackAt = ethHeaderLen + ipv4HeaderLen + 8
	first := map[uint32]int{} // acknowledgment number → frame number (from 1) that first carried it
	dups := map[uint32]int{}
	for i := range s.packets {
		p := &s.packets[i]
		if p.From != s.server.id {
			seq := binary.BigEndian.Uint32(p.Frame[ackAt-4:])
			if p.Retransmission && dups[seq] >= 2 {
				p.Info = strings.Replace(p.Info, "[TCP Retransmission]", "[TCP Fast Retransmission]", 1)
			}
			continue
		}
		ack := binary.BigEndian.Uint32(p.Frame[ackAt:])
		if _, seen := first[ack]; !seen || p.Caption != "Duplicate ACK" {
			first[ack], dups[ack] = i+1, 0
			continue
		}
		dups[ack]++
		p.Info = fmt.Sprintf("[TCP Dup ACK %d#%d] %s", first[ack], dups[ack], p.Info)
	}
}

// cwndAck has the client's TCP take ACK a: it updates the window, queues a
// retransmission if one is due, and returns what happened in words.
func (s *sim) cwndAck(cc *congestion, a *xmit, index map[uint32]int, segs []*outSeg, timerStart *time.Duration, send func(int, time.Duration, string)) string {
	c := s.client
	ack := a.tcp.Ack - c.iss
	i, ok := index[a.tcp.Ack]
	if !ok {
		return fmt.Sprintf("Acknowledgment number %d is not at a segment boundary; TCP ignores it.", ack)
	}
	switch {
	case i > cc.una:
		// cwnd grows only while it limits the sender, that is while new
		// data is waiting for room in the window.
		limited := cc.nxt < len(segs)
		acked := i - cc.una
		cc.una, cc.dupAcks = i, 0
		cc.nxt = max(cc.nxt, i)
		if cc.flight() > 0 {
			*timerStart = a.arriveAt // RFC 6298 5.3: new data acknowledged, restart the timer
		}
		head := fmt.Sprintf("Acknowledgment number %d acknowledges %s not acknowledged before.", ack, segments(acked))
		if i == len(segs) {
			head = fmt.Sprintf("Acknowledgment number %d covers every byte the client wrote: the transfer is complete, and TCP stops its timer.", ack)
		}
		if !cc.inRecovery {
			if !limited {
				return fmt.Sprintf("%s TCP has no new data left to send, so it does not grow cwnd: a window the sender does not fill says nothing about what the network can carry (RFC 7661). It stays as it was: %s.", head, cc.state())
			}
			return head + " " + cc.grow(acked)
		}
		if i >= cc.recover {
			cc.inRecovery = false
			cc.cwnd = cc.ssthresh
			return fmt.Sprintf("%s It covers every segment that was in flight when the loss was found, so fast recovery is over: cwnd deflates to ssthresh, %d segments, half what it was before the loss. From here TCP is in congestion avoidance and grows cwnd by one segment per round trip.", head, cc.cwnd)
		}
		// A partial ACK (RFC 6582): another segment of the same window is
		// missing too.
		cc.cwnd = max(cc.cwnd-acked+1, 1)
		send(cc.una, a.arriveAt, fmt.Sprintf("The acknowledgment moved forward but stopped short of what was in flight when the loss was found, so another segment of that window is missing. NewReno resends it at once and stays in fast recovery; %s.", cc.state()))
		return fmt.Sprintf("%s But it stops at byte %d, short of everything that was in flight when the loss was found: a partial ACK. NewReno (RFC 6582) takes it that the segment there is lost too, resends it at once and stays in fast recovery, with cwnd %d segments.", head, ack, cc.cwnd)
	case i == cc.una && cc.flight() > 0:
		cc.dupAcks++
		switch {
		case cc.inRecovery:
			cc.cwnd++
			return fmt.Sprintf("Another duplicate ACK (%d in a row) during fast recovery: one more segment has left the network, so cwnd grows by one, to %d segments, and %s. %d segments are in flight.", cc.dupAcks, cc.cwnd, cc.threshold(), cc.flight())
		case cc.dupAcks == 3:
			rel := segs[cc.una].seq - c.iss
			flight := cc.flight()
			cc.ssthresh = max(flight/2, 2)
			cc.cwnd = cc.ssthresh + 3
			cc.inRecovery, cc.recover, cc.caAcked = true, cc.high, 0
			send(cc.una, a.arriveAt, fmt.Sprintf("Fast retransmit: three duplicate ACKs say the segment at byte %d was lost while later ones arrived. TCP sends it again at once, without waiting for its timer; ssthresh is now %d and cwnd %d segments.", rel, cc.ssthresh, cc.cwnd))
			return fmt.Sprintf("The third duplicate ACK (%d in a row) asking for byte %d: TCP takes it that this segment was lost, a sign of congestion, and reacts (RFC 5681). ssthresh becomes half the %d segments in flight: %d segments. cwnd becomes ssthresh plus the 3 segments that the duplicate ACKs show have left the network: %d segments (Reno fast recovery). The lost segment goes again at once: fast retransmit.", cc.dupAcks, ack, flight, cc.ssthresh, cc.cwnd)
		}
		return fmt.Sprintf("A duplicate ACK (%d in a row): the server still asks for byte %d, so a later segment arrived while that one did not. One or two duplicates may only mean that segments were reordered, so TCP waits for a third; %s.", cc.dupAcks, ack, cc.state())
	}
	return fmt.Sprintf("Acknowledgment number %d tells TCP nothing new: %s.", ack, cc.state())
}

// segments counts segments in words: "1 segment", "3 segments".
func segments(n int) string {
	if n == 1 {
		return "1 segment"
	}
	return fmt.Sprintf("%d segments", n)
}
