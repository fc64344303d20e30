package layers

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"net"
	"net/netip"
	"strings"
	"testing"
)

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// RFC 6455, section 1.3.
func TestAcceptKey(t *testing.T) {
	got := AcceptKey("dGhlIHNhbXBsZSBub25jZQ==")
	if want := "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="; got != want {
		t.Errorf("AcceptKey = %q, want %q", got, want)
	}
}

// RFC 6455, section 5.7, and the length encodings of section 5.2.
func TestWebSocketFrame(t *testing.T) {
	mask := [4]byte{0x37, 0xfa, 0x21, 0x3d}
	tests := []struct {
		name    string
		fin     bool
		op      byte
		mask    *[4]byte
		payload []byte
		want    []byte // the whole frame, or only its header when long
	}{
		{"unmasked text", true, OpText, nil, []byte("Hello"), unhex(t, "81 05 48 65 6c 6c 6f")},
		{"masked text", true, OpText, &mask, []byte("Hello"), unhex(t, "81 85 37 fa 21 3d 7f 9f 4d 51 58")},
		{"first fragment", false, OpText, nil, []byte("Hel"), unhex(t, "01 03 48 65 6c")},
		{"continuation", true, OpContinuation, nil, []byte("lo"), unhex(t, "80 02 6c 6f")},
		{"unmasked ping", true, OpPing, nil, []byte("Hello"), unhex(t, "89 05 48 65 6c 6c 6f")},
		{"masked pong", true, OpPong, &mask, []byte("Hello"), unhex(t, "8a 85 37 fa 21 3d 7f 9f 4d 51 58")},
		{"125 bytes, 7-bit length", true, OpBinary, nil, make([]byte, 125), unhex(t, "82 7d")},
		{"256 bytes, 16-bit length", true, OpBinary, nil, make([]byte, 256), unhex(t, "82 7e 01 00")},
		{"64 KiB, 64-bit length", true, OpBinary, nil, make([]byte, 65536), unhex(t, "82 7f 00 00 00 00 00 01 00 00")},
		{"masked 16-bit length", true, OpBinary, &mask, make([]byte, 200), unhex(t, "82 fe 00 c8 37 fa 21 3d")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := WebSocketFrame(tt.fin, tt.op, tt.mask, tt.payload)
			if len(tt.payload) > 100 { // want holds the header only
				if !bytes.HasPrefix(got, tt.want) || len(got) != len(tt.want)+len(tt.payload) {
					t.Errorf("header % x, length %d; want header % x, length %d", got[:len(tt.want)], len(got), tt.want, len(tt.want)+len(tt.payload))
				}
				return
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("got % x\nwant % x", got, tt.want)
			}
		})
	}
}

func TestChecksum(t *testing.T) {
	tests := []struct {
		name  string
		parts [][]byte
		want  uint16
	}{
		// Wikipedia's IPv4 header checksum example, with the checksum
		// field zeroed.
		{"ipv4 header", [][]byte{unhex(t, "4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7")}, 0xb861},
		// RFC 1071's example words 0001 f203 f4f5 f6f7 sum to ddf2.
		{"rfc 1071", [][]byte{unhex(t, "0001 f203 f4f5 f6f7")}, ^uint16(0xddf2)},
		{"odd length", [][]byte{{0x01}}, ^uint16(0x0100)},
		{"split at an odd byte", [][]byte{unhex(t, "0001 f2"), unhex(t, "03 f4f5 f6f7")}, ^uint16(0xddf2)},
		{"empty", nil, 0xffff},
	}
	for _, tt := range tests {
		if got := Checksum(tt.parts...); got != tt.want {
			t.Errorf("%s: Checksum = %#04x, want %#04x", tt.name, got, tt.want)
		}
	}
}

func TestIPv4HeaderExample(t *testing.T) {
	h := IPv4Header{DontFragment: true, TTL: 64, Protocol: ProtoUDP,
		Src: netip.MustParseAddr("192.168.0.1"), Dst: netip.MustParseAddr("192.168.0.199")}
	got, err := h.Packet(make([]byte, 0x73-20))
	if err != nil {
		t.Fatal(err)
	}
	want := unhex(t, "4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7")
	if !bytes.Equal(got[:20], want) {
		t.Errorf("header % x\nwant   % x", got[:20], want)
	}
	if Checksum(got[:20]) != 0 {
		t.Error("a header with its checksum should sum to 0")
	}
}

// crc32Bitwise is the CRC-32 of IEEE 802.3 computed one bit at a time,
// independently of hash/crc32's tables.
func crc32Bitwise(b []byte) uint32 {
	crc := ^uint32(0)
	for _, c := range b {
		crc ^= uint32(c)
		for range 8 {
			if crc&1 != 0 {
				crc = crc>>1 ^ 0xedb88320
			} else {
				crc >>= 1
			}
		}
	}
	return ^crc
}

func TestFCS(t *testing.T) {
	if got := FCS([]byte("123456789")); got != 0xcbf43926 {
		t.Errorf("FCS(123456789) = %#08x, want 0xcbf43926", got)
	}
	h := EthernetHeader{
		Dst:       net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
		Src:       net.HardwareAddr{0x02, 0x00, 0x00, 0xaa, 0x00, 0x20},
		EtherType: 0x0806,
	}
	frame, err := h.Frame(make([]byte, 28))
	if err != nil {
		t.Fatal(err)
	}
	if len(frame) != 64 {
		t.Fatalf("frame is %d bytes, want the 64-byte minimum", len(frame))
	}
	body, fcs := frame[:60], frame[60:]
	if got, want := binary.LittleEndian.Uint32(fcs), crc32Bitwise(body); got != want {
		t.Errorf("FCS %#08x, bitwise CRC %#08x", got, want)
	}
	// Run over a frame and its FCS, the CRC always leaves the same
	// residue; receivers check frames this way.
	if got := crc32Bitwise(frame); got != 0x2144df1c {
		t.Errorf("CRC over frame and FCS = %#08x, want the residue 0x2144df1c", got)
	}
}

func TestEncodersRejectBadInput(t *testing.T) {
	v6 := netip.MustParseAddr("2001:db8::1")
	v4 := netip.MustParseAddr("192.0.2.1")
	if _, err := (EthernetHeader{Dst: net.HardwareAddr{1}, Src: make(net.HardwareAddr, 6)}).Frame(nil); err == nil {
		t.Error("Frame accepted a 1-byte MAC")
	}
	if _, err := (IPv4Header{Src: v6, Dst: v4}).Packet(nil); err == nil {
		t.Error("Packet accepted an IPv6 address")
	}
	if _, err := (IPv4Header{Src: v4, Dst: v4}).Packet(make([]byte, 70000)); err == nil {
		t.Error("Packet accepted 70000 bytes")
	}
	if _, err := (TCPHeader{}).Segment(v4, v6, nil); err == nil {
		t.Error("Segment accepted an IPv6 address")
	}
	if _, err := (UDPHeader{}).Datagram(v6, v4, nil); err == nil {
		t.Error("Datagram accepted an IPv6 address")
	}
}

func TestTCPFlagsString(t *testing.T) {
	tests := []struct {
		f    TCPFlags
		want string
	}{{SYN, "SYN"}, {SYN | ACK, "SYN, ACK"}, {FIN | PSH | ACK, "FIN, PSH, ACK"}, {0, "none"}}
	for _, tt := range tests {
		if got := tt.f.String(); got != tt.want {
			t.Errorf("%08b: got %q, want %q", uint8(tt.f), got, tt.want)
		}
	}
}
