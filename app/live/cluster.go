package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"sync"
	"time"

	"netstudy/app/cmdlog"
	"netstudy/app/session"
	"netstudy/app/store"
)

// Cluster mode, the hub's side: sessions, join codes and the instructor's
// sign-out are facts every node reads from NATS (cmdlog.Facts), and a
// session is loaded from its log on whichever node a client reaches.

// ClusterLog is what cluster mode keeps in NATS JetStream (app/jslog).
type ClusterLog interface {
	cmdlog.Log
	cmdlog.Facts
	// Healthy reports whether NATS answers; /healthz reports it.
	Healthy(ctx context.Context) error
	// PublishPresence and SubscribePresence carry each node's presence
	// in a session to the others (see presence.go).
	PublishPresence(sessionID string, data []byte) error
	SubscribePresence(sessionID string, fn func([]byte)) (stop func(), err error)
}

// ErrClusterUnreachable wraps a failure to read or record a session in
// NATS: not a wrong code, and not worth a "no such session" that would
// send a phone back to the join form; a new session refused with it may
// be asked for again in a moment.
var ErrClusterUnreachable = errors.New("the class's sessions are out of reach")

// factsWithin bounds a read or write of the cluster's facts made for a
// request or by an actor.
const factsWithin = 10 * time.Second

// signOutEvery is how often a node reads the instructor's last sign-out,
// which another node may have written.
const signOutEvery = 2 * time.Second

// Healthy reports whether the node can keep live sessions: always on one
// server, while NATS answers in cluster mode.
func (h *Hub) Healthy(ctx context.Context) error {
	if h == nil || h.cl == nil {
		return nil
	}
	return h.cl.Healthy(ctx)
}

// Clustered reports whether the hub runs in cluster mode.
func (h *Hub) Clustered() bool { return h.cl != nil }

// startCluster reads the instructor's last sign-out and keeps reading it,
// so that signing out on one node signs out on all of them.
func (h *Hub) startCluster(ctx context.Context) error {
	rctx, cancel := context.WithTimeout(ctx, factsWithin)
	signedOut, err := h.cl.InstructorSignedOut(rctx)
	cancel()
	if err != nil {
		return fmt.Errorf("read the instructor's sign-out: %w", err)
	}
	h.auth.RevokeInstructorCookiesThrough(signedOut)
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		last := signedOut
		for sleepCtx(ctx, signOutEvery) {
			rctx, cancel := context.WithTimeout(ctx, factsWithin)
			t, err := h.cl.InstructorSignedOut(rctx)
			cancel()
			if err == nil && t > last {
				// Signed out on another node: the screens open here go too.
				last = t
				h.auth.RevokeInstructorCookiesThrough(t)
				h.closeInstructorScreens()
			}
		}
	}()
	return nil
}

// createCluster records a new session in the cluster's facts under a join
// code no other node holds.
func (h *Hub) createCluster(ctx context.Context, rec store.Session) (string, error) {
	for range 20 {
		if err := h.cl.ClaimCode(ctx, rec.Code, rec.ID); err != nil {
			if errors.Is(err, cmdlog.ErrTaken) {
				rec.Code = h.newCode()
				continue
			}
			return "", fmt.Errorf("%w: claim a join code: %w", ErrClusterUnreachable, err)
		}
		err := h.cl.CreateSession(ctx, cmdlog.Session{
			ID: rec.ID, Code: rec.Code, Title: rec.Title, Source: rec.Source, Setup: rec.Setup, CreatedAt: rec.CreatedAt,
		})
		if err != nil {
			_ = h.cl.ReleaseCode(ctx, rec.Code, rec.ID)
			return "", fmt.Errorf("%w: record the session: %w", ErrClusterUnreachable, err)
		}
		return rec.Code, nil
	}
	return "", errors.New("claim a join code: every code tried is taken")
}

// loadCall is one load of a session from the log, which every hello for
// that session waits for rather than load it again.
type loadCall struct {
	done chan struct{}
	a    *actor
	err  error
}

