// Package jslog keeps live sessions in NATS JetStream, for cluster mode:
// the command log of every session in one replicated stream, and the facts
// all nodes share in a key-value bucket. It implements cmdlog.Log and
// cmdlog.Facts; cmdlog's documentation explains the design it serves (no
// owner per session: the stream leader orders each session's commands and
// every node applies them through an ordered consumer).
//
// # The stream
//
// One stream, NETSTUDY_CMDS, holds every session's commands, each on the
// subject netstudy.cmd.<session id>, in file storage, replicated on
// Replicas servers (3 by default). A command is one message: the payload
// as body, its kind and time in headers, and its ID as Nats-Msg-Id, which
// JetStream remembers for DuplicateWindow and drops a second copy of. An
// append returns once JetStream acknowledged every message, which for a
// replicated stream means a quorum of servers holds it. How soon those
// servers write it to disk is their sync_interval (see deploy/nats): an
// acknowledgement survives the death of any one server, not a power cut of
// all of them at once between two syncs.
//
// # The bucket
//
// NETSTUDY_FACTS is a key-value bucket replicated like the stream:
//
//	secret                 the secret cookies and tokens are signed with
//	instructor.signed_out  the instructor's last sign-out, Unix seconds
//	code.<code>            the session a join code belongs to
//	session.<id>           a session's setup (JSON)
//	live.<source>          the session playing a quiz live (base64url source)
//
// Claims (the secret, codes, live quizzes, sessions) use the bucket's
// Create, which only one writer can win; updates use compare-and-set on the
// key's revision.
//
// # Presence
//
// Who is connected to which node is not kept: each node publishes its own
// list for a session on the core NATS subject netstudy.presence.<id>, and
// the others merge it (see presence.go and app/live).
package jslog

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"netstudy/app/cmdlog"
)

// Names of what jslog keeps in JetStream.
const (
	StreamName    = "NETSTUDY_CMDS"
	SubjectPrefix = "netstudy.cmd."
	BucketName    = "NETSTUDY_FACTS"
)

// DuplicateWindow is how long JetStream remembers a command's ID: a client
// retrying within it stores nothing twice. Beyond it the state machine's
// own idempotence by command ID takes over.
const DuplicateWindow = 2 * time.Minute

// Config says how to reach NATS and how to keep sessions there.
type Config struct {
	URLs     string // comma-separated NATS URLs
	Name     string // this node's name, shown in the servers' connection lists
	Replicas int    // copies of the stream and the bucket; 0 means 3
	Logger   *slog.Logger
}

// Log is the JetStream command log and facts of a cluster's sessions.
type Log struct {
	nc     *nats.Conn
	js     jetstream.JetStream
	stream jetstream.Stream
	kv     jetstream.KeyValue
	log    *slog.Logger
	// down is when the connection was lost, Unix nanoseconds; 0 while
	// connected. Appends made after it has been down a while fail at once.
	down atomic.Int64
}

var (
	_ cmdlog.Log   = (*Log)(nil)
	_ cmdlog.Facts = (*Log)(nil)
)

// Open connects to NATS and makes the stream and the bucket if they do not
// exist yet. Every node of a deployment may start at the same moment: each
// looks them up first and makes them only when they are missing, takes
// "already exists" from a create as a sign to look them up again, and
// sends every request with its own short timeout, because JetStream leaves
// requests about a just-made replicated stream unanswered until its leader
// is elected. Open waits for NATS, saying so in the log every few seconds,
// until ctx ends. The connection then reconnects forever; while it is down,
// appends fail within seconds rather than queue, so that nothing is
// acknowledged that no server has.
func Open(ctx context.Context, cfg Config) (*Log, error) {
	if cfg.Replicas == 0 {
		cfg.Replicas = 3
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	l := &Log{log: cfg.Logger}
	logger := cfg.Logger
	nc, err := nats.Connect(cfg.URLs,
		nats.Name(cfg.Name),
		// A node may start before NATS does: it keeps trying rather
		// than exit, and Open says in the log what it waits for.
		nats.RetryOnFailedConnect(true),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250*time.Millisecond),
		// No buffer while disconnected: a command published into it
		// could reach the stream long after its append returned an error.
		nats.ReconnectBufSize(-1),
		nats.DisconnectErrHandler(func(c *nats.Conn, err error) {
			l.down.CompareAndSwap(0, time.Now().UnixNano())
			if !c.IsClosed() { // not our own Close
				logger.Warn("nats: disconnected", "err", err)
			}
		}),
		nats.ReconnectHandler(func(c *nats.Conn) {
			l.down.Store(0)
			logger.Info("nats: reconnected", "server", c.ConnectedUrlRedacted())
		}),
		nats.ConnectHandler(func(c *nats.Conn) {
			l.down.Store(0)
			logger.Info("nats: connected", "server", c.ConnectedUrlRedacted())
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("connect to nats %s: %w", RedactURLs(cfg.URLs), err)
	}
	l.nc = nc
	if !nc.IsConnected() {
		// Until the first connection, the handlers above have not run.
		l.down.Store(time.Now().UnixNano())
	}
	// Acks that never come are given up after publishTimeout, and the
	// append sends the command again (its ID makes that safe).
	l.js, err = jetstream.New(nc, jetstream.WithPublishAsyncTimeout(publishTimeout))
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("jetstream: %w", err)
	}
	w := &waiter{log: logger, urls: RedactURLs(cfg.URLs), nc: nc}
	l.stream, err = ensureStream(ctx, l.js, w, jetstream.StreamConfig{
		Name:        StreamName,
		Description: "netstudy: every live session's commands, in order",
		Subjects:    []string{SubjectPrefix + ">"},
		Storage:     jetstream.FileStorage,
		Replicas:    cfg.Replicas,
		Duplicates:  DuplicateWindow,
		Retention:   jetstream.LimitsPolicy,
		Discard:     jetstream.DiscardOld,
	})
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("stream %s: %w", StreamName, err)
	}
	l.kv, err = ensureBucket(ctx, l.js, w, jetstream.KeyValueConfig{
		Bucket:      BucketName,
		Description: "netstudy: facts every node shares",
		Storage:     jetstream.FileStorage,
		Replicas:    cfg.Replicas,
		History:     1,
	})
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("bucket %s: %w", BucketName, err)
	}
	return l, nil
}

// Close closes the connection to NATS.
func (l *Log) Close() { l.nc.Close() }

// Healthy reports whether JetStream answers through this node's
// connection; /healthz reports it.
func (l *Log) Healthy(ctx context.Context) error {
	if !l.nc.IsConnected() {
		return fmt.Errorf("nats: %s", l.nc.Status())
	}
	if _, err := l.js.AccountInfo(ctx); err != nil {
		return fmt.Errorf("jetstream: %w", err)
	}
	return nil
}

// token is what a session ID or join code may be: one subject token or key
// segment, so that no ID can reach another session's subject.
var token = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

func checkToken(what, s string) error {
	if !token.MatchString(s) {
		return fmt.Errorf("%s %q: only letters, digits, - and _ (1 to 64)", what, s)
	}
	return nil
}

// transient reports whether an operation that failed with err may succeed
// when tried again: no answer (a leader being elected, a server gone, the
// connection down) is transient; JetStream refusing is not, unless it says
// it is temporarily unavailable.
func transient(err error) bool {
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) {
		return apiErr.Code == 503
	}
	return true
}

// pause waits d or until ctx ends, saying which.
func pause(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
