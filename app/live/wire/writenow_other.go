//go:build !unix

package wire

import "syscall"

// canWriteNow: on this system every write waits for the socket, on the
// connection's own goroutine.
const canWriteNow = false

func writeNow(syscall.RawConn, [][]byte) (int, error) { return 0, nil }
