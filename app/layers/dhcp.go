package layers

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
)

// DHCP (RFC 2131) messages: a BOOTP header and options (RFC 2132).

const (
	dhcpServerPort = 67
	dhcpClientPort = 68
	bootpLen       = 236 // the fixed BOOTP part, before the magic cookie
	bootpMinLen    = 300 // clients pad their messages to BOOTP's minimum
)

// DHCP message types (option 53).
const (
	dhcpDiscover = 1
	dhcpOffer    = 2
	dhcpRequest  = 3
	dhcpAck      = 5
)

var dhcpTypeNames = map[uint8]string{dhcpDiscover: "Discover", dhcpOffer: "Offer", dhcpRequest: "Request", dhcpAck: "ACK"}

// dhcpMessage is what one DHCP message says.
type dhcpMessage struct {
	typ       uint8
	xid       uint32
	clientMAC net.HardwareAddr
	yours     netip.Addr // the address offered or confirmed (yiaddr); zero from the client
	requested netip.Addr // option 50, in a Request
	serverID  netip.Addr // option 54, in a Request, Offer and ACK
	lease     uint32     // option 51, in seconds, from the server
	router    netip.Addr // options 3 and 6, from the server
}

func ipBytes(a netip.Addr) []byte { b := a.As4(); return b[:] }

// app encodes the message with its fields.
func (m dhcpMessage) app(clientSrc, serverSrc Source) appData {
	server := m.typ == dhcpOffer || m.typ == dhcpAck
	b := make([]byte, bootpLen)
	b[0] = 1 // BOOTREQUEST
	if server {
		b[0] = 2 // BOOTREPLY
	}
	b[1], b[2] = 1, 6 // Ethernet, 6-byte addresses
	binary.BigEndian.PutUint32(b[4:], m.xid)
	if m.yours.IsValid() {
		copy(b[16:20], ipBytes(m.yours))
	}
	copy(b[28:34], m.clientMAC)
	b = append(b, 99, 130, 83, 99) // the magic cookie
	type opt struct {
		code      uint8
		key, name string
		data      []byte
		value     string
		src       Source
	}
	opts := []opt{{53, "dhcp.option.dhcp", "DHCP message type", []byte{m.typ}, fmt.Sprintf("%d (%s)", m.typ, dhcpTypeNames[m.typ]), Computed}}
	if m.requested.IsValid() {
		opts = append(opts, opt{50, "dhcp.option.requested_ip_address", "Requested IP address", ipBytes(m.requested), m.requested.String(), clientSrc})
	}
	if m.serverID.IsValid() {
		opts = append(opts, opt{54, "dhcp.option.dhcp_server_id", "DHCP server identifier", ipBytes(m.serverID), m.serverID.String(), serverSrc})
	}
	if server {
		lease := binary.BigEndian.AppendUint32(nil, m.lease)
		opts = append(opts,
			opt{51, "dhcp.option.ip_address_lease_time", "IP address lease time", lease, fmt.Sprintf("%d seconds", m.lease), Illustrative},
			opt{1, "dhcp.option.subnet_mask", "Subnet mask", []byte{255, 255, 255, 0}, "255.255.255.0", Illustrative},
			opt{3, "dhcp.option.router", "Router", ipBytes(m.router), m.router.String(), Illustrative},
			opt{6, "dhcp.option.domain_name_server", "Domain name server", ipBytes(m.router), m.router.String(), Illustrative})
	} else {
		opts = append(opts, opt{55, "dhcp.option.request_list", "Parameter request list", []byte{1, 3, 6, 51}, "1 (subnet mask), 3 (router), 6 (DNS server), 51 (lease time)", Computed})
	}
	ip := func(key, name string, off int, a netip.Addr, src Source) Field {
		if !a.IsValid() {
			a = netip.IPv4Unspecified()
		}
		return text(key, name, off, 4, a.String(), src)
	}
	opName := "1 (request, from a client)"
	if server {
		opName = "2 (reply, from a server)"
	}
	fields := []Field{
		num("dhcp.type", "Message op", 0, 1, uint64(b[0]), opName, Computed),
		num("dhcp.hw.type", "Hardware type", 1, 1, 1, "1 (Ethernet)", Computed),
		num("dhcp.hw.len", "Hardware address length", 2, 1, 6, "6", Computed),
		num("dhcp.hops", "Hops", 3, 1, 0, "0", Computed),
		num("dhcp.id", "Transaction ID", 4, 4, uint64(m.xid), fmt.Sprintf("0x%08x", m.xid), Illustrative),
		num("dhcp.secs", "Seconds elapsed", 8, 2, 0, "0", Illustrative),
		num("dhcp.flags", "Flags", 10, 2, 0, "0x0000 (unicast answers are fine)", Computed),
		ip("dhcp.ip.client", "Client IP address", 12, netip.Addr{}, Computed),
		ip("dhcp.ip.your", "Your (client) IP address", 16, m.yours, clientSrc),
		ip("dhcp.ip.server", "Next server IP address", 20, netip.Addr{}, Computed),
		ip("dhcp.ip.relay", "Relay agent IP address", 24, netip.Addr{}, Computed),
		text("dhcp.hw.mac_addr", "Client MAC address", 28, 6, m.clientMAC.String(), clientSrc),
		text("dhcp.hw.addr_padding", "Client hardware address padding", 34, 10, "10 zero bytes", Computed),
		text("dhcp.server", "Server host name", 44, 64, "not given (64 zero bytes)", Computed),
		text("dhcp.file", "Boot file name", 108, 128, "not given (128 zero bytes)", Computed),
		num("dhcp.cookie", "Magic cookie", bootpLen, 4, 0x63825363, "0x63825363 (DHCP)", Computed),
	}
	for _, o := range opts {
		at := len(b)
		b = append(b, o.code, byte(len(o.data)))
		b = append(b, o.data...)
		f := text(o.key, fmt.Sprintf("Option %d: %s", o.code, o.name), at, 2+len(o.data), o.value, o.src)
		fields = append(fields, f)
	}
	fields = append(fields, num("dhcp.option.end", "Option 255: End", len(b), 1, 255, "255", Computed))
	b = append(b, 255)
	if n := bootpMinLen - len(b); n > 0 {
		fields = append(fields, text("dhcp.option.padding", "Padding", len(b), n, fmt.Sprintf("%d zero bytes", n), Computed))
		b = append(b, make([]byte, n)...)
	}
	return appData{key: "dhcp", name: "Dynamic Host Configuration Protocol (" + dhcpTypeNames[m.typ] + ")",
		bytes: b, header: bootpLen + 4, fields: fields}
}
