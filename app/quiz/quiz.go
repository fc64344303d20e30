package quiz

import (
	"html/template"
	"time"
)

// Kind is the type of a question.
type Kind string

// The question kinds a quiz can hold.
const (
	Single    Kind = "single"    // exactly one correct choice
	Multiple  Kind = "multiple"  // select every correct choice
	TrueFalse Kind = "truefalse" // choices "true" and "false"
	Poll      Kind = "poll"      // choices, none correct
	Text      Kind = "text"      // a short typed answer
)

// Match says how a typed answer is compared with the accepted ones.
type Match string

// The ways a typed answer can be compared.
const (
	MatchText   Match = "text"   // case and surrounding space ignored
	MatchNumber Match = "number" // numerically equal: "1e3" == "1000"
	MatchIP     Match = "ip"     // the same IP address: "::0" == "::"
	MatchCIDR   Match = "cidr"   // the same prefix: "10.0.0.0/8" == "10.0.0.0/255.0.0.0"
)

// Choice is one option of a choice question.
type Choice struct {
	ID      string        // "a", "b", ... in order; "true"/"false" for TrueFalse
	Text    string        // plain text, for CSV exports and screen readers
	HTML    template.HTML // rendered inline Markdown
	Correct bool          // part of the answer key: never sent before the reveal
}

// Question is one question with its answer key.
type Question struct {
	ID              string        // stable within its quiz: "q1", "q2", ...
	Kind            Kind          //
	Prompt          string        // plain text of the question
	PromptHTML      template.HTML // the question with any extra body (code, lists)
	Choices         []Choice      // for Single, Multiple, TrueFalse and Poll
	Accepted        []string      // for Text: the accepted answers, as written
	Match           Match         // for Text
	ExplanationHTML template.HTML // shown after answering or at the reveal
	TimeLimit       time.Duration // 0: no limit
	Points          int           // points for a right answer
	Line            int           // line of the question in its source file, 0 if generated
}

// Quiz is an ordered list of questions with a title.
type Quiz struct {
	ID          string // URL-safe, unique in a Set
	Title       string
	Description string
	Source      string // the file it came from, or what it was generated from
	Generated   bool
	Questions   []Question
}

// Answer is what a participant submitted for one question.
type Answer struct {
	Choices []string `json:"choices,omitempty"` // choice IDs
	Text    string   `json:"text,omitempty"`
}
