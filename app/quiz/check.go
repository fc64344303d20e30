package quiz

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxAnswerLen is the longest typed answer, in characters, that Validate
// accepts. Accepted answers are held to it too, so every key is typeable.
const MaxAnswerLen = 200

// Check reports whether a is a right answer to q. Choice answers are
// compared as sets: for Single and TrueFalse the set must be exactly the
// one correct choice, for Multiple exactly the correct choices (order and
// repeats do not matter). A Poll has no right answer, so Check is always
// false for it and it scores nothing. Text answers are compared with each
// accepted answer under q.Match. Check never fails: a malformed answer is
// just not right; call Validate to reject it instead.
func (q *Question) Check(a Answer) bool {
	switch q.Kind {
	case Single, Multiple, TrueFalse:
		if len(a.Choices) == 0 {
			return false
		}
		correct := map[string]bool{}
		for _, c := range q.Choices {
			if c.Correct {
				correct[c.ID] = true
			}
		}
		chosen := map[string]bool{}
		for _, id := range a.Choices {
			if !correct[id] {
				return false
			}
			chosen[id] = true
		}
		return len(chosen) == len(correct)
	case Text:
		for _, acc := range q.Accepted {
			if answersEqual(q.Match, a.Text, acc) {
				return true
			}
		}
	}
	return false
}

// Validate reports answers no well-behaved client sends: choices the
// question does not have, several choices where one is asked for, text for
// a choice question, or text that is empty or too long. Every error wraps
// ErrInvalidAnswer. A wrong but well-formed answer is valid.
func (q *Question) Validate(a Answer) error {
	switch q.Kind {
	case Text:
		switch {
		case len(a.Choices) > 0:
			return q.invalid("a text question takes typed text, not choices")
		case !utf8.ValidString(a.Text):
			return q.invalid("the text is not UTF-8")
		case strings.TrimSpace(a.Text) == "":
			return q.invalid("the answer is empty")
		}
		if n := utf8.RuneCountInString(a.Text); n > MaxAnswerLen {
			return q.invalid(fmt.Sprintf("the answer is %d characters long; at most %d are allowed", n, MaxAnswerLen))
		}
		return nil
	case Single, Multiple, TrueFalse, Poll:
		switch {
		case a.Text != "":
			return q.invalid("a choice question takes choice IDs, not text")
		case len(a.Choices) == 0:
			return q.invalid("no choice was selected")
		case len(a.Choices) > len(q.Choices):
			return q.invalid("more choices were sent than the question has")
		}
		distinct := map[string]bool{}
		for _, id := range a.Choices {
			if !q.hasChoice(id) {
				return q.invalid(fmt.Sprintf("there is no choice %q", shorten(id)))
			}
			distinct[id] = true
		}
		if q.Kind != Multiple && len(distinct) > 1 {
			return q.invalid("only one choice may be selected")
		}
		return nil
	}
	return q.invalid(fmt.Sprintf("the question has an unknown kind %q", q.Kind))
}

func (q *Question) hasChoice(id string) bool {
	for _, c := range q.Choices {
		if c.ID == id {
			return true
		}
	}
	return false
}

func (q *Question) invalid(reason string) error {
	return fmt.Errorf("%w to %s: %s", ErrInvalidAnswer, q.ID, reason)
}
