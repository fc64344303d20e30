//go:build !unix

package main

import "net"

// writeOnce writes msg to c and reports whether it all went.
func writeOnce(c net.Conn, msg []byte) bool {
	_, err := c.Write(msg)
	return err == nil
}
