// Package cmdlog is the seam between the live session runtime and where
// sessions are kept: the ordered log of every session's commands (Log) and
// the few facts every node of a class must agree on (Facts). Log has two
// implementations: SQLite (app/store.Log), which one process uses, and
// NATS JetStream (app/jslog), which a cluster uses for Log and Facts.
// app/cmdlog/cmdlogtest runs the same cases against both.
//
// # The design: no owner, the stream orders
//
// In cluster mode no node owns a session. A node that receives a command
// from one of its clients checks what only it can check (the client's role
// and credentials), then appends the command to the session's log. The
// JetStream stream leader gives it its place; that order is the session's
// history. Every node with clients in the session follows the log (Follow)
// and applies each command, in that order, to its own copy of the
// deterministic state machine of app/session. Every copy therefore reaches
// the same state and numbers the same events the same way, so a client may
// resume with its last event seq on any node, and no numbered event crosses
// the network: each node encodes an event once and writes it to its own
// clients. A node acknowledges its client's command once its own copy has
// applied it, which is after JetStream acknowledged the append, so an
// acknowledgement implies a quorum of NATS servers stored it.
//
// Commands the state machine refuses (an answer after the deadline, a
// second "next question") are in the log too; every node refuses them the
// same way, so they change nothing. Retried commands carry the client's
// command ID: JetStream drops the copy within its duplicate window
// (Nats-Msg-Id), and the state machine is idempotent by command ID beyond
// it. Timers are commands with an ID derived from what they end (a tick
// names the deadline it passes), so when several nodes fire the same
// deadline, JetStream keeps one.
//
// Why not one owner per session, holding a lease and fencing its appends
// with the expected last sequence? It is what one process does today and
// would keep the runtime as it is, but every command from a client on
// another node would take a hop to the owner, and the owner's death would
// stall its whole session until the lease expires and another node has
// rebuilt it: a kill -9 of any node would freeze the classes it owned for
// the lease's length. Without an owner, the death of a node costs only its
// own clients a reconnect, and the death of the stream leader costs
// everyone one Raft election, which the owner design pays as well. The
// price is that a command's acknowledgement waits for the node's follower
// to deliver it back (one more local hop after the quorum), and that each
// node applies every command of the sessions it serves, which is cheap: the
// state machine does no I/O. Fencing (Append with a Fence) remains for the
// writers that do need a single writer, such as a migration copying a log.
//
// # One server: the same Log, applied before it is stored
//
// The one-server runtime stores and reads its sessions through Log too,
// over SQLite, but it keeps applying a command when it arrives: the actor
// numbers each command as it applies it and stores the batch with a
// fenced Append while it applies the next (group commit), which is why one
// process is as fast as it is. That is right there because a session's
// only writer is its actor in this process: arrival order is the log's
// order, so there is nothing for the log to decide first. In a cluster a
// command is applied only once the log has ordered it. The two modes
// therefore differ in when the state machine runs, which is a branch in
// the live runtime (app/live/follow.go explains where), not in where
// commands are written. The SQLite log numbers a session's commands 1, 2,
// 3 and does not store command IDs: see app/store.Log for why.
//
// # Ids in the log
//
// A client's command is appended under an id that adds its sender to the
// client's own id (the participant for a student, a hash of the nickname
// for a join, nothing for the instructor's screens), so two clients that
// happen to number their commands alike never drop each other's. A tick's
// id names its deadline and its time is the deadline, so every node that
// fires it appends the same command; an idle end's id names the last
// activity before it.
package cmdlog

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned for a session, code or fact that does not exist.
var ErrNotFound = errors.New("not found")

// ErrTaken is returned when a join code or a live quiz is already claimed
// by another session.
var ErrTaken = errors.New("already taken")

// ErrFenced is returned by a fenced Append when the log moved on since the
// writer last saw it: another writer appended first.
var ErrFenced = errors.New("the log has moved on: a stale writer")

// Command is one entry of a session's log.
type Command struct {
	// ID identifies the command for deduplication: the client's command
	// ID for a client's command, or an ID derived from what a server-made
	// command does (a tick names the question and round it closes), so
	// that the same command appended twice, by one node retrying or by two
	// nodes firing the same timer, is stored once.
	ID string
	// Seq is the command's place in the log, set by the log: it grows
	// along a session's log. SQLite numbers 1, 2, 3; JetStream uses the
	// stream's sequence, which skips the other sessions' commands.
	Seq     uint64
	Kind    string
	At      time.Time
	Payload []byte // JSON owned by the live runtime
}

// Fence makes an Append conditional: it stores the commands only if the
// session's last stored command is LastSeq (0: the log is empty).
type Fence struct {
	On      bool
	LastSeq uint64
}

// FenceAt is a fence at lastSeq.
func FenceAt(lastSeq uint64) Fence { return Fence{On: true, LastSeq: lastSeq} }

// Log is the ordered log of every session's commands.
type Log interface {
	// Append stores cmds at the end of the session's log and returns each
	// command's Seq, once every one of them is durable (in JetStream: a
	// quorum acknowledged it). With an error, some of them may be stored:
	// appending them again with the same IDs stores nothing twice.
	Append(ctx context.Context, sessionID string, cmds []Command, fence Fence) ([]uint64, error)
	// Commands returns the session's log in order, every command stored
	// before the call included.
	Commands(ctx context.Context, sessionID string) ([]Command, error)
	// Follow calls fn with each command of the session whose Seq is above
	// afterSeq, in order, as it is stored, until ctx ends (it then returns
	// ctx's error) or fn returns an error (which it returns).
	Follow(ctx context.Context, sessionID string, afterSeq uint64, fn func(Command) error) error
}

// Session is a session's setup, as every node must see it.
type Session struct {
	ID        string
	Code      string // the join code students type
	Title     string
	Source    string // the quiz or note it was hosted from, "" if none
	Setup     []byte // JSON owned by the live runtime
	CreatedAt time.Time
	EndedAt   time.Time // zero while the session runs
}

// Facts are what every node must agree on besides the logs.
type Facts interface {
	// Secret returns the secret that signs cookies and tokens, made by the
	// first node to ask: all nodes get the same one.
	Secret(ctx context.Context) ([]byte, error)
	// InstructorSignedOut returns the Unix second of the instructor's last
	// sign-out, 0 if never.
	InstructorSignedOut(ctx context.Context) (int64, error)
	SetInstructorSignedOut(ctx context.Context, unix int64) error

	// ClaimCode reserves a join code for a session, ErrTaken if another
	// session holds it.
	ClaimCode(ctx context.Context, code, sessionID string) error
	// CodeSession returns the session holding a join code.
	CodeSession(ctx context.Context, code string) (string, error)
	// ReleaseCode frees a code if sessionID holds it.
	ReleaseCode(ctx context.Context, code, sessionID string) error

	CreateSession(ctx context.Context, s Session) error
	EndSession(ctx context.Context, id string, at time.Time) error
	Session(ctx context.Context, id string) (Session, error)
	// Sessions lists every session, newest first.
	Sessions(ctx context.Context) ([]Session, error)

	// ClaimLive records that a quiz (by its source) is being played live
	// in a session, ErrTaken if it already is in another.
	ClaimLive(ctx context.Context, source, sessionID string) error
	// ReleaseLive ends the claim if sessionID holds it.
	ReleaseLive(ctx context.Context, source, sessionID string) error
	// LiveQuizzes maps each quiz played live to its session.
	LiveQuizzes(ctx context.Context) (map[string]string, error)
}
