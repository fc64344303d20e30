package live

import (
	"sync"
	"sync/atomic"
)

// This file is the runtime's half of the seam with the wire (package
// live/wire, which carries WebSocket and long polling): a connection is a
// Peer, made by Hub.Connect; the wire hands it what the browser sent with
// Hub.Receive and says when it ended with Hub.Gone; the runtime queues
// encoded messages on it and calls the wake function the wire gave, and
// the wire drains the queue with Take. The runtime never sees a socket, a
// frame or an HTTP request.

// Transport names, as shown on the instructor's dashboard.
const (
	TransportWebSocket = "websocket"
	TransportPolling   = "polling"
)

// Role is what a connection may do in its session.
type Role string

// The roles of a connection.
const (
	RoleStudent   Role = "student"
	RoleHost      Role = "host"      // the instructor's dashboard: may command
	RolePresenter Role = "presenter" // the projector: sees what the host sees, commands nothing
)

// sendQueueLen bounds the messages waiting for one client. A client that
// falls this far behind is disconnected and catches up on resume; it never
// holds up a broadcast.
const sendQueueLen = 128

// hostQueueLen is the queue of an instructor's screen, which hears of
// every join and every answer count: a class of thousands joining at once
// must not get the teacher's dashboard disconnected. There are only ever a
// few such screens.
const hostQueueLen = 16384

func queueLen(instructor bool) int {
	if instructor {
		return hostQueueLen
	}
	return sendQueueLen
}

// ConnInfo is what the wire knows of a new connection when it hands it to
// the hub.
type ConnInfo struct {
	Transport string // TransportWebSocket or TransportPolling
	RemoteIP  string // the client's IP, for rate limits and the dashboard
	// PeerAddr and LocalAddr are the connection's two ends as this server
	// sees them ("ip:port"), so that a student can follow their own
	// answer through the layers. Empty for long polling, where every
	// request may use another connection.
	PeerAddr, LocalAddr string
	Instructor          bool // the request carried the instructor's cookie
	// Wake is called, without blocking, each time a message is queued and
	// once when the peer is closed: the wire then drains the queue with
	// Take, and, once Done, says goodbye. It may run on any goroutine,
	// the session's own included, so it must only schedule the work.
	Wake func()
}

// Peer is one connection of one browser, whatever its transport. Its
// queue is written by the session's actor and read by the wire; the actor
// owns the session fields.
type Peer struct {
	transport  string
	remoteAddr string // the client's IP, for rate limits and the dashboard
	// The connection's two ends as this server sees them; see ConnInfo.
	peerAddr, localAddr string
	instructor          bool // the connection carried the instructor's cookie

	// The messages waiting to be written, oldest first. An idle client
	// holds no queue; one that falls queueMax behind is disconnected.
	queueMu  sync.Mutex
	queue    []*Message
	queueMax int

	done      chan struct{} // closed once, when the client is gone
	closeOnce sync.Once
	reason    atomic.Value // string: why it was closed

	rttMicros atomic.Int64

	// wake is the wire's (see ConnInfo.Wake); nil only in tests that read
	// the queue themselves.
	wake func()

	// Owned by whoever reads the connection (one goroutine at a time):
	// the flood limit and the count of bad messages (see Hub.Receive).
	limiter interface{ Allow() bool }
	strikes int

	// actor is the session the client said hello to; set once, by the
	// goroutine that reads the client's messages.
	actor atomic.Pointer[actor]

	// Owned by the actor goroutine of that session.
	role          Role
	participantID string
	attached      bool
}

// send queues a message without ever blocking. A full queue closes the
// client: it is too slow, and it will resume from its last seq.
func (c *Peer) send(m *Message) bool {
	c.queueMu.Lock()
	if c.Closed() {
		c.queueMu.Unlock()
		return false
	}
	if len(c.queue) >= c.queueMax {
		c.queueMu.Unlock()
		c.Close("send queue full")
		return false
	}
	c.queue = append(c.queue, m)
	c.queueMu.Unlock()
	if c.wake != nil {
		c.wake()
	}
	return true
}

// Take moves up to max waiting messages, oldest first, to the end of dst.
func (c *Peer) Take(dst []*Message, max int) []*Message {
	c.queueMu.Lock()
	defer c.queueMu.Unlock()
	n := min(max, len(c.queue))
	dst = append(dst, c.queue[:n]...)
	if n == len(c.queue) {
		clear(c.queue)
		c.queue = c.queue[:0]
	} else {
		c.queue = c.queue[:copy(c.queue, c.queue[n:])]
		clear(c.queue[len(c.queue) : len(c.queue)+n])
	}
	return dst
}

// Pending reports whether messages are waiting.
func (c *Peer) Pending() bool {
	c.queueMu.Lock()
	defer c.queueMu.Unlock()
	return len(c.queue) > 0
}

// sendNow encodes and queues a message for this client only.
func (c *Peer) sendNow(typ, id string, seq uint64, payload any) bool {
	return c.send(newMessage(typ, id, seq, payload))
}

// Close marks the client gone, for reason; the wire hears of it through
// its wake function and Done, writes what is still queued, and ends the
// connection. Only the first reason counts.
func (c *Peer) Close(reason string) {
	c.closeOnce.Do(func() {
		c.reason.Store(reason)
		close(c.done)
		if c.wake != nil {
			c.wake() // the writer flushes, says goodbye and closes the socket
		}
	})
}

// Done is closed once the peer is closed.
func (c *Peer) Done() <-chan struct{} { return c.done }

// Closed reports whether the peer is closed.
func (c *Peer) Closed() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// Reason says why the peer was closed; "" while it is open.
func (c *Peer) Reason() string {
	r, _ := c.reason.Load().(string)
	return r
}
