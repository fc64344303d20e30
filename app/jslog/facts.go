package jslog

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"netstudy/app/cmdlog"
)

// Keys of the facts bucket.
const (
	keySecret    = "secret"
	keySignedOut = "instructor.signed_out"
	codePrefix   = "code."
	sessPrefix   = "session."
	livePrefix   = "live."
)

// Secret returns the cluster's secret: the first node to ask makes it, and
// every other node reads that one.
func (l *Log) Secret(ctx context.Context) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("make secret: %w", err)
	}
	_, err := l.kv.Create(ctx, keySecret, fresh)
	if err == nil {
		return fresh, nil
	}
	if !errors.Is(err, jetstream.ErrKeyExists) {
		return nil, fmt.Errorf("store secret: %w", err)
	}
	// Another node won. Reads may be served by a replica a moment behind
	// the leader that refused us, so a missing key is asked again.
	for {
		e, err := l.kv.Get(ctx, keySecret)
		if err == nil {
			return e.Value(), nil
		}
		if !errors.Is(err, jetstream.ErrKeyNotFound) || !pause(ctx, retryPause) {
			return nil, fmt.Errorf("read secret: %w", err)
		}
	}
}

// InstructorSignedOut returns the Unix second of the last sign-out, 0 if
// never.
func (l *Log) InstructorSignedOut(ctx context.Context) (int64, error) {
	e, err := l.kv.Get(ctx, keySignedOut)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read the last sign-out: %w", err)
	}
	t, err := strconv.ParseInt(string(e.Value()), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("read the last sign-out: %w", err)
	}
	return t, nil
}

// SetInstructorSignedOut records a sign-out. Two nodes signing out at once
// keep the later time: a sign-out never moves back.
func (l *Log) SetInstructorSignedOut(ctx context.Context, unix int64) error {
	value := []byte(strconv.FormatInt(unix, 10))
	for {
		e, err := l.kv.Get(ctx, keySignedOut)
		switch {
		case errors.Is(err, jetstream.ErrKeyNotFound):
			_, err = l.kv.Create(ctx, keySignedOut, value)
		case err != nil:
			return fmt.Errorf("record the sign-out: %w", err)
		default:
			if t, perr := strconv.ParseInt(string(e.Value()), 10, 64); perr == nil && t >= unix {
				return nil
			}
			_, err = l.kv.Update(ctx, keySignedOut, value, e.Revision())
		}
		if err == nil {
			return nil
		}
		if !errors.Is(err, jetstream.ErrKeyExists) && !errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
			return fmt.Errorf("record the sign-out: %w", err)
		}
	}
}

// ClaimCode reserves a join code for a session across the cluster.
func (l *Log) ClaimCode(ctx context.Context, code, sessionID string) error {
	if err := checkToken("join code", code); err != nil {
		return err
	}
	return l.claim(ctx, codePrefix+code, sessionID, "join code "+code)
}

// CodeSession returns the session a join code belongs to.
func (l *Log) CodeSession(ctx context.Context, code string) (string, error) {
	if err := checkToken("join code", code); err != nil {
		return "", err
	}
	return l.holder(ctx, codePrefix+code, "join code "+code)
}

// ReleaseCode frees a join code held by sessionID.
func (l *Log) ReleaseCode(ctx context.Context, code, sessionID string) error {
	if err := checkToken("join code", code); err != nil {
		return err
	}
	return l.release(ctx, codePrefix+code, sessionID, "join code "+code)
}

// ClaimLive records that a session plays a quiz live.
func (l *Log) ClaimLive(ctx context.Context, source, sessionID string) error {
	key, err := liveKey(source)
	if err != nil {
		return err
	}
	return l.claim(ctx, key, sessionID, "live quiz "+source)
}

// ReleaseLive ends a session's claim on a quiz.
func (l *Log) ReleaseLive(ctx context.Context, source, sessionID string) error {
	key, err := liveKey(source)
	if err != nil {
		return err
	}
	return l.release(ctx, key, sessionID, "live quiz "+source)
}

