package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe to read while the flusher writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Request lines are batched, but a warning goes out at once, with every
// line before it in order, and nothing is left behind when the server
// stops.
func TestLogLinesBatchedWarningsAtOnce(t *testing.T) {
	var out syncBuffer
	w := newBatchedWriter(&out)
	log := newLogger("text", slog.LevelInfo, w)

	log.Info("request", "path", "/a")
	log.Info("request", "path", "/b")
	if got := out.String(); got != "" {
		t.Fatalf("info lines written before a flush: %q", got)
	}
	log.With("session", "s0").Warn("store is slow") // through WithAttrs too
	got := out.String()
	a, b, warn := strings.Index(got, "path=/a"), strings.Index(got, "path=/b"), strings.Index(got, "store is slow")
	if a < 0 || b < a || warn < b {
		t.Fatalf("a warning did not write the lines before it, in order: %q", got)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.flushEvery(ctx, time.Hour) // only the stop flushes here
	}()
	log.With("session", "s1").Info("last words")
	cancel()
	<-done
	if !strings.Contains(out.String(), "last words") {
		t.Fatalf("the line logged before stopping was lost: %q", out.String())
	}
}
