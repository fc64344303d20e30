package layers

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits on Params.
const (
	MaxMessage   = 4000 // bytes
	MinMTU       = 576  // every IPv4 host must accept a 576-byte datagram (RFC 791)
	MaxMTU       = 1500 // Ethernet's MTU; jumbo frames are not modelled
	MaxDrops     = 10
	MaxDropIndex = 99
)

// Names of the parameters, as used by Params.Set, in Params.Observed and in
// ParamError.
const (
	ParamMessage         = "message"
	ParamClientIP        = "client_ip"
	ParamServerIP        = "server_ip"
	ParamClientPort      = "client_port"
	ParamServerPort      = "server_port"
	ParamClientMAC       = "client_mac"
	ParamServerMAC       = "server_mac"
	ParamRouterClientMAC = "router_client_mac"
	ParamRouterServerMAC = "router_server_mac"
	ParamMTU             = "mtu"
	ParamTTL             = "ttl"
	ParamDrop            = "drop"
	ParamObserved        = "observed"
)

// observable are the parameters whose value can come from a real capture.
func observable() []string {
	return []string{ParamMessage, ParamClientIP, ParamServerIP, ParamClientPort, ParamServerPort, ParamClientMAC, ParamServerMAC, ParamTTL, ParamMTU}
}

// Params are what a student (or a live quiz session) can set. Every scenario
// is built from them, and the same Params always build the same bytes.
type Params struct {
	// Message is the application's data: the TCP or UDP payload, or the
	// text of the client's WebSocket frame.
	Message                string
	ClientIP, ServerIP     netip.Addr
	ClientPort, ServerPort uint16
	ClientMAC, ServerMAC   net.HardwareAddr
	// RouterMACs are the router's two interfaces: [0] on the client's
	// network, [1] on the server's. Only router-hop uses them.
	RouterMACs [2]net.HardwareAddr
	// MTU is the largest IP packet the links carry; the TCP MSS is MTU-40.
	MTU int
	// TTL is the time to live the hosts put in their packets.
	TTL uint8
	// Drop lists the indexes of the packets (frames) lost on the way; nil
	// takes the scenario's default loss, an empty list loses nothing. The
	// scenario reacts to them as the protocols would.
	Drop []int
	// Observed names the parameters whose values were seen on a real
	// connection (Param* constants); fields that show them are marked
	// observed instead of illustrative.
	Observed []string
}

// DefaultParams are two machines on one home or classroom network, the
// client on an ephemeral port and the server on netstudy's own port.
// The MACs are locally administered, so they can belong to no real card.
func DefaultParams() Params {
	return Params{
		Message:    "Hello",
		ClientIP:   netip.MustParseAddr("192.168.1.20"),
		ServerIP:   netip.MustParseAddr("192.168.1.80"),
		ClientPort: 49152,
		ServerPort: 8080,
		ClientMAC:  net.HardwareAddr{0x02, 0x00, 0x00, 0xaa, 0x00, 0x20},
		ServerMAC:  net.HardwareAddr{0x02, 0x00, 0x00, 0xbb, 0x00, 0x80},
		RouterMACs: [2]net.HardwareAddr{
			{0x02, 0x00, 0x00, 0xcc, 0x00, 0x01},
			{0x02, 0x00, 0x00, 0xcc, 0x00, 0x02},
		},
		MTU: 1500,
		TTL: 64,
	}
}

// DefaultParamsFor are the defaults that suit scenario id: router-hop puts
// the server on another network (203.0.113.0/24 is reserved for
// documentation), the others keep both machines on one network.
func DefaultParamsFor(id string) Params {
	p := DefaultParams()
	switch id {
	case "router-hop", "nat", "ping", "traceroute":
		p.ServerIP = netip.MustParseAddr("203.0.113.80")
	case "dns":
		p.ServerPort = dnsPort
	case "tls":
		p.ServerPort = tlsPort
	case "cwnd":
		// iperf's port, where bulk transfers are measured. Not 8080:
		// Wireshark reads 8080 as HTTP and, reassembling what it takes
		// for HTTP messages, reports the fast retransmission of a
		// segment it already holds as a reassembly error.
		p.ServerPort = bulkPort
	}
	return p
}

// ParamError is one invalid parameter, with a message fit for a student.
type ParamError struct {
	Param  string // a Param* constant
	Reason string
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("layers: %s: %s", e.Param, e.Reason)
}

