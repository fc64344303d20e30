// Package store keeps live quiz sessions in SQLite (modernc.org/sqlite, no
// cgo) under the --data folder. A session is stored as its setup plus the
// ordered log of every command applied to it; replaying the log through the
// session state machine rebuilds the session exactly, so results survive a
// restart and a kill -9. The database runs in WAL mode, so a transaction
// that has committed survives the process dying at any moment.
package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// FileName is the database file inside the data folder.
const FileName = "netstudy.db"

// ErrNotFound is returned for a session that does not exist.
var ErrNotFound = errors.New("not found")

// Store is the SQLite database of sessions.
type Store struct {
	db *sql.DB
	// inserts[k] is the INSERT of 1<<k commands, prepared once: SQLite
	// parsing each batch's INSERT anew was 4% of the server's CPU while a
	// class joined, and a fifth of the time to store 1,000 answers.
	inserts [insertSizes]*sql.Stmt
}

// Session is a stored session's setup.
type Session struct {
	ID        string
	Code      string // the join code students type
	Title     string
	Source    string // the quiz or note it was hosted from, "" if empty
	Setup     []byte // JSON owned by the live package: options and questions
	CreatedAt time.Time
	EndedAt   time.Time // zero while the session runs
}

// Command is one entry of a session's log.
type Command struct {
	SessionID string
	Seq       int64 // 1, 2, 3... within the session
	Kind      string
	At        time.Time
	Payload   []byte // JSON owned by the live package
}

// Open opens (creating if needed) the database in dir.
func Open(ctx context.Context, dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	path := filepath.Join(dir, FileName)
	// synchronous(NORMAL) in WAL mode loses nothing when the process dies;
	// only a power cut could take the last transactions.
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
		"&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &Store{db: db}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	for k := range s.inserts {
		if s.inserts[k], err = db.PrepareContext(ctx, insertCommands(1<<k)); err != nil {
			db.Close()
			return nil, fmt.Errorf("open %s: prepare: %w", path, err)
		}
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

func (s *Store) migrate(ctx context.Context) error {
	const schema = `
CREATE TABLE IF NOT EXISTS sessions (
	id         TEXT PRIMARY KEY,
	code       TEXT NOT NULL,
	title      TEXT NOT NULL,
	source     TEXT NOT NULL DEFAULT '',
	setup      BLOB NOT NULL,
	created_at INTEGER NOT NULL,
	ended_at   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS sessions_code ON sessions(code);
CREATE TABLE IF NOT EXISTS meta (
	key   TEXT PRIMARY KEY,
	value BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS commands (
	session_id TEXT NOT NULL REFERENCES sessions(id),
	seq        INTEGER NOT NULL,
	kind       TEXT NOT NULL,
	at         INTEGER NOT NULL,
	payload    BLOB NOT NULL,
	PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;
`
	_, err := s.db.ExecContext(ctx, schema)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// Secret returns the server's secret, made on first use and kept in the
// database, so that credentials derived from it survive a restart.
func (s *Store) Secret(ctx context.Context) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("make secret: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `INSERT OR IGNORE INTO meta (key, value) VALUES ('secret', ?)`, fresh); err != nil {
		return nil, fmt.Errorf("store secret: %w", err)
	}
	var secret []byte
	if err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'secret'`).Scan(&secret); err != nil {
		return nil, fmt.Errorf("read secret: %w", err)
	}
	return secret, nil
}

// InstructorSignedOut returns the Unix second of the instructor's last
// sign-out, 0 if never: cookies issued until then stay void after a
// restart.
func (s *Store) InstructorSignedOut(ctx context.Context) (int64, error) {
	var t int64
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'instructor_signed_out'`).Scan(&t)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read the last sign-out: %w", err)
	}
	return t, nil
}

