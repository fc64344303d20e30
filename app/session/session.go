package session

import (
	"slices"
	"strconv"
	"time"

	"netstudy/app/quiz"
)

// State is where a session stands. The values are the JSON spelling.
type State string

// The states of a session; see the package doc for the transitions.
const (
	Lobby          State = "lobby"
	QuestionOpen   State = "question_open"
	QuestionClosed State = "question_closed"
	Revealed       State = "revealed"
	Leaderboard    State = "leaderboard"
	Ended          State = "ended"
)

// Valid reports whether s is one of the states above.
func (s State) Valid() bool {
	switch s {
	case Lobby, QuestionOpen, QuestionClosed, Revealed, Leaderboard, Ended:
		return true
	}
	return false
}

// Session is one live quiz: its questions, participants, rounds and scores.
// It is a plain state machine: every method takes the current time from its
// caller and none starts a goroutine or does I/O, so replaying the same
// calls gives the same state and events. It is not safe for concurrent use;
// one goroutine owns a session and makes every call, views included.
type Session struct {
	id      string
	opts    Options
	state   State
	created time.Time

	questions []quiz.Question
	asked     []bool // asked[i]: questions[i] has been asked at least once
	distinct  int    // how many distinct questions have been asked

	rounds []*round // every asking, in order; the last is the current one

	participants []*participant // in join order; kicked ones stay
	byID         map[string]*participant
	byNick       map[string]*participant // by folded nickname
	active       int                     // participants not kicked

	// ranked is the leaderboard order of active participants, rebuilt
	// lazily: joins and kicks happen thousands of times, reads far fewer.
	ranked      []*participant
	rankedValid bool
}

// participant is the session's record of one player.
type participant struct {
	seq      int // 1-based join order; the ID is "p"+seq
	id       string
	nickname string
	joinedAt time.Time
	kicked   bool

	// counted[q] is what question q contributes to the score: the result
	// of the last revealed round of it.
	counted   []credit
	score     int
	reachedAt time.Time // when the last counted points were earned
	rank      int       // valid when Session.rankedValid

	commands map[string]*answer // answers by command ID, for idempotent retries
}

// credit is the points one question gives a participant and when the answer
// that earned them was given.
type credit struct {
	points int
	at     time.Time
}

// New makes a session in the lobby. questions may be empty: the host can type
// questions on the spot with AskTyped. They are copied, so the caller may
// reuse the slice. Start from DefaultOptions: the zero Options turns off
// every feature that defaults to on.
func New(id string, opts Options, questions []quiz.Question, now time.Time) *Session {
	qs := make([]quiz.Question, len(questions))
	for i := range questions {
		qs[i] = cloneQuestion(questions[i])
	}
	return &Session{
		id:        id,
		opts:      opts,
		state:     Lobby,
		created:   now,
		questions: qs,
		asked:     make([]bool, len(qs)),
		byID:      make(map[string]*participant),
		byNick:    make(map[string]*participant),
	}
}

// cloneQuestion copies the slices of q so that nobody outside can change a
// question once the session holds it.
func cloneQuestion(q quiz.Question) quiz.Question {
	q.Choices = slices.Clone(q.Choices)
	q.Accepted = slices.Clone(q.Accepted)
	return q
}

// ID returns the session's ID as given to New.
func (s *Session) ID() string { return s.id }

// State returns the current state. A deadline that has passed does not
// change it by itself: Tick (or the next host command) does.
func (s *Session) State() State { return s.state }

// Options returns the current options.
func (s *Session) Options() Options { return s.opts }

// Questions returns a copy of the question list, typed questions included,
// in the order they were added.
func (s *Session) Questions() []quiz.Question {
	out := make([]quiz.Question, len(s.questions))
	for i := range s.questions {
		out[i] = cloneQuestion(s.questions[i])
	}
	return out
}

// CurrentQuestion returns the question of the current or last round, with
// its answer key; false in the lobby before any question.
func (s *Session) CurrentQuestion() (quiz.Question, bool) {
	r := s.current()
	if r == nil {
		return quiz.Question{}, false
	}
	return cloneQuestion(s.questions[r.q]), true
}

// Participant is what the session tells about a player.
type Participant struct {
	ID       string    `json:"id"`
	Nickname string    `json:"nickname"`
	JoinedAt time.Time `json:"joined_at"`
	Score    int       `json:"score"`
	Rank     int       `json:"rank,omitempty"` // 0 once kicked
	Kicked   bool      `json:"kicked,omitempty"`
}

// Participants returns every participant in join order, kicked ones
// included and marked.
func (s *Session) Participants() []Participant {
	s.rank()
	out := make([]Participant, len(s.participants))
	for i, p := range s.participants {
		out[i] = p.public()
	}
	return out
}

// Active is how many participants are in the session, kicked ones
// excluded.
func (s *Session) Active() int { return s.active }

// Participant returns one participant by ID.
func (s *Session) Participant(id string) (Participant, bool) {
	p, ok := s.byID[id]
	if !ok {
		return Participant{}, false
	}
	s.rank()
	return p.public(), true
}

func (p *participant) public() Participant {
	out := Participant{ID: p.id, Nickname: p.nickname, JoinedAt: p.joinedAt, Score: p.score, Kicked: p.kicked}
	if !p.kicked {
		out.Rank = p.rank
	}
	return out
}

// Deadline tells the owner when to call Tick next: the latest deadline of the
// open question, extensions included. false when no question is open or the
// open one has no time limit.
func (s *Session) Deadline() (time.Time, bool) {
	r := s.current()
	if s.state != QuestionOpen || r == nil || r.deadline.IsZero() {
		return time.Time{}, false
	}
	return r.latest, true
}

// Tick applies the passage of time: it closes the open question once now
// reaches its latest deadline. It may be called at any time; it returns no
// events when there is nothing to do.
func (s *Session) Tick(now time.Time) []Event {
	return s.closeIfExpired(now)
}

// current returns the current or last round, nil before the first question.
func (s *Session) current() *round {
	if len(s.rounds) == 0 {
		return nil
	}
	return s.rounds[len(s.rounds)-1]
}

// expired reports whether the open question's every deadline has passed.
func (s *Session) expired(now time.Time) bool {
	r := s.current()
	return s.state == QuestionOpen && !r.deadline.IsZero() && !now.Before(r.latest)
}

// closeIfExpired closes the open question if its time is up. Host commands
// call it first, so that a command racing the deadline timer acts on the
// state the class already sees (time is up) rather than failing.
func (s *Session) closeIfExpired(now time.Time) []Event {
	if !s.expired(now) {
		return nil
	}
	return s.closeRound(now)
}

// stateAt is the state as the host sees it at now: an expired open question
// counts as closed.
func (s *Session) stateAt(now time.Time) State {
	if s.expired(now) {
		return QuestionClosed
	}
	return s.state
}

// participantID is the deterministic ID of the seq-th participant to join.
func participantID(seq int) string { return "p" + strconv.Itoa(seq) }
