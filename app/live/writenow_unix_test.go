//go:build unix

package live

import (
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
	frame := [][]byte{newOutMsg("question_opened", "", 1, map[string]string{"prompt": string(make([]byte, 250))}).frame}
	b.ResetTimer()
	for i := range b.N {
		if n, err := writeNow(raws[i%sockets], frame); err != nil || n != len(frame[0]) {
			b.Fatalf("wrote %d of %d: %v", n, len(frame[0]), err)
		}
	}
}
