package session

import (
	"netstudy/app/quiz"
)

// HostView is everything the instructor's screen needs to redraw itself
// from scratch, answer key included: it is for the instructor's own screen
// and must not be projected before the reveal.
type HostView struct {
	SessionID    string               `json:"session_id"`
	State        State                `json:"state"`
	Options      Options              `json:"options"`
	Total        int                  `json:"total"` // questions in the list, typed ones included
	Asked        int                  `json:"asked"` // distinct questions asked so far
	Remaining    int                  `json:"remaining"`
	Participants []ParticipantSummary `json:"participants"` // join order, kicked ones included
	Active       int                  `json:"active"`
	Question     *HostQuestion        `json:"question,omitempty"` // the current or last round
	Leaderboard  LeaderboardPayload   `json:"leaderboard"`
}

// ParticipantSummary is one participant on the host's screen.
type ParticipantSummary struct {
	Participant
	Answered bool `json:"answered"` // answered the current round
}

// HostQuestion is the current round as the host sees it.
type HostQuestion struct {
	QuestionOpened
	Index      int              `json:"index"` // position in Questions()
	Open       bool             `json:"open"`
	Revealed   bool             `json:"revealed"`
	Key        quiz.Key         `json:"key"`
	Answered   int              `json:"answered"`
	Right      int              `json:"right"`
	Extensions []Extension      `json:"extensions,omitempty"`
	Histograms []RoundHistogram `json:"histograms"` // every round of the question, the current one last
}

// Extension is one participant's extended deadline.
type Extension struct {
	ParticipantID string `json:"participant_id"`
	DeadlineMS    int64  `json:"deadline_ms"`
}

// HostView returns the host's snapshot.
func (s *Session) HostView() HostView {
	ranked := s.rank()
	v := HostView{
		SessionID:    s.id,
		State:        s.state,
		Options:      s.opts,
		Total:        len(s.questions),
		Asked:        s.distinct,
		Remaining:    len(s.questions) - s.distinct,
		Participants: make([]ParticipantSummary, len(s.participants)),
		Active:       len(ranked),
		Leaderboard:  s.leaderboard(leaderboardSize),
	}
	r := s.current()
	for i, p := range s.participants {
		v.Participants[i] = ParticipantSummary{Participant: p.public()}
		if r != nil {
			_, v.Participants[i].Answered = r.answers[p.id]
		}
	}
	if r == nil {
		return v
	}
	q := &s.questions[r.q]
	hq := &HostQuestion{
		QuestionOpened: s.opened(r, true, ""),
		Index:          r.q,
		Open:           s.state == QuestionOpen,
		Revealed:       r.revealed,
		Key:            q.Key(),
		Answered:       r.tally.answered,
		Right:          r.rightCount(),
	}
	for _, p := range s.participants {
		if d, ok := r.extended[p.id]; ok {
			hq.Extensions = append(hq.Extensions, Extension{ParticipantID: p.id, DeadlineMS: unixMS(d)})
		}
	}
	for _, x := range s.roundsOf(r.q) {
		h := x.tally.top()
		if x == r && !r.revealed {
			h = x.tally.live() // the same buckets as the answer_count stream
		}
		hq.Histograms = append(hq.Histograms, RoundHistogram{Round: x.round, Answered: x.tally.answered, Histogram: h})
	}
	v.Question = hq
	return v
}

// PresenterView is the host's snapshot as the projector may show it: until
// the current round is revealed it holds neither the answer key nor how
// many answers are right, which would give the key away to a class
// looking at the screen.
func (s *Session) PresenterView() HostView {
	v := s.HostView()
	if q := v.Question; q != nil && !q.Revealed {
		q.Key, q.Right = quiz.Key{}, 0
	}
	return v
}

// ParticipantView is everything a participant's phone needs to redraw
// itself after a reconnect or a late join. It holds the answer key only once
// the current round is revealed.
type ParticipantView struct {
	SessionID     string              `json:"session_id"`
	ParticipantID string              `json:"participant_id"`
	Nickname      string              `json:"nickname"`
	State         State               `json:"state"`
	Question      *QuestionOpened     `json:"question,omitempty"` // the current or last round
	Answered      bool                `json:"answered"`
	YourAnswer    *quiz.Answer        `json:"your_answer,omitempty"`
	AnswerResult  *AnswerResult       `json:"answer_result,omitempty"`
	Revealed      *RevealedPayload    `json:"revealed,omitempty"`
	Result        *Result             `json:"result,omitempty"`
	Score         int                 `json:"score"`
	Rank          int                 `json:"rank"`
	Participants  int                 `json:"participants"`
	Leaderboard   *LeaderboardPayload `json:"leaderboard,omitempty"` // when the leaderboard is shown, and at the end
}

// ParticipantView returns one participant's snapshot; ErrNotParticipant for
// an unknown or kicked participant. It may share slices and maps with the
// revealed event: treat both as read-only.
func (s *Session) ParticipantView(id string) (ParticipantView, error) {
	p, ok := s.byID[id]
	if !ok || p.kicked {
		return ParticipantView{}, ErrNotParticipant
	}
	s.rank()
	v := ParticipantView{
		SessionID: s.id, ParticipantID: p.id, Nickname: p.nickname, State: s.state,
		Score: p.score, Rank: p.rank, Participants: s.active,
	}
	if s.state == Leaderboard || s.state == Ended {
		lb := s.leaderboard(leaderboardSize)
		v.Leaderboard = &lb
	}
	r := s.current()
	if r == nil {
		return v, nil
	}
	o := s.opened(r, false, p.id)
	v.Question = &o
	if a, ok := r.answers[p.id]; ok {
		v.Answered = true
		ans := quiz.Answer{Choices: append([]string(nil), a.answer.Choices...), Text: a.answer.Text}
		v.YourAnswer = &ans
		res := a.result
		v.AnswerResult = &res
	}
	if r.revealed {
		rv := *r.reveal // shares its slices: views are read, not changed
		res := s.result(r, p)
		v.Revealed, v.Result = &rv, &res
	}
	return v, nil
}
