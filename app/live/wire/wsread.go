package wire

import (
	"bytes"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gobwas/ws"

	"netstudy/app/live"
)

// wsConn is the reading side of one WebSocket connection. Where the
// system allows (see readPoller), no goroutine waits on it: a poller reads
// every connection that has bytes, and hands them to onData, which cuts
// them into frames and messages. Elsewhere a goroutine per connection
// reads with gorilla (serveConn). Either way each message goes through
// deliver, and the connection ends when its writer has said goodbye.
type wsConn struct {
	s    *Server
	c    *live.Peer
	w    *connWriter
	ping *time.Timer

	// Owned by whoever reads, a poller:
	raw     syscall.RawConn
	slot    int32     // the connection's number in its poller
	partial []byte    // the start of a frame whose end has not arrived
	message []byte    // the frames so far of a fragmented message
	msgOp   ws.OpCode // the opcode of that message

	lastRead atomic.Int64 // unix nanoseconds, for the heartbeat
}

// onData takes bytes a poller read from the socket (b is the poller's
// buffer: what must wait for more is copied), plays every whole message
// in them, and returns why the connection must close, or "".
func (r *wsConn) onData(b []byte) string {
	r.lastRead.Store(time.Now().UnixNano())
	if len(r.partial) > 0 {
		r.partial = append(r.partial, b...)
		b = r.partial
	}
	for len(b) > 0 {
		rd := bytes.NewReader(b)
		h, err := ws.ReadHeader(rd)
		if err != nil {
			break // the header is not all here yet
		}
		start := len(b) - rd.Len()
		if h.Length > live.MaxMessageBytes {
			return live.ReasonTooLarge
		}
		end := start + int(h.Length)
		if end > len(b) {
			break // nor is the payload
		}
		payload := b[start:end]
		b = b[end:]
		if reason := r.frame(h, payload); reason != "" {
			return reason
		}
	}
	if len(b) == 0 {
		r.partial = nil
	} else {
		r.partial = bytes.Clone(b)
	}
	return ""
}

// frame handles one frame, as RFC 6455 has a server do: a client's frames
// are masked, control frames are answered, fragments are joined.
func (r *wsConn) frame(h ws.Header, payload []byte) string {
	if !h.Masked || h.Rsv != 0 {
		return "read error" // not a browser's frame: no extension was agreed
	}
	ws.Cipher(payload, h.Mask, 0)
	if h.OpCode.IsControl() && (!h.Fin || len(payload) > 125) {
		return "read error" // control frames are short and whole
	}
	switch h.OpCode {
	case ws.OpPing:
		r.w.control(controlFrame(opPong, payload))
		return ""
	case ws.OpPong:
		return ""
	case ws.OpClose:
		return "client closed"
	case ws.OpContinuation:
		if r.message == nil {
			return "read error"
		}
		if len(r.message)+len(payload) > live.MaxMessageBytes {
			return live.ReasonTooLarge
		}
		r.message = append(r.message, payload...)
	case ws.OpText, ws.OpBinary:
		if r.message != nil {
			return "read error" // a new message inside a fragmented one
		}
		if !h.Fin {
			r.message, r.msgOp = append(make([]byte, 0, 2*len(payload)), payload...), h.OpCode
			return ""
		}
		return r.deliver(h.OpCode == ws.OpText, payload)
	default:
		return "read error"
	}
	if !h.Fin {
		return ""
	}
	msg, op := r.message, r.msgOp
	r.message = nil
	return r.deliver(op == ws.OpText, msg)
}
