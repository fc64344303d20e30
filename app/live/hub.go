package live

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"netstudy/app/auth"
	"netstudy/app/cmdlog"
	"netstudy/app/session"
	"netstudy/app/store"
)

// ErrNoSession is returned for a session id or join code that is unknown.
var ErrNoSession = errors.New("no such session")

// SessionInfo describes a session for lists and links.
type SessionInfo struct {
	ID        string    `json:"id"`
	Code      string    `json:"code"`
	Title     string    `json:"title"`
	Source    string    `json:"source,omitempty"`
	State     string    `json:"state"`
	CreatedAt time.Time `json:"created_at"`
}

// Config is what a Hub needs.
type Config struct {
	Store *store.Store
	// Commands is the sessions' log on one server; nil: the log of Store
	// (store.NewLog). In cluster mode Cluster is the log.
	Commands cmdlog.Log
	// Cluster, when set, keeps live sessions in NATS JetStream instead of
	// Store (cluster mode; see cluster.go).
	Cluster  ClusterLog
	Auth     *auth.Credentials
	Log      *slog.Logger
	Registry prometheus.Registerer
	Now      func() time.Time // nil: time.Now
	// EndedLinger is how long an ended session stays in memory before it
	// retires to the store (default 10 minutes).
	EndedLinger time.Duration
	// IdleEnd ends a session nobody has acted in for that long (default 4
	// hours): a session the instructor forgot to end would otherwise
	// keep its quiz out of practice (see SourceLive) for good.
	IdleEnd time.Duration
	// LobbyIdleEnd ends a session still in its lobby, with nobody in it
	// and nothing connected to it, after that long (default 30 minutes).
	LobbyIdleEnd time.Duration
}

// Hub owns every running session (one actor goroutine each) and the
// Peers attached to them; the wire owns the connections' goroutines.
// Start it with Start; it stops when that context
// is cancelled, and Wait returns once every goroutine it started is gone.
type Hub struct {
	store   *store.Store
	cmds    cmdlog.Log // the sessions' commands on one server
	cl      ClusterLog // nil on one server
	nodeID  string     // tells this node's presence from the others' (cluster mode)
	auth    *auth.Credentials
	log     *slog.Logger
	now     func() time.Time
	metrics *metrics
	// endedLinger: see Config.EndedLinger.
	endedLinger time.Duration
	// idleEnd: see Config.IdleEnd.
	idleEnd time.Duration
	// lobbyIdleEnd: see Config.LobbyIdleEnd.
	lobbyIdleEnd time.Duration

	mu     sync.Mutex
	ctx    context.Context
	byID   map[string]*actor
	byCode map[string]*actor
	// loading are the sessions being loaded from the log (cluster mode).
	loading map[string]*loadCall
	wg      sync.WaitGroup
	// stopping is set by Wait; guarded by mu, like every wg.Add.
	stopping bool

	// live caches the cluster's quizzes played live (cluster mode).
	live liveCache

	guard *codeGuard

	clientsMu sync.Mutex
	clients   map[*Peer]struct{} // every open connection, to close on stop
}

// NewHub returns a hub; call Start before use.
func NewHub(cfg Config) *Hub {
	clock := cfg.Now
	if clock == nil {
		clock = time.Now
	}
	// Commands are stored with microseconds, and replayed with what was
	// stored: applied live with the same precision (and no monotonic
	// reading), a replay computes the same speed points and deadlines.
	now := func() time.Time { return clock().Truncate(time.Microsecond) }
	reg := cfg.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	h := &Hub{
		store: cfg.Store, cl: cfg.Cluster, nodeID: randomHex(8), auth: cfg.Auth, log: cfg.Log, now: now,
		metrics:     newMetrics(reg),
		endedLinger: cfg.EndedLinger,
		idleEnd:     cfg.IdleEnd,
		byID:        map[string]*actor{},
		byCode:      map[string]*actor{},
		loading:     map[string]*loadCall{},
		clients:     map[*Peer]struct{}{},
	}
	h.cmds = cfg.Commands
	if h.cmds == nil && cfg.Store != nil {
		h.cmds = store.NewLog(cfg.Store)
	}
	h.guard = newCodeGuard()
	if h.idleEnd <= 0 {
		h.idleEnd = 4 * time.Hour
	}
	h.lobbyIdleEnd = cmp.Or(cfg.LobbyIdleEnd, 30*time.Minute)
	if h.endedLinger <= 0 {
		h.endedLinger = 10 * time.Minute
	}
	return h
}

