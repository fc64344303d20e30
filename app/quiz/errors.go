package quiz

import (
	"errors"
	"strconv"
	"strings"
)

// ParseError is one problem in a quiz file, worded for the quiz's author.
type ParseError struct {
	Path string // the file, as handed to Parse or found by LoadDir
	Line int    // 1-based line of the offending question or setting; 0 for the whole file
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Line <= 0 {
		return e.Path + ": " + e.Msg
	}
	return e.Path + ":" + strconv.Itoa(e.Line) + ": " + e.Msg
}

// ErrorList is every problem found in a quiz file, in line order. Parse
// returns one rather than stopping at the first problem, so that an author
// fixes a file in one pass. errors.As finds the list itself or, through
// Unwrap, its first *ParseError.
type ErrorList []*ParseError

func (l ErrorList) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap lets errors.Is and errors.As look at each *ParseError.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// ErrInvalidAnswer is wrapped by every error of Question.Validate, so that a
// transport can answer "bad request" without inspecting the message.
var ErrInvalidAnswer = errors.New("invalid answer")
