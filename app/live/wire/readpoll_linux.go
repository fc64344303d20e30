package wire

import (
	"context"
	"sync"

	"golang.org/x/sys/unix"

	"netstudy/app/rawsock"
)

// readPoller reads many WebSocket connections from one goroutine, with
// epoll: an idle student then costs the server no goroutine and no stack,
// and a message costs one read, where a goroutine per connection pays a
// wake-up and a second, empty read. The hub runs one per two processors
// (see readPollerCount).
type readPoller struct {
	epfd int

	mu    sync.Mutex
	conns map[int32]*wsConn
	next  int32
}

func newReadPollers(n int) ([]*readPoller, error) {
	ps := make([]*readPoller, n)
	for i := range ps {
		epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
		if err != nil {
			for _, p := range ps[:i] {
				unix.Close(p.epfd)
			}
			return nil, err
		}
		ps[i] = &readPoller{epfd: epfd, conns: map[int32]*wsConn{}}
	}
	return ps, nil
}

// add starts watching a connection's socket.
func (p *readPoller) add(r *wsConn) error {
	p.mu.Lock()
	p.next++
	r.slot = p.next
	p.conns[r.slot] = r
	p.mu.Unlock()
	var err error
	cerr := r.raw.Control(func(fd uintptr) {
		// Level-triggered: what one read leaves, the next wait finds.
		ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLRDHUP, Fd: r.slot}
		err = unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, int(fd), &ev)
	})
	if err == nil {
		err = cerr
	}
	if err != nil {
		p.forget(r)
	}
	return err
}

// stopWatching stops reading a connection whose socket is still open.
func (p *readPoller) stopWatching(r *wsConn) {
	_ = r.raw.Control(func(fd uintptr) {
		_ = unix.EpollCtl(p.epfd, unix.EPOLL_CTL_DEL, int(fd), nil)
	})
	p.forget(r)
}

// forget drops a connection; a closed socket has left epoll by itself.
func (p *readPoller) forget(r *wsConn) {
	p.mu.Lock()
	delete(p.conns, r.slot)
	p.mu.Unlock()
}

// run reads until ctx ends. The connections themselves are closed by the
// hub as it stops.
func (p *readPoller) run(ctx context.Context) {
	defer unix.Close(p.epfd)
	events := make([]unix.EpollEvent, 256)
	buf := make([]byte, 64<<10)
	for ctx.Err() == nil {
		n, err := unix.EpollWait(p.epfd, events, 100)
		if err != nil && err != unix.EINTR {
			return
		}
		for _, ev := range events[:max(n, 0)] {
			p.mu.Lock()
			r := p.conns[ev.Fd]
			p.mu.Unlock()
			if r == nil {
				continue
			}
			var m int
			var rerr error
			// Through the runtime's RawConn, so that a socket closed (and
			// its number reused) meanwhile is never read by mistake.
			if err := r.raw.Read(func(fd uintptr) bool {
				m, rerr = rawsock.Read(int(fd), buf)
				return true
			}); err != nil {
				p.forget(r) // closed: the writer has ended it
				continue
			}
			reason := ""
			switch {
			case m > 0:
				reason = r.onData(buf[:m])
			case rerr == unix.EAGAIN || rerr == unix.EINTR:
			default: // the other end has gone, or the socket failed
				reason = "read error"
			}
			if reason != "" {
				p.stopWatching(r)
				r.c.Close(reason) // the writer says goodbye, then ends it
			}
		}
	}
}
