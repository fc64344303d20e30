package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"netstudy/app/cmdlog"
	"netstudy/app/quiz"
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

// pending is a command applied in memory whose acknowledgement waits for
// the batch to be stored.
type pending struct {
	c       *Peer
	id      string
	arrived time.Time
	result  any
	err     error
	events  []session.Event
	joined  string // participant id, when this was a successful join
	// answered is the answer recorded, for the hosts' students table,
	// which hears of it once it is stored.
	answered *session.AnswerResult
}

// handleAny handles a batch of messages: applied and stored on one
// server, appended to the log in cluster mode.
func (a *actor) handleAny(ctx context.Context, batch []actorMsg) {
	if a.cl != nil {
		a.handleProposals(batch)
		return
	}
	a.handle(ctx, batch)
}

func (a *actor) handle(ctx context.Context, batch []actorMsg) {
	// Only a batch of answers is stored while the next batch is applied:
	// acknowledging an answer reads nothing of the session that a later
	// answer changes. A join's snapshot, an instructor's action, a
	// welcome do read it, so a batch with anything else starts from a
	// settled session and is settled before the actor goes on.
	pipelined := true
	for _, m := range batch {
		if m.kind != msgCommand || m.env.Type != "answer" {
			pipelined = false
			a.settle(ctx)
			break
		}
	}
	var pend []pending
	var recs []cmdlog.Command
	for _, m := range batch {
		if m.kind == msgCommand {
			p, rec := a.command(m)
			pend = append(pend, p)
			if rec != nil {
				recs = append(recs, *rec)
			}
			continue
		}
		// Keep order: what came before this message takes effect first.
		a.commit(ctx, pend, recs)
		pend, recs = nil, nil
		a.handleConnection(m)
	}
	if pipelined {
		a.store(ctx, pend, recs)
	} else {
		a.commit(ctx, pend, recs)
	}
}

// command applies one client command in memory and says what to store.
func (a *actor) command(m actorMsg) (pending, *cmdlog.Command) {
	c, env := m.c, m.env
	p := pending{c: c, id: env.ID, arrived: m.arrived}
	now := a.hub.now()
	a.lastActive = now
	switch {
	case !c.attached:
		p.err = protocolErr("hello_first", "say hello before sending commands")
		return p, nil
	case hostCommands[env.Type] && c.role != RoleHost:
		p.err = protocolErr("forbidden", "only the instructor can do that")
		return p, nil
	case env.Type == "join" && c.role != RoleStudent:
		p.err = protocolErr("forbidden", "the instructor's screens do not join")
		return p, nil
	case env.Type == "join" && c.participantID != "":
		if who, _ := a.sess.Participant(c.participantID); who.Kicked {
			// Not a fresh token for someone the instructor removed.
			p.err = protocolErr("kicked", "the instructor removed you from this session")
			return p, nil
		}
		p.result = a.joinResult(c.participantID)
		return p, nil
	}
	var (
		payload []byte
		res     applied
		err     error
	)
	if env.Type == "answer" {
		// The busiest command skips decoding what it just encoded: it
		// is applied from the same struct that is stored.
		var ap answerPayload
		if ap, err = answerOf(c, env, m.answer, m.answerErr); err == nil {
			if payload, err = json.Marshal(ap); err == nil {
				res, err = applyAnswer(a.sess, ap, now)
			}
		}
	} else {
		payload, err = storedPayload(c, env)
		if err != nil {
			p.err = err
			return p, nil
		}
		if env.Type == "join" {
			if id := a.joins[joinKey(payload)]; id != "" {
				// A join retried after its acknowledgement was lost.
				p.result, p.joined = a.joinResult(id), id
				return p, nil
			}
		}
		res, err = apply(a.sess, env.Type, payload, now)
	}
	if err != nil {
		p.err = err
		return p, nil
	}
	p.result, p.events = res.result, res.events
	if ar, ok := res.result.(session.AnswerResult); ok && env.Type == "answer" && res.record {
		p.answered = &ar
		a.lastAnswer = now
	}
	if env.Type == "join" {
		id, _ := res.result.(string)
		a.joins[joinKey(payload)] = id
		p.joined = id
		p.result = a.joinResult(id)
	}
	if !res.record {
		return p, nil
	}
	a.cmdSeq++
	return p, &cmdlog.Command{Seq: uint64(a.cmdSeq), Kind: env.Type, At: now, Payload: payload}
}

