package session

import (
	"slices"
	"time"

	"netstudy/app/quiz"
)

// AnswerResult is the acknowledgement of an answer: what a client may know
// before the reveal. It never says whether the answer was right.
type AnswerResult struct {
	Accepted   bool   `json:"accepted"`
	CommandID  string `json:"command_id"`
	QuestionID string `json:"question_id"`
	Round      int    `json:"round"`
}

// maxCommandID bounds the client-made command IDs the session remembers.
const maxCommandID = 128

// Answer records a participant's answer to the open question.
//
// It is idempotent, as the live protocol requires: a client retries until
// acknowledged, so the same commandID again returns the same AnswerResult,
// no events and no error, even after the question has closed (the retried
// answer's payload is not compared: same ID, same command). A different
// commandID for a question already answered is ErrAlreadyAnswered.
//
// Refused with ErrNotParticipant (unknown or kicked), ErrBadCommand (empty
// or overlong commandID), ErrQuestionClosed (no question open, or now is
// after the participant's deadline, an extension included),
// ErrAlreadyAnswered and ErrInvalidAnswer (wrapping the question's
// validation error). An answer exactly at the deadline is accepted.
//
// Emits answer_count: to the host with the live histogram, to participants
// with the count only (the live layer may throttle these).
func (s *Session) Answer(participantID, commandID string, a quiz.Answer, now time.Time) (AnswerResult, []Event, error) {
	p, ok := s.byID[participantID]
	if !ok || p.kicked {
		return AnswerResult{}, nil, ErrNotParticipant
	}
	if commandID == "" || len(commandID) > maxCommandID {
		return AnswerResult{}, nil, ErrBadCommand
	}
	if prev, ok := p.commands[commandID]; ok {
		return prev.result, nil, nil
	}
	r := s.current()
	switch {
	case s.state == Ended:
		return AnswerResult{}, nil, ErrEnded
	case s.state != QuestionOpen:
		return AnswerResult{}, nil, ErrQuestionClosed
	}
	if d := r.deadlineFor(p.id); !d.IsZero() && now.After(d) {
		return AnswerResult{}, nil, ErrQuestionClosed
	}
	if _, done := r.answers[p.id]; done {
		return AnswerResult{}, nil, ErrAlreadyAnswered
	}
	q := &s.questions[r.q]
	if err := q.Validate(a); err != nil {
		return AnswerResult{}, nil, ErrInvalidAnswer.wrap(err)
	}
	rec := &answer{
		participant: p.id,
		command:     commandID,
		answer:      quiz.Answer{Choices: distinct(a.Choices), Text: a.Text},
		at:          now,
		elapsed:     max(now.Sub(r.openedAt), 0),
		right:       q.Check(a),
		result:      AnswerResult{Accepted: true, CommandID: commandID, QuestionID: q.ID, Round: r.round},
	}
	if rec.right {
		rec.points = points(q.Points, r.speed, rec.elapsed, r.limit)
	}
	r.answers[p.id] = rec
	r.order = append(r.order, rec)
	r.tally.add(rec.answer, 1)
	if p.commands == nil {
		p.commands = make(map[string]*answer, 4)
	}
	p.commands[commandID] = rec
	return rec.result, s.answerCounts(r), nil
}

// answerCounts returns the answer_count events of a round.
func (s *Session) answerCounts(r *round) []Event {
	id := s.questions[r.q].ID
	h := r.tally.live()
	return []Event{
		{Type: TypeAnswerCount, Audience: ToHost, Payload: AnswerCount{
			QuestionID: id, Round: r.round, Answered: r.tally.answered, Participants: s.active, Histogram: &h,
		}},
		{Type: TypeAnswerCount, Audience: ToParticipants, Payload: AnswerCount{
			QuestionID: id, Round: r.round, Answered: r.tally.answered, Participants: s.active,
		}},
	}
}

// distinct copies choice IDs without repeats, keeping their order: a
// multiple-choice answer may repeat an ID, but it is one vote for it.
func distinct(ids []string) []string {
	if len(ids) == 0 {
		return nil
	}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// AnswerQuestion is Answer for a named question and round, which is how
// the live layer calls it: an answer sent for a question that has moved
// on (a phone that was offline for a while) is refused with
// ErrQuestionClosed instead of landing on whatever question is open now.
// A repeated command ID still returns its first result, whatever is open,
// so a retry after a lost acknowledgement is always acknowledged. Round 0
// matches any round.
func (s *Session) AnswerQuestion(participantID, commandID, questionID string, round int, a quiz.Answer, now time.Time) (AnswerResult, []Event, error) {
	if p, ok := s.byID[participantID]; ok && !p.kicked {
		if prev, ok := p.commands[commandID]; ok {
			return prev.result, nil, nil
		}
	}
	if r := s.current(); s.state != Ended && (r == nil || s.questions[r.q].ID != questionID || (round != 0 && r.round != round)) {
		if _, ok := s.byID[participantID]; !ok {
			return AnswerResult{}, nil, ErrNotParticipant
		}
		return AnswerResult{}, nil, ErrQuestionClosed
	}
	return s.Answer(participantID, commandID, a, now)
}
