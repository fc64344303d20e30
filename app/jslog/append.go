package jslog

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"netstudy/app/cmdlog"
)

// Headers of a command's message besides Nats-Msg-Id.
const (
	headerKind = "Netstudy-Kind"
	headerAt   = "Netstudy-At" // Unix microseconds, as SQLite keeps them
)

// publishTimeout bounds the wait for one acknowledgement before the
// command is sent again: a Raft election takes seconds, not minutes.
const publishTimeout = 2 * time.Second

// retryPause is the pause before sending again what was not acknowledged.
const retryPause = 100 * time.Millisecond

// giveUpDisconnected is how long an append waits for a lost connection to
// come back (the client library reconnects to another server within a
// second when one dies) before it fails: with NATS out of reach, a client
// hears so in seconds rather than at the end of its context.
const giveUpDisconnected = 3 * time.Second

// ErrNoConnection is returned by an append made while this node cannot
// reach any NATS server.
var ErrNoConnection = errors.New("no connection to NATS")

// unreachable says ErrNoConnection once the connection has been down for
// giveUpDisconnected. The time counts from the loss of the connection, not
// from each append: while NATS stays away, the first append waits those
// seconds and every later one fails at once, instead of each spending
// them in turn behind the one before.
func (l *Log) unreachable() error {
	if l.nc.IsConnected() {
		return nil
	}
	since := l.down.Load()
	if since == 0 || time.Since(time.Unix(0, since)) < giveUpDisconnected {
		return nil
	}
	return fmt.Errorf("%w (%s)", ErrNoConnection, l.nc.Status())
}

// Append stores cmds in the session's log and returns their sequences once
// JetStream acknowledged them all. Unfenced, the commands are published at
// once and their acknowledgements awaited together; whatever was not
// acknowledged (a leader election, a server killed) is sent again until ctx
// ends, and the message IDs make a copy that did arrive count once. Their
// order in the log is then the order JetStream stored them in, which is
// the order given unless a retry interleaves: without an owner, the stream
// decides. With a fence, each command is published after the previous one
// is acknowledged, expecting the session's last sequence to be the one
// before: a writer that missed another's append gets cmdlog.ErrFenced.
func (l *Log) Append(ctx context.Context, sessionID string, cmds []cmdlog.Command, fence cmdlog.Fence) ([]uint64, error) {
	if err := checkToken("session", sessionID); err != nil {
		return nil, fmt.Errorf("append: %w", err)
	}
	for _, c := range cmds {
		if c.ID == "" {
			return nil, fmt.Errorf("append to %s: a %s command without an ID", sessionID, c.Kind)
		}
	}
	if fence.On {
		return l.appendFenced(ctx, sessionID, cmds, fence.LastSeq)
	}
	seqs := make([]uint64, len(cmds))
	todo := make([]int, len(cmds))
	for i := range todo {
		todo[i] = i
	}
	var lastErr error
	for {
		if err := l.unreachable(); err != nil {
			return nil, fmt.Errorf("append to %s: %w", sessionID, err)
		}
		futures := make([]jetstream.PubAckFuture, len(todo))
		for k, i := range todo {
			f, err := l.js.PublishMsgAsync(message(sessionID, cmds[i]), jetstream.WithMsgID(msgID(sessionID, cmds[i])))
			if err != nil {
				lastErr = err
				break // the connection is down: the rest would fail too
			}
			futures[k] = f
		}
		var again []int
		for k, i := range todo {
			f := futures[k]
			if f == nil {
				again = append(again, i)
				continue
			}
			select {
			case ack := <-f.Ok():
				seqs[i] = ack.Sequence
			case err := <-f.Err():
				if !transient(err) {
					return nil, fmt.Errorf("append %s to %s: %w", cmds[i].Kind, sessionID, err)
				}
				lastErr = err
				again = append(again, i)
			case <-ctx.Done():
				return nil, gaveUp(ctx, sessionID, lastErr)
			}
		}
		if len(again) == 0 {
			return seqs, nil
		}
		l.log.Debug("append: sending again", "session", sessionID, "commands", len(again), "err", lastErr)
		todo = again
		if !pause(ctx, retryPause) {
			return nil, gaveUp(ctx, sessionID, lastErr)
		}
	}
}

