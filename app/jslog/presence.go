package jslog

import (
	"fmt"

	"github.com/nats-io/nats.go"
)

// PresencePrefix begins the core NATS subject on which nodes tell each
// other who is connected to them in a session: netstudy.presence.<id>.
// Presence is not kept: a message lost is replaced by the next, so it
// does not go through JetStream.
const PresencePrefix = "netstudy.presence."

// PublishPresence sends this node's presence in a session to the nodes
// listening.
func (l *Log) PublishPresence(sessionID string, data []byte) error {
	if err := checkToken("session", sessionID); err != nil {
		return fmt.Errorf("publish presence: %w", err)
	}
	if err := l.nc.Publish(PresencePrefix+sessionID, data); err != nil {
		return fmt.Errorf("publish presence of %s: %w", sessionID, err)
	}
	return nil
}

// SubscribePresence calls fn with every node's presence in a session, on
// the connection's own goroutine (fn must not block), until stop is
// called. The subscription survives reconnections.
func (l *Log) SubscribePresence(sessionID string, fn func([]byte)) (stop func(), err error) {
	if err := checkToken("session", sessionID); err != nil {
		return nil, fmt.Errorf("subscribe to presence: %w", err)
	}
	sub, err := l.nc.Subscribe(PresencePrefix+sessionID, func(m *nats.Msg) { fn(m.Data) })
	if err != nil {
		return nil, fmt.Errorf("subscribe to presence of %s: %w", sessionID, err)
	}
	return func() { _ = sub.Unsubscribe() }, nil
}
