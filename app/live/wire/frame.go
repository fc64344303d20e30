package wire

import (
	"encoding/binary"

	"github.com/gorilla/websocket"

	"netstudy/app/live"
)

// WebSocket opcodes (RFC 6455, section 5.2).
const (
	opText  = 0x1
	opClose = 0x8
	opPong  = 0xA
)

// maxFrameHeader is the longest header of an unmasked frame: two bytes
// and an eight-byte length.
const maxFrameHeader = 10

// appendHeader appends the header of a final, unmasked frame (the kind a
// server sends) of n payload bytes. The payload itself is written next to
// it, not copied: a message is encoded once for every recipient, and each
// connection's writer sends it behind a header of its own.
func appendHeader(b []byte, opcode byte, n int) []byte {
	first := 0x80 | opcode // FIN: the whole message in one frame
	switch {
	case n < 126:
		return append(b, first, byte(n))
	case n < 1<<16:
		return binary.BigEndian.AppendUint16(append(b, first, 126), uint16(n))
	default:
		return binary.BigEndian.AppendUint64(append(b, first, 127), uint64(n))
	}
}

// controlFrame is a whole control frame (a pong, a close).
func controlFrame(opcode byte, payload []byte) []byte {
	b := appendHeader(make([]byte, 0, maxFrameHeader+len(payload)), opcode, len(payload))
	return append(b, payload...)
}

// closeCode is the close frame's status code for why a connection ends
// (RFC 6455, section 7.4.1).
func closeCode(reason string) int {
	switch reason {
	case live.ReasonNotUTF8:
		return websocket.CloseInvalidFramePayloadData // 1007
	case live.ReasonTooLarge:
		return websocket.CloseMessageTooBig // 1009
	}
	return websocket.CloseGoingAway
}

// closeFrame is the close frame a connection ends with, telling the
// client why.
func closeFrame(reason string) []byte {
	code := closeCode(reason)
	if len(reason) > 100 {
		reason = reason[:100] // a control frame's payload is at most 125 bytes
	}
	return controlFrame(opClose, websocket.FormatCloseMessage(code, reason))
}
