//go:build !linux

package wire

import (
	"context"
	"errors"
)

// readPoller is Linux's (readpoll_linux.go); elsewhere every connection
// is read by a goroutine of its own.
type readPoller struct{}

func newReadPollers(int) ([]*readPoller, error) {
	return nil, errors.New("no epoll on this system")
}

func (*readPoller) add(*wsConn) error    { return errors.New("no epoll on this system") }
func (*readPoller) stopWatching(*wsConn) {}
func (*readPoller) forget(*wsConn)       {}
func (*readPoller) run(context.Context)  {}
