package live

import (
	"sync"
	"sync/atomic"
)

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

// client is one connection of one browser, whatever its transport. Its
// queue is written by the session's actor and read by the transport's
// writer; the actor owns the session fields.
type client struct {
	id         uint64
	transport  string
	remoteAddr string // the client's IP, for rate limits and the dashboard
	// The connection's two ends as this server sees them ("ip:port"), so
	// a student can follow their own answer through the layers. Empty for
	// long polling, where every request may use another connection.
	peerAddr, localAddr string
	instructor          bool // the connection carried the instructor's cookie

	// The messages waiting to be written, oldest first. An idle client
	// holds no queue; one that falls queueMax behind is disconnected.
	queueMu  sync.Mutex
	queue    []*outMsg
	queueMax int
	// queued, for long polling only, says "the queue is not empty" to a
	// waiting GET; WebSocket clients are woken through wake instead.
	queued chan struct{}

	done      chan struct{} // closed once, when the client is gone
	closeOnce sync.Once
	reason    atomic.Value // string: why it was closed

	rttMicros atomic.Int64

	// wake, set by the WebSocket transport before the client is known to
	// anyone, starts a writer for queued messages; nil for long polling,
	// whose GETs read the queue themselves. writing is true while a
	// writer runs.
	wake    func()
	writing atomic.Bool

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
func (c *client) send(m *outMsg) bool {
	c.queueMu.Lock()
	if c.closed() {
		c.queueMu.Unlock()
		return false
	}
	if len(c.queue) >= c.queueMax {
		c.queueMu.Unlock()
		c.close("send queue full")
		return false
	}
	c.queue = append(c.queue, m)
	c.queueMu.Unlock()
	if c.wake != nil {
		c.wake()
	} else if c.queued != nil {
		select {
		case c.queued <- struct{}{}:
		default:
		}
	}
	return true
}

// take moves up to max waiting messages, oldest first, to the end of dst.
func (c *client) take(dst []*outMsg, max int) []*outMsg {
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

// pending reports whether messages are waiting.
func (c *client) pending() bool {
	c.queueMu.Lock()
	defer c.queueMu.Unlock()
	return len(c.queue) > 0
}

// sendNow encodes and queues a message for this client only.
func (c *client) sendNow(typ, id string, seq uint64, payload any) bool {
	return c.send(newOutMsg(typ, id, seq, payload))
}

// close marks the client gone; the transport notices through done.
func (c *client) close(reason string) {
	c.closeOnce.Do(func() {
		c.reason.Store(reason)
		close(c.done)
		if c.wake != nil {
			c.wake() // the writer flushes, says goodbye and closes the socket
		}
	})
}

func (c *client) closed() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}
