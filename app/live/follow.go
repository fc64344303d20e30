package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"sync"
	"time"

	"netstudy/app/cmdlog"
	"netstudy/app/session"
)

// Cluster mode, the actor's side (see package cmdlog for the design).
//
// On one server the actor applies a command when it arrives, stores the
// batch in SQLite, then acknowledges it. In cluster mode nothing is
// applied on arrival: the actor checks what only this node can check (the
// client's role, its participant id) and appends the command to the
// session's log; the stream decides its place. A follower goroutine reads
// the log back and the actor applies every command in the log's order,
// whichever node appended it, then acknowledges the ones its own clients
// sent. Every node applying the same log numbers the same events, so a
// client resumes with its last seq on any node.
//
// Why a branch at a few places rather than one interface for "how a batch
// becomes durable": the two modes differ in when a command is applied
// (before it is durable on one server, after and in the log's order in a
// cluster), not only in where it is written, so an interface over the
// store would have to take over the apply as well. The branches keep the
// one-server hot path exactly as it was, which must not get slower.

// appendWithin bounds one append while this node is connected to NATS
// (without a connection it gives up after a few seconds): past it the
// client hears "unavailable" and sends the command again (its id makes
// that safe). It covers a stream leader's election (5 to 10 s, longer on
// a loaded machine) with room to spare, so that clients which do not
// resend, like the load generator, still see their answers through it.
const appendWithin = 20 * time.Second

// applyWithin bounds the wait, once an append returned, for this node's
// follower to deliver the command: it delivers in milliseconds, so a
// command not applied by then means the follower stalled (an ordered
// consumer can stop delivering without an error when the stream's leader
// dies). Past it the command's senders hear "unavailable" and send it
// again (deduplicated by its id), and the follower starts over from the
// last command applied.
const applyWithin = 5 * time.Second

// tickRetry is how long after a deadline a node that proposed the tick and
// has not seen it applied proposes it again (the same id: stored once).
const tickRetry = time.Second

// unwatchedFor is how long an actor with no client on this node keeps
// following its session's log before it stops; a later hello loads it
// again from the log.
const unwatchedFor = 2 * time.Minute

// rememberedAcks bounds how many acknowledgement results are kept for
// commands appended again after their first copy was applied.
const rememberedAcks = 4096

// clusterActor is an actor's state in cluster mode, owned by its goroutine
// except where said.
type clusterActor struct {
	log cmdlog.Log
	// seq is the log sequence of the last command applied.
	seq uint64
	// followed carries the log's commands from the follower goroutine.
	followed chan cmdlog.Command
	// appended carries the outcome of an append back to the actor.
	appended chan appendOutcome
	// appending is set while an append is in flight; queued waits for it,
	// so that one node's commands reach the stream in the order they came.
	appending bool
	queued    []cmdlog.Command
	// waiting are this node's senders of each command appended, by id,
	// until the command is applied.
	waiting map[string][]waiter
	// unapplied are the commands stored but not yet applied here, by id:
	// the sequence the append returned and when to give up waiting.
	unapplied map[string]unapplied
	// refollow asks the follower goroutine to start over (capacity 1).
	refollow chan struct{}
	// acks remembers recent commands' outcomes, for a command appended
	// again whose first copy was applied already (two generations).
	acks, acksOld map[string]ackOutcome
	// claimedLive is whether this node last claimed the session's quiz
	// as played live (see syncLiveClaim).
	claimedLive bool
	// tickFor is the deadline this node last proposed a tick for, and
	// tickProposed when it did.
	tickFor, tickProposed time.Time
	// lastWatched is when this node last had a client in the session.
	lastWatched time.Time
	// presenceIn carries the other nodes' presence from the subscription;
	// remote is what each said last; presenceSent and presenceAt are what
	// this node last published, and when (see presence.go).
	presenceIn   chan []byte
	remote       map[string]remotePresence
	presenceSent []byte
	presenceAt   time.Time
	// ctx is the actor's run, which the follower and the appends stop
	// with; wg counts them.
	ctx context.Context
	wg  sync.WaitGroup
}

