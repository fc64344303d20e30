// Package layers owns the packet model behind the Layers visualizer: real
// Ethernet II, IPv4, TCP, UDP, HTTP and WebSocket bytes, built for a
// handful of teaching scenarios, with every header field located in the
// frame and every step of the journey explained in words.
//
// The package does no I/O. Build returns a Scenario; the web layer serves
// it as JSON and WritePcap turns it into a capture for Wireshark.
//
// # Scenarios
//
// Scenarios lists them; Build(id, params) makes one:
//
//	tcp-handshake  SYN, SYN-ACK, ACK
//	tcp-data       handshake, data, its ACK, then FIN/ACK both ways
//	udp            one datagram, no reply (IP-fragmented if over the MTU)
//	tcp-loss       the data segment is lost, the timer fires, it is resent
//	router-hop     data and its ACK through a router: new MACs, TTL-1, new checksum
//	mss            a write larger than the MSS, cut into segments
//	websocket      handshake, HTTP Upgrade, 101 with Sec-WebSocket-Accept,
//	               a masked client text frame and an unmasked server frame
//	arp            ARP request broadcast, reply, then the first IP packet
//	dns            a DNS query and its response over UDP port 53
//	ping           ICMP echo request and reply through the router
//	traceroute     probes with TTL 1 and 2: Time Exceeded from the router,
//	               then an echo reply from the server
//	dhcp           Discover, Offer, Request, ACK (from 0.0.0.0, broadcast)
//	nat            a home router rewrites source address and port, both
//	               checksums, and maps the reply back
//	tls            TLS 1.3 ClientHello (SNI) and ServerHello in the clear,
//	               then encrypted records shown as opaque bytes
//	cwnd           a bulk transfer: the congestion window doubles each round
//	               trip, three duplicate ACKs after a loss, fast retransmit,
//	               the window halved, then one segment more per round trip
//
// Params.Drop names packets (by index) lost on the way, in any scenario;
// tcp-loss drops packet 3, its data segment, and cwnd packet 9, the first
// segment sent with a window of eight, when Drop is not given (nil); an
// empty Drop ("drop=none" in a URL) loses nothing.
// The simulation reacts as the protocols would: TCP resends after its
// retransmission timer (Linux's: 1 second for a SYN, then the measured round
// trip plus 200 ms, doubling on each timeout) or on three duplicate ACKs; a lost ACK makes the sender
// resend data the receiver already has; a lost handshake ACK is made up for
// by the next segment; UDP does nothing. Packets are numbered in the order
// they are sent, so dropping one shifts the numbers of those after it.
//
// # The model
//
// A Scenario holds Packets (every frame put on a wire, in time order; a
// segment through a router is two frames) and Steps (the animation: down
// the sender's stack, on the wire, through the router, up the receiver's
// stack, timers). A Packet holds the Frame bytes, destination MAC to FCS,
// and its Layers; a Layer holds Fields. Field.Offset and Field.Length locate
// a field's bytes in the whole frame, and BitOffset/BitLength (counted from
// the most significant bit of the byte at Offset) locate fields narrower
// than a byte, such as the TCP flags or the IPv4 version. Numeric fields
// carry their raw value in Number; the FCS is the one little-endian field.
// Field keys are Wireshark's display filter names (ip.ttl, tcp.flags.syn)
// where one exists.
//
// In JSON (snake_case), bytes travel as lower-case hex:
//
//	{"id": "tcp-handshake", "title": "...", "summary": "...",
//	 "nodes": [{"id": "client", "name": "Client", "interfaces": [{"mac": "...", "ip": "..."}], "port": 49152}, ...],
//	 "stack": [{"osi": 7, "osi_name": "Application", "tcpip": "Application", "pdu": "data", "examples": "..."}, ...],
//	 "packets": [{"index": 0, "from": "client", "to": "server", "direction": "client→server",
//	   "caption": "SYN", "info": "49152 → 8080 [SYN] Seq=0 Win=64240 Len=0 MSS=1460",
//	   "time_us": 0, "dropped": false, "retransmission": false, "frame": "020000bb0080...",
//	   "layers": [{"key": "ip", "name": "Internet Protocol version 4", "osi": 3, "tcpip": "Internet",
//	     "pdu": "packet", "offset": 14, "length": 44, "header_length": 20,
//	     "fields": [{"key": "ip.version", "name": "Version", "value": "4", "number": 4,
//	       "source": "computed", "offset": 14, "length": 1, "bit_offset": 0, "bit_length": 4,
//	       "help": "4 for IPv4."}, ...]}, ...]}],
//	 "steps": [{"index": 0, "packet": 0, "side": "client", "action": "encapsulate", "osi": 4,
//	   "tcpip": "Transport", "pdu": "segment", "layers": ["tcp"], "description": "...", "time_us": 0}, ...],
//	 "notes": ["..."]}
//
// # Where values come from
//
// Each field has a Source. "observed": the value came from a real
// connection, because its parameter is listed in Params.Observed (the live
// quiz's "your answer's journey" passes the real addresses, ports and
// message). "computed": the value follows from other values by the
// protocol's rules (lengths, checksums, the FCS, Sec-WebSocket-Accept, a
// TTL lowered by a router); it is as real as its inputs. "illustrative":
// the model chose it (MACs unless observed, initial sequence numbers, IP
// identification, window, masking key, Sec-WebSocket-Key).
//
// # Determinism
//
// The same id and Params give byte-identical scenarios: initial sequence
// numbers, IP identifications, the WebSocket key and masking keys come from
// a hash of the addresses and ports, where real stacks use randomness or a
// secret; times come from a fixed link model (100 Mbit/s, with the 12-byte
// inter-frame gap between back-to-back frames, and 10 ms one way: a real
// LAN takes well under a millisecond, the timeline stretches it to be
// readable and says so). Each host acts as soon as it has what it waits
// for, so a reply can leave while an earlier packet is still on its way the
// other way, and round trips read off a capture are the model's.
//
// # Captures
//
// WritePcapng writes pcapng with one interface per link (a tap on each
// link), so that the two copies of a routed segment are not taken for a
// retransmission; WritePcap writes classic pcap with LINKTYPE_ETHERNET,
// which has a single interface. Frames are written without their FCS, as
// capturing cards usually deliver them. The capture is
// what taps at each sender would see, so dropped packets are included (they
// were sent; they are lost further on), and Wireshark marks their resends as
// retransmissions.
//
// # Not modelled
//
// ARP outside its own scenario (MACs are otherwise taken as known), IPv6, IP
// options, TCP congestion control outside the cwnd scenario (elsewhere
// every write fits the initial window of ten segments), window scaling,
// SACK and timestamps, delayed-ACK timers
// (the receiver acknowledges at every second segment and at the end of what
// arrived together), real encryption (TLS records after the hellos are
// deterministic opaque bytes), ICMP errors other than Time Exceeded, and
// more than one router.
package layers