// clusterActor returns the session's actor on this node, loading it from
// the log if it is not running here. An ended session is loaded only
// while its ended sessions linger on one server (see Config.EndedLinger).
func (h *Hub) clusterActorByID(ctx context.Context, id string) (*actor, error) {
	h.mu.Lock()
	if a, ok := h.byID[id]; ok {
		h.mu.Unlock()
		return a, nil
	}
	if call, ok := h.loading[id]; ok {
		h.mu.Unlock()
		select {
		case <-call.done:
			return call.a, call.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	call := &loadCall{done: make(chan struct{})}
	h.loading[id] = call
	h.mu.Unlock()

	call.a, call.err = h.loadAndStart(ctx, id)
	h.mu.Lock()
	delete(h.loading, id)
	h.mu.Unlock()
	close(call.done)
	return call.a, call.err
}

func (h *Hub) loadAndStart(ctx context.Context, id string) (*actor, error) {
	lctx, cancel := context.WithTimeout(ctx, factsWithin)
	defer cancel()
	if !validToken(id) {
		return nil, ErrNoSession
	}
	s, err := h.cl.Session(lctx, id)
	if errors.Is(err, cmdlog.ErrNotFound) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrClusterUnreachable, err)
	}
	if !s.EndedAt.IsZero() && h.now().Sub(s.EndedAt) > h.endedLinger {
		return nil, ErrNoSession
	}
	a, err := h.loadCluster(lctx, s)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrClusterUnreachable, err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stopping || h.ctx == nil || h.ctx.Err() != nil {
		return nil, errors.New("the server is stopping")
	}
	h.startActorLocked(a)
	h.log.Info("session followed", "session", a.id, "code", a.code, "commands", a.cmdSeq)
	return a, nil
}

// loadCluster rebuilds a session from its log; the actor then follows the
// log from the last command read, so nothing is missed in between.
func (h *Hub) loadCluster(ctx context.Context, s cmdlog.Session) (*actor, error) {
	var setup session.Setup
	if err := json.Unmarshal(s.Setup, &setup); err != nil {
		return nil, fmt.Errorf("session %s setup: %w", s.ID, err)
	}
	cmds, err := h.cl.Commands(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	a := newActor(h, s.ID, s.Code, setup, s.CreatedAt)
	a.cl = newClusterActor(h.cl, h.now())
	a.rebuild(cmds)
	if n := len(cmds); n > 0 {
		a.cl.seq = cmds[n-1].Seq
	}
	return a, nil
}

// clusterActorByCode is clusterActorByID for a join code.
func (h *Hub) clusterActorByCode(ctx context.Context, code string) (*actor, error) {
	if a, ok := h.actorByCode(code); ok {
		return a, nil
	}
	if !validToken(code) {
		return nil, ErrNoSession
	}
	lctx, cancel := context.WithTimeout(ctx, factsWithin)
	id, err := h.cl.CodeSession(lctx, code)
	cancel()
	if errors.Is(err, cmdlog.ErrNotFound) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrClusterUnreachable, err)
	}
	return h.clusterActorByID(ctx, id)
}

// validToken reports whether s may be a session id or join code at all
// (what the cluster's keys allow), before NATS is asked about it.
func validToken(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// findByCode returns the running session with a join code: on this node,
// or in cluster mode on any. The error is ErrNoSession, or in cluster mode
// ErrClusterUnreachable when NATS could not say.
func (h *Hub) findByCode(code string) (*actor, error) {
	if h.cl == nil {
		if a, ok := h.actorByCode(code); ok {
			return a, nil
		}
		return nil, ErrNoSession
	}
	h.mu.Lock()
	ctx := h.ctx
	h.mu.Unlock()
	if ctx == nil {
		return nil, ErrNoSession
	}
	return h.clusterActorByCode(ctx, code)
}

// recordEnd records that a session ended, as every node applying its end
// does (the first record stays); the code stays the session's until its
// actors retire.
func (h *Hub) recordEnd(ctx context.Context, id string, at time.Time) {
	if h.cl == nil || !h.addWorker() {
		return
	}
	go func() {
		defer h.wg.Done()
		ectx, cancel := context.WithTimeout(ctx, factsWithin)
		defer cancel()
		if err := h.cl.EndSession(ectx, id, at); err != nil {
			h.log.Error("record the end of a session", "session", id, "err", err)
		}
	}()
}

// releaseCode frees an ended session's join code in the cluster.
func (h *Hub) releaseCode(a *actor) {
	if h.cl == nil || !a.over.Load() || !h.addWorker() {
		return
	}
	go func() {
		defer h.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), factsWithin)
		defer cancel()
		if err := h.cl.ReleaseCode(ctx, a.code, a.id); err != nil {
			h.log.Warn("free an ended session's join code", "session", a.id, "code", a.code, "err", err)
		}
	}()
}

