package layers

// num is a whole-byte numeric field.
func num(key, name string, off, n int, v uint64, value string, src Source) Field {
	return Field{Key: key, Name: name, Value: value, Number: &v, Source: src, Offset: off, Length: n}
}

// bits is a numeric field narrower than the n bytes at off that hold it.
func bits(key, name string, off, n, bitOff, bitLen int, v uint64, value string, src Source) Field {
	f := num(key, name, off, n, v, value, src)
	f.BitOffset, f.BitLength = bitOff, bitLen
	return f
}

// text is a field shown as text: an address, a header line, a payload.
func text(key, name string, off, n int, value string, src Source) Field {
	return Field{Key: key, Name: name, Value: value, Source: src, Offset: off, Length: n}
}

// bitFlag is a one-bit field.
func bitFlag(key, name string, off, bitOff int, set bool) Field {
	var v uint64
	value := "Not set"
	if set {
		v, value = 1, "Set"
	}
	return bits(key, name, off, 1, bitOff, 1, v, value, Computed)
}

// shift moves the fields (and their children) by delta bytes: layers are
// described relative to their own start and then placed in the frame.
func shift(fields []Field, delta int) []Field {
	out := make([]Field, len(fields))
	for i, f := range fields {
		f.Offset += delta
		f.Children = shift(f.Children, delta)
		out[i] = f
	}
	return out
}

// addHelp fills in each field's one-line explanation.
func addHelp(fields []Field) {
	for i := range fields {
		if fields[i].Help == "" {
			fields[i].Help = fieldHelp(fields[i].Key)
		}
		addHelp(fields[i].Children)
	}
}

