package live

import (
	"net"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// connWriter writes a client's queue to its WebSocket. One writer at a
// time holds the client's writing flag: whoever set it (see wake) owns the
// socket's write side until the queue is empty. Usually that is the
// client's flusher, writing without blocking; when the socket's buffer is
// full it is a goroutine of the connection's own (runBlocking), which
// waits with a deadline, and gives the connection back to the flusher once
// it has caught up.
type connWriter struct {
	net     net.Conn
	raw     syscall.RawConn // nil where the socket cannot be written without blocking
	c       *client
	f       *flusher
	full    prometheus.Counter // counts the times the socket was full
	flushed chan struct{}      // closed after the close frame, when the socket is closed
	ended   func()             // if set, called then: the connection's teardown

	// Owned by whoever holds the writing flag.
	taken  []*outMsg // reused between batches
	frames [][]byte  // frames to write, in order; the first may be partly written
	ending bool      // the last frame is the goodbye: the socket closes after it
}

// maxWriteBatch bounds the frames written in one system call. A reveal,
// say, sends each student the answer, their score and their rank: three
// frames, one write.
const maxWriteBatch = 64

func newConnWriter(nc net.Conn, c *client, f *flusher, full prometheus.Counter) *connWriter {
	w := &connWriter{net: nc, c: c, f: f, full: full, flushed: make(chan struct{})}
	if sc, ok := w.net.(syscall.Conn); ok && canWriteNow {
		if raw, err := sc.SyscallConn(); err == nil {
			w.raw = raw
		}
	}
	return w
}

// wake is called after a message is queued or the client closed.
func (w *connWriter) wake() {
	if !w.c.writing.CompareAndSwap(false, true) {
		return // the current writer will see it
	}
	if w.raw == nil {
		go w.runBlocking()
		return
	}
	w.f.schedule(w)
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
// the client is closed and its queue flushed, pump says goodbye and closes
// the socket; the flag then stays set for good, so no writer ever starts
// again.
func (w *connWriter) pump(block bool) (full bool) {
	for {
		if len(w.frames) > 0 {
			err := w.write(block)
			if err != nil {
				w.c.close("write error")
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
		w.taken = w.c.take(w.taken[:0], maxWriteBatch)
		if len(w.taken) > 0 {
			for i, m := range w.taken {
				w.frames = append(w.frames, m.frame)
				w.taken[i] = nil
			}
			continue
		}
		if w.c.closed() {
			// The queue is flushed: an error explaining the close has
			// gone out. The goodbye says why, in a close frame.
			reason, _ := w.c.reason.Load().(string)
			w.frames, w.ending = append(w.frames, closeFrame(closeCode(reason), reason)), true
			continue
		}
		w.c.writing.Store(false)
		// A message or a close that came after the checks above saw the
		// flag still set and did not wake a writer: look once more.
		if (!w.c.pending() && !w.c.closed()) || !w.c.writing.CompareAndSwap(false, true) {
			return false
		}
	}
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