type joinResult struct {
	ParticipantID string `json:"participant_id"`
	Nickname      string `json:"nickname"`
	Token         string `json:"token"`
}

func (a *actor) joinResult(id string) joinResult {
	p, _ := a.sess.Participant(id)
	return joinResult{ParticipantID: id, Nickname: p.Nickname, Token: a.hub.auth.ParticipantToken(a.id, id)}
}

// ackData is the data of an acknowledgement.
type ackData struct {
	OK     bool           `json:"ok"`
	Result any            `json:"result,omitempty"`
	Error  *ProtocolError `json:"error,omitempty"`
}

// commit stores the batch, then acknowledges and publishes it, before it
// returns.
func (a *actor) commit(ctx context.Context, pend []pending, recs []cmdlog.Command) {
	a.store(ctx, pend, recs)
	a.settle(ctx)
}

// store starts writing an applied batch to SQLite and returns: the actor
// applies the next batch meanwhile, and settle acknowledges this one once
// it is stored. The batch before is settled first, so batches are stored,
// acknowledged and published in order. If that one failed, the session was
// rebuilt from the store without it, and this batch, applied on top of it,
// is gone too: its commands are refused, and their clients send them again.
func (a *actor) store(ctx context.Context, pend []pending, recs []cmdlog.Command) {
	if !a.settle(ctx) {
		refuseUnsaved(pend)
		return
	}
	if len(pend) == 0 && len(recs) == 0 {
		return
	}
	b := &storingBatch{pend: pend, recs: recs, start: time.Now(), done: make(chan error, 1)}
	if len(recs) == 0 {
		b.done <- nil
	} else {
		go func() { b.done <- appendBatch(ctx, a.hub.cmds, a.id, recs) }()
	}
	a.storing = b
}

// appendBatch stores an applied batch in the session's log. The actor
// numbered the commands as it applied them, and stores one batch at a time,
// so the log must be exactly where the batch starts: the fence says so, and
// a log that numbered them otherwise is an error, after which the actor
// rebuilds the session from what the log holds.
func appendBatch(ctx context.Context, log cmdlog.Log, sessionID string, recs []cmdlog.Command) error {
	seqs, err := log.Append(ctx, sessionID, recs, cmdlog.FenceAt(recs[0].Seq-1))
	if err != nil {
		return err
	}
	for i, seq := range seqs {
		if seq != recs[i].Seq {
			return fmt.Errorf("store commands of %s: stored as #%d, applied as #%d", sessionID, seq, recs[i].Seq)
		}
	}
	return nil
}

// settle waits for the batch being stored, then acknowledges and publishes
// it; false if it could not be stored.
func (a *actor) settle(ctx context.Context) bool {
	b := a.storing
	if b == nil {
		return true
	}
	a.storing = nil
	return a.stored(ctx, b, <-b.done)
}

// stored finishes a batch the store has answered for. If storing failed
// nothing is acknowledged and the session is rebuilt from what was stored,
// so memory never runs ahead of the disk.
func (a *actor) stored(ctx context.Context, b *storingBatch, err error) bool {
	if err != nil {
		a.hub.log.Error("store commands", "session", a.id, "n", len(b.recs), "err", err)
		a.restoreFromStore(ctx)
		refuseUnsaved(b.pend)
		return false
	}
	// Before the acknowledgements: whoever hears one asks SourceLive next.
	a.playing.Store(a.isPlaying())
	if len(b.recs) > 0 {
		a.hub.metrics.observeCommit(len(b.recs), time.Since(b.start))
	}
	acked := time.Now()
	for _, p := range b.pend {
		// A tick (a question's time running out) has nobody to
		// acknowledge; its events are published all the same.
		if p.c != nil {
			a.hub.metrics.ackLatency.Observe(acked.Sub(p.arrived).Seconds())
			if p.err != nil {
				p.c.sendNow("ack", p.id, 0, ackData{Error: publicError(p.err)})
				continue
			}
			p.c.sendNow("ack", p.id, 0, ackData{OK: true, Result: p.result})
		}
		if ar := p.answered; ar != nil {
			if ar.QuestionID != a.answeredQ || ar.Round != a.answeredRound {
				a.answeredNew, a.answeredQ, a.answeredRound = nil, ar.QuestionID, ar.Round
			}
			a.answeredNew = append(a.answeredNew, p.c.participantID)
		}
		a.publish(p.events)
		if p.joined != "" && p.c.participantID == "" {
			a.bind(p.c, p.joined)
			a.sendSnapshot(p.c)
		}
	}
	if a.sess.State() == session.Ended && !a.endedStored {
		if err := a.hub.store.EndSession(ctx, a.id, a.hub.now()); err != nil {
			a.hub.log.Error("store end of session", "session", a.id, "err", err)
		} else {
			a.endedStored = true
		}
	}
	return true
}

