package session

import "time"

// Options are the host's settings. They may change at any time before the
// end; see SetOptions for when each takes effect.
type Options struct {
	// ShowQuestionOnPhones sends the prompt to participants. Off, phones get
	// only the choice labels: the class reads the question on the projector.
	ShowQuestionOnPhones bool `json:"show_question_on_phones"`
	// AllowLateJoin lets players join after the first question.
	AllowLateJoin bool `json:"allow_late_join"`
	// SpeedPoints scales a right answer's points from 100% (instant) down to
	// 50% (at the deadline).
	SpeedPoints bool `json:"speed_points"`
	// Locked refuses every new player, in the lobby too.
	Locked bool `json:"locked"`
}

// DefaultOptions returns what a new session should start with: prompts on
// phones, late joins and speed points on, unlocked.
func DefaultOptions() Options {
	return Options{ShowQuestionOnPhones: true, AllowLateJoin: true, SpeedPoints: true}
}

// SetOptions replaces the options, in any state but Ended. Locked and
// AllowLateJoin apply to the next join at once. ShowQuestionOnPhones and
// SpeedPoints are captured when a question is asked, so changing them while
// a question is open affects the next question, never the scores or screens
// of the open one: a round is scored by the rules it was asked under.
// Emits options_changed (all) when something changed.
func (s *Session) SetOptions(opts Options, now time.Time) ([]Event, error) {
	if s.state == Ended {
		return nil, ErrEnded
	}
	if opts == s.opts {
		return nil, nil
	}
	s.opts = opts
	return []Event{{Type: TypeOptionsChanged, Audience: ToAll, Payload: OptionsChanged{Options: opts}}}, nil
}

// Lock refuses new players until Unlock. Same as SetOptions with Locked.
func (s *Session) Lock(now time.Time) ([]Event, error) {
	o := s.opts
	o.Locked = true
	return s.SetOptions(o, now)
}

// Unlock lets new players join again.
func (s *Session) Unlock(now time.Time) ([]Event, error) {
	o := s.opts
	o.Locked = false
	return s.SetOptions(o, now)
}
