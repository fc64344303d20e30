//go:build unix

package main

import (
	"net"
	"syscall"

	"netstudy/app/rawsock"
)

// writeOnce writes msg to c in one raw system call, as netstudy's
// flushers do (see package rawsock), and reports whether it all went.
func writeOnce(c net.Conn, msg []byte) bool {
	sc, ok := c.(syscall.Conn)
	if !ok {
		_, err := c.Write(msg)
		return err == nil
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	n := 0
	err = raw.Write(func(fd uintptr) bool {
		n, _ = rawsock.Write(int(fd), msg)
		return true // never wait: a socket this full is a missing delivery
	})
	return err == nil && n == len(msg)
}