// refuseUnsaved tells the senders of commands that were not stored to try
// again.
func refuseUnsaved(pend []pending) {
	for _, p := range pend {
		if p.c != nil {
			p.c.sendNow("ack", p.id, 0, ackData{Error: errUnavailable})
		}
	}
}

func (a *actor) restoreFromStore(ctx context.Context) {
	cmds, err := a.hub.cmds.Commands(ctx, a.id)
	if err != nil {
		a.hub.log.Error("reload session after a failed store", "session", a.id, "err", err)
		return
	}
	a.rebuild(cmds)
}

// publicError turns any error into what a client may see.
func publicError(err error) *ProtocolError {
	var pe *ProtocolError
	if errors.As(err, &pe) {
		return pe
	}
	var se *session.Error
	if errors.As(err, &se) {
		return &ProtocolError{Code: se.Code, Message: se.Msg}
	}
	return protocolErr("internal", "something went wrong")
}

// tick closes a question whose time is up, storing the tick like any
// command so that a replay closes it at the same moment.
func (a *actor) tick(ctx context.Context) {
	if a.cl != nil {
		a.proposeTick()
		return
	}
	now := a.hub.now()
	res, err := apply(a.sess, "tick", nil, now)
	if err != nil || len(res.events) == 0 {
		return
	}
	a.commitOwn(ctx, "tick", now, res.events)
}

// endIfIdle ends the session, as the instructor's end would, once nobody
// has sent a command for the hub's idleEnd: a session left running would
// keep its quiz out of practice for good. It is stored as an end, so a
// replay ends it too.
func (a *actor) endIfIdle(ctx context.Context) {
	now := a.hub.now()
	if len(a.hosts)+len(a.students)+len(a.unbound) > 0 {
		a.lastPresent = now
	}
	idle := now.Sub(a.lastActive) >= a.hub.idleEnd
	// A session left in its lobby, with nobody in it and no screen or
	// phone connected, ends sooner: it was created and forgotten.
	forgotten := a.sess.State() == session.Lobby && a.sess.Active() == 0 &&
		now.Sub(a.lastActive) >= a.hub.lobbyIdleEnd && now.Sub(a.lastPresent) >= a.hub.lobbyIdleEnd
	if a.sess.State() == session.Ended || !idle && !forgotten {
		return
	}
	if a.cl != nil {
		// Every node watching may propose it: one id, one end.
		a.proposeOwn("idle-end."+strconv.FormatInt(a.lastActive.UnixMicro(), 10), "end", now, nil)
		return
	}
	res, err := apply(a.sess, "end", nil, now)
	if err != nil {
		a.hub.log.Error("end an idle session", "session", a.id, "err", err)
		return
	}
	a.hub.log.Info("session ended: nobody acted in it", "session", a.id, "since", a.lastActive, "idle_end", a.hub.idleEnd)
	a.commitOwn(ctx, "end", now, res.events)
}

// commitOwn stores and publishes a command the server gave itself: there
// is nobody to acknowledge.
func (a *actor) commitOwn(ctx context.Context, kind string, now time.Time, events []session.Event) {
	a.cmdSeq++
	rec := cmdlog.Command{Seq: uint64(a.cmdSeq), Kind: kind, At: now, Payload: []byte("{}")}
	a.commit(ctx, []pending{{events: events}}, []cmdlog.Command{rec})
}

