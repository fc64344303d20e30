package web

import (
	"context"
	"net"
	"net/http"
	"sync"
)

// A cached page leaves net/http in two writes: its 4 KiB connection
// buffer fills with the headers and the first part of the body and is
// written, then the rest is written when the response ends. On a loopback
// or LAN socket each write costs a system call and a TCP segment, and
// here that second write was a fifth of the request's CPU. net/http has
// no option for that buffer's size, so the server wraps each connection:
// while a cached page is written, the connection holds what net/http
// writes and sends it in one write once the page is complete.

// WrapListener wraps ln so that a cached page goes out in one write. The
// http.Server serving it must have ConnContext set too. A connection that
// is not TCP is passed through as it is.
func WrapListener(ln net.Listener) net.Listener {
	return &pageListener{Listener: ln, buffers: sync.Pool{New: func() any {
		b := make([]byte, 0, 32<<10) // a page is a few KiB to a few tens of KiB
		return &b
	}}}
}

type pageListener struct {
	net.Listener
	buffers sync.Pool // of *[]byte, the held writes, shared by the connections
}

func (l *pageListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		return &pageConn{TCPConn: tc, buffers: &l.buffers}, nil
	}
	return c, err
}

type pageConnKey struct{}

// ConnContext is the http.Server's ConnContext: it lets a request's
// handler find its connection.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	if pc, ok := c.(*pageConn); ok {
		return context.WithValue(ctx, pageConnKey{}, pc)
	}
	return ctx
}

// pageConn is an accepted TCP connection that can hold writes. It embeds
// *net.TCPConn, not net.Conn, so that everything else a *net.TCPConn
// offers (SyscallConn for the live hub's pollers, ReadFrom, CloseWrite)
// stays reachable through it after a WebSocket upgrade hijacks it.
//
// Only the goroutine serving the connection's current request writes to
// it, so holding needs no lock.
type pageConn struct {
	*net.TCPConn
	buffers *sync.Pool
	held    *[]byte // non-nil while holding
}

func (c *pageConn) Write(p []byte) (int, error) {
	if c.held != nil {
		*c.held = append(*c.held, p...)
		return len(p), nil
	}
	return c.TCPConn.Write(p)
}

// hold starts holding writes.
func (c *pageConn) hold() {
	c.held = c.buffers.Get().(*[]byte)
	*c.held = (*c.held)[:0]
}

// release stops holding and writes what was held, in one write. If that
// fails, the client has at most part of a page: the connection is closed,
// so that net/http, whose writes all looked successful, reads no further
// request from it.
func (c *pageConn) release() {
	b := c.held
	c.held = nil
	if _, err := c.TCPConn.Write(*b); err != nil {
		c.TCPConn.Close()
	}
	if cap(*b) <= maxPooledHold {
		c.buffers.Put(b)
	}
}

// maxPooledHold keeps a rare huge page's buffer out of the pool.
const maxPooledHold = 256 << 10

// pageConnOf returns the connection r came on, if it can hold writes.
func pageConnOf(r *http.Request) *pageConn {
	pc, _ := r.Context().Value(pageConnKey{}).(*pageConn)
	return pc
}
