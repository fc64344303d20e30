package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/bits"
	"sync"
	"time"

	"netstudy/app/cmdlog"
)

// Log is the SQLite implementation of cmdlog.Log, over the commands table
// of a Store: the one-server runtime stores and reads its sessions' logs
// through it, as the cluster does through JetStream.
//
// A session's commands are numbered 1, 2, 3 in the order they were
// appended. Command IDs are not stored (the table has no column for them,
// and the file format stays as it was): on one server the only writer of a
// session is its actor in this process, which applies a command before it
// stores it and recognises a retry there (an answer by its command ID in
// the state machine, a join by its nickname) without storing anything, so
// there is nothing for the log to drop; and an Append is one transaction, so after an error
// nothing of it was stored and a retry cannot store anything twice.
type Log struct {
	st *Store

	mu sync.Mutex
	// watches has an entry for every session someone follows; Append
	// wakes its followers by closing the entry's channel.
	watches map[string]*watch
}

// watch is the followers of one session.
type watch struct {
	followers int
	changed   chan struct{} // closed, then replaced, when commands are appended
}

// NewLog returns the log of the sessions kept in st.
func NewLog(st *Store) *Log {
	return &Log{st: st, watches: map[string]*watch{}}
}

var _ cmdlog.Log = (*Log)(nil)

// Append numbers cmds after the session's last command and stores them in
// one transaction, which also checks the fence: either every command is
// durable when it returns their seqs, or none was stored.
func (l *Log) Append(ctx context.Context, sessionID string, cmds []cmdlog.Command, fence cmdlog.Fence) ([]uint64, error) {
	if len(cmds) == 0 {
		return nil, nil
	}
	tx, err := l.st.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("append to %s: begin: %w", sessionID, err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	// The transaction takes the write lock when it begins (_txlock=immediate),
	// so no other writer can append between this read and the inserts.
	var last uint64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM commands WHERE session_id = ?`, sessionID).Scan(&last); err != nil {
		return nil, fmt.Errorf("append to %s: read the last seq: %w", sessionID, err)
	}
	if fence.On && fence.LastSeq != last {
		return nil, fmt.Errorf("append to %s at #%d, the log is at #%d: %w", sessionID, fence.LastSeq, last, cmdlog.ErrFenced)
	}
	seqs := make([]uint64, len(cmds))
	for i := range seqs {
		seqs[i] = last + uint64(i) + 1
	}
	err = l.st.insert(ctx, tx, len(cmds), func(args []any, i int) []any {
		c := cmds[i]
		payload := c.Payload
		if payload == nil {
			payload = []byte{} // the column is NOT NULL
		}
		return append(args, sessionID, seqs[i], c.Kind, c.At.UnixMicro(), payload)
	})
	if err != nil {
		return nil, fmt.Errorf("append to %s #%d to #%d: %w", sessionID, seqs[0], seqs[len(seqs)-1], err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("append to %s: commit: %w", sessionID, err)
	}
	l.notify(sessionID)
	return seqs, nil
}

// insert adds n rows to the commands table in tx, row(args, i) appending
// the five values of row i. Many rows go in each INSERT: each statement
// costs a round through database/sql and the driver, which a class's burst
// of answers would otherwise pay once per answer. The rows go in the
// prepared INSERTs of powers of two: 1,000 commands are six statements.
func (s *Store) insert(ctx context.Context, tx *sql.Tx, n int, row func(args []any, i int) []any) error {
	for from := 0; from < n; {
		k := bits.Len(uint(min(n-from, 1<<(insertSizes-1)))) - 1
		args := make([]any, 0, 5<<k)
		for i := from; i < from+1<<k; i++ {
			args = row(args, i)
		}
		if _, err := tx.StmtContext(ctx, s.inserts[k]).ExecContext(ctx, args...); err != nil {
			return err
		}
		from += 1 << k
	}
	return nil
}

// Commands returns the session's log in order.
func (l *Log) Commands(ctx context.Context, sessionID string) ([]cmdlog.Command, error) {
	return l.after(ctx, sessionID, 0)
}

// after returns the session's commands above seq, in order.
func (l *Log) after(ctx context.Context, sessionID string, seq uint64) ([]cmdlog.Command, error) {
	rows, err := l.st.db.QueryContext(ctx, `SELECT seq, kind, at, payload FROM commands WHERE session_id = ? AND seq > ? ORDER BY seq`, sessionID, seq)
	if err != nil {
		return nil, fmt.Errorf("read log of %s: %w", sessionID, err)
	}
	defer rows.Close()
	var out []cmdlog.Command
	for rows.Next() {
		var c cmdlog.Command
		var at int64
		if err := rows.Scan(&c.Seq, &c.Kind, &at, &c.Payload); err != nil {
			return nil, fmt.Errorf("read log of %s: %w", sessionID, err)
		}
		c.At = time.UnixMicro(at)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read log of %s: %w", sessionID, err)
	}
	return out, nil
}

// Follow calls fn with each of the session's commands above afterSeq, in
// order: those stored first, then each batch as Append stores it. It waits
// on a notification from Append in this process, not by polling the
// database, and starts no goroutine. Commands stored by another process
// are seen only once this one appends to the session too.
func (l *Log) Follow(ctx context.Context, sessionID string, afterSeq uint64, fn func(cmdlog.Command) error) error {
	w := l.watch(sessionID)
	defer l.unwatch(sessionID, w)
	for {
		// Taken before reading, so an Append that commits after the read
		// has closed this very channel and is not missed.
		l.mu.Lock()
		changed := w.changed
		l.mu.Unlock()
		cmds, err := l.after(ctx, sessionID, afterSeq)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("follow %s: %w", sessionID, err)
		}
		for _, c := range cmds {
			if err := fn(c); err != nil {
				return err
			}
			afterSeq = c.Seq
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changed:
		}
	}
}

func (l *Log) watch(sessionID string) *watch {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.watches[sessionID]
	if w == nil {
		w = &watch{changed: make(chan struct{})}
		l.watches[sessionID] = w
	}
	w.followers++
	return w
}

func (l *Log) unwatch(sessionID string, w *watch) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if w.followers--; w.followers == 0 {
		delete(l.watches, sessionID)
	}
}

// notify wakes the session's followers, if it has any.
func (l *Log) notify(sessionID string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if w := l.watches[sessionID]; w != nil {
		close(w.changed)
		w.changed = make(chan struct{})
	}
}
