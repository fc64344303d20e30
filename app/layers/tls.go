package layers

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
)

// TLS 1.3 (RFC 8446) records: a ClientHello and a ServerHello in full, and
// the records after them, which are encrypted and shown as opaque bytes.

// TLS record content types.
const (
	tlsChangeCipherSpec = 20
	tlsHandshake        = 22
	tlsApplicationData  = 23
	tlsRecordHeaderLen  = 5
	tlsAEADTagLen       = 16 // AES-128-GCM's authentication tag
)

// opaque makes n bytes that look random and are the same every build: the
// model encrypts nothing, and no key could be shown anyway.
func opaque(seed string, n int) []byte {
	var out []byte
	for i := 0; len(out) < n; i++ {
		sum := sha256.Sum256([]byte(fmt.Sprintf("netstudy layers tls\x00%s\x00%d", seed, i)))
		out = append(out, sum[:]...)
	}
	return out[:n]
}

// tlsBuilder writes records and the fields that describe them.
type tlsBuilder struct {
	b      []byte
	fields []Field
}

func (t *tlsBuilder) u8(key, name string, v uint8, value string) {
	t.fields = append(t.fields, num(key, name, len(t.b), 1, uint64(v), value, Computed))
	t.b = append(t.b, v)
}

func (t *tlsBuilder) u16(key, name string, v uint16, value string) {
	t.fields = append(t.fields, num(key, name, len(t.b), 2, uint64(v), value, Computed))
	t.b = binary.BigEndian.AppendUint16(t.b, v)
}

func (t *tlsBuilder) raw(key, name string, data []byte, value string, src Source) {
	t.fields = append(t.fields, text(key, name, len(t.b), len(data), value, src))
	t.b = append(t.b, data...)
}

// record writes a record header for a body of n bytes that the caller
// writes next.
func (t *tlsBuilder) record(typ uint8, n int) {
	names := map[uint8]string{tlsChangeCipherSpec: "20 (change cipher spec)", tlsHandshake: "22 (handshake)", tlsApplicationData: "23 (application data)"}
	t.u8("tls.record.content_type", "Record: content type", typ, names[typ])
	ver := uint16(0x0303)
	if typ == tlsHandshake && len(t.b) == 1 {
		ver = 0x0301 // a ClientHello's record says TLS 1.0, for old middleboxes
	}
	t.u16("tls.record.version", "Record: version", ver, fmt.Sprintf("0x%04x (kept at an old value on purpose)", ver))
	t.u16("tls.record.length", "Record: length", uint16(n), fmt.Sprintf("%d bytes", n))
}

// ext is one extension's type and body.
type ext struct {
	typ        uint16
	key, name  string
	body       []byte
	value      string
	observable bool
}

func extBytes(es []ext) int {
	n := 0
	for _, e := range es {
		n += 4 + len(e.body)
	}
	return n
}

