//go:build linux

package main

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"runtime"
	"time"

	"golang.org/x/sys/unix"

	"netstudy/app/rawsock"
)

// quietBetweenRounds lets the sockets and the scheduler settle, as a class
// reads one question before the next comes.
const quietBetweenRounds = 500 * time.Millisecond

// runClient is the client process: it dials the server's control
// connection, learns the test from it, dials the rest, and reads them all
// from one epoll loop on this thread.
func runClient(addr string) error {
	runtime.LockOSThread()
	ctl, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer ctl.Close()
	var cfg config
	if err := json.NewDecoder(ctl).Decode(&cfg); err != nil {
		return fmt.Errorf("read the test: %w", err)
	}
	to, err := net.ResolveTCPAddr("tcp", addr)
	if err != nil {
		return err
	}
	c, err := dialAll(to, cfg.N)
	if err != nil {
		return err
	}
	defer c.close()
	results := json.NewEncoder(ctl)
	for range cfg.Rounds {
		time.Sleep(quietBetweenRounds)
		var r round
		if cfg.Mode == "broadcast" {
			if _, err := ctl.Write([]byte{1}); err != nil {
				return err
			}
			r, err = c.readBroadcast(cfg.Size)
		} else {
			r, err = c.echoAll(cfg.Size)
		}
		if err != nil {
			return err
		}
		if err := results.Encode(r); err != nil {
			return err
		}
	}
	return nil
}

// sockets are the client's connections, by file descriptor, in one epoll
// set.
type sockets struct {
	epoll  int
	fds    []int
	events []unix.EpollEvent
	buf    []byte
	have   map[int][]byte // bytes of a message that arrived in parts
}

func dialAll(to *net.TCPAddr, n int) (*sockets, error) {
	ep, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	s := &sockets{epoll: ep, events: make([]unix.EpollEvent, 1024), buf: make([]byte, 64<<10), have: map[int][]byte{}}
	sa := &unix.SockaddrInet4{Port: to.Port}
	copy(sa.Addr[:], to.IP.To4())
	for i := range n {
		fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			s.close()
			return nil, fmt.Errorf("socket %d: %w", i+1, err)
		}
		s.fds = append(s.fds, fd)
		if err := unix.Connect(fd, sa); err != nil {
			s.close()
			return nil, fmt.Errorf("connect %d: %w", i+1, err)
		}
		_ = unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
		if err := unix.SetNonblock(fd, true); err != nil {
			s.close()
			return nil, err
		}
		if err := unix.EpollCtl(ep, unix.EPOLL_CTL_ADD, fd, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(fd)}); err != nil {
			s.close()
			return nil, err
		}
	}
	return s, nil
}

func (s *sockets) close() {
	for _, fd := range s.fds {
		unix.Close(fd)
	}
	unix.Close(s.epoll)
}

// poll waits up to timeoutMS for readable sockets and hands each whole
// message read to got, with the time it was read.
func (s *sockets) poll(timeoutMS, size int, got func(msg []byte, at time.Time)) (int, error) {
	k, err := unix.EpollWait(s.epoll, s.events, timeoutMS)
	if errors.Is(err, unix.EINTR) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	for _, e := range s.events[:k] {
		fd := int(e.Fd)
		n, err := rawsock.Read(fd, s.buf)
		if errors.Is(err, unix.EAGAIN) {
			continue
		}
		if err != nil || n == 0 {
			return 0, fmt.Errorf("the server closed a connection: %v", err)
		}
		at := time.Now()
		b := append(s.have[fd], s.buf[:n]...)
		for len(b) >= size {
			got(b[:size], at)
			b = b[size:]
		}
		if len(b) > 0 {
			s.have[fd] = append([]byte(nil), b...)
		} else {
			delete(s.have, fd)
		}
	}
	return k, nil
}

// stalled bounds the wait for a message that never comes.
const stalled = 10 * time.Second

// readBroadcast reads one message from every socket and times each from
// the stamp the server wrote in it.
func (s *sockets) readBroadcast(size int) (round, error) {
	lat := make([]int64, 0, len(s.fds))
	var last time.Duration
	quietSince := time.Now()
	for len(lat) < len(s.fds) {
		k, err := s.poll(100, size, func(msg []byte, at time.Time) {
			d := at.Sub(time.Unix(0, int64(binary.LittleEndian.Uint64(msg))))
			lat = append(lat, int64(d))
			last = max(last, d)
		})
		if err != nil {
			return round{}, err
		}
		if k > 0 {
			quietSince = time.Now()
		} else if time.Since(quietSince) > stalled {
			return round{}, fmt.Errorf("broadcast: %d of %d messages arrived", len(lat), len(s.fds))
		}
	}
	return summarize(lat, last), nil
}

// echoAll sends one stamped message on every socket, 64 at a time with
// the echoes read in between, as the load test's students answer, and
// times each round trip and the whole.
func (s *sockets) echoAll(size int) (round, error) {
	msg := make([]byte, size)
	lat := make([]int64, 0, len(s.fds))
	got := func(m []byte, at time.Time) {
		lat = append(lat, int64(at.Sub(time.Unix(0, int64(binary.LittleEndian.Uint64(m))))))
	}
	start := time.Now()
	next := 0
	quietSince := start
	for len(lat) < len(s.fds) {
		for end := min(next+64, len(s.fds)); next < end; next++ {
			binary.LittleEndian.PutUint64(msg, uint64(time.Now().UnixNano()))
			if _, err := rawsock.Write(s.fds[next], msg); err != nil {
				return round{}, fmt.Errorf("write: %w", err)
			}
		}
		timeout := 0
		if next == len(s.fds) {
			timeout = 100
		}
		k, err := s.poll(timeout, size, got)
		if err != nil {
			return round{}, err
		}
		if k > 0 || next < len(s.fds) {
			quietSince = time.Now()
		} else if time.Since(quietSince) > stalled {
			return round{}, fmt.Errorf("echo: %d of %d echoes arrived", len(lat), len(s.fds))
		}
	}
	return summarize(lat, time.Since(start)), nil
}