// endCluster ends a session from the instructor's list, on any node: the
// end goes in its log like the dashboard's, and this returns once this
// node applied it.
func (h *Hub) endCluster(ctx context.Context, id string) error {
	a, err := h.clusterActorByID(ctx, id)
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	if doErr := a.do(ctx, func(a *actor) {
		if a.sess.State() == session.Ended {
			done <- nil
			return
		}
		h.log.Info("session ended from the list", "session", a.id)
		a.proposeOwn("list-end."+randomHex(8), "end", a.hub.now(), done)
	}); doErr != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return ErrNoSession
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// clusterSessions lists every session of the cluster, newest first, with
// the state of the ones this node runs (the others: ended, or "running").
func (h *Hub) clusterSessions(ctx context.Context) ([]cmdlog.Session, error) {
	lctx, cancel := context.WithTimeout(ctx, factsWithin)
	defer cancel()
	recs, err := h.cl.Sessions(lctx)
	if err != nil {
		return nil, fmt.Errorf("%w: list sessions: %w", ErrClusterUnreachable, err)
	}
	return recs, nil
}

// clusterReport rebuilds a session's results from its log, on any node.
func (h *Hub) clusterReport(ctx context.Context, id string) (Report, error) {
	if !validToken(id) {
		return Report{}, ErrNoSession
	}
	lctx, cancel := context.WithTimeout(ctx, factsWithin)
	defer cancel()
	s, err := h.cl.Session(lctx, id)
	if errors.Is(err, cmdlog.ErrNotFound) {
		return Report{}, ErrNoSession
	}
	if err != nil {
		return Report{}, err
	}
	a, err := h.loadCluster(lctx, s)
	if err != nil {
		return Report{}, err
	}
	info := a.info()
	if !s.EndedAt.IsZero() {
		info.State = string(session.Ended)
	}
	return Report{Info: info, Results: a.sess.Results(), Questions: a.sess.Questions()}, nil
}

// liveEvery is how long the cluster's list of quizzes played live is
// reused: the practice pages ask for it on every request.
const liveEvery = time.Second

// liveCache is the cluster's quizzes played live, as last read.
type liveCache struct {
	mu      sync.Mutex
	read    time.Time
	sources map[string]bool
}

// clusterPlaying is PlayingSources in cluster mode: the quizzes claimed
// live in the cluster's facts by whichever node applied the change.
func (h *Hub) clusterPlaying() map[string]bool {
	h.live.mu.Lock()
	defer h.live.mu.Unlock()
	if h.live.sources != nil && time.Since(h.live.read) < liveEvery {
		return maps.Clone(h.live.sources)
	}
	// Briefly: the practice pages wait for it, one at a time.
	ctx, cancel := context.WithTimeout(context.Background(), liveEvery)
	defer cancel()
	claims, err := h.cl.LiveQuizzes(ctx)
	if err != nil {
		// The last known, or none, until the next try a second later:
		// without NATS, practice goes on as it was.
		h.live.read = time.Now()
		h.log.Warn("read the quizzes played live", "err", err)
		return maps.Clone(h.live.sources)
	}
	out := make(map[string]bool, len(claims))
	for source := range claims {
		out[source] = true
	}
	h.live.sources, h.live.read = out, time.Now()
	return maps.Clone(out)
}

// syncLiveClaim keeps the cluster's claim that this session plays its quiz
// live in step with the session, after the log moved it. Every node that
// follows the session does the same; the claim holds one session's id.
func (a *actor) syncLiveClaim() {
	playing := a.isPlaying()
	if a.setup.Source == "" || playing == a.cl.claimedLive || !a.hub.addWorker() {
		return
	}
	a.cl.claimedLive = playing
	h, source, id := a.hub, a.setup.Source, a.id
	go func() {
		defer h.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), factsWithin)
		defer cancel()
		var err error
		if playing {
			err = h.cl.ClaimLive(ctx, source, id)
			if errors.Is(err, cmdlog.ErrTaken) {
				err = nil // another session plays it: it is locked all the same
			}
		} else {
			err = h.cl.ReleaseLive(ctx, source, id)
		}
		if err != nil {
			h.log.Warn("record a quiz played live", "session", id, "source", source, "playing", playing, "err", err)
		}
	}()
}
