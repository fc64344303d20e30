package session

// Error is the one error type of this package. Code is stable and meant for
// programs (a client picks its wording from it); Msg is safe to show a user
// as is. Err, when set, is the detail behind the refusal, for the log only.
//
// Compare with errors.Is against the exported values: two *Error are the
// same error when their codes are equal, whatever their messages.
type Error struct {
	Code string
	Msg  string
	Err  error // optional detail, never shown to users
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Msg + ": " + e.Err.Error()
	}
	return e.Msg
}

// Unwrap exposes the detail, so errors.Is(err, quiz.ErrInvalidAnswer) works.
func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is match on the code alone, so that a refusal carrying a
// more precise message or a wrapped detail still matches its sentinel.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// with returns a copy of e with another message, keeping the code.
func (e *Error) with(msg string) *Error { return &Error{Code: e.Code, Msg: msg} }

// wrap returns a copy of e carrying err as its detail.
func (e *Error) wrap(err error) *Error { return &Error{Code: e.Code, Msg: e.Msg, Err: err} }

// The errors a command can return. They are values to compare with
// errors.Is, never to modify.
var (
	ErrWrongState      = &Error{Code: "wrong_state", Msg: "that is not possible right now"}
	ErrEnded           = &Error{Code: "ended", Msg: "the session has ended"}
	ErrLocked          = &Error{Code: "locked", Msg: "the session is locked"}
	ErrLateJoin        = &Error{Code: "late_join", Msg: "the session has started and does not take new players"}
	ErrNicknameEmpty   = &Error{Code: "nickname_empty", Msg: "choose a nickname"}
	ErrNicknameTooLong = &Error{Code: "nickname_too_long", Msg: "a nickname has at most 24 characters"}
	ErrNicknameInvalid = &Error{Code: "nickname_invalid", Msg: "that nickname cannot be used"}
	ErrNicknameTaken   = &Error{Code: "nickname_taken", Msg: "that nickname is taken"}
	ErrNotParticipant  = &Error{Code: "not_participant", Msg: "you are not in this session"}
	ErrQuestionClosed  = &Error{Code: "question_closed", Msg: "the question is closed"}
	ErrAlreadyAnswered = &Error{Code: "already_answered", Msg: "you have already answered"}
	ErrInvalidAnswer   = &Error{Code: "invalid_answer", Msg: "that answer is not valid for this question"}
	ErrInvalidQuestion = &Error{Code: "invalid_question", Msg: "that question cannot be asked"}
	ErrNoMoreQuestions = &Error{Code: "no_more_questions", Msg: "every question has been asked"}
	ErrNoTimeLimit     = &Error{Code: "no_time_limit", Msg: "this question has no time limit"}
	ErrBadCommand      = &Error{Code: "bad_command", Msg: "the command is malformed"}
)
