package live

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"time"

	"netstudy/app/quiz"
	"netstudy/app/session"
	"netstudy/app/store"
)

// The hub's sessions as the rest of the program asks for them: created,
// listed, looked up, ended, and their results.

// Create stores a new session and starts it.
func (h *Hub) Create(ctx context.Context, setup session.Setup) (SessionInfo, error) {
	h.mu.Lock()
	started := h.ctx != nil
	h.mu.Unlock()
	if !started {
		return SessionInfo{}, errors.New("the hub is not started")
	}
	blob, err := json.Marshal(setup)
	if err != nil {
		return SessionInfo{}, fmt.Errorf("encode setup: %w", err)
	}
	id := randomHex(8)
	code := h.newCode()
	created := h.now()
	if h.cl != nil {
		// As precise as the cluster keeps it, so that every node's copy
		// starts from the same moment.
		created = created.Truncate(time.Millisecond)
	}
	rec := store.Session{ID: id, Code: code, Title: setup.Title, Source: setup.Source, Setup: blob, CreatedAt: created}
	if h.cl != nil {
		if code, err = h.createCluster(ctx, rec); err != nil {
			return SessionInfo{}, err
		}
	} else if err := h.store.CreateSession(ctx, rec); err != nil {
		return SessionInfo{}, err
	}
	a := newActor(h, id, code, setup, created)
	if h.cl != nil {
		a.cl = newClusterActor(h.cl, created)
	}
	h.startActor(a)
	h.log.Info("session created", "session", id, "code", code, "title", setup.Title, "questions", len(setup.Questions))
	return SessionInfo{ID: id, Code: code, Title: setup.Title, Source: setup.Source, State: string(session.Lobby), CreatedAt: created}, nil
}

// newCode picks a six-digit join code that no running session uses.
func (h *Hub) newCode() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	for {
		n, err := rand.Int(rand.Reader, big.NewInt(900000))
		if err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		code := fmt.Sprintf("%06d", n.Int64()+100000)
		if _, used := h.byCode[code]; !used {
			return code
		}
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// SourceLive reports whether a session hosted from source (the Setup's
// Source, e.g. "quiz:tcp-udp") is being played live: a question is open,
// or students are in it. While it is, that quiz's answers must not be
// handed out anywhere else; a session still waiting for its class does
// not lock its quiz.
func (h *Hub) SourceLive(source string) bool {
	return h.PlayingSources()[source]
}

// PlayingSources is the set of sources (see SourceLive) being played live
// now, for lists that mark them.
func (h *Hub) PlayingSources() map[string]bool {
	if h.cl != nil {
		return h.clusterPlaying()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[string]bool{}
	for _, a := range h.byID {
		if a.setup.Source != "" && a.playing.Load() && !a.over.Load() {
			out[a.setup.Source] = true
		}
	}
	return out
}

// RunningSession is a session that has not ended, as the instructor's
// list shows it.
type RunningSession struct {
	SessionInfo
	Players int `json:"players"` // in the session, kicked ones excluded
}

// Running lists the sessions that have not ended, newest first.
func (h *Hub) Running(ctx context.Context) ([]RunningSession, error) {
	if h.cl != nil {
		// Every node's sessions: each not ended is followed here to
		// read its state.
		recs, err := h.clusterSessions(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			if r.EndedAt.IsZero() {
				if _, err := h.clusterActorByID(ctx, r.ID); err != nil && !errors.Is(err, ErrNoSession) {
					return nil, err
				}
			}
		}
	}
	h.mu.Lock()
	actors := make([]*actor, 0, len(h.byID))
	for _, a := range h.byID {
		actors = append(actors, a)
	}
	h.mu.Unlock()
	var out []RunningSession
	for _, a := range actors {
		var rs RunningSession
		if err := a.do(ctx, func(a *actor) { rs = RunningSession{SessionInfo: a.info(), Players: a.sess.Active()} }); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			continue // retired meanwhile
		}
		if rs.State != string(session.Ended) {
			out = append(out, rs)
		}
	}
	slices.SortFunc(out, func(x, y RunningSession) int { return y.CreatedAt.Compare(x.CreatedAt) })
	return out, nil
}

// End ends a running session as the instructor's end command would, for
// the instructor's list: phones see the podium, and the end is stored.
// Ending one that has already ended does nothing; ErrNoSession if it is
// not running.
func (h *Hub) End(ctx context.Context, id string) error {
	if h.cl != nil {
		return h.endCluster(ctx, id)
	}
	a, ok := h.actorByID(id)
	if !ok {
		return ErrNoSession
	}
	h.mu.Lock()
	runCtx := h.ctx
	h.mu.Unlock()
	var err error
	if doErr := a.do(ctx, func(a *actor) {
		if a.sess.State() == session.Ended {
			return
		}
		now := a.hub.now()
		var res applied
		if res, err = apply(a.sess, "end", nil, now); err == nil {
			a.hub.log.Info("session ended from the list", "session", a.id)
			a.commitOwn(runCtx, "end", now, res.events)
		}
	}); doErr != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return ErrNoSession // retired meanwhile
	}
	return err
}

