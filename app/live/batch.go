package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"netstudy/app/cmdlog"
	"netstudy/app/session"
)

// A session's commands, from the message that carries one to its
// acknowledgement: applied in memory in batches, stored (group commit),
// then acknowledged and published, in order.

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