// Validate reports every invalid parameter, joined; errors.As finds the
// first *ParamError.
func (p Params) Validate() error {
	var errs []error
	bad := func(param, format string, args ...any) {
		errs = append(errs, &ParamError{Param: param, Reason: fmt.Sprintf(format, args...)})
	}
	switch {
	case p.Message == "":
		bad(ParamMessage, "the message is empty")
	case len(p.Message) > MaxMessage:
		bad(ParamMessage, "the message is %d bytes; the most is %d", len(p.Message), MaxMessage)
	case !utf8.ValidString(p.Message):
		bad(ParamMessage, "the message is not valid UTF-8 text")
	}
	checkIP := func(param string, a netip.Addr) {
		switch {
		case !a.IsValid():
			bad(param, "no address given")
		case a.Is4In6():
			bad(param, "%v is an IPv4-mapped IPv6 address; write it as %v", a, a.Unmap())
		case !a.Is4():
			bad(param, "%v is not an IPv4 address; the model shows IPv4 only", a)
		case a.IsUnspecified():
			bad(param, "0.0.0.0 means no address; a host sends it only while it has none")
		case a.IsLoopback():
			bad(param, "%v is a loopback address, which never leaves the machine and so never travels over Ethernet", a)
		case a.IsMulticast() || a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
			bad(param, "%v is not a single host's address", a)
		}
	}
	checkIP(ParamClientIP, p.ClientIP)
	checkIP(ParamServerIP, p.ServerIP)
	if p.ClientIP.IsValid() && p.ClientIP == p.ServerIP {
		bad(ParamServerIP, "the server's address is the same as the client's")
	}
	if p.ClientPort == 0 {
		bad(ParamClientPort, "port 0 is reserved; use 1 to 65535")
	}
	if p.ServerPort == 0 {
		bad(ParamServerPort, "port 0 is reserved; use 1 to 65535")
	}
	macs := []struct {
		param string
		mac   net.HardwareAddr
	}{{ParamClientMAC, p.ClientMAC}, {ParamServerMAC, p.ServerMAC}, {ParamRouterClientMAC, p.RouterMACs[0]}, {ParamRouterServerMAC, p.RouterMACs[1]}}
	for i, m := range macs {
		switch {
		case len(m.mac) != 6:
			bad(m.param, "a MAC address has 6 bytes, like 02:00:00:aa:00:20")
		case m.mac[0]&1 != 0:
			bad(m.param, "%v is a group (multicast or broadcast) address; a card's own address has the lowest bit of its first byte clear", m.mac)
		case slices.Equal(m.mac, make(net.HardwareAddr, 6)):
			bad(m.param, "00:00:00:00:00:00 is not a usable address")
		default:
			for _, o := range macs[:i] {
				if slices.Equal(m.mac, o.mac) {
					bad(m.param, "%v is already the %s", m.mac, strings.ReplaceAll(o.param, "_", " "))
					break
				}
			}
		}
	}
	if p.MTU < MinMTU || p.MTU > MaxMTU {
		bad(ParamMTU, "the MTU is %d; use %d to %d", p.MTU, MinMTU, MaxMTU)
	}
	if p.TTL == 0 {
		bad(ParamTTL, "a packet with time to live 0 is discarded before it leaves; use 1 to 255")
	}
	if len(p.Drop) > MaxDrops {
		bad(ParamDrop, "%d packets to drop; the most is %d", len(p.Drop), MaxDrops)
	}
	for _, d := range p.Drop {
		if d < 0 || d > MaxDropIndex {
			bad(ParamDrop, "packet %d does not exist; packets are numbered from 0 to %d", d, MaxDropIndex)
			break
		}
	}
	for _, o := range p.Observed {
		if !slices.Contains(observable(), o) {
			bad(ParamObserved, "%q is not a parameter that can be observed; use one of %s", o, strings.Join(observable(), ", "))
		}
	}
	return errors.Join(errs...)
}

// Set parses value into the parameter called name (a Param* constant), as a
// form or query string gives it. Lists (drop, observed) are comma-separated.
func (p *Params) Set(name, value string) error {
	if name != ParamMessage {
		value = strings.TrimSpace(value) // a message's spaces are its own
	}
	fail := func(reason string) error { return &ParamError{Param: name, Reason: reason} }
	addr := func(a *netip.Addr) error {
		v, err := netip.ParseAddr(value)
		if err != nil {
			return fail(fmt.Sprintf("%q is not an IP address", value))
		}
		*a = v
		return nil
	}
	port := func(u *uint16) error {
		v, err := strconv.ParseUint(value, 10, 16)
		if err != nil {
			return fail(fmt.Sprintf("%q is not a port number from 1 to 65535", value))
		}
		*u = uint16(v)
		return nil
	}
	mac := func(m *net.HardwareAddr) error {
		v, err := net.ParseMAC(value)
		if err != nil {
			return fail(fmt.Sprintf("%q is not a MAC address like 02:00:00:aa:00:20", value))
		}
		*m = v
		return nil
	}
	switch name {
	case ParamMessage:
		p.Message = value
	case ParamClientIP:
		return addr(&p.ClientIP)
	case ParamServerIP:
		return addr(&p.ServerIP)
	case ParamClientPort:
		return port(&p.ClientPort)
	case ParamServerPort:
		return port(&p.ServerPort)
	case ParamClientMAC:
		return mac(&p.ClientMAC)
	case ParamServerMAC:
		return mac(&p.ServerMAC)
	case ParamRouterClientMAC:
		return mac(&p.RouterMACs[0])
	case ParamRouterServerMAC:
		return mac(&p.RouterMACs[1])
	case ParamMTU:
		v, err := strconv.Atoi(value)
		if err != nil {
			return fail(fmt.Sprintf("%q is not a whole number", value))
		}
		p.MTU = v
	case ParamTTL:
		v, err := strconv.ParseUint(value, 10, 8)
		if err != nil {
			return fail(fmt.Sprintf("%q is not a number from 1 to 255", value))
		}
		p.TTL = uint8(v)
	case ParamDrop:
		p.Drop = nil
		if strings.EqualFold(strings.TrimSpace(value), "none") {
			p.Drop = []int{} // lose nothing, even where a scenario would by default
			return nil
		}
		for s := range strings.SplitSeq(value, ",") {
			if s = strings.TrimSpace(s); s == "" {
				continue
			}
			v, err := strconv.Atoi(s)
			if err != nil {
				return fail(fmt.Sprintf("%q is not a packet number", s))
			}
			p.Drop = append(p.Drop, v)
		}
	case ParamObserved:
		p.Observed = nil
		for s := range strings.SplitSeq(value, ",") {
			if s = strings.TrimSpace(s); s != "" {
				p.Observed = append(p.Observed, s)
			}
		}
	default:
		return fail("no such parameter")
	}
	return nil
}

// source is where a value set from param comes from.
func (p Params) source(param string) Source {
	if slices.Contains(p.Observed, param) {
		return Observed
	}
	return Illustrative
}
