//go:build unix

package wire

import (
	"errors"
	"os"
	"syscall"

	"golang.org/x/sys/unix"

	"netstudy/app/rawsock"
)

// canWriteNow: sockets here can be written without blocking (writeNow).
const canWriteNow = true

// writeNow writes what of frames the socket takes without waiting, in one
// system call, and returns how many bytes that was; a full socket is not
// an error. It goes through the runtime's RawConn, so it never races a
// close of the descriptor.
func writeNow(raw syscall.RawConn, frames [][]byte) (int, error) {
	var n int
	var werr error
	err := raw.Write(func(fd uintptr) bool {
		for {
			var m int
			var err error
			if len(frames) == 1 {
				m, err = rawsock.Write(int(fd), frames[0])
			} else {
				m, err = rawsock.Writev(int(fd), frames)
			}
			if m > 0 {
				n += m
			}
			if err == unix.EINTR {
				continue
			}
			if err != nil && err != unix.EAGAIN {
				werr = err
			}
			return true // written, full (EAGAIN) or failed: never wait here
		}
	})
	if werr == nil && err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
		werr = err
	}
	return n, werr
}
