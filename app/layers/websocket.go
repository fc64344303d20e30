package layers

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"fmt"
)

// WebSocket opcodes (RFC 6455, section 5.2).
const (
	OpContinuation = 0x0
	OpText         = 0x1
	OpBinary       = 0x2
	OpClose        = 0x8
	OpPing         = 0x9
	OpPong         = 0xa
)

// websocketGUID is the fixed string RFC 6455 appends to the client's key.
const websocketGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// AcceptKey is the Sec-WebSocket-Accept value a server must answer to the
// client's Sec-WebSocket-Key: base64(SHA-1(key + GUID)) (RFC 6455, 4.2.2).
func AcceptKey(key string) string {
	sum := sha1.Sum([]byte(key + websocketGUID))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// WebSocketFrame encodes one frame. A non-nil mask masks the payload, as a
// client must; a server sends mask nil. The length is written in the
// shortest of the three forms: 7 bits, 7+16 bits, or 7+64 bits.
func WebSocketFrame(fin bool, opcode byte, mask *[4]byte, payload []byte) []byte {
	b := make([]byte, 0, wsHeaderLen(len(payload), mask != nil)+len(payload))
	b0 := opcode & 0x0f
	if fin {
		b0 |= 0x80
	}
	b = append(b, b0)
	var m byte
	if mask != nil {
		m = 0x80
	}
	switch n := len(payload); {
	case n <= 125:
		b = append(b, m|byte(n))
	case n <= 0xffff:
		b = append(b, m|126)
		b = binary.BigEndian.AppendUint16(b, uint16(n))
	default:
		b = append(b, m|127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	if mask == nil {
		return append(b, payload...)
	}
	b = append(b, mask[:]...)
	for i, c := range payload {
		b = append(b, c^mask[i%4])
	}
	return b
}

func wsHeaderLen(n int, masked bool) int {
	h := 2
	switch {
	case n > 0xffff:
		h += 8
	case n > 125:
		h += 2
	}
	if masked {
		h += 4
	}
	return h
}

// wsApp is one unfragmented WebSocket frame as application data, with its
// fields. payloadSrc says where the text comes from.
func wsApp(opcode byte, mask *[4]byte, payload string, payloadSrc Source) appData {
	frame := WebSocketFrame(true, opcode, mask, []byte(payload))
	n := len(payload)
	maskBit := uint64(0)
	maskValue := "Not set (server frames are not masked)"
	if mask != nil {
		maskBit, maskValue = 1, "Set (client frames are always masked)"
	}
	len7 := uint64(frame[1] & 0x7f)
	len7Value := fmt.Sprint(n)
	if len7 >= 126 {
		len7Value = fmt.Sprintf("%d (the real length follows in %d bytes)", len7, wsHeaderLen(n, false)-2)
	}
	fields := []Field{
		bits("websocket.fin", "Fin", 0, 1, 0, 1, 1, "Set (the whole message is in this frame)", Computed),
		bits("websocket.rsv", "Reserved", 0, 1, 1, 3, 0, "0", Computed),
		bits("websocket.opcode", "Opcode", 0, 1, 4, 4, uint64(opcode), fmt.Sprintf("%d (%s)", opcode, opcodeName(opcode)), Computed),
		bits("websocket.mask", "Mask", 1, 1, 0, 1, maskBit, maskValue, Computed),
		bits("websocket.payload_length", "Payload length", 1, 1, 1, 7, len7, len7Value, Computed),
	}
	off := 2
	switch len7 {
	case 126:
		fields = append(fields, num("websocket.payload_length_ext", "Extended payload length", off, 2, uint64(n), fmt.Sprint(n), Computed))
		off += 2
	case 127:
		fields = append(fields, num("websocket.payload_length_ext", "Extended payload length", off, 8, uint64(n), fmt.Sprint(n), Computed))
		off += 8
	}
	if mask != nil {
		k := binary.BigEndian.Uint32(mask[:])
		fields = append(fields, num("websocket.masking_key", "Masking key", off, 4, uint64(k), fmt.Sprintf("%02x %02x %02x %02x", mask[0], mask[1], mask[2], mask[3]), Illustrative))
		off += 4
	}
	name := "Payload"
	if mask != nil {
		name = "Payload (masked)"
	}
	fields = append(fields, text("websocket.payload", name, off, n, payload, payloadSrc))
	return appData{key: "websocket", name: "WebSocket", bytes: frame, header: off, fields: fields}
}

func opcodeName(op byte) string {
	switch op {
	case OpContinuation:
		return "continuation"
	case OpText:
		return "text"
	case OpBinary:
		return "binary"
	case OpClose:
		return "close"
	case OpPing:
		return "ping"
	case OpPong:
		return "pong"
	}
	return "reserved"
}
