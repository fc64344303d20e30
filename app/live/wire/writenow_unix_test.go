//go:build unix

package wire

import (
	"encoding/json"
	"io"
	"net"
	"syscall"
	"testing"
)

// BenchmarkWriteNow writes one 300-byte frame to each of 1,000 loopback
// sockets the way a flusher does: the kernel's price of one student's
// copy of a broadcast, below which no fan-out on this machine can go.
// The readers drain the sockets on their own goroutines.
func BenchmarkWriteNow(b *testing.B) {
	const sockets = 1000
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	raws := make([]syscall.RawConn, 0, sockets)
	for range sockets {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		go func() { _, _ = io.Copy(io.Discard, c) }()
		s, err := ln.Accept()
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		raw, err := s.(*net.TCPConn).SyscallConn()
		if err != nil {
			b.Fatal(err)
		}
		raws = append(raws, raw)
	}
	// A header and the shared message, as a writer sends each frame.
	payload, err := json.Marshal(map[string]any{"type": "question_opened", "seq": 1, "data": map[string]string{"prompt": string(make([]byte, 250))}})
	if err != nil {
		b.Fatal(err)
	}
	frame := [][]byte{appendHeader(nil, opText, len(payload)), payload}
	size := len(frame[0]) + len(frame[1])
	b.ResetTimer()
	for i := range b.N {
		if n, err := writeNow(raws[i%sockets], frame); err != nil || n != size {
			b.Fatalf("wrote %d of %d: %v", n, size, err)
		}
	}
}
