package live

import (
	"errors"
	"time"
)

// maxStrikes is how many bad messages a connection may send before it is
// closed; a few mistakes are forgiven, a stream of garbage is not.
const maxStrikes = 8

// Connect makes the Peer of a new connection. From here on stopping the
// hub closes it (which calls info.Wake), even if it never says hello; the
// wire must call Gone once the connection has ended.
func (h *Hub) Connect(info ConnInfo) *Peer {
	c := &Peer{
		transport:  info.Transport,
		remoteAddr: info.RemoteIP,
		peerAddr:   info.PeerAddr,
		localAddr:  info.LocalAddr,
		instructor: info.Instructor,
		queueMax:   queueLen(info.Instructor),
		done:       make(chan struct{}),
		wake:       info.Wake,
		limiter:    floodLimit(info.Instructor),
	}
	h.metrics.connections.WithLabelValues(c.transport).Inc()
	h.track(c)
	return c
}

// Incoming is the kind of a whole message the wire read.
type Incoming uint8

// The kinds of incoming messages. The protocol is text: the wire says
// which messages are not, rather than refusing them itself, so that the
// flood limit sees every message first.
const (
	Text    Incoming = iota // a text message: one envelope, or garbage to answer
	Binary                  // a binary message: refused with an error
	NotUTF8                 // a text message that is not UTF-8: ends the connection
)

// Close reasons the wire tells apart, to tell the client why in its own
// terms (a WebSocket close code).
const (
	ReasonNotUTF8   = "invalid UTF-8 in a text message"
	ReasonTooLarge  = "message too large"
	ReasonBadClient = "too many bad messages"
)

// Receive handles one whole message a peer sent: the flood limit, decoding,
// and routing to the peer's session, with an error envelope for a message
// it cannot take. It returns why the connection must close (the wire then
// closes it), or "". Only the goroutine reading the peer's connection may
// call it.
func (h *Hub) Receive(c *Peer, kind Incoming, data []byte) (closeReason string) {
	switch {
	case !c.limiter.Allow():
		floodError(c, data)
		c.strikes++
	case kind == Binary:
		c.sendNow("error", "", 0, protocolErr("bad_frame", "send JSON text frames"))
		c.strikes++
	case kind == NotUTF8:
		// RFC 6455, section 8.1: a text message that is not UTF-8
		// fails the connection.
		return ReasonNotUTF8
	default:
		if err := h.handleMessage(c, data); err != nil {
			c.strikes++
		}
	}
	if c.strikes >= maxStrikes {
		return ReasonBadClient
	}
	return ""
}

// handleMessage decodes and routes one message, answering a bad one with an
// error envelope.
func (h *Hub) handleMessage(c *Peer, data []byte) error {
	env, err := Decode(data)
	if err == nil {
		err = h.receive(c, env)
	}
	if err != nil {
		pe := publicError(err)
		c.sendNow("error", env.ID, 0, pe)
		return err
	}
	return nil
}

// receive routes one decoded envelope from a client: hello attaches it
// to its session; anything else goes to the session it attached to.
func (h *Hub) receive(c *Peer, env Envelope) error {
	h.metrics.messagesIn.Inc()
	switch env.Type {
	case "hello":
		if c.actor.Load() != nil {
			return protocolErr("bad_hello", "hello was already said on this connection")
		}
		var hi hello
		if err := strictJSON(env.Data, &hi); err != nil {
			return err
		}
		if hi.Protocol != ProtocolVersion {
			return protocolErr("bad_protocol", "this server speaks protocol %d", ProtocolVersion)
		}
		a, err := h.lookupHello(c, hi)
		if errors.Is(err, ErrTooManyAttempts) {
			return protocolErr("too_many_attempts", "%v", err)
		}
		if errors.Is(err, ErrClusterUnreachable) {
			// Not "no such session": the client comes back on a new
			// connection, after its backoff, and says hello again.
			c.sendNow("error", "", 0, errUnavailable)
			c.Close("sessions out of reach")
			return nil
		}
		if err != nil {
			return protocolErr("no_session", "there is no running session with that code")
		}
		if !c.actor.CompareAndSwap(nil, a) {
			return protocolErr("bad_hello", "hello was already said on this connection")
		}
		if !a.post(actorMsg{kind: msgAttach, c: c, hello: hi}) {
			return errSessionOver
		}
		return nil
	case "pong":
		var p struct {
			T int64 `json:"t"`
		}
		if err := strictJSON(env.Data, &p); err != nil {
			return err
		}
		if rtt := h.now().UnixMicro() - p.T; p.T > 0 && rtt >= 0 && rtt < 60_000_000 {
			c.rttMicros.Store(max(rtt, 1)) // 0 means "not measured yet"
		}
		if a := c.actor.Load(); a != nil {
			// A flag, not a message: a pong must not split the
			// actor's batch of answers into two transactions.
			a.rttChanged.Store(true)
		}
		return nil
	}
	a := c.actor.Load()
	if a == nil {
		return protocolErr("hello_first", "say hello before sending commands")
	}
	if !a.post(commandMsg(c, env)) {
		return errSessionOver
	}
	return nil
}

// errSessionOver answers a message for a session that has stopped since
// the connection said hello.
var errSessionOver = protocolErr("no_session", "this session is over")

// commandMsg is a command for the actor. An answer's data is decoded here,
// on the connection's own goroutine, so that a class answering at once is
// decoded on every core rather than on the session's single goroutine.
func commandMsg(c *Peer, env Envelope) actorMsg {
	m := actorMsg{kind: msgCommand, c: c, env: env, arrived: time.Now()}
	if env.Type == "answer" {
		m.answer, m.answerErr = decodeAnswer(env.Data)
	}
	return m
}

// Gone tells the hub that a peer's connection ended, for reason (unless
// the peer was closed first, whose reason stands): its session forgets
// it, and stopping the hub no longer closes it.
func (h *Hub) Gone(c *Peer, reason string) {
	c.Close(reason)
	h.metrics.connections.WithLabelValues(c.transport).Dec()
	h.metrics.dropped.WithLabelValues(reason).Inc()
	if a := c.actor.Load(); a != nil {
		a.post(actorMsg{kind: msgDetach, c: c})
	}
	h.untrack(c)
}

// Ping queues the heartbeat, for a wire that keeps a connection alive by
// hearing from the client; false once the peer is closed. The client
// echoes t (the server's clock in microseconds) in a pong, which gives
// the round-trip time.
func (h *Hub) Ping(c *Peer) bool {
	return c.send(h.pingMessage())
}

func (h *Hub) pingMessage() *Message {
	return newMessage("ping", "", 0, map[string]int64{"t": h.now().UnixMicro()})
}