// retire forgets an ended session's actor: its join code is free again and
// its results are read from the store from now on.
func (h *Hub) retire(a *actor) {
	defer h.releaseCode(a) // after the unlock: it counts a worker
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.byID[a.id] == a {
		delete(h.byID, a.id)
	}
	if h.byCode[a.code] == a {
		delete(h.byCode, a.code)
	}
	h.log.Info("session retired", "session", a.id, "code", a.code)
}

func (h *Hub) actorByCode(code string) (*actor, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	a, ok := h.byCode[code]
	return a, ok
}

func (h *Hub) actorByID(id string) (*actor, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	a, ok := h.byID[id]
	return a, ok
}

// Lookup returns the running session with a join code, for a client at
// address ip (wrong codes are rate-limited per address; see LookupFrom).
func (h *Hub) Lookup(ctx context.Context, ip, code string) (SessionInfo, error) {
	a, err := h.LookupFrom(ip, code)
	if err != nil {
		return SessionInfo{}, err
	}
	var info SessionInfo
	if err := a.do(ctx, func(a *actor) { info = a.info() }); err != nil {
		return SessionInfo{}, err
	}
	return info, nil
}

// Sessions lists every stored session, newest first.
func (h *Hub) Sessions(ctx context.Context) ([]SessionInfo, error) {
	recs, err := h.storedSessions(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]SessionInfo, 0, len(recs))
	for _, r := range recs {
		info := SessionInfo{ID: r.ID, Code: r.Code, Title: r.Title, Source: r.Source, State: string(session.Ended), CreatedAt: r.CreatedAt}
		if h.cl != nil && r.EndedAt.IsZero() {
			_, _ = h.clusterActorByID(ctx, r.ID) // its state is read below
		}
		if a, ok := h.actorByID(r.ID); ok {
			_ = a.do(ctx, func(a *actor) { info.State = string(a.sess.State()) })
		}
		out = append(out, info)
	}
	return out, nil
}

// Report is a session's results with its description.
type Report struct {
	Info    SessionInfo
	Results session.Results
	// Questions is the session's question list, typed ones included,
	// indexed by RoundResult.Index: the results page needs the choice
	// texts and the answer key. (Added by the results page's engineer;
	// the lead owns this file.)
	Questions []quiz.Question
}

// Results returns a session's results, running or ended: a running one is
// read on its actor; an ended one is rebuilt from its stored log.
func (h *Hub) Results(ctx context.Context, id string) (Report, error) {
	if a, ok := h.actorByID(id); ok {
		var r Report
		err := a.do(ctx, func(a *actor) {
			r = Report{Info: a.info(), Results: a.sess.Results(), Questions: a.sess.Questions()}
		})
		return r, err
	}
	if h.cl != nil {
		return h.clusterReport(ctx, id)
	}
	rec, err := h.store.Session(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return Report{}, ErrNoSession
	}
	if err != nil {
		return Report{}, err
	}
	a, err := h.load(ctx, rec)
	if err != nil {
		return Report{}, err
	}
	return Report{Info: a.info(), Results: a.sess.Results(), Questions: a.sess.Questions()}, nil
}

// Info describes one stored session, running or ended.
func (h *Hub) Info(ctx context.Context, id string) (SessionInfo, error) {
	if a, ok := h.actorByID(id); ok {
		var info SessionInfo
		err := a.do(ctx, func(a *actor) { info = a.info() })
		return info, err
	}
	if h.cl != nil {
		r, err := h.clusterReport(ctx, id)
		return r.Info, err
	}
	rec, err := h.store.Session(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return SessionInfo{}, ErrNoSession
	}
	if err != nil {
		return SessionInfo{}, err
	}
	return SessionInfo{ID: rec.ID, Code: rec.Code, Title: rec.Title, Source: rec.Source, State: string(session.Ended), CreatedAt: rec.CreatedAt}, nil
}

// storedSessions lists every session, newest first: the store's, or in
// cluster mode the cluster's.
func (h *Hub) storedSessions(ctx context.Context) ([]store.Session, error) {
	if h.cl == nil {
		return h.store.Sessions(ctx)
	}
	recs, err := h.clusterSessions(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]store.Session, len(recs))
	for i, r := range recs {
		out[i] = store.Session{ID: r.ID, Code: r.Code, Title: r.Title, Source: r.Source, Setup: r.Setup, CreatedAt: r.CreatedAt, EndedAt: r.EndedAt}
	}
	return out, nil
}
