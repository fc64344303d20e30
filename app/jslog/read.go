package jslog

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"netstudy/app/cmdlog"
)

// A follower's pull requests last followExpiry, with a heartbeat every
// followHeartbeat while nothing is delivered.
const (
	followExpiry    = 5 * time.Second
	followHeartbeat = time.Second
	followInactive  = 30 * time.Second
)

// errCaughtUp ends the reading of a log once its last command is read.
var errCaughtUp = errors.New("caught up")

// Commands returns the session's log in order. It asks the stream leader
// for the session's last sequence first, so every command acknowledged
// before the call is in the answer.
func (l *Log) Commands(ctx context.Context, sessionID string) ([]cmdlog.Command, error) {
	if err := checkToken("session", sessionID); err != nil {
		return nil, fmt.Errorf("read log: %w", err)
	}
	var last *jetstream.RawStreamMsg
	for {
		var err error
		last, err = l.stream.GetLastMsgForSubject(ctx, SubjectPrefix+sessionID)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			return nil, nil
		}
		if err == nil {
			break
		}
		// No answer while a leader is elected: ask again.
		if !transient(err) || !pause(ctx, retryPause) {
			return nil, fmt.Errorf("read log of %s: last: %w", sessionID, err)
		}
	}
	var out []cmdlog.Command
	err := l.Follow(ctx, sessionID, 0, func(c cmdlog.Command) error {
		out = append(out, c)
		if c.Seq >= last.Sequence {
			return errCaughtUp
		}
		return nil
	})
	if !errors.Is(err, errCaughtUp) {
		return nil, err
	}
	return out, nil
}

// Follow delivers the session's commands after afterSeq to fn, in order,
// as JetStream stores them, through an ordered consumer: one the server
// forgets when idle, which the client makes again from the last delivered
// sequence whenever it sees a gap or loses its server, so that nothing is
// skipped or delivered twice. It returns when ctx ends or fn fails.
func (l *Log) Follow(ctx context.Context, sessionID string, afterSeq uint64, fn func(cmdlog.Command) error) error {
	if err := checkToken("session", sessionID); err != nil {
		return fmt.Errorf("follow: %w", err)
	}
	cfg := jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{SubjectPrefix + sessionID},
		// Stopping does not delete an ordered consumer; the server does
		// once it has no pull for this long. Its pulls are renewed every
		// followExpiry while it follows, so only stopped ones go, and
		// sooner than the default five minutes: every Commands makes one.
		InactiveThreshold: followInactive,
	}
	if afterSeq > 0 {
		cfg.DeliverPolicy = jetstream.DeliverByStartSequencePolicy
		cfg.OptStartSeq = afterSeq + 1
	}
	cons, err := l.js.OrderedConsumer(ctx, StreamName, cfg)
	if err != nil {
		return fmt.Errorf("follow %s: %w", sessionID, err)
	}
	// Heartbeats every second: a pull request lost on its way (a consumer
	// just made, a server gone) shows as two missed heartbeats, and the
	// consumer is made again. The default of five seconds stalled a
	// follower for ten.
	msgs, err := cons.Messages(jetstream.PullExpiry(followExpiry), jetstream.PullHeartbeat(followHeartbeat))
	if err != nil {
		return fmt.Errorf("follow %s: %w", sessionID, err)
	}
	defer msgs.Stop()
	// Next takes a context, but once the ordered consumer has lost its
	// consumer (the stream's leader died) it makes a new one in a loop
	// that only Stop ends, retrying for ever while the creation fails:
	// without this, a follower asked to stop or start over stayed stuck
	// in Next, and delivered nothing, without an error. Stop waits for
	// the loop's next attempt; Follow returns after it.
	stopped := make(chan struct{})
	stopOnEnd := context.AfterFunc(ctx, func() {
		defer close(stopped)
		msgs.Stop()
	})
	defer func() {
		if !stopOnEnd() {
			<-stopped
		}
	}()
	for {
		m, err := msgs.Next(jetstream.NextContext(ctx))
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("follow %s: %w", sessionID, err)
		}
		c, err := command(sessionID, m)
		if err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
	}
}