type waiter struct {
	c       *Peer
	id      string // the client's command id
	arrived time.Time
	done    chan error // for the server's own commands (Hub.End); nil for a client's
}

type unapplied struct {
	seq      uint64
	deadline time.Time
}

type ackOutcome struct {
	result any
	err    error
}

type appendOutcome struct {
	cmds  []cmdlog.Command
	seqs  []uint64
	err   error
	start time.Time
}

func newClusterActor(log cmdlog.Log, now time.Time) *clusterActor {
	return &clusterActor{
		log:         log,
		followed:    make(chan cmdlog.Command, maxBatch),
		appended:    make(chan appendOutcome, 1),
		waiting:     map[string][]waiter{},
		unapplied:   map[string]unapplied{},
		refollow:    make(chan struct{}, 1),
		acks:        map[string]ackOutcome{},
		presenceIn:  make(chan []byte, presenceInbox),
		remote:      map[string]remotePresence{},
		lastWatched: now,
	}
}

// loggedResult is what applying one logged command did.
type loggedResult struct {
	applied
	joined   string // the participant a join made or found
	answerBy string // the participant whose answer was recorded
}

// applyLogged applies one command of the log. A join whose command id and
// nickname were seen before (a client retrying past the log's duplicate
// window) finds the same participant instead of making another, the same
// way on every node.
func (a *actor) applyLogged(kind string, payload []byte, at time.Time) (loggedResult, error) {
	switch kind {
	case "join":
		key := joinKey(payload)
		if id := a.joins[key]; id != "" {
			return loggedResult{applied: applied{result: id}, joined: id}, nil
		}
		res, err := apply(a.sess, kind, payload, at)
		if err != nil {
			return loggedResult{}, err
		}
		id, _ := res.result.(string)
		a.joins[key] = id
		return loggedResult{applied: res, joined: id}, nil
	case "answer":
		var p answerPayload
		if err := json.Unmarshal(payload, &p); err != nil {
			return loggedResult{}, fmt.Errorf("answer payload: %w", err)
		}
		res, err := applyAnswer(a.sess, p, at)
		if err != nil {
			return loggedResult{}, err
		}
		out := loggedResult{applied: res}
		if res.record {
			out.answerBy = p.ParticipantID
		}
		return out, nil
	}
	res, err := apply(a.sess, kind, payload, at)
	return loggedResult{applied: res}, err
}

// startFollowing starts the goroutine that reads the session's log from
// the last command applied; it stops when ctx ends.
func (a *actor) startFollowing(ctx context.Context) {
	cl := a.cl
	cl.wg.Add(1)
	go func() {
		defer cl.wg.Done()
		after := cl.seq
		for {
			err := a.followOnce(ctx, after, func(seq uint64) { after = seq })
			if ctx.Err() != nil {
				return
			}
			a.hub.log.Warn("follow a session's log: starting again", "session", a.id, "after", after, "err", err)
			if !sleepCtx(ctx, time.Second) {
				return
			}
		}
	}()
}

