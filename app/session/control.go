package session

import (
	"time"
)

// Close closes the open question early. Emits question_closed (all).
func (s *Session) Close(now time.Time) ([]Event, error) {
	switch s.state {
	case Ended:
		return nil, ErrEnded
	case QuestionOpen:
		return s.closeRound(now), nil
	}
	return nil, ErrWrongState.with("no question is open")
}

// closeRound closes the open round.
func (s *Session) closeRound(now time.Time) []Event {
	r := s.current()
	r.closedAt = now
	s.state = QuestionClosed
	return []Event{{Type: TypeQuestionClosed, Audience: ToAll, Payload: QuestionClosedPayload{
		QuestionID: s.questions[r.q].ID, Round: r.round, Answered: r.tally.answered,
	}}}
}

// Reveal shows the answer key and scores the round. Allowed from
// QuestionOpen (it closes the question first) and QuestionClosed. Emits
// revealed (all: key, histograms of every round of the question) and one
// result per participant, in join order.
func (s *Session) Reveal(now time.Time) ([]Event, error) {
	var evs []Event
	switch s.state {
	case Ended:
		return nil, ErrEnded
	case QuestionOpen:
		evs = s.closeRound(now)
	case QuestionClosed:
	default:
		return nil, ErrWrongState.with("no question to reveal")
	}
	r := s.current()
	r.revealed = true
	s.state = Revealed
	s.score(r)
	rp := s.revealed(r)
	r.reveal = &rp
	evs = append(evs, Event{Type: TypeRevealed, Audience: ToAll, Payload: rp})
	s.rank()
	for _, p := range s.participants {
		if !p.kicked {
			evs = append(evs, Event{Type: TypeResult, Audience: ToParticipant(p.id), Payload: s.result(r, p)})
		}
	}
	return evs, nil
}

// ShowLeaderboard shows the standings after a reveal. Emits leaderboard
// (all: the top 10) and your_rank to each participant.
func (s *Session) ShowLeaderboard(now time.Time) ([]Event, error) {
	switch s.state {
	case Ended:
		return nil, ErrEnded
	case Revealed:
	default:
		return nil, ErrWrongState.with("reveal the answer first")
	}
	s.state = Leaderboard
	evs := []Event{{Type: TypeLeaderboard, Audience: ToAll, Payload: s.leaderboard(leaderboardSize)}}
	return append(evs, s.yourRanks(false)...), nil
}

// End ends the session from any state; an open question is closed, not
// revealed. Emits ended (all: the podium) and a final your_rank to each
// participant. Ending an ended session does nothing, so a repeated click is
// harmless.
func (s *Session) End(now time.Time) ([]Event, error) {
	var evs []Event
	switch s.state {
	case Ended:
		return nil, nil
	case QuestionOpen:
		evs = s.closeRound(now)
	}
	s.state = Ended
	evs = append(evs, Event{Type: TypeEnded, Audience: ToAll, Payload: s.podium()})
	return append(evs, s.yourRanks(true)...), nil
}

// Kick removes a participant: they can no longer answer, they leave the
// leaderboard, and their answer to a question not yet revealed is taken out
// of its histogram. Their nickname stays taken. Emits kicked (to them and
// the host) and, if an unrevealed answer was removed, a fresh answer_count.
func (s *Session) Kick(participantID string, now time.Time) ([]Event, error) {
	if s.state == Ended {
		return nil, ErrEnded
	}
	p, ok := s.byID[participantID]
	if !ok || p.kicked {
		return nil, ErrNotParticipant.with("no such participant")
	}
	p.kicked = true
	s.active--
	s.rankedValid = false
	k := Kicked{ParticipantID: p.id, Nickname: p.nickname}
	evs := []Event{
		{Type: TypeKicked, Audience: ToParticipant(p.id), Payload: k},
		{Type: TypeKicked, Audience: ToHost, Payload: k},
	}
	if r := s.current(); r != nil && !r.revealed && r.remove(p.id) {
		evs = append(evs, s.answerCounts(r)...)
	}
	return evs, nil
}

// ExtendTime gives one participant extra time on the open question. Their
// deadline becomes extra after the later of their current deadline and now
// (so extending twice adds up, and extending an expired student gives them
// extra from now). The question stays open until the latest deadline, but
// everyone else's answers are refused after their own: for them, the
// question closed on time. Emits time_extended to the participant and host.
func (s *Session) ExtendTime(participantID string, extra time.Duration, now time.Time) ([]Event, error) {
	switch {
	case s.state == Ended:
		return nil, ErrEnded
	case s.state != QuestionOpen:
		return nil, ErrWrongState.with("no question is open")
	case extra <= 0:
		return nil, ErrBadCommand.with("the extra time must be positive")
	}
	p, ok := s.byID[participantID]
	if !ok || p.kicked {
		return nil, ErrNotParticipant.with("no such participant")
	}
	r := s.current()
	if r.deadline.IsZero() {
		return nil, ErrNoTimeLimit
	}
	d := r.deadlineFor(p.id)
	if now.After(d) {
		d = now
	}
	d = d.Add(extra)
	if r.extended == nil {
		r.extended = make(map[string]time.Time)
	}
	r.extended[p.id] = d
	if d.After(r.latest) {
		r.latest = d
	}
	te := TimeExtended{ParticipantID: p.id, QuestionID: s.questions[r.q].ID, Round: r.round, DeadlineMS: d.UnixMilli()}
	return []Event{
		{Type: TypeTimeExtended, Audience: ToParticipant(p.id), Payload: te},
		{Type: TypeTimeExtended, Audience: ToHost, Payload: te},
	}, nil
}
