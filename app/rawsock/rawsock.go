//go:build unix

// Package rawsock reads and writes non-blocking sockets with raw system
// calls, for the loops that serve many sockets from one goroutine: the
// live hub's pollers and flushers, the load generator and the floor.
//
// A raw call does not tell the Go scheduler that its thread is in a
// system call. Told, the scheduler's monitor thread (sysmon) takes the
// processor away from a call that lasts more than 20 µs, as a loopback
// write on a busy virtual machine often does, hands it to another thread,
// and goes on waking every 20 µs to look for more. Under a class of
// 10,000 answering at once, sysmon alone was 8% of the server's CPU; with
// raw calls the server made a third fewer context switches and spent
// about a tenth less CPU. A raw call only holds its processor for the
// microseconds the kernel takes, which the caller would have spent
// waiting anyway.
//
// Never use these on a socket that can block: a blocking raw call holds
// its processor, and keeps the garbage collector waiting, until it
// returns.
package rawsock

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// Read reads what the socket fd has, up to len(p) bytes. An empty socket
// is unix.EAGAIN.
func Read(fd int, p []byte) (int, error) {
	return call(unix.SYS_READ, fd, unsafe.Pointer(unsafe.SliceData(p)), len(p))
}

// Write writes what of p the socket fd takes now. A full socket is
// unix.EAGAIN.
func Write(fd int, p []byte) (int, error) {
	return call(unix.SYS_WRITE, fd, unsafe.Pointer(unsafe.SliceData(p)), len(p))
}

// Writev writes what of bufs, in order, the socket fd takes now, in one
// system call. The kernel takes at most 1024 buffers a call.
func Writev(fd int, bufs [][]byte) (int, error) {
	iovecs := make([]unix.Iovec, 0, 16)
	for _, b := range bufs {
		if len(b) == 0 {
			continue
		}
		v := unix.Iovec{Base: unsafe.SliceData(b)}
		v.SetLen(len(b))
		iovecs = append(iovecs, v)
	}
	return call(unix.SYS_WRITEV, fd, unsafe.Pointer(unsafe.SliceData(iovecs)), len(iovecs))
}

func call(trap uintptr, fd int, p unsafe.Pointer, n int) (int, error) {
	r, _, errno := unix.RawSyscall(trap, uintptr(fd), uintptr(p), uintptr(n))
	if errno != 0 {
		return 0, errno
	}
	return int(r), nil
}
