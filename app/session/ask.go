package session

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"netstudy/app/quiz"
)

// canAsk reports whether a new question may be opened in state st. Closed is
// allowed so that a host can move on without revealing (an unrevealed round
// scores nothing); Open is not, so that a double click cannot cut a
// question short: close it first.
func canAsk(st State) bool {
	switch st {
	case Lobby, QuestionClosed, Revealed, Leaderboard:
		return true
	}
	return false
}

// AskNext opens the first question of the list that has not been asked yet.
// Allowed from Lobby, QuestionClosed, Revealed and Leaderboard. Emits
// question_closed first if the open question's time had run out, then
// question_opened (host, with the prompt; participants, without it when
// ShowQuestionOnPhones is off).
func (s *Session) AskNext(now time.Time) ([]Event, error) {
	if err := s.checkAsk(now); err != nil {
		return nil, err
	}
	next := -1
	for i, done := range s.asked {
		if !done {
			next = i
			break
		}
	}
	if next < 0 {
		return nil, ErrNoMoreQuestions
	}
	evs := s.closeIfExpired(now)
	return append(evs, s.open(next, now)...), nil
}

// AskTyped appends a question typed on the spot and opens it at once. It is
// checked first (see validateTyped), after typedDefaults; an empty ID
// becomes "live-N", N its position in the list.
func (s *Session) AskTyped(q quiz.Question, now time.Time) ([]Event, error) {
	if err := s.checkAsk(now); err != nil {
		return nil, err
	}
	q = cloneQuestion(q)
	if q.ID == "" {
		q.ID = "live-" + strconv.Itoa(len(s.questions)+1)
	}
	typedDefaults(&q)
	if err := s.validateTyped(&q); err != nil {
		return nil, ErrInvalidQuestion.with("that question cannot be asked: " + err.Error())
	}
	s.questions = append(s.questions, q)
	s.asked = append(s.asked, false)
	evs := s.closeIfExpired(now)
	return append(evs, s.open(len(s.questions)-1, now)...), nil
}

// Reask opens the current question again as a new round (peer
// instruction: vote, discuss, vote again). Its answers start empty; the
// earlier rounds' histograms are kept and shown beside it at the reveal.
// Allowed from QuestionClosed, Revealed and Leaderboard. Only the last
// revealed round of a question counts towards the scores.
func (s *Session) Reask(now time.Time) ([]Event, error) {
	if err := s.checkAsk(now); err != nil {
		return nil, err
	}
	r := s.current()
	if r == nil {
		return nil, ErrWrongState.with("no question has been asked yet")
	}
	evs := s.closeIfExpired(now)
	return append(evs, s.open(r.q, now)...), nil
}

func (s *Session) checkAsk(now time.Time) error {
	switch st := s.stateAt(now); {
	case st == Ended:
		return ErrEnded
	case !canAsk(st):
		return ErrWrongState.with("close the question first")
	}
	return nil
}

// open starts a round of question qi and returns its question_opened events.
func (s *Session) open(qi int, now time.Time) []Event {
	q := &s.questions[qi]
	r := &round{
		q:          qi,
		round:      1,
		openedAt:   now,
		limit:      max(q.TimeLimit, 0),
		speed:      s.opts.SpeedPoints,
		showPrompt: s.opts.ShowQuestionOnPhones,
		answers:    make(map[string]*answer),
		tally:      newTally(q),
	}
	if prev := s.lastRoundOf(qi); prev != nil {
		r.number, r.round = prev.number, prev.round+1
	} else {
		s.distinct++
		r.number = s.distinct
	}
	if r.limit > 0 {
		r.deadline = now.Add(r.limit)
		r.latest = r.deadline
	}
	s.asked[qi] = true
	s.rounds = append(s.rounds, r)
	s.state = QuestionOpen
	return []Event{
		{Type: TypeQuestionOpened, Audience: ToHost, Payload: s.opened(r, true, "")},
		{Type: TypeQuestionOpened, Audience: ToParticipants, Payload: s.opened(r, false, "")},
	}
}

// lastRoundOf returns the latest round of question qi, nil if never asked.
func (s *Session) lastRoundOf(qi int) *round {
	for i := len(s.rounds) - 1; i >= 0; i-- {
		if s.rounds[i].q == qi {
			return s.rounds[i]
		}
	}
	return nil
}

