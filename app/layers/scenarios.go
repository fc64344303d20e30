package layers

import (
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ErrUnknownScenario is returned by Build for an ID not in Scenarios.
var ErrUnknownScenario = errors.New("layers: unknown scenario")

// scenarioDef is one entry of the catalogue.
type scenarioDef struct {
	info   Info
	routed bool
	// fixedTTL is set when the scenario chooses its packets' time to live
	// itself, so Params.TTL need not let them cross the router.
	fixedTTL bool
	// noPorts is set when the hosts use no port of their own (ARP, ICMP,
	// DHCP's fixed ports), so the picture shows none.
	noPorts bool
	// defaultDrop is dropped when Params.Drop is nil (not given).
	defaultDrop []int
	run         func(*sim) error
}

func catalogue() []scenarioDef {
	return []scenarioDef{
		{info: Info{"tcp-handshake", "TCP three-way handshake",
			"The client opens a TCP connection: SYN, SYN-ACK, ACK. No data moves yet, but each side learns where the other's bytes will start."},
			run: func(s *sim) error { return s.handshake(true) }},
		{info: Info{"tcp-data", "TCP: connect, send, close",
			"A whole TCP conversation: the handshake, your message in a segment and its acknowledgment, then four segments that close the connection."},
			run: runTCPData},
		{info: Info{"udp", "UDP: fire and forget",
			"Your message in a single UDP datagram: no handshake, no acknowledgment, no retransmission. Drop it and nobody notices."},
			run: runUDP},
		{info: Info{"tcp-loss", "TCP: loss and retransmission",
			"The segment with your message is lost. The sender's timer runs out and it sends the segment again. Drop a different packet, the acknowledgment for one, and see how TCP copes."},
			defaultDrop: []int{3}, run: runTCPLoss},
		{info: Info{"router-hop", "Through a router",
			"Your message crosses a router to a server on another network. Each link gets a new frame with new MAC addresses; the router lowers the time to live and recomputes the IP checksum; the IP addresses and the TCP segment stay the same."},
			routed: true, run: runRouterHop},
		{info: Info{"mss", "Bigger than one packet",
			"A message too large for one packet: TCP cuts it into segments no larger than the MSS (the MTU minus 40 bytes of headers), each with its own sequence number, and the receiver acknowledges them."},
			run: runMSS},
		{info: Info{"websocket", "WebSocket: upgrade and frames",
			"How the live quiz talks: a TCP handshake, an HTTP request to upgrade to WebSocket, the server's 101 answer with a Sec-WebSocket-Accept computed from the client's key, then your message in a masked client frame and an unmasked frame from the server."},
			run: runWebSocket},
		{info: Info{"arp", "ARP: finding the MAC address of a neighbour",
			"Before the client's first IP packet to a machine on its own network, it has to learn that machine's MAC address: an ARP request broadcast to every card on the LAN, and a reply from the one that has the address. Then the packet that was waiting goes out."},
			noPorts: true, run: runARP},
		{info: Info{"dns", "DNS: a name becomes an address",
			"The client asks its DNS server for the address of a name: one query in a UDP datagram to port 53, one response with the answer and how long it may be cached. Drop one and the resolver asks again after its timeout."},
			run: runDNS},
		{info: Info{"ping", "ping: ICMP echo",
			"ping sends an ICMP echo request through the router to the server, whose operating system answers with an echo reply. ICMP rides directly in IP, with no ports; the router lowers the time to live both ways."},
			routed: true, noPorts: true, run: runPing},
		{info: Info{"traceroute", "traceroute: the time to live at work",
			"traceroute sends probes with a time to live of 1, then 2: the router throws the first away and reports back with ICMP Time Exceeded from its own address, which names the hop; the second reaches the server, which answers with an echo reply."},
			routed: true, fixedTTL: true, noPorts: true, run: runTraceroute},
		{info: Info{"dhcp", "DHCP: getting an address",
			"A client that has just joined the network has no IP address. It broadcasts a Discover from 0.0.0.0 to 255.255.255.255, a DHCP server offers an address, the client requests it, and the server acknowledges: four messages over UDP ports 68 and 67."},
			noPorts: true, run: runDHCP},
		{info: Info{"nat", "NAT: a home router translates",
			"The client has a private address that the Internet does not route. The home router rewrites the datagram's source address and port to its own public ones, redoes both checksums, and maps the server's reply back to the client."},
			routed: true, run: runNAT},
		{info: Info{"tls", "TLS 1.3: HTTPS",
			"After the TCP handshake, a TLS 1.3 ClientHello with the site's name (SNI) and a key share, and a ServerHello with the server's, both in the clear; then certificate, Finished, the HTTP request and its answer, all in encrypted records that show only their lengths."},
			run: runTLS},
		{info: Info{"cwnd", "TCP congestion window: slow start and a loss",
			"A bulk transfer on an open connection. The sender's congestion window starts at 2 segments and doubles every round trip (slow start); one segment is lost, three duplicate ACKs bring it back at once (fast retransmit), the window is halved, and then grows by one segment per round trip (congestion avoidance)."},
			defaultDrop: []int{cwndDefaultDrop}, run: runCwnd},
	}
}

// Scenarios lists the scenarios Build knows, in teaching order.
func Scenarios() []Info {
	defs := catalogue()
	out := make([]Info, len(defs))
	for i, d := range defs {
		out[i] = d.info
	}
	return out
}

// Build makes scenario id from p. The same id and Params always give the
// same scenario, byte for byte.
func Build(id string, p Params) (*Scenario, error) {
	var def *scenarioDef
	for _, d := range catalogue() {
		if d.info.ID == id {
			def = &d
			break
		}
	}
	if def == nil {
		return nil, fmt.Errorf("%w: %q", ErrUnknownScenario, id)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if def.routed && !def.fixedTTL && p.TTL < 2 {
		return nil, &ParamError{Param: ParamTTL, Reason: "with a time to live of 1 the router would discard the packet (and report back with ICMP Time Exceeded), which this scenario does not show; use 2 or more"}
	}
	if p.Drop == nil {
		p.Drop = def.defaultDrop
	}
	s := newSim(p, def.routed)
	if err := def.run(s); err != nil {
		return nil, fmt.Errorf("layers: building %s: %w", id, err)
	}
	s.sortSteps()
	nodes := s.nodes()
	if def.noPorts {
		for i := range nodes {
			nodes[i].Port = 0
		}
	}
	return &Scenario{
		ID: id, Title: def.info.Title, Summary: def.info.Summary,
		Nodes: nodes, Stack: Stack(), Packets: s.packets, Steps: s.steps,
		Notes: s.notes(),
	}, nil
}

func (s *sim) nodes() []Node {
	node := func(h *host) Node {
		return Node{ID: h.id, Name: strings.ToUpper(h.id[:1]) + h.id[1:],
			Interfaces: []Interface{{MAC: h.mac.String(), IP: h.ip.String()}}, Port: h.port}
	}
	out := []Node{node(s.client)}
	if s.routed {
		gw := s.routerIPs()
		out = append(out, Node{ID: "router", Name: "Router", Interfaces: []Interface{
			{MAC: s.p.RouterMACs[0].String(), IP: gw[0].String()}, {MAC: s.p.RouterMACs[1].String(), IP: gw[1].String()}}})
	}
	return append(out, node(s.server))
}

// routerIPs are the router's addresses, one on each network: [0] on the
// client's, [1] on the server's. Like most gateways it takes the first
// address of each /24, or the last when a host has that one.
func (s *sim) routerIPs() [2]netip.Addr {
	gw := func(host netip.Addr) netip.Addr {
		b := host.As4()
		if b[3] == 1 {
			b[3] = 254
		} else {
			b[3] = 1
		}
		return netip.AddrFrom4(b)
	}
	return [2]netip.Addr{gw(s.client.ip), gw(s.server.ip)}
}

// notes flags addresses that do not fit the drawing. The model has no
// netmasks, so it assumes the common /24.
func (s *sim) notes() []string {
	a, b := s.client.ip, s.server.ip
	same := netip.PrefixFrom(a, 24).Masked().Contains(b)
	switch {
	case s.routed && same:
		return []string{fmt.Sprintf("%v and %v are on the same /24 network, so a real client would send straight to the server without a router. Give the server an address on another network to make the picture real.", a, b)}
	case !s.routed && !same:
		return []string{fmt.Sprintf("%v and %v are not on the same /24 network, so a real client would send its frames to its router's MAC address rather than the server's. The router-hop scenario shows that.", a, b)}
	}
	return nil
}

func (s *sim) message() appData {
	return rawApp(s.p.Message, s.p.source(ParamMessage))
}

func (s *sim) sendMessage(a appData, appWhy string) error {
	return s.transfer(s.client, write{
		app: a, caption: "Data", appWhy: appWhy,
		recvWhy: fmt.Sprintf("The server's program reads the %d bytes from its socket: %s.", len(a.bytes), quote(string(a.bytes))),
	})
}

func (s *sim) appWhy() string {
	return fmt.Sprintf("The client's program writes your message, %d bytes, to its TCP socket: %s.", len(s.p.Message), quote(s.p.Message))
}

func runTCPData(s *sim) error {
	if err := s.handshake(false); err != nil {
		return err
	}
	if err := s.sendMessage(s.message(), s.appWhy()); err != nil {
		return err
	}
	return s.close()
}

func runTCPLoss(s *sim) error {
	if err := s.handshake(false); err != nil {
		return err
	}
	return s.sendMessage(s.message(), s.appWhy())
}

func runRouterHop(s *sim) error {
	s.establish()
	return s.sendMessage(s.message(), "The connection is already open (the handshake scenario shows how). "+s.appWhy())
}

func runMSS(s *sim) error {
	if err := s.handshake(false); err != nil {
		return err
	}
	mss := s.p.MTU - ipv4HeaderLen - tcpHeaderLen
	msg, src := s.p.Message, s.p.source(ParamMessage)
	why := s.appWhy()
	if len(msg) <= mss {
		// A short message is repeated until it needs three segments, so
		// that the cutting shows whatever the student typed.
		target := 2*mss + mss/2
		msg = strings.Repeat(msg+" ", target/(len(msg)+1)+1)[:target]
		for !utf8.ValidString(msg) { // do not end in the middle of a character
			msg = msg[:len(msg)-1]
		}
		src = Illustrative
		why = fmt.Sprintf("The client's program writes %d bytes to its TCP socket in one go: your message, repeated until it is too big for one packet.", len(msg))
	}
	return s.sendMessage(rawApp(msg, src), why)
}

func (s *sim) close() error {
	if err := s.transfer(s.client, write{fin: true, caption: "FIN, ACK",
		why: "The client's program closes the connection, so TCP sends a FIN: it has nothing more to send. The segment also has the ACK flag, like every segment after the handshake, and the FIN uses up one sequence number."}); err != nil {
		return err
	}
	return s.transfer(s.server, write{fin: true, caption: "FIN, ACK",
		why: "The server's program closes its side too, so its TCP sends a FIN of its own. (A server that closes straight away often saves a segment by putting this FIN on its ACK of the client's FIN.)"})
}

func runUDP(s *sim) error {
	c, sv := s.client, s.server
	x := &xmit{from: c, to: sv, udp: &UDPHeader{SrcPort: c.port, DstPort: sv.port}, app: s.message(),
		caption: "UDP datagram", at: s.last,
		appWhy: fmt.Sprintf("The client's program sends your message, %d bytes, to %v port %d through a UDP socket: %s. There is no connection to open first.", len(s.p.Message), sv.ip, sv.port, quote(s.p.Message)),
		why:    "UDP takes the message as it is."}
	if err := s.flight(x); err != nil {
		return err
	}
	if x.arrived {
		s.receiveLower(x)
		s.recv(x, fmt.Sprintf("UDP checks the checksum and finds the program bound to port %d. It hands over the datagram as one whole message, and sends nothing back.", sv.port))
		s.step(x.pkts[len(x.pkts)-1], sv.id, "deliver", 7, "data", []string{"data"}, x.arriveAt,
			fmt.Sprintf("The server's program reads the message: %s.", quote(s.p.Message)))
		return nil
	}
	if s.fragments(x) > 1 && s.partlyArrived(x) {
		s.receiveFragments(x)
		why := "The server's IP holds the fragments that did arrive, waiting for the missing one. After 30 seconds (Linux's default) it gives up and throws them away: losing one fragment loses the whole datagram."
		if !s.packets[x.pkts[0]].Dropped {
			why += " As it holds the first fragment, it also sends the client an ICMP Time Exceeded message (code 1, fragment reassembly time exceeded), which this scenario does not draw."
		}
		s.timeout(sv, 3, x.arriveAt+ipfragTime, why)
	}
	s.step(-1, c.id, "note", 4, "datagram", nil, s.last, "Nothing else happens. UDP keeps no copy and runs no timer, so the client never learns that the message was lost. A program that needs its messages to arrive must notice and resend them itself, as the live quiz does with its acknowledgments.")
	return nil
}

func (s *sim) partlyArrived(x *xmit) bool {
	for _, i := range x.pkts {
		if !s.packets[i].Dropped {
			return true
		}
	}
	return false
}

// The WebSocket scenario's application layer.

// wsPath is the live quiz's WebSocket endpoint.
const wsPath = "/live"

func runWebSocket(s *sim) error {
	c, sv := s.client, s.server
	if err := s.handshake(false); err != nil {
		return err
	}
	host := sv.ip.String()
	if sv.port != 80 {
		host += ":" + strconv.Itoa(int(sv.port))
	}
	tuple := fmt.Sprintf("%v:%d %v:%d", c.ip, c.port, sv.ip, sv.port)
	keyBytes := sha1.Sum([]byte("netstudy layers websocket key\x00" + tuple))
	key := base64.StdEncoding.EncodeToString(keyBytes[:16])
	accept := AcceptKey(key)

	get := httpApp([]httpLine{
		{"http.request.line", "Request line", "GET " + wsPath + " HTTP/1.1", Illustrative},
		{"http.host", "Host", "Host: " + host, sv.ipSrc},
		{"http.upgrade", "Upgrade", "Upgrade: websocket", Computed},
		{"http.connection", "Connection", "Connection: Upgrade", Computed},
		{"http.sec_websocket_key", "Sec-WebSocket-Key", "Sec-WebSocket-Key: " + key, Illustrative},
		{"http.sec_websocket_version", "Sec-WebSocket-Version", "Sec-WebSocket-Version: 13", Computed},
		{"http.origin", "Origin", "Origin: http://" + host, sv.ipSrc},
	})
	if err := s.transfer(c, write{app: get, caption: "HTTP GET " + wsPath + " (Upgrade: websocket)",
		appWhy:  fmt.Sprintf("The quiz page runs new WebSocket(\"ws://%s%s\"). A WebSocket starts life as an HTTP request: a GET with Upgrade: websocket, Connection: Upgrade, and Sec-WebSocket-Key, 16 random bytes in base64 (%s).", host, wsPath, key),
		recvWhy: fmt.Sprintf("The server's HTTP code sees a request to upgrade to WebSocket. It checks the Origin, then computes the answer to the key: SHA-1 of the key joined with the fixed string %s, in base64.", websocketGUID),
	}); err != nil {
		return err
	}

	resp := httpApp([]httpLine{
		{"http.response.line", "Status line", "HTTP/1.1 101 Switching Protocols", Computed},
		{"http.upgrade", "Upgrade", "Upgrade: websocket", Computed},
		{"http.connection", "Connection", "Connection: Upgrade", Computed},
		{"http.sec_websocket_accept", "Sec-WebSocket-Accept", "Sec-WebSocket-Accept: " + accept, Computed},
	})
	if err := s.transfer(sv, write{app: resp, caption: "HTTP 101 Switching Protocols",
		appWhy:  fmt.Sprintf("The server agrees with 101 Switching Protocols and Sec-WebSocket-Accept: %s. From here on neither side speaks HTTP on this connection; the same TCP connection carries WebSocket frames.", accept),
		recvWhy: "The browser computes the accept value from the key it sent and finds the same one, proof that the server understood the request. The WebSocket is open.",
	}); err != nil {
		return err
	}

	mask := wsMask(tuple, 0)
	msgSrc := s.p.source(ParamMessage)
	frame := wsApp(OpText, &mask, s.p.Message, msgSrc)
	if err := s.transfer(c, write{app: frame, caption: "WebSocket text frame (masked)",
		appWhy:  fmt.Sprintf("The page calls socket.send() with your message. The browser wraps it in a WebSocket frame: FIN set (the whole message is in this frame), opcode 1 for text, the MASK bit and the length, then a random 4-byte masking key (%02x %02x %02x %02x) and the text XORed with it. Every client must mask the frames it sends, browser or not (RFC 6455).", mask[0], mask[1], mask[2], mask[3]),
		recvWhy: fmt.Sprintf("The server's WebSocket code reads the frame header, XORs the payload with the masking key to undo the mask, and has the text: %s.", quote(s.p.Message)),
	}); err != nil {
		return err
	}

	const reply = `{"type":"ack"}`
	back := wsApp(OpText, nil, reply, Illustrative)
	return s.transfer(sv, write{app: back, caption: "WebSocket text frame",
		appWhy:  fmt.Sprintf("The server answers with a text frame of its own, %s. A server must not mask its frames, so there is no masking key and the text is plain on the wire.", reply),
		recvWhy: fmt.Sprintf("The browser reads the frame and fires the socket's message event with %s.", reply),
	})
}

// wsMask is the masking key of the client's nth frame. Browsers pick it at
// random; a hash keeps builds repeatable.
func wsMask(tuple string, n int) [4]byte {
	sum := sha1.Sum([]byte(fmt.Sprintf("netstudy layers websocket mask\x00%s\x00%d", tuple, n)))
	return [4]byte(sum[:4])
}

// quote shows a message in quotes, shortened if long: descriptions are read
// aloud.
func quote(msg string) string {
	const most = 80
	if utf8.RuneCountInString(msg) > most {
		r := []rune(msg)
		return strconv.Quote(string(r[:most]) + "…")
	}
	return strconv.Quote(msg)
}