// SetInstructorSignedOut records the instructor's last sign-out.
func (s *Store) SetInstructorSignedOut(ctx context.Context, t int64) error {
	if _, err := s.db.ExecContext(ctx, `INSERT OR REPLACE INTO meta (key, value) VALUES ('instructor_signed_out', ?)`, t); err != nil {
		return fmt.Errorf("record the sign-out: %w", err)
	}
	return nil
}

// CreateSession stores a new session.
func (s *Store) CreateSession(ctx context.Context, sess Session) error {
	_, err := s.db.ExecContext(ctx,
		`INSERT INTO sessions (id, code, title, source, setup, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		sess.ID, sess.Code, sess.Title, sess.Source, sess.Setup, sess.CreatedAt.UnixMilli())
	if err != nil {
		return fmt.Errorf("create session %s: %w", sess.ID, err)
	}
	return nil
}

// Append stores commands, of one or several sessions, in one transaction:
// either all of them are durable when it returns nil, or none is.
func (s *Store) Append(ctx context.Context, cmds []Command) error {
	if len(cmds) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("append: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	err = s.insert(ctx, tx, len(cmds), func(args []any, i int) []any {
		c := cmds[i]
		return append(args, c.SessionID, c.Seq, c.Kind, c.At.UnixMicro(), c.Payload)
	})
	if err != nil {
		return fmt.Errorf("append %s #%d to #%d: %w", cmds[0].SessionID, cmds[0].Seq, cmds[len(cmds)-1].Seq, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("append: commit: %w", err)
	}
	return nil
}

// insertSizes is the count of prepared INSERTs, of 1 to 512 rows: 512
// keeps a statement's parameters (five a row) well under SQLite's limit
// of 32,766.
const insertSizes = 10

// insertCommands is an INSERT of n commands.
func insertCommands(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO commands (session_id, seq, kind, at, payload) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?,?,?,?)")
	}
	return b.String()
}

// EndSession records when a session ended.
func (s *Store) EndSession(ctx context.Context, id string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE sessions SET ended_at = ? WHERE id = ?`, at.UnixMilli(), id)
	if err != nil {
		return fmt.Errorf("end session %s: %w", id, err)
	}
	return nil
}

// Sessions lists every stored session, newest first.
func (s *Store) Sessions(ctx context.Context) ([]Session, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, code, title, source, setup, created_at, ended_at FROM sessions ORDER BY created_at DESC, id`)
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		sess, err := scanSession(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sess)
	}
	return out, rows.Err()
}

// Session returns one stored session.
func (s *Store) Session(ctx context.Context, id string) (Session, error) {
	row := s.db.QueryRowContext(ctx, `SELECT id, code, title, source, setup, created_at, ended_at FROM sessions WHERE id = ?`, id)
	sess, err := scanSession(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, fmt.Errorf("session %s: %w", id, ErrNotFound)
	}
	return sess, err
}

type scanner interface{ Scan(...any) error }

func scanSession(r scanner) (Session, error) {
	var s Session
	var created, ended int64
	if err := r.Scan(&s.ID, &s.Code, &s.Title, &s.Source, &s.Setup, &created, &ended); err != nil {
		return Session{}, fmt.Errorf("read session: %w", err)
	}
	s.CreatedAt = time.UnixMilli(created)
	if ended != 0 {
		s.EndedAt = time.UnixMilli(ended)
	}
	return s, nil
}

// Commands returns a session's log in order.
func (s *Store) Commands(ctx context.Context, sessionID string) ([]Command, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT seq, kind, at, payload FROM commands WHERE session_id = ? ORDER BY seq`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("read log of %s: %w", sessionID, err)
	}
	defer rows.Close()
	var out []Command
	for rows.Next() {
		c := Command{SessionID: sessionID}
		var at int64
		if err := rows.Scan(&c.Seq, &c.Kind, &at, &c.Payload); err != nil {
			return nil, fmt.Errorf("read log of %s: %w", sessionID, err)
		}
		c.At = time.UnixMicro(at)
		out = append(out, c)
	}
	return out, rows.Err()
}