// fieldHelp explains a field in a sentence a student can take in at a glance.
func fieldHelp(key string) string {
	switch key {
	case "eth.dst":
		return "The MAC address of the next machine on this link, which may be a router rather than the final destination."
	case "eth.src":
		return "The MAC address of the network card that sent this frame."
	case "eth.type":
		return "Which protocol the payload belongs to, so the receiver knows who to hand it to."
	case "eth.padding":
		return "Zeros added because an Ethernet frame must be at least 64 bytes long including its FCS."
	case "eth.fcs":
		return "A CRC-32 over the whole frame; the receiver recomputes it and throws the frame away if they differ."
	case "ip.version":
		return "4 for IPv4."
	case "ip.hdr_len":
		return "The header length in 32-bit words; 5 words is 20 bytes, a header with no options."
	case "ip.dsfield.dscp":
		return "Differentiated Services Code Point: a priority class for routers that honour it; 0 is ordinary best effort."
	case "ip.dsfield.ecn":
		return "Explicit Congestion Notification: lets routers signal congestion without dropping packets; 0 means not in use."
	case "ip.len":
		return "The length of the whole packet, header and payload, in bytes."
	case "ip.id":
		return "A number that ties together the fragments of one packet if it ever has to be split."
	case "ip.flags":
		return "Three bits about fragmentation."
	case "ip.flags.rb":
		return "Reserved, always 0."
	case "ip.flags.df":
		return "Don't Fragment: a router that cannot forward the packet whole must drop it and report back, which is how a path's MTU is discovered."
	case "ip.flags.mf":
		return "More Fragments: set on every fragment except the last."
	case "ip.frag_offset":
		return "Where this fragment belongs in the original packet, in units of 8 bytes; 0 for an unfragmented packet."
	case "ip.ttl":
		return "Time to live: each router subtracts 1 and discards the packet at 0, so a packet caught in a loop does not circle forever."
	case "ip.proto":
		return "Which transport protocol the payload is: 6 for TCP, 17 for UDP."
	case "ip.checksum":
		return "A checksum over the IP header only; routers recompute it because they change the TTL."
	case "ip.src":
		return "The IP address of the original sender; it does not change from hop to hop."
	case "ip.dst":
		return "The IP address of the final destination; it does not change from hop to hop."
	case "tcp.srcport":
		return "The sending program's port; with the addresses it identifies the connection."
	case "tcp.dstport":
		return "The receiving program's port."
	case "tcp.seq":
		return "The position of this segment's first byte in the sender's byte stream; SYN and FIN each use up one number."
	case "tcp.ack":
		return "The next sequence number the sender expects from the other side: everything before it has arrived."
	case "tcp.hdr_len":
		return "The TCP header length in 32-bit words."
	case "tcp.flags.res":
		return "Reserved bits, always 0."
	case "tcp.flags":
		return "Control bits: SYN opens, ACK acknowledges, PSH asks for prompt delivery, FIN closes, RST aborts."
	case "tcp.flags.cwr":
		return "Congestion Window Reduced: the sender has slowed down after an ECN signal."
	case "tcp.flags.ece":
		return "ECN-Echo: tells the other side that a router marked a packet as congested."
	case "tcp.flags.urg":
		return "Urgent: the urgent pointer field is meaningful. Almost never used."
	case "tcp.flags.ack":
		return "The acknowledgment number is meaningful. Set on every segment after the first SYN."
	case "tcp.flags.psh":
		return "Push: asks the receiver to hand the data to the program without waiting for more."
	case "tcp.flags.rst":
		return "Reset: aborts the connection at once, for example when no program listens on the port."
	case "tcp.flags.syn":
		return "Synchronize: opens a connection and carries the sender's initial sequence number."
	case "tcp.flags.fin":
		return "Finish: the sender has no more data to send."
	case "tcp.window_size":
		return "How many more bytes the sender of this segment is ready to receive: flow control."
	case "tcp.checksum":
		return "A checksum over the segment and a pseudo-header holding the IP addresses, protocol and length."
	case "tcp.urgent_pointer":
		return "Only meaningful with the URG flag, which is almost never used."
	case "tcp.options":
		return "Optional extras; here the maximum segment size, sent only on SYN segments."
	case "tcp.option_kind":
		return "Which option: 2 is the maximum segment size."
	case "tcp.option_len":
		return "The option's length in bytes, kind and length included."
	case "tcp.options.mss_val":
		return "The largest payload this side wants to receive in one segment: its MTU minus 40 bytes of IP and TCP headers."
	case "udp.srcport":
		return "The sending program's port."
	case "udp.dstport":
		return "The receiving program's port."
	case "udp.length":
		return "The length of the datagram, 8-byte header included."
	case "udp.checksum":
		return "A checksum over the datagram and a pseudo-header holding the IP addresses; optional in IPv4, but usually sent."
	case "data.data":
		return "The application's bytes. TCP treats them as a stream and UDP as one message; neither looks inside."
	case "http.request.line":
		return "The method, the path and the HTTP version."
	case "http.response.line":
		return "The HTTP version, the status code and its reason phrase; 101 means the server agrees to switch protocols."
	case "http.upgrade":
		return "Names the protocol to switch to."
	case "http.connection":
		return "Says the Upgrade header is meant for this hop."
	case "http.sec_websocket_key":
		return "A random 16-byte value in base64; the server must prove it read it."
	case "http.sec_websocket_accept":
		return "SHA-1 of the key joined with a fixed GUID, in base64: proof that the server speaks WebSocket."
	case "http.sec_websocket_version":
		return "The WebSocket protocol version; 13 is RFC 6455."
	case "http.host":
		return "The server's name or address and port, as the client was asked to reach it."
	case "http.origin":
		return "The page that opened the WebSocket; a server checks it to refuse other sites' pages."
	case "http.end":
		return "An empty line ends the headers."
	case "arp.hw.type":
		return "The kind of hardware address asked about; 1 is Ethernet."
	case "arp.proto.type":
		return "The kind of network address asked about; 0x0800 is IPv4, the same number as the EtherType."
	case "arp.hw.size":
		return "The length of a hardware address: 6 bytes for a MAC."
	case "arp.proto.size":
		return "The length of a network address: 4 bytes for IPv4."
	case "arp.opcode":
		return "1 for a request (who has this IP address?), 2 for a reply (it is at this MAC)."
	case "arp.src.hw_mac":
		return "The MAC address of the machine sending this message."
	case "arp.src.proto_ipv4":
		return "The IP address of the machine sending this message; receivers may note the pair in their cache."
	case "arp.dst.hw_mac":
		return "The MAC address asked about: zeros in a request, since that is what the sender wants to learn."
	case "arp.dst.proto_ipv4":
		return "The IP address whose MAC address is wanted (in a reply, the asker's)."
	case "dns.id":
		return "A number the client picks for each query; the answer carries the same one, so the client can match them up."
	case "dns.flags":
		return "Sixteen bits that say whether this is a query or a response and how it went."
	case "dns.flags.response":
		return "0 in a query, 1 in a response."
	case "dns.flags.opcode":
		return "The kind of query; 0 is a standard one."
	case "dns.flags.recdesired":
		return "The client asks the server to find the answer itself, asking other servers if it must."
	case "dns.flags.recavail":
		return "In a response: the server is willing to resolve names all the way."
	case "dns.flags.rcode":
		return "The outcome: 0 no error, 3 the name does not exist."
	case "dns.count.queries":
		return "How many questions follow; always 1 in practice."
	case "dns.count.answers":
		return "How many answer records follow."
	case "dns.count.auth_rr":
		return "How many records name the servers responsible for the name."
	case "dns.count.add_rr":
		return "How many extra records follow, such as those servers' addresses."
	case "dns.qry.name":
		return "The name asked about, as labels each preceded by its length and ended by a zero byte."
	case "dns.qry.type":
		return "What is wanted about the name: 1 (A) is an IPv4 address, 28 (AAAA) an IPv6 one."
	case "dns.qry.class":
		return "1 (IN) for the Internet; other classes are hardly used."
	case "dns.resp.name":
		return "The name this record is about; two bytes starting with bits 11 point back to a name earlier in the message, which saves space."
	case "dns.resp.type":
		return "The record's type: 1 (A), an IPv4 address."
	case "dns.resp.class":
		return "1 (IN) for the Internet."
	case "dns.resp.ttl":
		return "How many seconds the answer may be kept in a cache before it must be asked again."
	case "dns.resp.len":
		return "The length of the data that follows: 4 bytes for an IPv4 address."
	case "dns.a":
		return "The answer: the IPv4 address of the name."
	case "icmp.type":
		return "What the message is: 8 echo request, 0 echo reply, 11 time exceeded, 3 destination unreachable."
	case "icmp.code":
		return "A detail of the type; for time exceeded, 0 means the TTL ran out on the way and 1 that fragments were not all reassembled in time."
	case "icmp.checksum":
		return "The Internet checksum over the whole ICMP message (with no pseudo-header, unlike TCP and UDP)."
	case "icmp.unused":
		return "Four bytes that this type does not use; always zero."
	case "icmp.original":
		return "The start of the packet that caused the error, so that the sender can tell which of its packets it was."
	case "icmp.ident":
		return "A number that tells one ping program's messages from another's; the reply carries it back."
	case "icmp.seq":
		return "Counts the echo requests, so that each reply can be matched with its request."
	case "icmp.data":
		return "Bytes the reply must carry back unchanged; ping fills them with a pattern or a timestamp."
	case "dhcp.type":
		return "1 in messages from a client, 2 in those from a server; DHCP keeps BOOTP's layout."
	case "dhcp.hw.type":
		return "1: the hardware address below is an Ethernet MAC."
	case "dhcp.hw.len":
		return "The hardware address is 6 bytes long."
	case "dhcp.hops":
		return "Counts the relay agents that passed the message on; 0 on the server's own LAN."
	case "dhcp.id":
		return "A random number the client picks; every message of the exchange carries it, so the client knows which answers are for it."
	case "dhcp.secs":
		return "Seconds since the client began; servers may serve clients that have waited long first."
	case "dhcp.flags":
		return "The top bit asks the server to broadcast its answers, for clients that cannot take a unicast before they have an address."
	case "dhcp.ip.client":
		return "The client's current address, when it has one to renew; 0.0.0.0 here."
	case "dhcp.ip.your":
		return "The address the server offers or confirms for the client."
	case "dhcp.ip.server":
		return "A server for the next step of network booting; 0.0.0.0 when there is none."
	case "dhcp.ip.relay":
		return "The relay agent that passed the message between networks; 0.0.0.0 on the same LAN."
	case "dhcp.hw.mac_addr":
		return "The client's MAC address: the server knows the client by it, and sends its answers to it."
	case "dhcp.hw.addr_padding":
		return "The hardware address field is 16 bytes; a MAC fills 6."
	case "dhcp.server":
		return "An optional server name, from BOOTP; unused here."
	case "dhcp.file":
		return "An optional boot file name, for machines that start from the network; unused here."
	case "dhcp.cookie":
		return "The four bytes 99, 130, 83, 99 that say DHCP options follow."
	case "dhcp.option.dhcp":
		return "Option 53 says which DHCP message this is: 1 Discover, 2 Offer, 3 Request, 5 ACK."
	case "dhcp.option.requested_ip_address":
		return "Option 50: the address the client asks for, the one it was offered."
	case "dhcp.option.dhcp_server_id":
		return "Option 54: which server's offer the client takes, so that other servers withdraw theirs."
	case "dhcp.option.ip_address_lease_time":
		return "Option 51: how long the client may use the address before it must renew it."
	case "dhcp.option.subnet_mask":
		return "Option 1: which part of the address is the network, so the client knows who is on its LAN."
	case "dhcp.option.router":
		return "Option 3: the default gateway, where packets for other networks go."
	case "dhcp.option.domain_name_server":
		return "Option 6: the DNS server to ask for names."
	case "dhcp.option.request_list":
		return "Option 55: the settings the client would like the server to send."
	case "dhcp.option.end":
		return "Option 255 ends the list of options."
	case "dhcp.option.padding":
		return "Zeros that bring the message to the 300 bytes old BOOTP servers expect."
	case "tls.record.content_type":
		return "What the record carries: 22 handshake, 23 application data (and, in TLS 1.3, everything encrypted), 20 change cipher spec, 21 alert."
	case "tls.record.version":
		return "Frozen at an old version so that old middleboxes let TLS 1.3 through; the real version is negotiated in an extension."
	case "tls.record.length":
		return "The length of the record's contents."
	case "tls.handshake.type":
		return "Which handshake message this is: 1 ClientHello, 2 ServerHello."
	case "tls.handshake.length":
		return "The length of the handshake message, in 3 bytes."
	case "tls.handshake.version":
		return "Stays at 0x0303 (TLS 1.2) for compatibility; supported_versions says 1.3."
	case "tls.handshake.random":
		return "32 random bytes from each side, mixed into the keys so that every connection's keys differ."
	case "tls.handshake.session_id_length":
		return "The length of the legacy session ID."
	case "tls.handshake.session_id":
		return "A leftover from TLS 1.2 that TLS 1.3 clients still fill in, for old middleboxes; the server echoes it."
	case "tls.handshake.cipher_suites_length":
		return "The length of the list of cipher suites."
	case "tls.handshake.ciphersuites":
		return "The encryption and hash algorithms the client can use, in its order of preference."
	case "tls.handshake.comp_methods":
		return "Compression is not used in TLS 1.3: the only method is null."
	case "tls.handshake.ciphersuite":
		return "The cipher suite the server picked from the client's list."
	case "tls.handshake.comp_method":
		return "Always null (no compression)."
	case "tls.handshake.extensions_length":
		return "The length of the extensions that follow."
	case "tls.handshake.extensions_server_name":
		return "Server Name Indication: the site's name, in the clear, so that a server with many sites picks the right certificate."
	case "tls.handshake.extensions_supported_groups":
		return "The key exchange groups the client supports."
	case "tls.handshake.sig_hash_algs":
		return "The signature algorithms the client accepts in certificates and in the server's proof."
	case "tls.handshake.extensions_key_share":
		return "One side's public key for the key exchange; with the other side's, both compute the same secret, which no observer can."
	case "tls.handshake.extensions.supported_versions":
		return "The TLS versions on offer (client) or chosen (server): 0x0304 is TLS 1.3."
	case "tls.change_cipher_spec":
		return "A one-byte message TLS 1.3 ignores; it makes the handshake look like TLS 1.2 to middleboxes."
	case "tls.app_data":
		return "Encrypted bytes and a 16-byte authentication tag; without the keys they look random."
	case "websocket.fin":
		return "Set when this is the last frame of a message."
	case "websocket.rsv":
		return "Reserved for extensions such as compression; 0 here."
	case "websocket.opcode":
		return "What the frame carries: 1 text, 2 binary, 8 close, 9 ping, 10 pong."
	case "websocket.mask":
		return "Set when the payload is masked; every client must mask the frames it sends, browser or not, and a server must not."
	case "websocket.payload_length":
		return "The payload length; 126 means the real length follows in 2 bytes, 127 in 8 bytes."
	case "websocket.payload_length_ext":
		return "The real payload length, for payloads longer than 125 bytes."
	case "websocket.masking_key":
		return "Four random bytes the payload is XORed with, so that a web page cannot choose the exact bytes on the wire and fool a proxy that misreads them (RFC 6455, section 10.3)."
	case "websocket.payload":
		return "The message; the value shown is the text after unmasking."
	}
	return ""
}
