package live

import (
	"time"

	"netstudy/app/quiz"
	"netstudy/app/session"
)

// A session's events on their way out: numbered, kept for resume, and
// routed to their audience, each encoded once for all its recipients.

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
