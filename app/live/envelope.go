package live

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/gorilla/websocket"
)

// MaxMessageBytes bounds one incoming envelope. A typed question with its
// choices fits easily; anything larger is hostile or broken.
const MaxMessageBytes = 16 << 10

// maxIDLen bounds a client-made command id.
const maxIDLen = 64

// Envelope is one protocol message in either direction.
type Envelope struct {
	Type string          `json:"type"`
	ID   string          `json:"id,omitempty"`
	Seq  uint64          `json:"seq,omitempty"`
	Data json.RawMessage `json:"data,omitempty"`
}

// ProtocolError is a message the server could not accept; its Code and
// Message are sent back to the client as an error envelope.
type ProtocolError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *ProtocolError) Error() string { return e.Code + ": " + e.Message }

func protocolErr(code, format string, args ...any) *ProtocolError {
	return &ProtocolError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// knownTypes are the envelope types a client may send.
var knownTypes = map[string]bool{
	"hello": true, "pong": true, "join": true, "answer": true,
	"ask_next": true, "ask_typed": true, "reask": true, "close": true, "reveal": true,
	"leaderboard": true, "end": true, "kick": true, "set_options": true, "extend_time": true,
	"lock": true, "unlock": true,
}

// Decode parses one client envelope and checks what can be checked without
// the session: size, JSON shape, a known type, and an id where a command
// needs one. It never panics, whatever the input (see FuzzDecode).
func Decode(b []byte) (Envelope, error) {
	var env Envelope
	if len(b) > MaxMessageBytes {
		return env, protocolErr("too_large", "a message may be at most %d bytes", MaxMessageBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&env); err != nil {
		return env, protocolErr("bad_json", "the message is not a valid envelope: %v", err)
	}
	if dec.More() {
		return env, protocolErr("bad_json", "one envelope per message")
	}
	if !knownTypes[env.Type] {
		return env, protocolErr("unknown_type", "unknown message type %.40q", env.Type)
	}
	if env.Type != "hello" && env.Type != "pong" {
		if env.ID == "" || len(env.ID) > maxIDLen {
			return env, protocolErr("bad_id", "a command needs an id of 1 to %d characters", maxIDLen)
		}
	}
	if env.Seq != 0 {
		return env, protocolErr("bad_json", "clients do not send seq")
	}
	return env, nil
}

// outMsg is an encoded server message, shared by every recipient: it is
// encoded once, as a WebSocket frame, however many clients receive it.
// Long polling sends data, the envelope itself; a WebSocket sends frame,
// the same bytes behind a frame header.
type outMsg struct {
	data  []byte // the JSON envelope
	frame []byte // the whole WebSocket frame; data is its tail
}

// maxFrameHeader is the longest header of an unmasked frame: two bytes
// and an eight-byte length.
const maxFrameHeader = 10

func newOutMsg(typ, id string, seq uint64, payload any) *outMsg {
	env := struct {
		Type string `json:"type"`
		ID   string `json:"id,omitempty"`
		Seq  uint64 `json:"seq,omitempty"`
		Data any    `json:"data,omitempty"`
	}{typ, id, seq, payload}
	// The envelope is encoded after room for the longest header, which is
	// then written right-aligned in front of it: no copy.
	buf := bytes.NewBuffer(make([]byte, maxFrameHeader, 256))
	if err := json.NewEncoder(buf).Encode(env); err != nil {
		// Payloads are our own structs; failing to encode one is a bug.
		panic(fmt.Sprintf("live: encode %s: %v", typ, err))
	}
	b := buf.Bytes()
	b = b[:len(b)-1] // Encode ends with a newline
	return &outMsg{data: b[maxFrameHeader:], frame: frameAt(b, maxFrameHeader, opText)}
}

// newControlMsg is a control frame (a pong) for WebSocket clients only.
func newControlMsg(opcode int, payload []byte) *outMsg {
	b := make([]byte, maxFrameHeader+len(payload))
	copy(b[maxFrameHeader:], payload)
	return &outMsg{frame: frameAt(b, maxFrameHeader, byte(opcode))}
}

// WebSocket opcodes (RFC 6455, section 5.2).
const (
	opText  = 0x1
	opClose = 0x8
	opPong  = 0xA
)

// frameAt writes the header of a final, unmasked frame (the kind a server
// sends) for the payload b[at:] just before it, and returns the frame.
func frameAt(b []byte, at int, opcode byte) []byte {
	n := len(b) - at
	var h []byte
	switch {
	case n < 126:
		h = b[at-2 : at]
		h[1] = byte(n)
	case n < 1<<16:
		h = b[at-4 : at]
		h[1] = 126
		binary.BigEndian.PutUint16(h[2:], uint16(n))
	default:
		h = b[at-10 : at]
		h[1] = 127
		binary.BigEndian.PutUint64(h[2:], uint64(n))
	}
	h[0] = 0x80 | opcode // FIN: the whole message in one frame
	return b[at-len(h):]
}

// reasonBadUTF8 closes a connection that sent a text message that is not
// UTF-8.
const reasonBadUTF8 = "invalid UTF-8 in a text message"

// closeCode is the close frame's status code for why a connection ends
// (RFC 6455, section 7.4.1).
func closeCode(reason string) int {
	switch reason {
	case reasonBadUTF8:
		return websocket.CloseInvalidFramePayloadData // 1007
	case "message too large":
		return websocket.CloseMessageTooBig // 1009
	}
	return websocket.CloseGoingAway
}

// closeFrame is the close frame a connection ends with, telling the
// client why.
func closeFrame(code int, reason string) []byte {
	payload := websocket.FormatCloseMessage(code, truncate(reason, 100))
	return newControlMsg(opClose, payload).frame
}