// SignOutInstructor voids every instructor cookie issued until now, on
// every device, and keeps it so across restarts. The instructor's screens
// already open are closed too, told why: a copied cookie must not keep a
// dashboard it opened before.
func (h *Hub) SignOutInstructor(ctx context.Context) error {
	var err error
	if h.cl != nil {
		err = h.cl.SetInstructorSignedOut(ctx, h.auth.RevokeInstructorCookies())
	} else {
		err = h.store.SetInstructorSignedOut(ctx, h.auth.RevokeInstructorCookies())
	}
	h.closeInstructorScreens()
	return err
}

// closeInstructorScreens closes every instructor screen connected here,
// told why, once the instructor signed out.
func (h *Hub) closeInstructorScreens() {
	h.clientsMu.Lock()
	var screens []*Peer
	for c := range h.clients {
		if c.instructor {
			screens = append(screens, c)
		}
	}
	h.clientsMu.Unlock()
	for _, c := range screens {
		c.sendNow("error", "", 0, protocolErr("forbidden", "the instructor signed out"))
		c.Close("signed out")
	}
}

// Start restores the instructor's last sign-out and every session that had
// not ended from the store, and starts their actors under ctx.
func (h *Hub) Start(ctx context.Context) error {
	h.mu.Lock()
	h.ctx = ctx
	h.mu.Unlock()
	if h.cl != nil {
		// Sessions are loaded from the log when a client asks for one.
		if err := h.startCluster(ctx); err != nil {
			return err
		}
		h.startHelpers(ctx)
		return nil
	}
	signedOut, err := h.store.InstructorSignedOut(ctx)
	if err != nil {
		return err
	}
	h.auth.RevokeInstructorCookiesThrough(signedOut)
	sessions, err := h.store.Sessions(ctx)
	if err != nil {
		return fmt.Errorf("restore sessions: %w", err)
	}
	for _, rec := range sessions {
		if !rec.EndedAt.IsZero() {
			continue
		}
		a, err := h.load(ctx, rec)
		if err != nil {
			h.log.Error("restore session", "session", rec.ID, "err", err)
			continue
		}
		// Read before the actor starts: its goroutine owns them then.
		state, events := a.sess.State(), a.seq
		h.startActor(a)
		h.log.Info("session restored", "session", rec.ID, "code", rec.Code, "state", state, "events", events)
	}
	h.startHelpers(ctx)
	return nil
}

// startHelpers starts what closes every connection when ctx ends: each
// then tells its client why, and the wire ends it.
func (h *Hub) startHelpers(ctx context.Context) {
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		<-ctx.Done()
		h.clientsMu.Lock()
		defer h.clientsMu.Unlock()
		for c := range h.clients {
			c.Close("server stopping")
		}
	}()
}

// track remembers an open connection so that stopping the hub closes it,
// even one that never said hello.
func (h *Hub) track(c *Peer) {
	h.clientsMu.Lock()
	defer h.clientsMu.Unlock()
	h.clients[c] = struct{}{}
	if h.ctx != nil && h.ctx.Err() != nil {
		c.Close("server stopping")
	}
}

func (h *Hub) untrack(c *Peer) {
	h.clientsMu.Lock()
	defer h.clientsMu.Unlock()
	delete(h.clients, c)
}

// Wait blocks until every actor and helper goroutine has stopped; no new
// one starts once it is called. The connections' goroutines are the
// wire's to wait for.
func (h *Hub) Wait() {
	h.mu.Lock()
	h.stopping = true
	h.mu.Unlock()
	h.wg.Wait()
}

// addWorker counts one more goroutine the hub owns, unless the hub is
// stopping: a WaitGroup must not grow once Wait has begun.
func (h *Hub) addWorker() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stopping {
		return false
	}
	h.wg.Add(1)
	return true
}

func (h *Hub) load(ctx context.Context, rec store.Session) (*actor, error) {
	var setup session.Setup
	if err := json.Unmarshal(rec.Setup, &setup); err != nil {
		return nil, fmt.Errorf("session %s setup: %w", rec.ID, err)
	}
	cmds, err := h.cmds.Commands(ctx, rec.ID)
	if err != nil {
		return nil, err
	}
	a := newActor(h, rec.ID, rec.Code, setup, rec.CreatedAt)
	a.rebuild(cmds)
	return a, nil
}

func (h *Hub) startActor(a *actor) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.startActorLocked(a)
}

func (h *Hub) startActorLocked(a *actor) {
	h.byID[a.id] = a
	h.byCode[a.code] = a
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		a.run(h.ctx)
	}()
}
