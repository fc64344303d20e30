package live

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"netstudy/app/cmdlog"
	"netstudy/app/session"
)

// maxBatch bounds how many queued messages an actor handles, and stores in
// one transaction, before it sends their acknowledgements. Under load this
// is group commit: one fsync-free WAL transaction for many answers.
const maxBatch = 1024

// volatileEvery is how often live answer counts go out. They are the only
// events that are coalesced: only the latest count matters.
const volatileEvery = 250 * time.Millisecond

// presenceEvery is how often the host hears who is connected, when that
// changed.
const presenceEvery = time.Second

type msgKind int

const (
	msgCommand msgKind = iota
	msgAttach
	msgDetach
	msgQuery
)

type actorMsg struct {
	kind  msgKind
	c     *Peer
	env   Envelope
	hello hello
	query func(*actor)
	done  chan struct{}
	// answer is an answer's data, decoded on the connection's goroutine
	// (see Hub.receive); nil with answerErr when it did not decode.
	answer    *clientAnswer
	answerErr error
	arrived   time.Time // when the command was read, for the ack latency metric
}

// hello is the data of the first message of a connection.
type hello struct {
	Protocol int    `json:"protocol"`
	Session  string `json:"session"`
	Role     Role   `json:"role"`
	Token    string `json:"token"`
	LastSeq  uint64 `json:"last_seq"`
}

// actor owns one running session: one goroutine applies every command in
// order, stores it, acknowledges it, and routes the resulting events.
// Nothing else touches the session, so it needs no lock.
type actor struct {
	hub     *Hub
	id      string
	code    string
	setup   session.Setup
	created time.Time

	inbox   chan actorMsg
	stopped chan struct{}
	// over is set once the session has ended, for readers on other
	// goroutines (see Hub.SourceLive).
	over atomic.Bool
	// playing is set while the session is really being played (see
	// isPlaying), for readers on other goroutines (see Hub.SourceLive).
	playing atomic.Bool
	// rttChanged is set when a pong brought a new round-trip time, which
	// the instructor's presence list shows.
	rttChanged atomic.Bool

	// Owned by the actor goroutine.
	sess          *session.Session
	cmdSeq        int64 // last stored command
	seq           uint64
	hist          *history
	hosts         map[*Peer]struct{}
	students      map[*Peer]struct{}
	unbound       map[*Peer]struct{} // students who said hello but have not joined
	byParticipant map[string][]*Peer
	joins         map[string]string            // joinKey -> participant id
	volatile      map[session.AudienceKind]any // latest answer_count payload by audience
	presenceDirty bool
	presenceSent  time.Time
	countsSent    time.Time // when the phones last heard the answer count
	lastAnswer    time.Time // when an answer was last recorded
	lastActive    time.Time // when anyone last sent a command (see Config.IdleEnd)
	lastPresent   time.Time // when a screen or phone was last connected (see Config.LobbyIdleEnd)
	countWaiting  time.Time // since when the phones have a count to hear
	answeredNew   []string  // who answered since the hosts last heard, for their students table
	answeredQ     string    // the question and round answeredNew belongs to
	answeredRound int
	endedStored   bool
	// storing is the batch being written to SQLite while the next one is
	// applied; its acknowledgements and events wait for the store.
	storing *storingBatch
	// cl is the actor's state in cluster mode (see follow.go); nil on one
	// server.
	cl *clusterActor
}

// storingBatch is a batch of applied commands on its way to the store.
type storingBatch struct {
	pend  []pending
	recs  []cmdlog.Command
	start time.Time
	done  chan error // the store's answer, sent once
}

func newActor(h *Hub, id, code string, setup session.Setup, created time.Time) *actor {
	a := &actor{
		hub: h, id: id, code: code, setup: setup, created: created,
		inbox:   make(chan actorMsg, 4096),
		stopped: make(chan struct{}),
	}
	a.reset()
	return a
}

// reset empties the session to its setup; rebuild then replays its log.
func (a *actor) reset() {
	a.sess = session.New(a.id, a.setup.Options, a.setup.Questions, a.created)
	a.lastActive, a.lastPresent = a.created, a.created
	a.cmdSeq = 0
	a.seq = 0
	a.hist = newHistory(historyLen)
	a.joins = map[string]string{}
	a.volatile = map[session.AudienceKind]any{}
	if a.hosts == nil {
		a.hosts = map[*Peer]struct{}{}
		a.students = map[*Peer]struct{}{}
		a.unbound = map[*Peer]struct{}{}
		a.byParticipant = map[string][]*Peer{}
	}
}

// rebuild replays a stored log into a fresh session. The events it yields
// are numbered exactly as they were the first time, so clients resume
// across a restart as if nothing happened.
func (a *actor) rebuild(cmds []cmdlog.Command) {
	a.reset()
	for _, c := range cmds {
		res, err := a.applyLogged(c.Kind, c.Payload, c.At)
		a.cmdSeq = int64(c.Seq)
		if c.Kind != "tick" {
			a.lastActive = c.At
		}
		if err != nil {
			// In cluster mode refused commands are in the log too.
			if a.cl == nil {
				a.hub.log.Warn("replay: stored command refused", "session", a.id, "seq", c.Seq, "kind", c.Kind, "err", err)
			}
			continue
		}
		for _, ev := range res.events {
			if ev.Type != session.TypeAnswerCount {
				a.seq++
				a.hist.add(logged{seq: a.seq, audience: ev.Audience, msg: newMessage(ev.Type, "", a.seq, ev.Payload)})
			}
		}
	}
	a.endedStored = a.sess.State() == session.Ended
	a.playing.Store(a.isPlaying())
}

