package layers

import (
	"encoding/hex"
	"fmt"
)

// Info names one scenario in the catalogue.
type Info struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
}

// Scenario is one complete, deterministic story: the frames that cross the
// wire and the animation steps that explain them.
type Scenario struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
	// Nodes are the machines in the picture, left to right.
	Nodes []Node `json:"nodes"`
	// Stack maps the seven OSI layers onto the four TCP/IP layers, so the
	// page can switch between the two views.
	Stack   []StackLayer `json:"stack"`
	Packets []Packet     `json:"packets"`
	Steps   []Step       `json:"steps"`
	// Notes are caveats about this particular build, e.g. addresses that do
	// not fit the topology the scenario draws.
	Notes []string `json:"notes,omitempty"`
}

// Node is a machine in the scenario.
type Node struct {
	ID   string `json:"id"`   // "client", "router" or "server"
	Name string `json:"name"` // for display
	// Interfaces are listed in the order they face: a router has one on the
	// client's network and one on the server's.
	Interfaces []Interface `json:"interfaces"`
	Port       uint16      `json:"port,omitempty"`
}

// Interface is one network card of a node.
type Interface struct {
	MAC string `json:"mac"`
	IP  string `json:"ip,omitempty"`
}

// Packet is one Ethernet frame that a node puts on a wire. A segment that
// crosses a router is two Packets: one per link.
type Packet struct {
	Index     int    `json:"index"`
	From      string `json:"from"` // node ID of the sender on this link
	To        string `json:"to"`   // node ID of the receiver on this link
	Direction string `json:"direction"`
	// Caption is a short name ("SYN", "HTTP 101 Switching Protocols").
	Caption string `json:"caption"`
	// Info is a one-line summary in the style of Wireshark's Info column.
	Info string `json:"info"`
	// TimeUS is when the first bit leaves the sender, in microseconds from
	// the start of the scenario.
	TimeUS         int64 `json:"time_us"`
	Dropped        bool  `json:"dropped"`
	Retransmission bool  `json:"retransmission"`
	// Frame is the whole frame from destination MAC to FCS, without the
	// preamble and start frame delimiter (which carry no information).
	Frame  Bytes   `json:"frame"`
	Layers []Layer `json:"layers"`
}

// Layer is one protocol's part of a frame.
type Layer struct {
	Key   string `json:"key"`   // Wireshark's protocol name: eth, ip, tcp, udp, http, websocket, data
	Name  string `json:"name"`  // "Ethernet II"
	OSI   int    `json:"osi"`   // 1 to 7
	TCPIP string `json:"tcpip"` // Application, Transport, Internet or Link
	PDU   string `json:"pdu"`   // data, segment, datagram, packet, frame
	// Offset and Length cover this layer's whole PDU within the frame:
	// header, payload and any trailer (Ethernet's padding and FCS).
	Offset int `json:"offset"`
	Length int `json:"length"`
	// HeaderLength is how many bytes from Offset are this layer's own header.
	HeaderLength int     `json:"header_length"`
	Fields       []Field `json:"fields"`
}

// Source says where a field's value comes from; see the package doc.
type Source string

// The three sources of a value.
const (
	Observed     Source = "observed"
	Illustrative Source = "illustrative"
	Computed     Source = "computed"
)

// Field is one header field with the bytes that hold it.
type Field struct {
	Key   string `json:"key"`   // Wireshark's display filter name where one exists: ip.ttl
	Name  string `json:"name"`  // "Time to live"
	Value string `json:"value"` // for display: "64", "0x0800 (IPv4)"
	// Number is the raw value of a numeric field, as the bytes hold it.
	Number *uint64 `json:"number,omitempty"`
	Source Source  `json:"source"`
	// Offset and Length locate the bytes within the whole frame.
	Offset int `json:"offset"`
	Length int `json:"length"`
	// A field narrower than its bytes also has a bit position: BitOffset
	// counts from the most significant bit of the byte at Offset, and
	// BitLength is its width. Both are 0 for whole-byte fields.
	BitOffset int `json:"bit_offset,omitempty"`
	BitLength int `json:"bit_length,omitempty"`
	// LittleEndian is set for the one field sent least significant byte
	// first: the Ethernet FCS.
	LittleEndian bool    `json:"little_endian,omitempty"`
	Help         string  `json:"help,omitempty"`
	Children     []Field `json:"children,omitempty"`
}

// Step is one moment of the animation.
type Step struct {
	Index int `json:"index"`
	// Packet is the index of the packet this step is about, or -1 for a step
	// about no packet (a timer running out).
	Packet int `json:"packet"`
	// Side is the node ID where it happens, or "wire".
	Side string `json:"side"`
	// Action is one of encapsulate (a layer adds its header), transmit
	// (bits on the wire), lost, decapsulate (a layer reads and removes its
	// header), forward (a router), deliver (to the receiving program),
	// timeout (a timer runs out) and note (nothing moves; an explanation).
	Action string `json:"action"`
	OSI    int    `json:"osi"`
	TCPIP  string `json:"tcpip"`
	PDU    string `json:"pdu"`
	// Layers lists the keys of the layers the PDU has at this step, outermost
	// first, as they appear in the frame.
	Layers []string `json:"layers"`
	// Description is a complete sentence or two, fit to be read aloud.
	Description string `json:"description"`
	TimeUS      int64  `json:"time_us"`
}

// StackLayer is one row of the OSI to TCP/IP mapping.
type StackLayer struct {
	OSI      int    `json:"osi"`
	OSIName  string `json:"osi_name"`
	TCPIP    string `json:"tcpip"`
	PDU      string `json:"pdu"`
	Examples string `json:"examples"`
}

// Stack returns the seven OSI layers, top first, each with the TCP/IP layer
// that covers it.
func Stack() []StackLayer {
	return []StackLayer{
		{7, "Application", tcpipApplication, "data", "HTTP, WebSocket, DNS, DHCP"},
		{6, "Presentation", tcpipApplication, "data", "character encoding (UTF-8), compression, encryption"},
		{5, "Session", tcpipApplication, "data", "keeping a conversation going over time, such as a login session or a resumed TLS session; TCP/IP has no separate protocol for it"},
		{4, "Transport", tcpipTransport, "segment (TCP) or datagram (UDP)", "TCP, UDP"},
		{3, "Network", tcpipInternet, "packet", "IPv4, IPv6, ICMP"},
		{2, "Data link", tcpipLink, "frame", "Ethernet II, Wi-Fi (802.11), ARP"},
		{1, "Physical", tcpipLink, "bits", "cables, fibre, radio, and the signals on them"},
	}
}

// The four TCP/IP layers, named as in RFC 1122.
const (
	tcpipApplication = "Application"
	tcpipTransport   = "Transport"
	tcpipInternet    = "Internet"
	tcpipLink        = "Link"
)

// Bytes is a byte slice that travels in JSON as lower-case hex, which a
// browser turns into a hex pane more easily than base64.
type Bytes []byte

// MarshalText implements encoding.TextMarshaler.
func (b Bytes) MarshalText() ([]byte, error) {
	out := make([]byte, hex.EncodedLen(len(b)))
	hex.Encode(out, b)
	return out, nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (b *Bytes) UnmarshalText(text []byte) error {
	out := make([]byte, hex.DecodedLen(len(text)))
	if _, err := hex.Decode(out, text); err != nil {
		return fmt.Errorf("layers: decoding hex bytes: %w", err)
	}
	*b = out
	return nil
}
