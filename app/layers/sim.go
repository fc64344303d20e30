package layers

import (
	"cmp"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The simulated network's timing. The numbers are illustrative round
// values, not measurements.
const (
	// pathDelay is the one-way delay between client and server apart from
	// sending the bits, split evenly over the links. On a real LAN it is
	// well under a millisecond (cable and a switch); the timeline stretches
	// it so that its steps are easy to tell apart, and so that the frames of
	// a flight all leave before the first one arrives (the first transmit
	// step says so).
	pathDelay = 10 * time.Millisecond
	bitRate   = 100_000_000 // bits per second: Fast Ethernet
	// preambleLen is the preamble and start frame delimiter sent before
	// every frame; they take time on the wire but hold no data.
	preambleLen = 8
	// interFrameGap is the silence, in byte times, that a card must leave
	// after a frame before it sends the next one.
	interFrameGap = 12
	// The retransmission timeout follows Linux: 1 second before a round
	// trip has been measured, then the measured round trip plus a floor of
	// 200 ms (RFC 6298's rules would never go below 1 second), and 3
	// seconds once a SYN had to be sent again.
	minRTO      = 200 * time.Millisecond
	initialRTO  = time.Second
	fallbackRTO = 3 * time.Second
	window      = 64240            // the receive window Linux offers in its SYN: 44 segments of 1460 bytes
	ipfragTime  = 30 * time.Second // how long Linux keeps fragments waiting for the rest
)

// host is one end of the conversation, with the state its TCP keeps
// (variable names as in RFC 9293).
type host struct {
	id   string // "client" or "server"
	ip   netip.Addr
	mac  net.HardwareAddr
	port uint16
	// Where the parameters this host was built from come from.
	ipSrc, macSrc, portSrc Source
	ipID                   uint16 // the next IP identification
	mss                    uint16

	iss, sndNxt, sndUna uint32
	irs, rcvNxt         uint32
	rto                 time.Duration
	ooo                 []span // bytes that arrived early, held until the gap before them is filled
	// synReceived is true while this server has sent a SYN-ACK whose ACK
	// has not arrived.
	synReceived bool
	synAcked    bool   // a SYN-ACK was already sent, so another is a retransmission
	lastAck     uint32 // the acknowledgment number this host sent last
}

// span is a range of sequence numbers [seq, seq+n).
type span struct {
	seq uint32
	n   uint32
}

// the returns "the client" or "the server".
func (h *host) the() string { return "the " + h.id }

// The returns "The client" or "The server".
func (h *host) The() string { return "The " + h.id }

// hop is one link a frame crosses.
type hop struct {
	from, to       string // node IDs
	srcMAC, dstMAC net.HardwareAddr
	srcMACSrc      Source
	dstMACSrc      Source
	delay          time.Duration
}

// sim builds one scenario: it sends segments, decides which frames are
// lost, and writes the packets and the steps as it goes.
type sim struct {
	p              Params
	client, server *host
	routed         bool // a router sits between client and server
	drop           map[int]bool
	packets        []Packet
	steps          []Step
	last           time.Duration            // the latest time anything happened; the next action starts then
	linkFree       map[string]time.Duration // when each node's card may send its next frame
	busy           map[string]time.Duration // when each node last did anything; it can act again from then
	arrive         map[int]time.Duration    // when each packet reaches the end of its link
}

func newSim(p Params, routed bool) *sim {
	mk := func(id string, ip netip.Addr, mac net.HardwareAddr, port uint16, ipP, macP, portP string) *host {
		h := &host{id: id, ip: ip, mac: mac, port: port,
			ipSrc: p.source(ipP), macSrc: p.source(macP), portSrc: p.source(portP),
			mss: uint16(p.MTU - ipv4HeaderLen - tcpHeaderLen)}
		h.ipID = uint16(digest("ip id", ip.String()))
		return h
	}
	s := &sim{
		p:        p,
		client:   mk("client", p.ClientIP, p.ClientMAC, p.ClientPort, ParamClientIP, ParamClientMAC, ParamClientPort),
		server:   mk("server", p.ServerIP, p.ServerMAC, p.ServerPort, ParamServerIP, ParamServerMAC, ParamServerPort),
		routed:   routed,
		drop:     map[int]bool{},
		linkFree: map[string]time.Duration{},
		busy:     map[string]time.Duration{},
		arrive:   map[int]time.Duration{},
	}
	// Real stacks pick initial sequence numbers with a keyed hash of the
	// addresses and ports (RFC 6528), so that no one can guess them. A
	// hash with no key does the same here, minus the secrecy, and keeps
	// every build of the same Params identical.
	tuple := fmt.Sprintf("%v:%d %v:%d", p.ClientIP, p.ClientPort, p.ServerIP, p.ServerPort)
	// A connection that starts open has measured its round trip already.
	s.client.rto, s.server.rto = minRTO+s.roundTrip(), minRTO+s.roundTrip()
	s.client.iss = digest("isn client", tuple)
	s.server.iss = digest("isn server", tuple)
	for _, d := range p.Drop {
		s.drop[d] = true
	}
	return s
}

// digest is a deterministic 32-bit number from its inputs.
func digest(parts ...string) uint32 {
	sum := sha1.Sum([]byte("netstudy layers\x00" + strings.Join(parts, "\x00")))
	return binary.BigEndian.Uint32(sum[:4])
}

// peer returns the other host.
func (s *sim) peer(h *host) *host {
	if h == s.client {
		return s.server
	}
	return s.client
}

// roundTrip is the time there and back without the time to send the bits.
func (s *sim) roundTrip() time.Duration {
	return 2 * pathDelay
}

// path lists the links from one host to the other.
func (s *sim) path(from, to *host) []hop {
	if !s.routed {
		return []hop{{from: from.id, to: to.id, srcMAC: from.mac, dstMAC: to.mac, srcMACSrc: from.macSrc, dstMACSrc: to.macSrc, delay: pathDelay}}
	}
	near, far := s.p.RouterMACs[0], s.p.RouterMACs[1]
	if from == s.server {
		near, far = far, near
	}
	return []hop{
		{from: from.id, to: "router", srcMAC: from.mac, dstMAC: near, srcMACSrc: from.macSrc, dstMACSrc: Illustrative, delay: pathDelay / 2},
		{from: "router", to: to.id, srcMAC: far, dstMAC: to.mac, srcMACSrc: Illustrative, dstMACSrc: to.macSrc, delay: pathDelay / 2},
	}
}

// xmit is one transport-layer PDU (a TCP segment or a UDP datagram) sent
// from one host to the other.
type xmit struct {
	from, to *host
	tcp      *TCPHeader // exactly one of tcp and udp is set
	udp      *UDPHeader
	app      appData // the application bytes it carries, if any
	caption  string
	appWhy   string // what the sender's application does; "" when there is no data
	why      string // what the sender's transport layer does
	retx     bool
	at       time.Duration // when the sender hands it to IP

	// Set by flight.
	pkts     []int // the packets of this transmission, in order
	arrived  bool
	arriveAt time.Duration
}

// piece is what one frame carries of an xmit: the whole of it, or one IP
// fragment.
type piece struct {
	ip      IPv4Header
	payload []byte  // the IP payload
	l4      bool    // the piece starts with the transport header
	app     appData // the application bytes in the piece
	alive   bool
	at      time.Duration // when the piece reached the node it is at
	pkt     int           // the index of its latest frame
	// part and parts number the fragments; parts is 1 when the PDU was
	// sent whole.
	part, parts int
}

func (x *xmit) l4Key() string {
	if x.tcp != nil {
		return "tcp"
	}
	return "udp"
}

func (x *xmit) l4PDU() string {
	if x.tcp != nil {
		return "segment"
	}
	return "datagram"
}

// keys lists the layer keys of x, outermost first, as they are from layer
// osi (7, 4, 3 or 2) down.
func (x *xmit) keys(osi int) []string {
	return layerKeys(osi, true, x.l4Key(), x.app)
}

// keys is the same for one piece, which may lack the transport header.
func (pc *piece) keys(x *xmit, osi int) []string {
	return layerKeys(osi, pc.l4, x.l4Key(), pc.app)
}

func layerKeys(osi int, l4 bool, l4Key string, app appData) []string {
	var k []string
	if osi <= 2 {
		k = append(k, "eth")
	}
	if osi <= 3 {
		k = append(k, "ip")
	}
	if osi <= 4 && l4 {
		k = append(k, l4Key)
	}
	if len(app.bytes) > 0 {
		k = append(k, app.key)
	}
	return k
}

// flight sends xs, all from the same host to the other, one after the other
// as fast as the link allows: down the sender's stack, across each link,
// through the router if there is one. It marks which arrive and when.
//
// Each stage is done for the whole flight before the next, because the
// frames of a flight all leave before the first reaches the next node (the
// link delay is far longer than the time to send them); so packets and
// steps come out in time order.
func (s *sim) flight(xs ...*xmit) error {
	if len(xs) == 0 {
		return nil
	}
	hops := s.path(xs[0].from, xs[0].to)
	all := make([][]piece, len(xs))
	for i, x := range xs {
		pieces, err := s.pieces(x)
		if err != nil {
			return err
		}
		all[i] = pieces
		s.senderSteps(x, pieces)
		for j := range pieces {
			if err := s.sendPiece(x, &pieces[j], hops[0], x.at); err != nil {
				return err
			}
		}
	}
	for _, h := range hops[1:] {
		for i, x := range xs {
			if err := s.forward(x, all[i], h); err != nil {
				return err
			}
		}
	}
	for i, x := range xs {
		x.arrived = true
		for _, pc := range all[i] {
			x.arrived = x.arrived && pc.alive
			x.arriveAt = max(x.arriveAt, pc.at)
		}
	}
	return nil
}

// pieces encodes the transport PDU of x and splits it into IP fragments if
// it does not fit the MTU (only UDP can need that: TCP segments are cut to
// the MSS in the first place).
func (s *sim) pieces(x *xmit) ([]piece, error) {
	var l4 []byte
	var err error
	if x.tcp != nil {
		l4, err = x.tcp.Segment(x.from.ip, x.to.ip, x.app.bytes)
	} else {
		l4, err = x.udp.Datagram(x.from.ip, x.to.ip, x.app.bytes)
	}
	if err != nil {
		return nil, fmt.Errorf("encoding %s: %w", x.caption, err)
	}
	proto := uint8(ProtoTCP)
	if x.udp != nil {
		proto = ProtoUDP
	}
	ip := IPv4Header{ID: x.from.ipID, TTL: s.p.TTL, Protocol: proto, Src: x.from.ip, Dst: x.to.ip, DontFragment: true}
	x.from.ipID++
	maxPayload := s.p.MTU - ipv4HeaderLen
	if len(l4) <= maxPayload {
		return []piece{{ip: ip, payload: l4, l4: true, app: x.app, part: 1, parts: 1}}, nil
	}
	// Every fragment but the last carries a multiple of 8 bytes, because
	// the fragment offset counts in units of 8 bytes.
	size := maxPayload &^ 7
	hl := len(l4) - len(x.app.bytes)
	n := (len(l4) + size - 1) / size
	ip.DontFragment = false
	var out []piece
	for i, off := 0, 0; off < len(l4); i, off = i+1, off+size {
		end := min(off+size, len(l4))
		f := ip
		f.FragOffset = uint16(off / 8)
		f.MoreFragments = end < len(l4)
		app := x.app.slice(max(off-hl, 0), end-hl, i+1, n)
		out = append(out, piece{ip: f, payload: l4[off:end], l4: off == 0, app: app, part: i + 1, parts: n})
	}
	return out, nil
}

// sendPiece puts one piece on link h, no earlier than t, and records
// whether it is lost.
func (s *sim) sendPiece(x *xmit, pc *piece, h hop, t time.Duration) error {
	t = max(t, s.linkFree[h.from])
	idx, err := s.packet(x, *pc, h, t)
	if err != nil {
		return err
	}
	pc.at, pc.alive = s.wire(idx, h, t, pc.keys(x, 2))
	pc.pkt = idx
	x.pkts = append(x.pkts, idx)
	return nil
}

// wire is the transmit step of packet idx on link h at t, and its loss if
// it is dropped. It returns when the frame reaches the end of the link and
// whether it does.
func (s *sim) wire(idx int, h hop, t time.Duration, keys []string) (time.Duration, bool) {
	n := len(s.packets[idx].Frame)
	tx := time.Duration(n+preambleLen) * 8 * time.Second / bitRate
	s.linkFree[h.from] = t + tx + interFrameGap*8*time.Second/bitRate
	at := t + tx + h.delay
	s.arrive[idx] = at
	alive := !s.drop[idx]
	desc := fmt.Sprintf(
		"The %s's network card sends the %d-byte frame as %d bits, after a 7-byte preamble and a start-of-frame byte that let the receiving card lock on to the signal. At 100 Mbit/s this takes %s; then the card stays silent for at least 12 byte times, the inter-frame gap, before its next frame.",
		h.from, n, n*8, spoken(tx))
	if idx == 0 {
		desc += fmt.Sprintf(" On a real LAN the frame would reach the other end well under a millisecond later; this timeline stretches the trip to %s so that its steps are easy to follow.", spoken(h.delay))
	}
	s.step(idx, "wire", "transmit", 1, "bits", keys, t, desc)
	if !alive {
		s.step(idx, "wire", "lost", 1, "bits", keys, t+h.delay/2, fmt.Sprintf(
			"Packet %d is lost on the way (you chose to drop it), as interference, a full queue or a faulty cable can do. The %s never sees it, and nothing tells the sender.",
			idx, h.to))
	}
	return at, alive
}

// rawFrame is a frame built outside the TCP and UDP machinery: ARP, ICMP,
// or a datagram whose application bytes a scenario makes itself.
type rawFrame struct {
	h             hop
	frame         []byte
	layers        []Layer
	caption, info string
}

// onLink is an IPv4 packet framed for link h: the frame's bytes and its
// Ethernet and IP layers, to which the caller adds what the packet carries.
type onLink struct {
	frame  []byte
	layers []Layer
}

// frameIPv4 puts payload in an IPv4 packet with header ip, and that in an
// Ethernet frame from h's source MAC to its destination MAC.
func frameIPv4(h hop, ip IPv4Header, payload []byte, ipSrcs ipSources) (onLink, error) {
	ipb, err := ip.Packet(payload)
	if err != nil {
		return onLink{}, err
	}
	eh := EthernetHeader{Dst: h.dstMAC, Src: h.srcMAC, EtherType: EtherTypeIPv4}
	frame, err := eh.Frame(ipb)
	if err != nil {
		return onLink{}, err
	}
	return onLink{frame: frame, layers: []Layer{
		ethLayer(eh, frame, len(ipb), ethSources{dst: h.dstMACSrc, src: h.srcMACSrc}),
		ipLayer(ip, ipb, ethHeaderLen, ipSrcs),
	}}, nil
}

// udpFrame builds one UDP datagram's frame on link h.
func udpFrame(h hop, ip IPv4Header, udp UDPHeader, app appData, ipSrcs ipSources, portSrcs udpSources, caption string) (rawFrame, error) {
	dg, err := udp.Datagram(ip.Src, ip.Dst, app.bytes)
	if err != nil {
		return rawFrame{}, err
	}
	framed, err := frameIPv4(h, ip, dg, ipSrcs)
	if err != nil {
		return rawFrame{}, err
	}
	off := ethHeaderLen + ipv4HeaderLen
	return rawFrame{h: h, frame: framed.frame, caption: caption,
		info:   fmt.Sprintf("%d → %d Len=%d", udp.SrcPort, udp.DstPort, len(app.bytes)),
		layers: append(framed.layers, udpLayer(udp, dg, off, portSrcs), app.layer(off+udpHeaderLen)),
	}, nil
}

// emit puts f on its link, no earlier than t, and returns its index, when
// it arrives and whether it does.
func (s *sim) emit(f rawFrame, t time.Duration) (int, time.Duration, bool) {
	t = max(t, s.linkFree[f.h.from])
	for i := range f.layers {
		addHelp(f.layers[i].Fields)
	}
	idx := len(s.packets)
	s.packets = append(s.packets, Packet{
		Index: idx, From: f.h.from, To: f.h.to, Direction: f.h.from + "→" + f.h.to,
		Caption: f.caption, Info: f.info, TimeUS: t.Microseconds(),
		Dropped: s.drop[idx], Frame: f.frame, Layers: f.layers,
	})
	s.last = max(s.last, t)
	keys := make([]string, len(f.layers))
	for i, l := range f.layers {
		keys[i] = l.Key
	}
	at, alive := s.wire(idx, f.h, t, keys)
	return idx, at, alive
}

// packet builds the frame for one piece on link h and appends it.
func (s *sim) packet(x *xmit, pc piece, h hop, t time.Duration) (int, error) {
	ttlSrc := s.p.source(ParamTTL)
	if h.from == "router" {
		ttlSrc = Computed
	}
	framed, err := frameIPv4(h, pc.ip, pc.payload, ipSources{src: x.from.ipSrc, dst: x.to.ipSrc, ttl: ttlSrc})
	if err != nil {
		return 0, fmt.Errorf("encoding %s: %w", x.caption, err)
	}
	frame, ls := framed.frame, framed.layers
	off := ethHeaderLen + ipv4HeaderLen
	if pc.l4 {
		if x.tcp != nil {
			ls = append(ls, tcpLayer(*x.tcp, pc.payload, off, tcpView{
				isn: x.from.iss, peerISN: x.to.iss, srcPort: x.from.portSrc, dstPort: x.to.portSrc,
			}))
		} else {
			ls = append(ls, udpLayer(*x.udp, pc.payload, off, udpSources{srcPort: x.from.portSrc, dstPort: x.to.portSrc}))
		}
		off += ls[len(ls)-1].HeaderLength
	}
	if len(pc.app.bytes) > 0 {
		ls = append(ls, pc.app.layer(off))
	}
	for i := range ls {
		addHelp(ls[i].Fields)
	}
	caption := x.caption
	if pc.parts > 1 {
		caption = fmt.Sprintf("%s, fragment %d of %d", caption, pc.part, pc.parts)
	}
	idx := len(s.packets)
	s.packets = append(s.packets, Packet{
		Index: idx, From: h.from, To: h.to, Direction: h.from + "→" + h.to,
		Caption: caption, Info: s.info(x, pc), TimeUS: t.Microseconds(),
		Retransmission: x.retx, Dropped: s.drop[idx], Frame: frame, Layers: ls,
	})
	s.last = max(s.last, t)
	return idx, nil
}

// info is a one-line summary in the manner of Wireshark's Info column, with
// sequence numbers relative to each side's initial one.
func (s *sim) info(x *xmit, pc piece) string {
	if x.udp != nil {
		if pc.ip.MoreFragments || pc.ip.FragOffset != 0 {
			return fmt.Sprintf("Fragmented IP protocol (proto=UDP 17, off=%d, ID=%04x)", int(pc.ip.FragOffset)*8, pc.ip.ID)
		}
		return fmt.Sprintf("%d → %d Len=%d", x.udp.SrcPort, x.udp.DstPort, len(x.app.bytes))
	}
	h := x.tcp
	var b strings.Builder
	if x.retx {
		b.WriteString("[TCP Retransmission] ")
	}
	fmt.Fprintf(&b, "%d → %d [%s] Seq=%d", h.SrcPort, h.DstPort, h.Flags, h.Seq-x.from.iss)
	if h.Flags&ACK != 0 {
		fmt.Fprintf(&b, " Ack=%d", h.Ack-x.to.iss)
	}
	fmt.Fprintf(&b, " Win=%d Len=%d", h.Window, len(x.app.bytes))
	if h.MSS != 0 {
		fmt.Fprintf(&b, " MSS=%d", h.MSS)
	}
	return b.String()
}

// step appends one animation step.
func (s *sim) step(pkt int, side, action string, osi int, pdu string, keys []string, t time.Duration, desc string) {
	s.last = max(s.last, t)
	if side != "wire" {
		s.busy[side] = max(s.busy[side], t)
	}
	s.steps = append(s.steps, Step{
		Index: len(s.steps), Packet: pkt, Side: side, Action: action,
		OSI: osi, TCPIP: tcpipOf(osi), PDU: pdu, Layers: append([]string{}, keys...),
		Description: desc, TimeUS: t.Microseconds(),
	})
}

// readyAt is the earliest time h can act: when it last did something.
func (s *sim) readyAt(h *host) time.Duration { return s.busy[h.id] }

// sortSteps puts the steps in time order. Each host acts as soon as it
// can, so a reply may leave while an earlier packet is still on its way
// the other way; steps at the same moment keep the order they were made
// in, which is the order of cause and effect.
func (s *sim) sortSteps() {
	slices.SortStableFunc(s.steps, func(a, b Step) int { return cmp.Compare(a.TimeUS, b.TimeUS) })
	for i := range s.steps {
		s.steps[i].Index = i
	}
}

// spoken writes a duration in words, as a screen reader should say it.
func spoken(d time.Duration) string {
	plural := func(v float64, unit string) string {
		s := strconv.FormatFloat(v, 'f', -1, 64) + " " + unit
		if v != 1 {
			s += "s"
		}
		return s
	}
	switch {
	case d >= time.Second:
		return plural(d.Seconds(), "second")
	case d >= time.Millisecond:
		return plural(float64(d.Microseconds())/1000, "millisecond")
	}
	return plural(float64(d.Nanoseconds()/10)/100, "microsecond")
}

func tcpipOf(osi int) string {
	switch {
	case osi >= 5:
		return tcpipApplication
	case osi == 4:
		return tcpipTransport
	case osi == 3:
		return tcpipInternet
	}
	return tcpipLink
}