// LiveQuizzes maps every quiz played live to its session. Like Sessions,
// it may trail a write made a moment before (see each); claims themselves
// are exact.
func (l *Log) LiveQuizzes(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	err := l.each(ctx, livePrefix+"*", func(e jetstream.KeyValueEntry) error {
		source, err := base64.RawURLEncoding.DecodeString(e.Key()[len(livePrefix):])
		if err != nil {
			return fmt.Errorf("live quiz key %q: %w", e.Key(), err)
		}
		out[string(source)] = string(e.Value())
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list live quizzes: %w", err)
	}
	return out, nil
}

// liveKey is a quiz's key: sources are paths, with characters no key may
// hold, so they are encoded. A session hosted from no quiz has no source
// and plays no quiz live.
func liveKey(source string) (string, error) {
	if source == "" {
		return "", errors.New("live quiz: no source")
	}
	return livePrefix + base64.RawURLEncoding.EncodeToString([]byte(source)), nil
}

func (l *Log) claim(ctx context.Context, key, sessionID, what string) error {
	if err := checkToken("session", sessionID); err != nil {
		return err
	}
	_, err := l.kv.Create(ctx, key, []byte(sessionID))
	if errors.Is(err, jetstream.ErrKeyExists) {
		return fmt.Errorf("claim %s: %w", what, cmdlog.ErrTaken)
	}
	if err != nil {
		return fmt.Errorf("claim %s: %w", what, err)
	}
	return nil
}

func (l *Log) holder(ctx context.Context, key, what string) (string, error) {
	e, err := l.kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return "", fmt.Errorf("%s: %w", what, cmdlog.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	return string(e.Value()), nil
}

// release deletes a claim if sessionID still holds it, at the revision it
// was read at, so a claim made in between by another session stays.
func (l *Log) release(ctx context.Context, key, sessionID, what string) error {
	e, err := l.kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("release %s: %w", what, err)
	}
	if string(e.Value()) != sessionID {
		return nil
	}
	err = l.kv.Delete(ctx, key, jetstream.LastRevision(e.Revision()))
	if err != nil && !errors.Is(err, jetstream.ErrKeyRevisionMismatch) && !errors.Is(err, jetstream.ErrKeyExists) {
		return fmt.Errorf("release %s: %w", what, err)
	}
	return nil
}

// storedSession is a session's setup as the bucket keeps it.
type storedSession struct {
	ID        string `json:"id"`
	Code      string `json:"code"`
	Title     string `json:"title"`
	Source    string `json:"source,omitempty"`
	Setup     []byte `json:"setup"`
	CreatedAt int64  `json:"created_at"`         // Unix milliseconds
	EndedAt   int64  `json:"ended_at,omitempty"` // Unix milliseconds, 0 while it runs
}

func toStored(s cmdlog.Session) storedSession {
	st := storedSession{ID: s.ID, Code: s.Code, Title: s.Title, Source: s.Source, Setup: s.Setup, CreatedAt: s.CreatedAt.UnixMilli()}
	if !s.EndedAt.IsZero() {
		st.EndedAt = s.EndedAt.UnixMilli()
	}
	return st
}

func (st storedSession) session() cmdlog.Session {
	s := cmdlog.Session{ID: st.ID, Code: st.Code, Title: st.Title, Source: st.Source, Setup: st.Setup, CreatedAt: time.UnixMilli(st.CreatedAt)}
	if st.EndedAt != 0 {
		s.EndedAt = time.UnixMilli(st.EndedAt)
	}
	return s
}

// CreateSession stores a new session's setup.
func (l *Log) CreateSession(ctx context.Context, s cmdlog.Session) error {
	if err := checkToken("session", s.ID); err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	blob, err := json.Marshal(toStored(s))
	if err != nil {
		return fmt.Errorf("create session %s: %w", s.ID, err)
	}
	if _, err := l.kv.Create(ctx, sessPrefix+s.ID, blob); err != nil {
		return fmt.Errorf("create session %s: %w", s.ID, err)
	}
	return nil
}

// EndSession records when a session ended; the first end recorded stays.
func (l *Log) EndSession(ctx context.Context, id string, at time.Time) error {
	if err := checkToken("session", id); err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	for {
		e, err := l.kv.Get(ctx, sessPrefix+id)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			return fmt.Errorf("end session %s: %w", id, cmdlog.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("end session %s: %w", id, err)
		}
		var st storedSession
		if err := json.Unmarshal(e.Value(), &st); err != nil {
			return fmt.Errorf("end session %s: %w", id, err)
		}
		if st.EndedAt != 0 {
			return nil
		}
		st.EndedAt = at.UnixMilli()
		blob, err := json.Marshal(st)
		if err != nil {
			return fmt.Errorf("end session %s: %w", id, err)
		}
		_, err = l.kv.Update(ctx, sessPrefix+id, blob, e.Revision())
		if err == nil {
			return nil
		}
		if !errors.Is(err, jetstream.ErrKeyRevisionMismatch) && !errors.Is(err, jetstream.ErrKeyExists) {
			return fmt.Errorf("end session %s: %w", id, err)
		}
	}
}

// Session returns one session's setup.
func (l *Log) Session(ctx context.Context, id string) (cmdlog.Session, error) {
	if err := checkToken("session", id); err != nil {
		return cmdlog.Session{}, fmt.Errorf("session: %w", err)
	}
	e, err := l.kv.Get(ctx, sessPrefix+id)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return cmdlog.Session{}, fmt.Errorf("session %s: %w", id, cmdlog.ErrNotFound)
	}
	if err != nil {
		return cmdlog.Session{}, fmt.Errorf("session %s: %w", id, err)
	}
	var st storedSession
	if err := json.Unmarshal(e.Value(), &st); err != nil {
		return cmdlog.Session{}, fmt.Errorf("session %s: %w", id, err)
	}
	return st.session(), nil
}

// Sessions lists every session, newest first.
func (l *Log) Sessions(ctx context.Context) ([]cmdlog.Session, error) {
	var out []cmdlog.Session
	err := l.each(ctx, sessPrefix+"*", func(e jetstream.KeyValueEntry) error {
		var st storedSession
		if err := json.Unmarshal(e.Value(), &st); err != nil {
			return fmt.Errorf("%s: %w", e.Key(), err)
		}
		out = append(out, st.session())
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	slices.SortFunc(out, func(a, b cmdlog.Session) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, nil
}

// each calls fn with every current entry under keys, through a watcher
// that delivers the current values, then a nil marking the end of them.
// The watcher's consumer may be placed on a replica a moment behind the
// stream's leader, so a listing can miss a write made just before: fine
// for the lists people read, never used to decide a claim.
func (l *Log) each(ctx context.Context, keys string, fn func(jetstream.KeyValueEntry) error) error {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := l.kv.Watch(wctx, keys, jetstream.IgnoreDeletes())
	if err != nil {
		return err
	}
	defer w.Stop() //nolint:errcheck // only stops the watch
	for {
		select {
		case e, ok := <-w.Updates():
			if !ok {
				return errors.New("watch closed")
			}
			if e == nil {
				return nil
			}
			if err := fn(e); err != nil {
				return err
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
