package wire

import (
	"context"
	"sync"
)

// A flusher writes queued messages to many WebSocket connections from one
// goroutine, the way an event loop does. A broadcast to a class wakes every
// student's connection at once; starting a goroutine for each of them, to
// write one frame and exit, cost more than the write itself. Instead the
// hub runs one flusher per processor, and a connection with something to
// write joins one flusher's ready list. The flusher writes without
// blocking: what fits in the socket's buffer goes at once, and only a
// connection whose buffer is full (a slow phone) gets a goroutine of its
// own, which waits for the socket with a deadline until it has caught up.
type flusher struct {
	mu      sync.Mutex
	ready   []*connWriter
	spare   []*connWriter // the previous ready list, reused
	stopped bool          // the hub is stopping: writers run on their own goroutines
	wake    chan struct{} // capacity 1: "the ready list is not empty"
}

// flushers is the hub's set of flushers; a connection always uses the same
// one, chosen by its id, so that the load spreads and the order of one
// connection's messages is kept by its single writer at a time.
type flushers []*flusher

func newFlushers(n int) flushers {
	fs := make(flushers, max(1, n))
	for i := range fs {
		fs[i] = &flusher{wake: make(chan struct{}, 1)}
	}
	return fs
}

func (fs flushers) of(id uint64) *flusher { return fs[id%uint64(len(fs))] }

// schedule hands a writer to the flusher. The caller holds the writer's
// writing flag, so a writer is in at most one ready list at a time.
func (f *flusher) schedule(w *connWriter) {
	f.mu.Lock()
	if f.stopped {
		f.mu.Unlock()
		go w.runBlocking()
		return
	}
	f.ready = append(f.ready, w)
	f.mu.Unlock()
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// run flushes ready connections until ctx ends; then it hands whatever is
// still ready to goroutines of their own, as it will every later schedule,
// so a connection closed during shutdown still says goodbye.
func (f *flusher) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			f.mu.Lock()
			f.stopped = true
			left := f.ready
			f.ready = nil
			f.mu.Unlock()
			for _, w := range left {
				go w.runBlocking()
			}
			return
		case <-f.wake:
		}
		f.mu.Lock()
		batch := f.ready
		f.ready = f.spare[:0]
		f.mu.Unlock()
		for i, w := range batch {
			w.flush()
			batch[i] = nil
		}
		f.mu.Lock()
		f.spare = batch
		f.mu.Unlock()
	}
}