// publish numbers events, keeps them for resume and routes them.
func (a *actor) publish(evs []session.Event) {
	for _, ev := range evs {
		if ev.Type == session.TypeAnswerCount {
			// Encoded when flushed: a thousand answers in a burst cost
			// one encoding, not a thousand.
			if _, waiting := a.volatile[ev.Audience.Kind]; !waiting && ev.Audience.Kind != session.AudienceHost {
				a.countWaiting = a.hub.now()
			}
			a.volatile[ev.Audience.Kind] = ev.Payload
			continue
		}
		a.flushVolatileNow(true) // a count must not arrive after the close it preceded
		a.seq++
		msg := newMessage(ev.Type, "", a.seq, ev.Payload)
		a.hist.add(logged{seq: a.seq, audience: ev.Audience, msg: msg})
		a.route(ev.Audience, msg)
		a.hub.metrics.eventsOut.Add(1)
		if ev.Type == session.TypeQuestionOpened && ev.Audience.Kind == session.AudienceHost {
			a.sendKeyToHosts(nil)
		}
	}
}

// answeredData tells the instructor's screens who has just answered.
type answeredData struct {
	QuestionID     string   `json:"question_id"`
	Round          int      `json:"round"`
	ParticipantIDs []string `json:"participant_ids"`
}

// keyData is the answer key of the open question, for the instructor's own
// dashboard only: never for a projector, never for a phone.
type keyData struct {
	QuestionID string   `json:"question_id"`
	Key        quiz.Key `json:"key"`
}

// sendKeyToHosts sends the open question's key to one dashboard (c), or to
// every dashboard when c is nil. It is not a numbered event: it is not in
// the history, so a projector can never replay it.
func (a *actor) sendKeyToHosts(c *Peer) {
	q, ok := a.sess.CurrentQuestion()
	if !ok || a.sess.State() == session.Ended {
		return
	}
	msg := newMessage("answer_key", "", 0, keyData{QuestionID: q.ID, Key: q.Key()})
	if c != nil {
		c.send(msg)
		return
	}
	for h := range a.hosts {
		if h.role == RoleHost {
			h.send(msg)
		}
	}
}

// flushVolatile sends the latest answer counts. The host gets them every
// tick; the phones, where a count is only a nicety, when phoneCountDue
// says so.
func (a *actor) flushVolatile() {
	a.flushVolatileNow(false)
}

// phoneCountQuietFrom is the class size from which the phones' count
// waits for a burst of answers to pass.
const phoneCountQuietFrom = 1000

// phoneCountLatest is how long the phones' count may wait while answers
// keep coming.
const phoneCountLatest = 3 * time.Second

// phoneCountDue says whether the phones should hear the answer count now.
// Each flush is one write per phone, so it comes less often as the class
// grows. In a large class it also waits until answers stop arriving: its
// writes would otherwise queue in front of the acknowledgements of the
// answers still coming in, which the students are waiting for (in the load
// test, 10,000 counts in the middle of 10,000 answers added a tenth of a
// second to the acknowledgement p99).
func phoneCountDue(students int, sinceSent, sinceAnswer, waited time.Duration) bool {
	if sinceSent < volatileEvery*time.Duration(1+students/1000) {
		return false
	}
	return students < phoneCountQuietFrom || sinceAnswer >= volatileEvery || waited >= phoneCountLatest
}

func (a *actor) flushVolatileNow(all bool) {
	if len(a.answeredNew) > 0 {
		msg := newMessage("answered", "", 0, answeredData{QuestionID: a.answeredQ, Round: a.answeredRound, ParticipantIDs: a.answeredNew})
		for h := range a.hosts {
			h.send(msg)
		}
		a.answeredNew = nil
	}
	for kind, payload := range a.volatile {
		if kind != session.AudienceHost && !all &&
			!phoneCountDue(len(a.students), time.Since(a.countsSent), a.hub.now().Sub(a.lastAnswer), a.hub.now().Sub(a.countWaiting)) {
			continue
		}
		if kind != session.AudienceHost {
			a.countsSent = time.Now()
		}
		a.route(session.Audience{Kind: kind}, newMessage(session.TypeAnswerCount, "", 0, payload))
		delete(a.volatile, kind)
	}
}

