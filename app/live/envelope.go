package live

import (
	"bytes"
	"encoding/json"
	"fmt"
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

// Message is an encoded server message, shared by every recipient: it is
// encoded once, however many clients receive it, and never changed after.
// The wire writes Data as it is (long polling, in a JSON array) or behind
// a header of its own (a WebSocket frame, whose header the wire writes
// next to it rather than copying the message).
type Message struct {
	data []byte // the JSON envelope
}

// Data is the message's JSON envelope. It is shared: never write to it.
func (m *Message) Data() []byte { return m.data }

func newMessage(typ, id string, seq uint64, payload any) *Message {
	env := struct {
		Type string `json:"type"`
		ID   string `json:"id,omitempty"`
		Seq  uint64 `json:"seq,omitempty"`
		Data any    `json:"data,omitempty"`
	}{typ, id, seq, payload}
	buf := bytes.NewBuffer(make([]byte, 0, 256))
	if err := json.NewEncoder(buf).Encode(env); err != nil {
		// Payloads are our own structs; failing to encode one is a bug.
		panic(fmt.Sprintf("live: encode %s: %v", typ, err))
	}
	b := buf.Bytes()
	return &Message{data: b[:len(b)-1]} // Encode ends with a newline
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
