//go:build !linux

package loadtest

import "sync"

// poller reads each joined student's socket on a goroutine of its own:
// the portable way, dearer than Linux's epoll (see poll_linux.go).
type poller struct {
	wg sync.WaitGroup
}

func newPoller() (*poller, error) { return &poller{}, nil }

func (p *poller) add(s *student) error {
	s.playFrames(s.partial) // frames that came in the same read as the snapshot
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		buf := make([]byte, 16<<10)
		for {
			n, err := s.conn.Read(buf)
			if n > 0 && !s.onData(buf[:n]) {
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return nil
}

// close waits for the readers, which end as the students' sockets close.
func (p *poller) close() { p.wg.Wait() }
