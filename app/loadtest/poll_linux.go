package loadtest

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"netstudy/app/rawsock"
)

// poller reads the sockets of joined students from one goroutine, with
// epoll: one system call finds every socket with something to read, and
// one read per socket takes it. A goroutine per student, as Go's net
// package would have it, costs a wake-up and a second, empty read for
// every message, which on a machine shared with the server would be
// measured as the server's slowness.
type poller struct {
	epfd int
	stop chan struct{}
	done chan struct{}

	mu   sync.Mutex
	byFD map[int32]*student
}

func newPoller() (*poller, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("epoll: %w", err)
	}
	p := &poller{epfd: epfd, stop: make(chan struct{}), done: make(chan struct{}), byFD: map[int32]*student{}}
	go p.run()
	return p, nil
}

// add hands a joined student's socket to the poller. Go's runtime lets go
// of it (its descriptor is duplicated and the net.Conn closed), so that
// no other poller wakes for the same bytes.
func (p *poller) add(s *student) error {
	sc, ok := s.conn.(syscall.Conn)
	if !ok {
		return errors.New("not a socket")
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return err
	}
	fd := -1
	var derr error
	if err := raw.Control(func(f uintptr) { fd, derr = unix.Dup(int(f)) }); err != nil {
		return err
	}
	if derr != nil {
		return fmt.Errorf("dup: %w", derr)
	}
	s.mu.Lock()
	_ = s.conn.Close()
	s.conn = nil
	w := fdWriter(fd)
	s.out, s.closer = w, w
	s.mu.Unlock()
	// Frames that came in the same read as the snapshot.
	s.playFrames(s.partial)
	p.mu.Lock()
	p.byFD[int32(fd)] = s
	p.mu.Unlock()
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLRDHUP, Fd: int32(fd)}
	if err := unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		return fmt.Errorf("epoll add: %w", err)
	}
	return nil
}

func (p *poller) run() {
	defer close(p.done)
	// A thread of its own, as a C event loop has: it runs nothing but
	// this loop (measured a little faster than without, within noise).
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	events := make([]unix.EpollEvent, 512)
	buf := make([]byte, 64<<10)
	for {
		select {
		case <-p.stop:
			return
		default:
		}
		n, err := unix.EpollWait(p.epfd, events, 50)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return
		}
		for _, ev := range events[:n] {
			p.mu.Lock()
			s := p.byFD[ev.Fd]
			p.mu.Unlock()
			if s == nil {
				continue
			}
			// Level-triggered: what one read leaves, the next wait finds.
			m, err := rawsock.Read(int(ev.Fd), buf)
			switch {
			case m > 0:
				if !s.onData(buf[:m]) {
					p.forget(ev.Fd)
				}
			case err == unix.EAGAIN || err == unix.EINTR:
			default: // closed, or failed
				p.forget(ev.Fd)
			}
		}
	}
}

func (p *poller) forget(fd int32) {
	_ = unix.EpollCtl(p.epfd, unix.EPOLL_CTL_DEL, int(fd), nil)
	p.mu.Lock()
	delete(p.byFD, fd)
	p.mu.Unlock()
}

// close stops the poller; the students' sockets are the students' to close.
func (p *poller) close() {
	close(p.stop)
	<-p.done
	unix.Close(p.epfd)
}

// fdWriter writes to a non-blocking socket, waiting while it is full.
type fdWriter int

func (w fdWriter) Write(b []byte) (int, error) {
	n := 0
	deadline := time.Now().Add(30 * time.Second)
	for n < len(b) {
		m, err := rawsock.Write(int(w), b[n:])
		if m > 0 {
			n += m
		}
		switch {
		case err == nil || err == unix.EINTR:
		case err == unix.EAGAIN:
			if time.Now().After(deadline) {
				return n, errors.New("write: socket full for 30 s")
			}
			fds := []unix.PollFd{{Fd: int32(w), Events: unix.POLLOUT}}
			_, _ = unix.Poll(fds, 100)
		default:
			return n, err
		}
	}
	return n, nil
}

func (w fdWriter) Close() error { return unix.Close(int(w)) }
