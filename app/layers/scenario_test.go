package layers

import (
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestScenariosBuild(t *testing.T) {
	infos := Scenarios()
	want := []string{"tcp-handshake", "tcp-data", "udp", "tcp-loss", "router-hop", "mss", "websocket", "arp", "dns", "ping", "traceroute", "dhcp", "nat", "tls", "cwnd"}
	var ids []string
	for _, i := range infos {
		ids = append(ids, i.ID)
		if i.Title == "" || i.Summary == "" {
			t.Errorf("%s: no title or summary", i.ID)
		}
	}
	if !slices.Equal(ids, want) {
		t.Errorf("scenarios %v, want %v", ids, want)
	}
	_, err := Build("no-such", DefaultParams())
	if !errors.Is(err, ErrUnknownScenario) {
		t.Errorf("unknown id: err = %v, want ErrUnknownScenario", err)
	}
}

// TestSteps checks the animation's bookkeeping for every variant.
func TestSteps(t *testing.T) {
	for _, v := range variants(t) {
		s := build(t, v)
		nodes := map[string]bool{"wire": true}
		for _, n := range s.Nodes {
			nodes[n.ID] = true
		}
		var last int64
		for i, p := range s.Packets {
			if p.Index != i {
				t.Errorf("%s: packet %d has index %d", v.name, i, p.Index)
			}
			if p.TimeUS < last {
				t.Errorf("%s: packet %d at %dµs goes back in time", v.name, i, p.TimeUS)
			}
			last = p.TimeUS
			if !nodes[p.From] || !nodes[p.To] || p.Caption == "" || p.Info == "" {
				t.Errorf("%s: packet %d: from %q to %q, caption %q, info %q", v.name, i, p.From, p.To, p.Caption, p.Info)
			}
			if p.Dropped != slices.Contains(v.p.Drop, i) && !(len(v.p.Drop) == 0 && (v.id == "tcp-loss" || v.id == "cwnd")) {
				t.Errorf("%s: packet %d: dropped = %v", v.name, i, p.Dropped)
			}
		}
		received := map[int]bool{}
		last = 0
		for i, st := range s.Steps {
			if st.Index != i || st.Packet < -1 || st.Packet >= len(s.Packets) {
				t.Errorf("%s: step %d: index %d, packet %d", v.name, i, st.Index, st.Packet)
				continue
			}
			if st.TimeUS < last {
				t.Errorf("%s: step %d goes back in time", v.name, i)
			}
			last = st.TimeUS
			if !nodes[st.Side] || st.OSI < 1 || st.OSI > 7 || st.TCPIP != tcpipOf(st.OSI) || st.PDU == "" || st.Layers == nil {
				t.Errorf("%s: step %d: %+v", v.name, i, st)
			}
			if d := st.Description; d == "" || !strings.HasSuffix(d, ".") || strings.Contains(d, "%!") {
				t.Errorf("%s: step %d: description %q", v.name, i, d)
			}
			if st.Packet >= 0 && st.Side == s.Packets[st.Packet].To && st.Action == "decapsulate" {
				received[st.Packet] = true
			}
			if st.Action == "lost" && !s.Packets[st.Packet].Dropped {
				t.Errorf("%s: step %d: packet %d lost but not dropped", v.name, i, st.Packet)
			}
		}
		for _, p := range s.Packets {
			if !p.Dropped && !received[p.Index] {
				t.Errorf("%s: packet %d arrives but no step unwraps it at the %s", v.name, p.Index, p.To)
			}
			if p.Dropped && received[p.Index] {
				t.Errorf("%s: packet %d was dropped but is received", v.name, p.Index)
			}
		}
	}
}

// summary is the scenario as a compact list, for comparing behaviour.
func summary(s *Scenario) []string {
	var out []string
	for _, p := range s.Packets {
		line := p.Direction + " " + p.Caption
		if p.Retransmission {
			line += " (retransmission)"
		}
		if p.Dropped {
			line += " DROPPED"
		}
		out = append(out, line)
	}
	return out
}

// TestLossBehaviour checks that the protocols react to each drop as they
// should.
func TestLossBehaviour(t *testing.T) {
	const (
		syn    = "client→server SYN"
		synAck = "server→client SYN, ACK"
		cAck   = "client→server ACK"
		data   = "client→server Data"
		sAck   = "server→client ACK"
	)
	tests := []struct {
		id   string
		drop []int
		want []string
	}{
		{"tcp-handshake", nil, []string{syn, synAck, cAck}},
		{"tcp-handshake", []int{0}, []string{syn + " DROPPED", syn + " (retransmission)", synAck, cAck}},
		{"tcp-handshake", []int{1}, []string{syn, synAck + " DROPPED", syn + " (retransmission)", synAck + " (retransmission)", cAck}},
		{"tcp-handshake", []int{2}, []string{syn, synAck, cAck + " DROPPED", synAck + " (retransmission)", "client→server ACK (again)"}},
		// The lost handshake ACK is made up for by the data segment.
		{"tcp-loss", []int{2}, []string{syn, synAck, cAck + " DROPPED", data, sAck}},
		{"tcp-loss", nil, []string{syn, synAck, cAck, data + " DROPPED", data + " (retransmission)", sAck}},
		{"tcp-loss", []int{4}, []string{syn, synAck, cAck, data, sAck + " DROPPED", data + " (retransmission)", "server→client ACK (again)"}},
		{"tcp-loss", []int{3, 4}, []string{syn, synAck, cAck, data + " DROPPED", data + " (retransmission) DROPPED", data + " (retransmission)", sAck}},
		{"udp", nil, []string{"client→server UDP datagram"}},
		{"udp", []int{0}, []string{"client→server UDP datagram DROPPED"}},
		{"router-hop", []int{1}, []string{"client→router Data", "router→server Data DROPPED",
			"client→router Data (retransmission)", "router→server Data (retransmission)", "server→router ACK", "router→client ACK"}},
		{"mss", []int{4}, []string{syn, synAck, cAck, data + ", part 1 of 3", data + ", part 2 of 3 DROPPED", data + ", part 3 of 3",
			sAck, data + ", part 2 of 3 (retransmission)", sAck}},
		{"tcp-data", []int{8}, []string{syn, synAck, cAck, data, sAck, "client→server FIN, ACK", sAck, "server→client FIN, ACK",
			cAck + " DROPPED", "server→client FIN, ACK (retransmission)", "client→server ACK (again)"}},
	}
	for _, tt := range tests {
		p := DefaultParamsFor(tt.id)
		p.Drop = tt.drop
		s, err := Build(tt.id, p)
		if err != nil {
			t.Fatal(err)
		}
		if got := summary(s); !slices.Equal(got, tt.want) {
			t.Errorf("%s drop %v:\n got %q\nwant %q", tt.id, tt.drop, got, tt.want)
		}
	}
}

// TestSequenceNumbers checks relative sequence and acknowledgment numbers
// through a whole conversation: every byte and every SYN and FIN counted.
func TestSequenceNumbers(t *testing.T) {
	s, err := Build("tcp-data", DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"49152 → 8080 [SYN] Seq=0 Win=64240 Len=0 MSS=1460",
		"8080 → 49152 [SYN, ACK] Seq=0 Ack=1 Win=64240 Len=0 MSS=1460",
		"49152 → 8080 [ACK] Seq=1 Ack=1 Win=64240 Len=0",
		"49152 → 8080 [PSH, ACK] Seq=1 Ack=1 Win=64240 Len=5",
		"8080 → 49152 [ACK] Seq=1 Ack=6 Win=64240 Len=0",
		"49152 → 8080 [FIN, ACK] Seq=6 Ack=1 Win=64240 Len=0",
		"8080 → 49152 [ACK] Seq=1 Ack=7 Win=64240 Len=0",
		"8080 → 49152 [FIN, ACK] Seq=1 Ack=7 Win=64240 Len=0",
		"49152 → 8080 [ACK] Seq=7 Ack=2 Win=64240 Len=0",
	}
	var got []string
	for _, p := range s.Packets {
		got = append(got, p.Info)
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestRouterHop(t *testing.T) {
	p := DefaultParamsFor("router-hop")
	s, err := Build("router-hop", p)
	if err != nil {
		t.Fatal(err)
	}
	in, out := s.Packets[0], s.Packets[1]
	if in.To != "router" || out.From != "router" {
		t.Fatalf("packets 0 and 1 go %s and %s", in.Direction, out.Direction)
	}
	if value(t, in, "eth.dst") != p.RouterMACs[0].String() || value(t, out, "eth.src") != p.RouterMACs[1].String() ||
		value(t, out, "eth.dst") != p.ServerMAC.String() {
		t.Error("the MAC addresses do not change hop by hop")
	}
	if number(t, out, "ip.ttl") != number(t, in, "ip.ttl")-1 {
		t.Error("the router did not lower the TTL by one")
	}
	if number(t, out, "ip.checksum") == number(t, in, "ip.checksum") {
		t.Error("the IP checksum was not recomputed")
	}
	// Everything from the IP addresses on is unchanged.
	a, b := in.Frame[ethHeaderLen+12:len(in.Frame)-fcsLen], out.Frame[ethHeaderLen+12:len(out.Frame)-fcsLen]
	if !bytes.Equal(a, b) {
		t.Error("the router changed the addresses or the segment")
	}
	if len(s.Notes) != 0 {
		t.Errorf("notes for the default addresses: %q", s.Notes)
	}
	p.ServerIP = p.ClientIP.Next()
	if s, _ := Build("router-hop", p); len(s.Notes) != 1 {
		t.Error("no note when the router joins one network to itself")
	}
	p.TTL = 1
	var pe *ParamError
	if _, err := Build("router-hop", p); !errors.As(err, &pe) || pe.Param != ParamTTL {
		t.Errorf("TTL 1 through a router: err = %v", err)
	}
}

// stream rebuilds the bytes one host sent, in sequence order, from the
// segments that arrived.
func stream(t *testing.T, s *Scenario, from string) []byte {
	t.Helper()
	var isn uint32
	got := map[uint32][]byte{}
	for _, p := range s.Packets {
		if p.From != from || p.Dropped {
			continue
		}
		seq := uint32(number(t, p, "tcp.seq"))
		if number(t, p, "tcp.flags.syn") == 1 {
			isn = seq
		}
		for _, l := range p.Layers {
			if l.OSI == 7 {
				got[seq] = p.Frame[l.Offset : l.Offset+l.Length]
			}
		}
	}
	var out []byte
	for next := isn + 1; ; {
		b, ok := got[next]
		if !ok {
			return out
		}
		out = append(out, b...)
		next += uint32(len(b))
	}
}

// TestWebSocketConversation reads the WebSocket scenario's byte streams as
// a browser and a server would, with code that shares nothing with the
// encoder.
func TestWebSocketConversation(t *testing.T) {
	for _, msg := range []string{"Hello", strings.Repeat("é", 100), strings.Repeat("x", 3000)} {
		p := DefaultParams()
		p.Message = msg
		p.MTU = MinMTU
		s, err := Build("websocket", p)
		if err != nil {
			t.Fatal(err)
		}
		up, down := stream(t, s, "client"), stream(t, s, "server")
		req, frame, ok := bytes.Cut(up, []byte("\r\n\r\n"))
		if !ok {
			t.Fatalf("no end of the request headers in %q", up)
		}
		key := regexp.MustCompile(`(?m)^Sec-WebSocket-Key: (\S+)\r?$`).FindSubmatch(req)
		if key == nil || !bytes.HasPrefix(req, []byte("GET /live HTTP/1.1\r\n")) {
			t.Fatalf("request %q", req)
		}
		if k, err := base64.StdEncoding.DecodeString(string(key[1])); err != nil || len(k) != 16 {
			t.Errorf("the key %s is not 16 bytes in base64", key[1])
		}
		resp, back, ok := bytes.Cut(down, []byte("\r\n\r\n"))
		if !ok || !bytes.HasPrefix(resp, []byte("HTTP/1.1 101 Switching Protocols\r\n")) {
			t.Fatalf("response %q", down)
		}
		sum := sha1.Sum([]byte(string(key[1]) + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
		if want := "Sec-WebSocket-Accept: " + base64.StdEncoding.EncodeToString(sum[:]); !bytes.Contains(resp, []byte(want)) {
			t.Errorf("response %q lacks %q", resp, want)
		}
		text, masked := readFrame(t, frame)
		if !masked || text != msg {
			t.Errorf("client frame: masked %v, text %q", masked, text)
		}
		text, masked = readFrame(t, back)
		if masked || text != `{"type":"ack"}` {
			t.Errorf("server frame: masked %v, text %q", masked, text)
		}
	}
}

// readFrame decodes one whole, final text frame (RFC 6455, section 5.2).
func readFrame(t *testing.T, b []byte) (string, bool) {
	t.Helper()
	if len(b) < 2 || b[0] != 0x81 {
		t.Fatalf("frame starts % x", b[:min(len(b), 2)])
	}
	masked := b[1]&0x80 != 0
	n, rest := uint64(b[1]&0x7f), b[2:]
	switch n {
	case 126:
		n, rest = uint64(binary.BigEndian.Uint16(rest)), rest[2:]
	case 127:
		n, rest = binary.BigEndian.Uint64(rest), rest[8:]
	}
	var key []byte
	if masked {
		key, rest = rest[:4], rest[4:]
	}
	if uint64(len(rest)) != n {
		t.Fatalf("frame says %d bytes, has %d", n, len(rest))
	}
	out := bytes.Clone(rest)
	for i := range out {
		if masked {
			out[i] ^= key[i%4]
		}
	}
	return string(out), masked
}

func TestSources(t *testing.T) {
	p := DefaultParams()
	p.Observed = []string{ParamClientIP, ParamServerPort, ParamMessage}
	s, err := Build("websocket", p)
	if err != nil {
		t.Fatal(err)
	}
	client := s.Packets[7] // the client's WebSocket frame
	want := map[string]Source{
		"ip.src": Observed, "ip.dst": Illustrative, "tcp.dstport": Observed, "tcp.srcport": Illustrative,
		"websocket.payload": Observed, "websocket.masking_key": Illustrative, "tcp.checksum": Computed,
		"eth.fcs": Computed, "tcp.seq": Illustrative, "ip.ttl": Illustrative,
	}
	for key, src := range want {
		if f := fieldsByKey(client, key); len(f) != 1 || f[0].Source != src {
			t.Errorf("%s: source %v, want %s", key, f, src)
		}
	}
	accept := fieldsByKey(s.Packets[5], "http.sec_websocket_accept")
	if len(accept) != 1 || accept[0].Source != Computed {
		t.Errorf("Sec-WebSocket-Accept: %v", accept)
	}
}

// TestRouterHasAnAddressOnEachNetwork: a router is a host on every network
// it joins, and the text names the gateway's address.
func TestRouterHasAnAddressOnEachNetwork(t *testing.T) {
	s, err := Build("router-hop", DefaultParamsFor("router-hop"))
	if err != nil {
		t.Fatal(err)
	}
	var router Node
	for _, n := range s.Nodes {
		if n.ID == "router" {
			router = n
		}
	}
	if len(router.Interfaces) != 2 {
		t.Fatalf("router interfaces %+v", router.Interfaces)
	}
	for i, host := range []string{s.Nodes[0].Interfaces[0].IP, s.Nodes[2].Interfaces[0].IP} {
		gw, err := netip.ParseAddr(router.Interfaces[i].IP)
		if err != nil {
			t.Fatalf("interface %d: %v", i, err)
		}
		if h := netip.MustParseAddr(host); gw == h || !netip.PrefixFrom(h, 24).Masked().Contains(gw) {
			t.Errorf("interface %d: %v is not another address on %v's network", i, gw, h)
		}
	}
	if !strings.Contains(s.Steps[3].Description, "default gateway, "+router.Interfaces[0].IP) {
		t.Errorf("the client's link-layer step does not name its gateway's address: %s", s.Steps[3].Description)
	}
}
