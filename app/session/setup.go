package session

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"time"

	"netstudy/app/quiz"
)

// Setup is how a session was created: everything needed, with its command
// log, to rebuild it after a restart. It is stored as JSON, so its fields
// keep their names.
type Setup struct {
	Title     string          `json:"title"`
	Source    string          `json:"source"`
	Options   Options         `json:"options"`
	Questions []quiz.Question `json:"questions"`
}

// The rules every new session follows, however it was asked for (the
// instructor's form or the JSON API).
const (
	// DefaultTitle names a session that was given no title and has no quiz
	// or note to take one from.
	DefaultTitle = "Live questions"
	// MaxTitle bounds a title, in characters: it must fit the projector's
	// heading and the phones'.
	MaxTitle = 120
	// DefaultTimeLimit is given, unless the instructor says otherwise, to
	// the questions that have no limit of their own, so that every
	// question ends by itself.
	DefaultTimeLimit = 30 * time.Second
	// MaxTimeLimit bounds a time limit: a lesson, not a day.
	MaxTimeLimit = time.Hour
)

// Plan is what the instructor asks a new session to be.
type Plan struct {
	// Title is the instructor's title; empty, the source's title is used,
	// and DefaultTitle without one.
	Title string
	// Source names where the questions come from ("quiz:<id>",
	// "note:<slug>"), empty for none; SourceTitle is its title.
	Source      string
	SourceTitle string
	// Questions are the source's, as written there.
	Questions []quiz.Question
	// Typed are questions written for this session alone. Each must pass
	// ValidateQuestion; one without a kind is single-choice, and they are
	// numbered typed-1, typed-2… after the source's.
	Typed []quiz.Question
	// TimeLimit is given to every question without a limit of its own; 0
	// leaves those questions open until the instructor closes them.
	TimeLimit time.Duration
	Options   Options
}

// NewSetup checks a plan and returns the session it describes. The error
// says what to change, in words for the instructor; the plan's question
// slices are not changed.
func NewSetup(p Plan) (Setup, error) {
	title := strings.TrimSpace(p.Title)
	if n := len([]rune(title)); n > MaxTitle {
		return Setup{}, fmt.Errorf("a title has at most %d characters; this one has %d", MaxTitle, n)
	}
	if !timeLimitOK(p.TimeLimit) {
		return Setup{}, fmt.Errorf("the time limit must be 0 to %d seconds", maxTimeLimitSeconds)
	}
	setup := Setup{
		Title:     cmp.Or(title, strings.TrimSpace(p.SourceTitle), DefaultTitle),
		Source:    p.Source,
		Options:   p.Options,
		Questions: make([]quiz.Question, 0, len(p.Questions)+len(p.Typed)),
	}
	// The questions are copied, not their slices: the session copies
	// those before use (see cloneQuestion).
	setup.Questions = append(setup.Questions, p.Questions...)
	for i, q := range p.Typed {
		q.ID = "typed-" + strconv.Itoa(i+1)
		typedDefaults(&q)
		if err := ValidateQuestion(&q); err != nil {
			return Setup{}, fmt.Errorf("question %d: %w", i+1, err)
		}
		setup.Questions = append(setup.Questions, q)
	}
	for i := range setup.Questions {
		if setup.Questions[i].TimeLimit == 0 {
			setup.Questions[i].TimeLimit = p.TimeLimit
		}
	}
	return setup, nil
}

// maxTimeLimitSeconds is MaxTimeLimit as the forms and the API count it.
const maxTimeLimitSeconds = int(MaxTimeLimit / time.Second)

// timeLimitOK reports whether d is a time limit a question may have (0 is
// none).
func timeLimitOK(d time.Duration) bool { return d >= 0 && d <= MaxTimeLimit }

// Seconds turns a count of seconds, as forms and clients send a time
// limit, into a duration. A count beyond MaxTimeLimit (however large)
// becomes one second beyond it, and a negative one -1s, so that the rules
// refuse it instead of the multiplication wrapping round to a valid limit.
func Seconds(n int) time.Duration {
	switch {
	case n < 0:
		return -time.Second
	case n > maxTimeLimitSeconds:
		return MaxTimeLimit + time.Second
	}
	return time.Duration(n) * time.Second
}
