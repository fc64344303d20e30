package session

import (
	"html/template"
	"time"

	"netstudy/app/quiz"
)

// Event is something the live layer broadcasts. Payload is one of the
// payload types below, a plain value with JSON tags; the live layer wraps it
// in its envelope (sequence number, type) and routes it by Audience. Events
// come in a deterministic order, and an event addressed to participants
// never carries the answer key before the reveal.
type Event struct {
	Type     string   `json:"type"`
	Audience Audience `json:"-"`
	Payload  any      `json:"payload"`
}

// The event types, as sent in the envelope's type field.
const (
	TypeParticipantJoined = "participant_joined" // host: ParticipantJoined
	TypeQuestionOpened    = "question_opened"    // host, participants, or one late joiner: QuestionOpened
	TypeAnswerCount       = "answer_count"       // host (with histogram), participants: AnswerCount
	TypeQuestionClosed    = "question_closed"    // all: QuestionClosedPayload
	TypeRevealed          = "revealed"           // all: RevealedPayload
	TypeResult            = "result"             // one participant: Result
	TypeLeaderboard       = "leaderboard"        // all: LeaderboardPayload
	TypeYourRank          = "your_rank"          // one participant: YourRank
	TypeEnded             = "ended"              // all: EndedPayload
	TypeOptionsChanged    = "options_changed"    // all: OptionsChanged
	TypeKicked            = "kicked"             // the participant and the host: Kicked
	TypeTimeExtended      = "time_extended"      // the participant and the host: TimeExtended
)

// AudienceKind says who an event is for.
type AudienceKind string

// The audiences. The host is every instructor or projector screen of the
// session.
const (
	AudienceAll          AudienceKind = "all"          // the host and every participant
	AudienceHost         AudienceKind = "host"         // the host only
	AudienceParticipants AudienceKind = "participants" // every participant, not the host
	AudienceParticipant  AudienceKind = "participant"  // one participant: ParticipantID
)

// Audience is who receives an event.
type Audience struct {
	Kind          AudienceKind `json:"kind"`
	ParticipantID string       `json:"participant_id,omitempty"` // for AudienceParticipant
}

// The fixed audiences; ToParticipant makes the per-participant one.
var (
	ToAll          = Audience{Kind: AudienceAll}
	ToHost         = Audience{Kind: AudienceHost}
	ToParticipants = Audience{Kind: AudienceParticipants}
)

// ToParticipant addresses one participant.
func ToParticipant(id string) Audience {
	return Audience{Kind: AudienceParticipant, ParticipantID: id}
}

// Host reports whether the host receives events sent to a.
func (a Audience) Host() bool { return a.Kind == AudienceAll || a.Kind == AudienceHost }

// Reaches reports whether participant id receives events sent to a.
func (a Audience) Reaches(id string) bool {
	switch a.Kind {
	case AudienceAll, AudienceParticipants:
		return true
	case AudienceParticipant:
		return a.ParticipantID == id
	}
	return false
}

// ParticipantJoined tells the host who joined.
type ParticipantJoined struct {
	ParticipantID string `json:"participant_id"`
	Nickname      string `json:"nickname"`
	Participants  int    `json:"participants"` // how many are in now, kicked ones excluded
}

// QuestionOpened is a question being asked. Participants get it without the
// prompt when ShowQuestionOnPhones was off at asking (PromptHidden); the
// host always gets the prompt. Neither gets the key.
type QuestionOpened struct {
	QuestionID   string              `json:"question_id"`
	Number       int                 `json:"number"` // 1-based among the questions asked so far
	Total        int                 `json:"total"`  // questions in the list, typed ones included
	Round        int                 `json:"round"`  // 2 and up for a reask
	Question     quiz.PublicQuestion `json:"question"`
	PromptHidden bool                `json:"prompt_hidden,omitempty"`
	TimeLimitMS  int64               `json:"time_limit_ms,omitempty"` // 0: no limit
	DeadlineMS   int64               `json:"deadline_ms,omitempty"`   // unix ms; the receiver's own, extensions included
}

// AnswerCount is how many have answered. Histogram is set for the host only.
type AnswerCount struct {
	QuestionID   string     `json:"question_id"`
	Round        int        `json:"round"`
	Answered     int        `json:"answered"`
	Participants int        `json:"participants"`
	Histogram    *Histogram `json:"histogram,omitempty"`
}

// Histogram counts answers. For choice questions Counts has every choice ID
// (a multiple-choice answer counts once for each choice it selects). For
// text questions it has up to 20 distinct answers, lower-cased with spaces
// collapsed; Other counts the answers not listed. While answers arrive the
// listed ones are the first to arrive (cheap to keep on every answer); at
// the reveal and in the results, the most frequent.
type Histogram struct {
	Counts map[string]int `json:"counts"`
	Other  int            `json:"other,omitempty"`
}

// RoundHistogram is one round's histogram, for side-by-side display.
type RoundHistogram struct {
	Round     int       `json:"round"`
	Answered  int       `json:"answered"`
	Histogram Histogram `json:"histogram"`
}

