package main

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// logFlushEvery is the longest an informational log line waits to be
// written.
const logFlushEvery = 100 * time.Millisecond

// batchedWriter gathers log lines into fewer writes. Under load the server
// logs a line per request, and a write per line is a system call per
// request: on a small machine, a sixth of the cost of serving a page.
// Lines wait at most logFlushEvery; a warning or an error is written at
// once (see flushOnWarn), and everything left when the server stops.
type batchedWriter struct {
	mu  sync.Mutex
	w   io.Writer
	buf []byte
}

// maxBatchedLog is how much may wait before a write, whatever the time.
const maxBatchedLog = 32 << 10

func newBatchedWriter(w io.Writer) *batchedWriter { return &batchedWriter{w: w} }

func (b *batchedWriter) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if len(b.buf) >= maxBatchedLog {
		return len(p), b.flushLocked()
	}
	return len(p), nil
}

// Flush writes whatever is waiting.
func (b *batchedWriter) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.flushLocked()
}

func (b *batchedWriter) flushLocked() error {
	if len(b.buf) == 0 {
		return nil
	}
	_, err := b.w.Write(b.buf)
	b.buf = b.buf[:0]
	return err
}

// flushEvery flushes on a timer until ctx ends.
func (b *batchedWriter) flushEvery(ctx context.Context, d time.Duration) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			_ = b.Flush()
			return
		case <-t.C:
			_ = b.Flush()
		}
	}
}

// flushOnWarn writes a warning or an error, and what came before it, as
// soon as it is logged: those are the lines someone may be waiting for.
type flushOnWarn struct {
	slog.Handler
	out *batchedWriter
}

func (h flushOnWarn) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= slog.LevelWarn {
		_ = h.out.Flush()
	}
	return err
}

func (h flushOnWarn) WithAttrs(attrs []slog.Attr) slog.Handler {
	return flushOnWarn{h.Handler.WithAttrs(attrs), h.out}
}

func (h flushOnWarn) WithGroup(name string) slog.Handler {
	return flushOnWarn{h.Handler.WithGroup(name), h.out}
}
