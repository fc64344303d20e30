package session

import (
	"time"

	"netstudy/app/quiz"
)

// Results is the record of a session for the results page and the CSV
// export: every round asked, in order, and every participant's totals.
type Results struct {
	SessionID    string              `json:"session_id"`
	CreatedAt    time.Time           `json:"created_at"`
	State        State               `json:"state"`
	Rounds       []RoundResult       `json:"rounds"`
	Participants []ParticipantResult `json:"participants"` // join order
}

// RoundResult is one asking of a question.
type RoundResult struct {
	QuestionID string    `json:"question_id"`
	Index      int       `json:"index"`  // position in Questions()
	Number     int       `json:"number"` // 1-based among the questions asked
	Round      int       `json:"round"`
	Kind       quiz.Kind `json:"kind"`
	Prompt     string    `json:"prompt"`
	OpenedAt   time.Time `json:"opened_at"`
	ClosedAt   time.Time `json:"closed_at"` // zero while open
	Revealed   bool      `json:"revealed"`
	// Counted says this round's points are in the scores: it is the last
	// revealed round of its question.
	Counted   bool           `json:"counted"`
	Answered  int            `json:"answered"`
	Right     int            `json:"right"`
	Histogram Histogram      `json:"histogram"`
	Answers   []AnswerRecord `json:"answers"` // arrival order
}

// AnswerRecord is one participant's answer in a round.
type AnswerRecord struct {
	ParticipantID string      `json:"participant_id"`
	Nickname      string      `json:"nickname"`
	Answer        quiz.Answer `json:"answer"`
	Right         bool        `json:"right"`  // always false for a poll
	Points        int         `json:"points"` // what it earns if the round counts
	ElapsedMS     int64       `json:"elapsed_ms"`
}

// ParticipantResult is one participant's totals.
type ParticipantResult struct {
	Participant
	Answered int `json:"answered"` // rounds answered
	Right    int `json:"right"`    // right answers in counted rounds
}

// Results returns the session's record so far.
func (s *Session) Results() Results {
	s.rank()
	res := Results{SessionID: s.id, CreatedAt: s.created, State: s.state, Rounds: make([]RoundResult, 0, len(s.rounds))}
	answered := make(map[string]int, len(s.participants))
	right := make(map[string]int, len(s.participants))
	for _, r := range s.rounds {
		q := &s.questions[r.q]
		rr := RoundResult{
			QuestionID: q.ID, Index: r.q, Number: r.number, Round: r.round, Kind: q.Kind, Prompt: q.Prompt,
			OpenedAt: r.openedAt, ClosedAt: r.closedAt, Revealed: r.revealed,
			Counted:  r.revealed && s.countedRound(r.q) == r,
			Answered: r.tally.answered, Histogram: r.tally.top(),
			Answers: make([]AnswerRecord, 0, len(r.order)),
		}
		for _, a := range r.order {
			p := s.byID[a.participant]
			rr.Answers = append(rr.Answers, AnswerRecord{
				ParticipantID: p.id, Nickname: p.nickname,
				Answer: quiz.Answer{Choices: append([]string(nil), a.answer.Choices...), Text: a.answer.Text},
				Right:  a.right, Points: a.points, ElapsedMS: a.elapsed.Milliseconds(),
			})
			answered[p.id]++
			if a.right {
				rr.Right++
				if rr.Counted {
					right[p.id]++
				}
			}
		}
		res.Rounds = append(res.Rounds, rr)
	}
	res.Participants = make([]ParticipantResult, len(s.participants))
	for i, p := range s.participants {
		res.Participants[i] = ParticipantResult{Participant: p.public(), Answered: answered[p.id], Right: right[p.id]}
	}
	return res
}

// countedRound returns the last revealed round of question qi, whose points
// are the ones in the scores; nil if none was revealed.
func (s *Session) countedRound(qi int) *round {
	for i := len(s.rounds) - 1; i >= 0; i-- {
		if r := s.rounds[i]; r.q == qi && r.revealed {
			return r
		}
	}
	return nil
}
