package wire

import (
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"netstudy/app/live"
)

// connWriter writes a peer's queue to its WebSocket. One writer at a time
// holds the writing flag: whoever set it (see wake) owns the socket's
// write side until the queue is empty. Usually that is the connection's
// flusher, writing without blocking; when the socket's buffer is full it
// is a goroutine of the connection's own (runBlocking), which waits with a
// deadline, and gives the connection back to the flusher once it has
// caught up.
type connWriter struct {
	net     net.Conn
	raw     syscall.RawConn // nil where the socket cannot be written without blocking
	c       *live.Peer      // set by start, under the writing flag
	f       *flusher
	full    prometheus.Counter // counts the times the socket was full
	flushed chan struct{}      // closed after the close frame, when the socket is closed
	ended   func()             // if set, called then: the connection's teardown
	writing atomic.Bool        // a writer runs

	// Control frames (pongs) the reader asked for, written before the
	// queue's next messages.
	ctlMu sync.Mutex
	ctl   [][]byte

	// Owned by whoever holds the writing flag.
	taken  []*live.Message // reused between batches
	frames [][]byte        // headers and payloads to write, in order; the first may be partly written
	hdrs   []byte          // the headers of the frames taken last, reused
	ending bool            // the last frame is the goodbye: the socket closes after it
}

// maxWriteBatch bounds the messages written in one system call. A reveal,
// say, sends each student the answer, their score and their rank: three
// frames, one write.
const maxWriteBatch = 64

// maxControl bounds the control frames waiting: a client that sends pings
// without reading the pongs is closed, as one whose queue is full is.
const maxControl = 128

// newConnWriter returns the writer of a new connection. Until start, the
// goroutine setting the connection up holds the writing flag: a wake
// before then (the hub stopping, say) is seen by start.
func newConnWriter(nc net.Conn, f *flusher, full prometheus.Counter) *connWriter {
	w := &connWriter{net: nc, f: f, full: full, flushed: make(chan struct{})}
	w.writing.Store(true)
	if sc, ok := w.net.(syscall.Conn); ok && canWriteNow {
		if raw, err := sc.SyscallConn(); err == nil {
			w.raw = raw
		}
	}
	return w
}

// start gives the writer its peer, and lets go of the writing flag.
func (w *connWriter) start(c *live.Peer) {
	w.c = c
	if w.release() {
		w.run()
	}
}

// wake is called after a message is queued or the peer closed.
func (w *connWriter) wake() {
	if !w.writing.CompareAndSwap(false, true) {
		return // the current writer will see it
	}
	w.run()
}

// run starts writing, for the holder of the writing flag: on the flusher,
// or where sockets cannot be written without blocking on a goroutine.
func (w *connWriter) run() {
	if w.raw == nil {
		go w.runBlocking()
		return
	}
	w.f.schedule(w)
}

// control queues a control frame, from the connection's reader.
func (w *connWriter) control(frame []byte) {
	w.ctlMu.Lock()
	if len(w.ctl) >= maxControl {
		w.ctlMu.Unlock()
		w.c.Close("send queue full")
		return
	}
	w.ctl = append(w.ctl, frame)
	w.ctlMu.Unlock()
	w.wake()
}

// takeControl moves the waiting control frames to w.frames.
func (w *connWriter) takeControl() {
	w.ctlMu.Lock()
	defer w.ctlMu.Unlock()
	w.frames = append(w.frames, w.ctl...)
	clear(w.ctl)
	w.ctl = w.ctl[:0]
}

func (w *connWriter) hasControl() bool {
	w.ctlMu.Lock()
	defer w.ctlMu.Unlock()
	return len(w.ctl) > 0
}

// flush runs on a flusher: it writes what the socket takes now, and hands
// the connection to a goroutine of its own if the socket is full.
func (w *connWriter) flush() {
	if w.pump(false) {
		w.full.Inc()
		go w.runBlocking()
	}
}

// runBlocking writes until the queue is empty, waiting for the socket.
func (w *connWriter) runBlocking() {
	w.pump(true)
}

// pump writes the queue in order until it is empty, or, when not block,
// until the socket takes less than everything: then it reports true, and
// the caller, still holding the writing flag, must go on with block. Once
// the peer is closed and its queue flushed, pump says goodbye and closes
// the socket; the flag then stays set for good, so no writer ever starts
// again.
func (w *connWriter) pump(block bool) (full bool) {
	for {
		if len(w.frames) > 0 {
			err := w.write(block)
			if err != nil {
				w.c.Close("write error")
				w.end()
				return false
			}
			if len(w.frames) > 0 {
				return true
			}
			if w.ending {
				w.end()
				return false
			}
		}
		w.takeControl()
		w.taken = w.c.Take(w.taken[:0], maxWriteBatch)
		if len(w.taken) > 0 {
			// Every header of the batch fits in hdrs as it is grown here,
			// so appending never moves the headers already in w.frames.
			w.hdrs = slices.Grow(w.hdrs[:0], len(w.taken)*maxFrameHeader)
			for i, m := range w.taken {
				at := len(w.hdrs)
				w.hdrs = appendHeader(w.hdrs, opText, len(m.Data()))
				w.frames = append(w.frames, w.hdrs[at:], m.Data())
				w.taken[i] = nil
			}
		}
		if len(w.frames) > 0 {
			continue
		}
		if w.c.Closed() {
			// The queue is flushed: an error explaining the close has
			// gone out. The goodbye says why, in a close frame.
			w.frames, w.ending = append(w.frames, closeFrame(w.c.Reason())), true
			continue
		}
		if !w.release() {
			return false
		}
	}
}

// release lets go of the writing flag, and reports whether it took it
// back: a message or a close that came after the last look saw the flag
// still set and did not wake a writer, so it looks once more.
func (w *connWriter) release() bool {
	w.writing.Store(false)
	return (w.c.Pending() || w.hasControl() || w.c.Closed()) && w.writing.CompareAndSwap(false, true)
}

// write writes the frames, or what of them the socket takes now when not
// block, and drops what was written from w.frames.
func (w *connWriter) write(block bool) error {
	if !block && w.raw != nil {
		n, err := writeNow(w.raw, w.frames)
		w.frames = consume(w.frames, n)
		return err
	}
	timeout := writeTimeout
	if w.ending {
		timeout = time.Second // a goodbye is a courtesy; do not wait long for it
	}
	_ = w.net.SetWriteDeadline(time.Now().Add(timeout))
	bufs := net.Buffers(w.frames)
	_, err := bufs.WriteTo(w.net) // consumes bufs as it writes
	clear(w.frames)
	w.frames = w.frames[:0]
	// No deadline between blocking writes: the flusher's writes, which
	// never wait, would fail on one that has passed.
	_ = w.net.SetWriteDeadline(time.Time{})
	return err
}

// consume drops the first n bytes of frames.
func consume(frames [][]byte, n int) [][]byte {
	i := 0
	for i < len(frames) && n >= len(frames[i]) {
		n -= len(frames[i])
		frames[i] = nil
		i++
	}
	if i < len(frames) {
		frames[i] = frames[i][n:]
	}
	rest := frames[:copy(frames, frames[i:])]
	clear(frames[len(rest):])
	return rest
}

// end closes the socket, which also ends the reader.
func (w *connWriter) end() {
	w.net.Close()
	close(w.flushed)
	if w.ended != nil {
		w.ended()
	}
}