// QuestionClosedPayload says no more answers are taken.
type QuestionClosedPayload struct {
	QuestionID string `json:"question_id"`
	Round      int    `json:"round"`
	Answered   int    `json:"answered"`
}

// RevealedPayload is the answer key and how the class answered. Histograms
// holds every round of the question so far, oldest first; the last is the
// round being revealed.
type RevealedPayload struct {
	QuestionID      string           `json:"question_id"`
	Round           int              `json:"round"`
	Kind            quiz.Kind        `json:"kind"`
	Correct         []string         `json:"correct,omitempty"`  // correct choice IDs
	Accepted        []string         `json:"accepted,omitempty"` // accepted typed answers
	ExplanationHTML template.HTML    `json:"explanation_html,omitempty"`
	Answered        int              `json:"answered"`
	Right           int              `json:"right"`
	Histograms      []RoundHistogram `json:"histograms"`
}

// Outcome is how a participant did on a question.
type Outcome string

// The outcomes of a revealed question.
const (
	OutcomeRight    Outcome = "right"
	OutcomeWrong    Outcome = "wrong"
	OutcomePoll     Outcome = "poll" // answered a poll: no right or wrong
	OutcomeNoAnswer Outcome = "no_answer"
)

// Result is one participant's outcome at the reveal. Score and rank include
// this round.
type Result struct {
	QuestionID   string  `json:"question_id"`
	Round        int     `json:"round"`
	Outcome      Outcome `json:"outcome"`
	Points       int     `json:"points"` // earned by this answer
	Score        int     `json:"score"`
	Rank         int     `json:"rank"`
	Participants int     `json:"participants"`
}

// Standing is one line of a leaderboard.
type Standing struct {
	Rank          int    `json:"rank"`
	ParticipantID string `json:"participant_id"`
	Nickname      string `json:"nickname"`
	Score         int    `json:"score"`
}

// LeaderboardPayload is the top of the standings.
type LeaderboardPayload struct {
	Top          []Standing `json:"top"`
	Participants int        `json:"participants"`
}

// YourRank is one participant's own standing, sent beside the leaderboard
// and, with Final set, at the end.
type YourRank struct {
	Rank         int  `json:"rank"`
	Score        int  `json:"score"`
	Participants int  `json:"participants"`
	Final        bool `json:"final,omitempty"`
}

// EndedPayload is the end of the session with its podium: everyone ranked
// 1 to 3, ties included (so "1, 1, 3" is three players and "1, 2, 2, 2" four),
// at most 10.
type EndedPayload struct {
	Podium       []Standing `json:"podium"`
	Participants int        `json:"participants"`
}

// OptionsChanged carries the new options.
type OptionsChanged struct {
	Options Options `json:"options"`
}

// Kicked says a participant was removed.
type Kicked struct {
	ParticipantID string `json:"participant_id"`
	Nickname      string `json:"nickname"`
}

// TimeExtended is a participant's new deadline on the open question.
type TimeExtended struct {
	ParticipantID string `json:"participant_id"`
	QuestionID    string `json:"question_id"`
	Round         int    `json:"round"`
	DeadlineMS    int64  `json:"deadline_ms"`
}

// opened builds a question_opened payload: for the host when forHost, else
// for participants, with participant id's own deadline ("" for the
// class's).
func (s *Session) opened(r *round, forHost bool, id string) QuestionOpened {
	q := &s.questions[r.q]
	o := QuestionOpened{
		QuestionID:  q.ID,
		Number:      r.number,
		Total:       len(s.questions),
		Round:       r.round,
		Question:    q.Public(),
		TimeLimitMS: r.limit.Milliseconds(),
	}
	if !forHost && !r.showPrompt {
		o.Question.Prompt, o.Question.PromptHTML = "", ""
		o.PromptHidden = true
	}
	o.DeadlineMS = unixMS(r.deadline)
	if !forHost {
		o.DeadlineMS = unixMS(r.deadlineFor(id))
	}
	return o
}

// revealed builds the revealed payload of a round.
func (s *Session) revealed(r *round) RevealedPayload {
	q := &s.questions[r.q]
	k := q.Key()
	rp := RevealedPayload{
		QuestionID: q.ID, Round: r.round, Kind: q.Kind,
		Correct: k.Correct, Accepted: k.Accepted, ExplanationHTML: k.ExplanationHTML,
		Answered: r.tally.answered,
	}
	if q.Kind != quiz.Poll {
		rp.Right = r.rightCount()
	}
	// r is always the latest round of its question: the reveal and the
	// views only reveal the current round.
	for _, x := range s.roundsOf(r.q) {
		rp.Histograms = append(rp.Histograms, RoundHistogram{Round: x.round, Answered: x.tally.answered, Histogram: x.tally.top()})
	}
	return rp
}

// unixMS is a deadline as sent to clients: unix milliseconds, 0 for none.
func unixMS(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}