func (a *actor) route(aud session.Audience, msg *Message) {
	start := time.Now()
	n := 0
	if aud.Host() {
		for c := range a.hosts {
			c.send(msg)
			n++
		}
	}
	switch aud.Kind {
	case session.AudienceAll, session.AudienceParticipants:
		for c := range a.students {
			c.send(msg)
			n++
		}
	case session.AudienceParticipant:
		for _, c := range a.byParticipant[aud.ParticipantID] {
			c.send(msg)
			n++
		}
	}
	a.hub.metrics.observeFanout(n, time.Since(start))
}

// reaches reports whether an event for aud is for client c.
func reaches(aud session.Audience, c *Peer) bool {
	if c.role == RoleHost || c.role == RolePresenter {
		return aud.Host()
	}
	return c.participantID != "" && aud.Reaches(c.participantID)
}

// handleConnection plays a message about the session's connections or a
// query from another goroutine; commands go their own way, which depends
// on whether the session runs on one server or in a cluster.
func (a *actor) handleConnection(m actorMsg) {
	switch m.kind {
	case msgAttach:
		a.attach(m.c, m.hello)
	case msgDetach:
		a.detach(m.c)
	case msgQuery:
		m.query(a)
		close(m.done)
	}
}

func (a *actor) attach(c *Peer, h hello) {
	if c.Closed() {
		return
	}
	switch h.Role {
	case RoleHost, RolePresenter:
		if !c.instructor {
			c.sendNow("error", "", 0, protocolErr("forbidden", "only the instructor can open that screen"))
			c.Close("forbidden role")
			return
		}
	case RoleStudent, "":
		h.Role = RoleStudent
	default:
		c.sendNow("error", "", 0, protocolErr("bad_role", "unknown role"))
		c.Close("bad role")
		return
	}
	c.role, c.attached = h.Role, true
	resume := ""
	if h.Role == RoleStudent && h.Token != "" {
		id, ok := a.hub.auth.CheckParticipantToken(a.id, h.Token)
		p, known := a.sess.Participant(id)
		switch {
		case !ok || !known:
			c.sendNow("error", "", 0, protocolErr("bad_token", "that resume token is not valid here; join again"))
		case p.Kicked:
			c.sendNow("error", "", 0, protocolErr("kicked", "the instructor removed you from this session"))
		default:
			a.bind(c, id)
		}
	}
	if h.Role != RoleStudent {
		a.hosts[c] = struct{}{}
	} else if c.participantID == "" {
		a.unbound[c] = struct{}{}
	}
	if h.Role != RoleStudent || c.participantID != "" {
		resume = "replay"
		// A last_seq above the latest event is from another life of the
		// session (a store restored from a backup, say): the client's
		// state is not ours to patch, so it gets a snapshot.
		if evs, ok := a.hist.since(h.LastSeq, a.seq); ok && h.LastSeq > 0 && h.LastSeq <= a.seq {
			a.sendWelcome(c, resume)
			for _, e := range evs {
				if reaches(e.audience, c) {
					c.send(e.msg)
				}
			}
			if c.role == RoleHost {
				a.sendKeyToHosts(c)
			}
			a.hub.metrics.resumes.WithLabelValues("replay").Inc()
			return
		}
		resume = "snapshot"
		a.hub.metrics.resumes.WithLabelValues("snapshot").Inc()
	}
	a.sendWelcome(c, resume)
	if resume == "snapshot" {
		a.sendSnapshot(c)
	}
}

// sendWelcome welcomes a client that said hello, with a first ping right
// behind, so that the dashboard has its round-trip time at once: queued
// together, the two go out in one write.
func (a *actor) sendWelcome(c *Peer, resume string) {
	c.sendNow("welcome", "", 0, a.welcome(c, resume))
	if c.transport == TransportWebSocket {
		c.send(a.hub.pingMessage())
	}
}