func (l *Log) appendFenced(ctx context.Context, sessionID string, cmds []cmdlog.Command, last uint64) ([]uint64, error) {
	seqs := make([]uint64, 0, len(cmds))
	for _, c := range cmds {
		seq, err := l.publishFenced(ctx, sessionID, c, last)
		if err != nil {
			return nil, err
		}
		seqs = append(seqs, seq)
		last = seq
	}
	return seqs, nil
}

// publishFenced stores one command if the session's last is still last.
func (l *Log) publishFenced(ctx context.Context, sessionID string, c cmdlog.Command, last uint64) (uint64, error) {
	id := msgID(sessionID, c)
	var lastErr error
	for {
		if err := l.unreachable(); err != nil {
			return 0, fmt.Errorf("append %s to %s: %w", c.Kind, sessionID, err)
		}
		pctx, cancel := context.WithTimeout(ctx, publishTimeout)
		ack, err := l.js.PublishMsg(pctx, message(sessionID, c),
			jetstream.WithMsgID(id), jetstream.WithExpectLastSequencePerSubject(last))
		cancel()
		switch {
		case err == nil:
			return ack.Sequence, nil
		case wrongLastSequence(err):
			// JetStream checks the message ID before the expected
			// sequence, so a retry within the duplicate window gets its
			// first acknowledgement. Past the window, our own earlier
			// try may still be what moved the log on: then it is stored.
			if seq, ok := l.lastIs(ctx, sessionID, id); ok {
				return seq, nil
			}
			return 0, fmt.Errorf("append %s to %s after #%d: %w", c.Kind, sessionID, last, cmdlog.ErrFenced)
		case !transient(err):
			return 0, fmt.Errorf("append %s to %s: %w", c.Kind, sessionID, err)
		}
		lastErr = err
		if !pause(ctx, retryPause) {
			return 0, gaveUp(ctx, sessionID, lastErr)
		}
	}
}

// lastIs reports whether the session's last stored message has ID id.
func (l *Log) lastIs(ctx context.Context, sessionID, id string) (uint64, bool) {
	m, err := l.stream.GetLastMsgForSubject(ctx, SubjectPrefix+sessionID)
	if err != nil || m.Header.Get(jetstream.MsgIDHeader) != id {
		return 0, false
	}
	return m.Sequence, true
}

func wrongLastSequence(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
		apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant)
}

// gaveUp is the error of an append whose context ended: the context's
// error, and what kept the append from succeeding before it.
func gaveUp(ctx context.Context, sessionID string, lastErr error) error {
	if lastErr == nil {
		return fmt.Errorf("append to %s: %w", sessionID, ctx.Err())
	}
	return fmt.Errorf("append to %s: %w (last error: %w)", sessionID, ctx.Err(), lastErr)
}

// msgID is the command's deduplication ID, unique across sessions.
func msgID(sessionID string, c cmdlog.Command) string { return sessionID + "/" + c.ID }

func message(sessionID string, c cmdlog.Command) *nats.Msg {
	m := nats.NewMsg(SubjectPrefix + sessionID)
	m.Header.Set(headerKind, c.Kind)
	m.Header.Set(headerAt, strconv.FormatInt(c.At.UnixMicro(), 10))
	m.Data = c.Payload
	return m
}

// command decodes a stored message.
func command(sessionID string, m jetstream.Msg) (cmdlog.Command, error) {
	meta, err := m.Metadata()
	if err != nil {
		return cmdlog.Command{}, fmt.Errorf("log of %s: %w", sessionID, err)
	}
	h := m.Headers()
	at, err := strconv.ParseInt(h.Get(headerAt), 10, 64)
	if err != nil {
		return cmdlog.Command{}, fmt.Errorf("log of %s #%d: bad time: %w", sessionID, meta.Sequence.Stream, err)
	}
	id := h.Get(jetstream.MsgIDHeader)
	if len(id) > len(sessionID) && id[len(sessionID)] == '/' {
		id = id[len(sessionID)+1:]
	}
	return cmdlog.Command{
		ID:      id,
		Seq:     meta.Sequence.Stream,
		Kind:    h.Get(headerKind),
		At:      time.UnixMicro(at),
		Payload: m.Data(),
	}, nil
}