// followOnce follows the log after seq until ctx ends, the log fails, or
// the actor asks for a fresh start through refollow; delivered reports
// each sequence handed to the actor.
func (a *actor) followOnce(ctx context.Context, after uint64, delivered func(uint64)) error {
	cl := a.cl
	select {
	case <-cl.refollow: // asked between two runs: this one is the fresh start
	default:
	}
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	watched := make(chan struct{})
	go func() { // stops when Follow returns, before followOnce does
		defer close(watched)
		select {
		case <-cl.refollow:
			cancel()
		case <-fctx.Done():
		}
	}()
	err := cl.log.Follow(fctx, a.id, after, func(c cmdlog.Command) error {
		select {
		case cl.followed <- c:
			delivered(c.Seq)
			return nil
		case <-fctx.Done():
			return fctx.Err()
		}
	})
	cancel()
	<-watched
	if err != nil && ctx.Err() == nil && fctx.Err() != nil {
		return errors.New("stalled: no command delivered in time")
	}
	return err
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// handleProposals is handle in cluster mode: commands are appended to the
// log, the rest is done at once.
func (a *actor) handleProposals(batch []actorMsg) {
	for _, m := range batch {
		switch m.kind {
		case msgCommand:
			if cmd, ok := a.proposal(m); ok {
				a.propose(cmd)
			}
		default:
			a.handleConnection(m)
		}
	}
	a.flushProposals()
}

// proposal checks a client's command and makes it a log entry; false when
// it was answered here already.
func (a *actor) proposal(m actorMsg) (cmdlog.Command, bool) {
	c, env := m.c, m.env
	refuse := func(err error) (cmdlog.Command, bool) {
		a.hub.metrics.ackLatency.Observe(time.Since(m.arrived).Seconds())
		c.sendNow("ack", env.ID, 0, ackData{Error: publicError(err)})
		return cmdlog.Command{}, false
	}
	switch {
	case !c.attached:
		return refuse(protocolErr("hello_first", "say hello before sending commands"))
	case hostCommands[env.Type] && c.role != RoleHost:
		return refuse(protocolErr("forbidden", "only the instructor can do that"))
	case env.Type == "join" && c.role != RoleStudent:
		return refuse(protocolErr("forbidden", "the instructor's screens do not join"))
	case env.Type == "join" && c.participantID != "":
		if who, _ := a.sess.Participant(c.participantID); who.Kicked {
			return refuse(protocolErr("kicked", "the instructor removed you from this session"))
		}
		c.sendNow("ack", env.ID, 0, ackData{OK: true, Result: a.joinResult(c.participantID)})
		return cmdlog.Command{}, false
	}
	var payload []byte
	var err error
	if env.Type == "answer" {
		var ap answerPayload
		if ap, err = answerOf(c, env, m.answer, m.answerErr); err == nil {
			payload, err = json.Marshal(ap)
		}
	} else {
		payload, err = storedPayload(c, env)
	}
	if err != nil {
		return refuse(err)
	}
	if env.Type == "join" {
		if id := a.joins[joinKey(payload)]; id != "" {
			c.sendNow("ack", env.ID, 0, ackData{OK: true, Result: a.joinResult(id)})
			a.bindJoined(c, id)
			return cmdlog.Command{}, false
		}
	}
	id := logID(c, env, payload)
	first := len(a.cl.waiting[id]) == 0
	a.cl.waiting[id] = append(a.cl.waiting[id], waiter{c: c, id: env.ID, arrived: m.arrived})
	if !first {
		return cmdlog.Command{}, false // on its way already: one copy is enough
	}
	return cmdlog.Command{ID: id, Kind: env.Type, At: a.hub.now(), Payload: payload}, true
}

// logID is a client command's id in the log, which deduplicates it: the
// client's own id, made unique across the class by who sent it (the page
// numbers its commands after a random id of its own, but another client
// need not), so that one client's retry is dropped and another's command
// never is.
func logID(c *Peer, env Envelope, payload []byte) string {
	switch {
	case env.Type == "join":
		h := fnv.New64a()
		h.Write([]byte(joinKey(payload)))
		return "j." + strconv.FormatUint(h.Sum64(), 36) + "." + env.ID
	case c.role == RoleStudent:
		return "p." + c.participantID + "." + env.ID
	default:
		return "h." + env.ID
	}
}

// propose queues a command for the log.
func (a *actor) propose(cmd cmdlog.Command) {
	a.cl.queued = append(a.cl.queued, cmd)
}

// proposeOwn queues a command the server gives itself (a tick, an idle
// end) under an id derived from what it does, so that several nodes
// proposing it store it once.
func (a *actor) proposeOwn(id, kind string, at time.Time, done chan error) {
	if done != nil {
		a.cl.waiting[id] = append(a.cl.waiting[id], waiter{done: done})
	}
	for _, q := range a.cl.queued {
		if q.ID == id {
			return // queued already, behind an append in flight
		}
	}
	a.propose(cmdlog.Command{ID: id, Kind: kind, At: at, Payload: []byte("{}")})
	a.flushProposals()
}

// flushProposals appends what is queued unless an append is in flight;
// then what queued meanwhile goes in one batch when it returns.
func (a *actor) flushProposals() {
	cl := a.cl
	if cl.appending || len(cl.queued) == 0 || cl.ctx == nil {
		return
	}
	ctx := cl.ctx
	cmds := cl.queued
	cl.queued, cl.appending = nil, true
	cl.wg.Add(1)
	go func() {
		defer cl.wg.Done()
		start := time.Now()
		actx, cancel := context.WithTimeout(ctx, appendWithin)
		seqs, err := cl.log.Append(actx, a.id, cmds, cmdlog.Fence{})
		cancel()
		select {
		case cl.appended <- appendOutcome{cmds: cmds, seqs: seqs, err: err, start: start}:
		case <-ctx.Done():
		}
	}()
}

// errUnavailable refuses a command that could not be stored (SQLite
// failing on one server, NATS out of reach in a cluster); live.js sends it
// again by itself, and the phone shows this meanwhile.
var errUnavailable = protocolErr("unavailable", "The server cannot save it right now; it is sent again by itself.")

// onAppended finishes an append. A failed one refuses its commands, which
// their clients send again; a command stored before and applied already
// (a retry the log recognised) is acknowledged with what it did then.
func (a *actor) onAppended(out appendOutcome) {
	cl := a.cl
	cl.appending = false
	if out.err != nil {
		a.hub.log.Warn("append to a session's log", "session", a.id, "commands", len(out.cmds), "err", out.err)
		for _, cmd := range out.cmds {
			a.answerWaiters(cmd.ID, ackOutcome{err: errUnavailable})
		}
	} else {
		// The batch and its time go where one server's commits do.
		a.hub.metrics.observeCommit(len(out.cmds), time.Since(out.start))
		deadline := time.Now().Add(applyWithin)
		for i, cmd := range out.cmds {
			switch {
			case out.seqs[i] <= cl.seq:
				if o, ok := a.recall(cmd.ID); ok {
					a.answerWaiters(cmd.ID, o)
				} else {
					a.answerWaiters(cmd.ID, ackOutcome{})
				}
			default:
				// Watched even without a sender here (a tick): a stored
				// command that stays unapplied means a stalled follower.
				// A copy proposed again keeps the first deadline.
				if _, ok := cl.unapplied[cmd.ID]; !ok {
					cl.unapplied[cmd.ID] = unapplied{seq: out.seqs[i], deadline: deadline}
				}
			}
		}
	}
	a.flushProposals()
}

func (a *actor) recall(id string) (ackOutcome, bool) {
	if o, ok := a.cl.acks[id]; ok {
		return o, true
	}
	o, ok := a.cl.acksOld[id]
	return o, ok
}

func (a *actor) remember(id string, o ackOutcome) {
	cl := a.cl
	if len(cl.acks) >= rememberedAcks {
		cl.acksOld, cl.acks = cl.acks, map[string]ackOutcome{}
	}
	cl.acks[id] = o
}

// checkUnapplied refuses the commands stored but still not applied
// applyWithin after their append returned, so that their senders send
// them again rather than wait forever, and starts the follower over.
func (a *actor) checkUnapplied(now time.Time) {
	cl := a.cl
	stalled := false
	for id, u := range cl.unapplied {
		if now.Before(u.deadline) {
			continue
		}
		a.hub.log.Warn("a stored command was not applied in time", "session", a.id,
			"command", id, "seq", u.seq, "applied", cl.seq)
		a.answerWaiters(id, ackOutcome{err: errUnavailable})
		stalled = true
	}
	if stalled {
		select {
		case cl.refollow <- struct{}{}:
		default: // asked already
		}
	}
}

// answerWaiters acknowledges every sender waiting for command id.
func (a *actor) answerWaiters(id string, o ackOutcome) []waiter {
	ws := a.cl.waiting[id]
	delete(a.cl.waiting, id)
	delete(a.cl.unapplied, id)
	acked := time.Now()
	for _, w := range ws {
		if w.done != nil {
			w.done <- o.err
			continue
		}
		a.hub.metrics.ackLatency.Observe(acked.Sub(w.arrived).Seconds())
		if o.err != nil {
			w.c.sendNow("ack", w.id, 0, ackData{Error: publicError(o.err)})
		} else {
			w.c.sendNow("ack", w.id, 0, ackData{OK: true, Result: o.result})
		}
	}
	return ws
}

// onFollowed applies commands of the log in order, acknowledges the ones
// this node's clients sent, and publishes their events.
func (a *actor) onFollowed(ctx context.Context, cmds []cmdlog.Command) {
	cl := a.cl
	for _, c := range cmds {
		if c.Seq <= cl.seq {
			continue // read again after the follower started over
		}
		cl.seq = c.Seq
		a.cmdSeq = int64(c.Seq)
		if c.Kind != "tick" {
			a.lastActive = c.At
		}
		res, err := a.applyLogged(c.Kind, c.Payload, c.At)
		o := ackOutcome{result: res.result, err: err}
		if res.joined != "" {
			o.result = a.joinResult(res.joined)
		}
		a.remember(c.ID, o)
		ws := a.answerWaiters(c.ID, o)
		if res.answerBy != "" {
			a.lastAnswer = c.At
			ar, _ := res.result.(session.AnswerResult)
			if ar.QuestionID != a.answeredQ || ar.Round != a.answeredRound {
				a.answeredNew, a.answeredQ, a.answeredRound = nil, ar.QuestionID, ar.Round
			}
			a.answeredNew = append(a.answeredNew, res.answerBy)
		}
		a.publish(res.events)
		if res.joined != "" {
			for _, w := range ws {
				if w.c != nil {
					a.bindJoined(w.c, res.joined)
				}
			}
		}
	}
	a.playing.Store(a.isPlaying())
	a.syncLiveClaim()
	if a.sess.State() == session.Ended && !a.endedStored {
		a.endedStored = true
		a.hub.recordEnd(ctx, a.id, a.hub.now())
	}
}

// bindJoined binds a client whose join was acknowledged to its participant
// and sends it the state it joined into.
func (a *actor) bindJoined(c *Peer, participantID string) {
	if c.participantID != "" || c.Closed() {
		return
	}
	a.bind(c, participantID)
	a.sendSnapshot(c)
}

// proposeTick proposes closing the open question once its time is up. Its
// time is the deadline itself, so that every node applies it the same,
// and its id names the deadline, so the nodes that fire it store it once.
func (a *actor) proposeTick() {
	d, ok := a.sess.Deadline()
	if !ok || a.hub.now().Before(d) {
		return
	}
	a.cl.tickFor, a.cl.tickProposed = d, a.hub.now()
	a.proposeOwn("tick."+strconv.FormatInt(d.UnixMicro(), 10), "tick", d, nil)
}

// watched notes whether this node has a client in the session, and says
// whether the actor has had none for unwatchedFor.
func (a *actor) unwatched(now time.Time) bool {
	if len(a.hosts)+len(a.students)+len(a.unbound) > 0 || len(a.cl.waiting) > 0 {
		a.cl.lastWatched = now
		return false
	}
	return now.Sub(a.cl.lastWatched) >= unwatchedFor
}