// isPlaying reports whether the session is really being played: a
// question is open, or students are in it. Only then is its quiz kept out
// of practice; a session waiting in its lobby for nobody is not.
func (a *actor) isPlaying() bool {
	st := a.sess.State()
	return st != session.Ended && (st == session.QuestionOpen || a.sess.Active() > 0)
}

// post hands a message to the actor; false if the actor has stopped.
func (a *actor) post(m actorMsg) bool {
	select {
	case <-a.stopped: // checked first: select picks among ready cases at random
		return false
	default:
	}
	select {
	case a.inbox <- m:
		return true
	case <-a.stopped:
		return false
	}
}

// do runs f on the actor goroutine and waits for it: the only safe way for
// other goroutines to read the session.
func (a *actor) do(ctx context.Context, f func(*actor)) error {
	done := make(chan struct{})
	if !a.post(actorMsg{kind: msgQuery, query: f, done: done}) {
		return errors.New("the session is not running")
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-a.stopped:
		return errors.New("the session is not running")
	}
}

func (a *actor) run(ctx context.Context) {
	defer close(a.stopped)
	defer a.disconnectAll()
	var followed <-chan cmdlog.Command
	var appended <-chan appendOutcome
	var heard <-chan []byte
	if a.cl != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		defer a.cl.wg.Wait()
		defer cancel()
		a.cl.ctx = ctx
		a.startFollowing(ctx)
		defer a.startPresence()()
		followed, appended, heard = a.cl.followed, a.cl.appended, a.cl.presenceIn
	}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	volatile := time.NewTicker(volatileEvery)
	defer volatile.Stop()
	presence := time.NewTicker(presenceEvery)
	defer presence.Stop()
	a.tick(ctx) // a deadline may have passed while the server was down
	a.armTimer(timer)
	// An ended session stays a while, so phones can show the podium and
	// late reconnects find it, then retires: its results live on in the
	// store, and a server that runs all term does not keep every class.
	var retire <-chan time.Time
	for {
		a.playing.Store(a.isPlaying())
		if retire == nil && a.storing == nil && a.sess.State() == session.Ended {
			a.over.Store(true)
			retire = time.After(a.hub.endedLinger)
		}
		var stored <-chan error
		if a.storing != nil {
			stored = a.storing.done
		}
		select {
		case <-ctx.Done():
			if a.storing != nil {
				<-a.storing.done // the store goroutine is ours to wait for
			}
			return
		case err := <-stored:
			b := a.storing
			a.storing = nil
			a.stored(ctx, b, err)
		case <-retire:
			a.settle(ctx)
			a.hub.retire(a)
			// Messages posted before the hub forgot this actor still get
			// an answer: the session is over.
			for {
				select {
				case m := <-a.inbox:
					a.handleAny(ctx, []actorMsg{m})
				default:
					a.settle(ctx)
					return
				}
			}
		case m := <-a.inbox:
			batch := []actorMsg{m}
		drain:
			for len(batch) < maxBatch {
				select {
				case m := <-a.inbox:
					batch = append(batch, m)
				default:
					break drain
				}
			}
			a.handleAny(ctx, batch)
			a.armTimer(timer)
		case <-timer.C:
			a.tick(ctx)
			a.armTimer(timer)
		case c := <-followed:
			batch := []cmdlog.Command{c}
		drainLog:
			for len(batch) < maxBatch {
				select {
				case c := <-followed:
					batch = append(batch, c)
				default:
					break drainLog
				}
			}
			a.onFollowed(ctx, batch)
			a.armTimer(timer)
		case out := <-appended:
			a.onAppended(out)
		case data := <-heard:
			a.heardPresence(data, time.Now())
		case <-volatile.C:
			a.settle(ctx) // who answered is told once the answers are stored
			a.flushVolatile()
		case <-presence.C:
			a.settle(ctx)
			a.endIfIdle(ctx)
			if a.cl != nil {
				a.checkUnapplied(time.Now())
				a.publishPresence(time.Now())
				a.forgetStalePresence(time.Now())
				if retire == nil && a.unwatched(a.hub.now()) {
					retire = time.After(0) // followed again by the next hello
				}
			}
			// A large class's presence list is big: send it less often.
			if (a.presenceDirty || a.rttChanged.Load()) && time.Since(a.presenceSent) >= presenceEvery*time.Duration(1+len(a.students)/500) {
				a.sendPresence()
			}
		}
	}
}

func (a *actor) armTimer(t *time.Timer) {
	t.Stop()
	if d, ok := a.sess.Deadline(); ok {
		if a.cl != nil && d.Equal(a.cl.tickFor) {
			// Proposed: again only if not applied by then. Counted from
			// the proposal, not the deadline, or a tick the log is slow
			// to take would be proposed again without a pause.
			d = a.cl.tickProposed.Add(tickRetry)
		}
		t.Reset(max(0, d.Sub(a.hub.now())))
	}
}