// roundsOf returns every round of question qi, in order.
func (s *Session) roundsOf(qi int) []*round {
	var out []*round
	for _, r := range s.rounds {
		if r.q == qi {
			out = append(out, r)
		}
	}
	return out
}

// maxTyped bounds what an instructor may type, as a sanity limit; twelve
// choices is already more than a phone shows without scrolling.
const (
	maxTypedChoices = 12
	maxTypedText    = 2000
)

// typedDefaults fills in what a typed question may leave out, the same way
// on the dashboard and in the API: a question without a kind has one right
// choice, and a text answer is matched as text unless it says otherwise.
func typedDefaults(q *quiz.Question) {
	if q.Kind == "" {
		q.Kind = quiz.Single
	}
	if q.Kind == quiz.Text && q.Match == "" {
		q.Match = quiz.MatchText
	}
}

// validateTyped checks a question typed on the spot (see ValidateQuestion),
// and that its id is new to the session.
func (s *Session) validateTyped(q *quiz.Question) error {
	for i := range s.questions {
		if s.questions[i].ID == q.ID {
			return fmt.Errorf("the id %q is already used", q.ID)
		}
	}
	return ValidateQuestion(q)
}

// ValidateQuestion is the one check of a question that did not come from a
// quiz file (one typed on the dashboard, or sent to the API): a prompt, a
// time limit within MaxTimeLimit, 2 to 12 choices with distinct IDs (or at
// least one accepted answer for a text question), and correct marks
// consistent with the kind, so that a question nobody could answer right
// is refused before a class sees it.
func ValidateQuestion(q *quiz.Question) error {
	if strings.TrimSpace(q.Prompt) == "" {
		return fmt.Errorf("it has no prompt")
	}
	if len(q.Prompt) > maxTypedText {
		return fmt.Errorf("its prompt is too long")
	}
	if !timeLimitOK(q.TimeLimit) {
		return fmt.Errorf("its time limit must be 0 to %d seconds", maxTimeLimitSeconds)
	}
	if q.Points < 0 {
		return fmt.Errorf("its points cannot be negative")
	}
	if q.Kind == quiz.Text {
		return validateTypedText(q)
	}
	return validateTypedChoices(q)
}

func validateTypedText(q *quiz.Question) error {
	if len(q.Choices) > 0 {
		return fmt.Errorf("a text question has no choices")
	}
	if len(q.Accepted) == 0 {
		return fmt.Errorf("a text question needs an accepted answer")
	}
	switch q.Match {
	case quiz.MatchText, quiz.MatchNumber, quiz.MatchIP, quiz.MatchCIDR:
	default:
		return fmt.Errorf("unknown match %q", q.Match)
	}
	// Every accepted answer must be typeable and right when typed, so that
	// a typo in the key ("10.0.0.0/33" as a CIDR) shows now, not after
	// nobody in the class could get it right.
	for _, acc := range q.Accepted {
		a := quiz.Answer{Text: acc}
		if q.Validate(a) != nil || !q.Check(a) {
			return fmt.Errorf("the accepted answer %q cannot be typed as a %s", acc, q.Match)
		}
	}
	return nil
}

func validateTypedChoices(q *quiz.Question) error {
	if len(q.Accepted) > 0 {
		return fmt.Errorf("a choice question has no accepted answers")
	}
	if len(q.Choices) < 2 || len(q.Choices) > maxTypedChoices {
		return fmt.Errorf("it needs 2 to %d choices", maxTypedChoices)
	}
	seen := make(map[string]bool, len(q.Choices))
	correct := 0
	for _, c := range q.Choices {
		if c.ID == "" || seen[c.ID] {
			return fmt.Errorf("its choices need distinct ids")
		}
		seen[c.ID] = true
		if c.Correct {
			correct++
		}
	}
	switch q.Kind {
	case quiz.Single:
		if correct != 1 {
			return fmt.Errorf("a single-choice question has exactly one correct choice")
		}
	case quiz.Multiple:
		if correct < 1 {
			return fmt.Errorf("a multiple-choice question needs a correct choice")
		}
	case quiz.TrueFalse:
		if len(q.Choices) != 2 || !seen["true"] || !seen["false"] || correct != 1 {
			return fmt.Errorf("a true/false question has choices true and false, one correct")
		}
	case quiz.Poll:
		if correct != 0 {
			return fmt.Errorf("a poll has no correct choice")
		}
	default:
		return fmt.Errorf("unknown kind %q", q.Kind)
	}
	return nil
}