type welcomeData struct {
	Protocol      int         `json:"protocol"`
	Role          Role        `json:"role"`
	ParticipantID string      `json:"participant_id,omitempty"`
	Nickname      string      `json:"nickname,omitempty"`
	Session       SessionInfo `json:"session"`
	Resume        string      `json:"resume,omitempty"`
	ServerTimeMS  int64       `json:"server_time_ms"`
	// ClientAddr and ServerAddr are this connection's ends as the server
	// sees them (ip:port), for the layers view of the student's answer.
	ClientAddr string `json:"client_addr,omitempty"`
	ServerAddr string `json:"server_addr,omitempty"`
}

func (a *actor) welcome(c *Peer, resume string) welcomeData {
	w := welcomeData{
		Protocol: ProtocolVersion, Role: c.role, ParticipantID: c.participantID,
		Session: a.info(), Resume: resume, ServerTimeMS: a.hub.now().UnixMilli(),
		ClientAddr: c.peerAddr, ServerAddr: c.localAddr,
	}
	if p, ok := a.sess.Participant(c.participantID); ok {
		w.Nickname = p.Nickname
	}
	return w
}

func (a *actor) info() SessionInfo {
	return SessionInfo{ID: a.id, Code: a.code, Title: a.setup.Title, Source: a.setup.Source, State: string(a.sess.State()), CreatedAt: a.created}
}

func (a *actor) sendSnapshot(c *Peer) {
	var view any
	if c.role == RoleStudent {
		v, err := a.sess.ParticipantView(c.participantID)
		if err != nil {
			return
		}
		view = v
	} else if c.role == RolePresenter {
		view = a.sess.PresenterView()
	} else {
		view = a.sess.HostView()
	}
	c.sendNow("snapshot", "", a.seq, view)
}

func (a *actor) bind(c *Peer, participantID string) {
	c.participantID = participantID
	delete(a.unbound, c)
	a.students[c] = struct{}{}
	a.byParticipant[participantID] = append(a.byParticipant[participantID], c)
	a.presenceDirty = true
}

func (a *actor) detach(c *Peer) {
	delete(a.hosts, c)
	delete(a.students, c)
	delete(a.unbound, c)
	if id := c.participantID; id != "" {
		list := a.byParticipant[id]
		for i, x := range list {
			if x == c {
				list = append(list[:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(a.byParticipant, id)
		} else {
			a.byParticipant[id] = list
		}
	}
	a.presenceDirty = true
}

// disconnectAll closes every connection of the session, joined or not,
// when it stops or retires: their clients then hear that it is gone.
func (a *actor) disconnectAll() {
	for _, set := range []map[*Peer]struct{}{a.hosts, a.students, a.unbound} {
		for c := range set {
			c.Close("session closed")
		}
	}
}

// Presence is one participant's connection as the host sees it.
type Presence struct {
	ParticipantID string   `json:"participant_id"`
	Nickname      string   `json:"nickname"`
	Connected     bool     `json:"connected"`
	Transport     string   `json:"transport,omitempty"`
	RTTMillis     *float64 `json:"rtt_ms,omitempty"` // absent until measured
	Remote        string   `json:"remote,omitempty"`
}

func (a *actor) sendPresence() {
	a.presenceDirty = false
	a.rttChanged.Store(false)
	a.presenceSent = time.Now()
	if len(a.hosts) == 0 {
		return
	}
	ps := a.sess.Participants()
	out := make([]Presence, 0, len(ps))
	for _, p := range ps {
		if p.Kicked {
			continue
		}
		pr := Presence{ParticipantID: p.ID}
		if cs := a.byParticipant[p.ID]; len(cs) > 0 {
			pr = connectedPresence(p.ID, cs[len(cs)-1])
		} else if a.cl != nil {
			if r, ok := a.remoteConnection(p.ID); ok {
				pr = r // connected to another node
			}
		}
		pr.Nickname = p.Nickname
		out = append(out, pr)
	}
	msg := newMessage("presence", "", 0, map[string]any{"participants": out})
	for c := range a.hosts {
		c.send(msg)
	}
}

// joinKey identifies a join for retries: the command id together with the
// nickname, so that a client reusing another's command id (by accident or
// on purpose) never receives that student's identity.
func joinKey(payload []byte) string {
	var p joinPayload
	if json.Unmarshal(payload, &p) != nil {
		return ""
	}
	return p.CommandID + "\x00" + strings.ToLower(strings.Join(strings.Fields(p.Nickname), " "))
}