// hello writes a ClientHello (client) or ServerHello as one record.
func (t *tlsBuilder) hello(client bool, random, sessionID []byte, es []ext) {
	body := 2 + 32 + 1 + len(sessionID) + extBytes(es) + 2
	if client {
		body += 2 + 6 + 2 // three cipher suites, one compression method
	} else {
		body += 2 + 1
	}
	t.record(tlsHandshake, 4+body)
	typ, typName := uint8(1), "1 (ClientHello)"
	if !client {
		typ, typName = 2, "2 (ServerHello)"
	}
	t.u8("tls.handshake.type", "Handshake type", typ, typName)
	t.raw("tls.handshake.length", "Handshake length", []byte{byte(body >> 16), byte(body >> 8), byte(body)}, fmt.Sprintf("%d bytes", body), Computed)
	t.u16("tls.handshake.version", "Legacy version", 0x0303, "0x0303 (TLS 1.2; the real version is in supported_versions)")
	t.raw("tls.handshake.random", "Random", random, fmt.Sprintf("32 random bytes: %x…", random[:4]), Illustrative)
	t.u8("tls.handshake.session_id_length", "Session ID length", uint8(len(sessionID)), fmt.Sprint(len(sessionID)))
	t.raw("tls.handshake.session_id", "Legacy session ID", sessionID, fmt.Sprintf("%d bytes", len(sessionID)), Illustrative)
	if client {
		t.u16("tls.handshake.cipher_suites_length", "Cipher suites length", 6, "6 bytes")
		t.raw("tls.handshake.ciphersuites", "Cipher suites", []byte{0x13, 0x01, 0x13, 0x02, 0x13, 0x03}, "TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256", Computed)
		t.raw("tls.handshake.comp_methods", "Compression methods", []byte{1, 0}, "1 method: null (none)", Computed)
	} else {
		t.u16("tls.handshake.ciphersuite", "Cipher suite", 0x1301, "0x1301 (TLS_AES_128_GCM_SHA256)")
		t.u8("tls.handshake.comp_method", "Compression method", 0, "0 (null)")
	}
	t.u16("tls.handshake.extensions_length", "Extensions length", uint16(extBytes(es)), fmt.Sprintf("%d bytes", extBytes(es)))
	for _, e := range es {
		src := Computed
		if e.observable {
			src = Illustrative
		}
		data := binary.BigEndian.AppendUint16(nil, e.typ)
		data = binary.BigEndian.AppendUint16(data, uint16(len(e.body)))
		t.raw(e.key, fmt.Sprintf("Extension: %s (%d)", e.name, e.typ), append(data, e.body...), e.value, src)
	}
}

// opaqueRecord writes an encrypted record of n bytes (the tag included).
func (t *tlsBuilder) opaqueRecord(seed string, n int, what string) {
	t.record(tlsApplicationData, n)
	t.raw("tls.app_data", "Encrypted application data", opaque(seed, n), fmt.Sprintf("%d bytes, encrypted: %s", n, what), Illustrative)
}

func (t *tlsBuilder) changeCipherSpec() {
	t.record(tlsChangeCipherSpec, 1)
	t.u8("tls.change_cipher_spec", "Change cipher spec message", 1, "1 (ignored in TLS 1.3, sent for old middleboxes)")
}

func (t *tlsBuilder) app(name string) appData {
	return appData{key: "tls", name: name, bytes: t.b, fields: t.fields}
}

// clientHelloExts are the extensions of the ClientHello, with sni as the
// server name.
func clientHelloExts(sni string, keyShare []byte) []ext {
	name := []byte(sni)
	sn := binary.BigEndian.AppendUint16(nil, uint16(len(name)+3))
	sn = append(sn, 0)
	sn = binary.BigEndian.AppendUint16(sn, uint16(len(name)))
	sn = append(sn, name...)
	ks := binary.BigEndian.AppendUint16(nil, uint16(4+len(keyShare)))
	ks = append(ks, 0x00, 0x1d)
	ks = binary.BigEndian.AppendUint16(ks, uint16(len(keyShare)))
	ks = append(ks, keyShare...)
	return []ext{
		{0, "tls.handshake.extensions_server_name", "server_name", sn, sni, true},
		{10, "tls.handshake.extensions_supported_groups", "supported_groups", []byte{0, 2, 0x00, 0x1d}, "x25519", false},
		{13, "tls.handshake.sig_hash_algs", "signature_algorithms", []byte{0, 6, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01}, "ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256, rsa_pkcs1_sha256", false},
		{51, "tls.handshake.extensions_key_share", "key_share", ks, fmt.Sprintf("x25519, a %d-byte public key", len(keyShare)), true},
		{43, "tls.handshake.extensions.supported_versions", "supported_versions", []byte{2, 0x03, 0x04}, "TLS 1.3", false},
	}
}

func serverHelloExts(keyShare []byte) []ext {
	ks := []byte{0x00, 0x1d}
	ks = binary.BigEndian.AppendUint16(ks, uint16(len(keyShare)))
	ks = append(ks, keyShare...)
	return []ext{
		{43, "tls.handshake.extensions.supported_versions", "supported_versions", []byte{0x03, 0x04}, "TLS 1.3", false},
		{51, "tls.handshake.extensions_key_share", "key_share", ks, fmt.Sprintf("x25519, the server's %d-byte public key", len(keyShare)), true},
	}
}
