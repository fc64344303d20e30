package session

import (
	"errors"
	"testing"
	"time"

	"netstudy/app/quiz"
)

// t0 is when every test session is created.
var t0 = time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)

// at returns t0 plus d, to write times as offsets.
func at(d time.Duration) time.Time { return t0.Add(d) }

const sec = time.Second

// The secrets below are markers: the leak test looks for them in what
// participants receive before the reveal.
const (
	secretAccepted    = "zebra-accepted"
	secretExplanation = "EXPLANATION-MARKER"
)

// testQuestions returns one question of each kind. Single: "b" is right.
// Multiple: "a" and "c". TrueFalse: "true". Poll: no key. Text: the
// accepted marker, no time limit.
func testQuestions() []quiz.Question {
	choices := func(right ...string) []quiz.Choice {
		cs := []quiz.Choice{{ID: "a", Text: "alpha"}, {ID: "b", Text: "bravo"}, {ID: "c", Text: "charlie"}}
		for i := range cs {
			for _, r := range right {
				cs[i].Correct = cs[i].Correct || cs[i].ID == r
			}
		}
		return cs
	}
	return []quiz.Question{
		{ID: "q1", Kind: quiz.Single, Prompt: "Which one is bravo?", PromptHTML: "<p>Which one is bravo?</p>",
			Choices: choices("b"), ExplanationHTML: secretExplanation, TimeLimit: 20 * sec, Points: 100},
		{ID: "q2", Kind: quiz.Multiple, Prompt: "Pick alpha and charlie", Choices: choices("a", "c"),
			ExplanationHTML: secretExplanation, TimeLimit: 30 * sec, Points: 200},
		{ID: "q3", Kind: quiz.TrueFalse, Prompt: "True?", TimeLimit: 10 * sec, Points: 100, ExplanationHTML: secretExplanation,
			Choices: []quiz.Choice{{ID: "true", Text: "True", Correct: true}, {ID: "false", Text: "False"}}},
		{ID: "q4", Kind: quiz.Poll, Prompt: "Favourite?", Choices: choices(), TimeLimit: 15 * sec, Points: 100},
		{ID: "q5", Kind: quiz.Text, Prompt: "Type the animal", Accepted: []string{secretAccepted}, Match: quiz.MatchText,
			ExplanationHTML: secretExplanation, Points: 100},
	}
}

// newTest returns a session in the lobby with the test questions, default
// options and the given players, who get IDs p1, p2, ...
func newTest(t testing.TB, nicks ...string) *Session {
	t.Helper()
	s := New("s1", DefaultOptions(), testQuestions(), t0)
	for _, n := range nicks {
		mustJoin(t, s, n, t0)
	}
	return s
}

func mustJoin(t testing.TB, s *Session, nick string, now time.Time) string {
	t.Helper()
	id, _, err := s.Join(nick, now)
	if err != nil {
		t.Fatalf("Join(%q): %v", nick, err)
	}
	return id
}

// must fails the test if a command is refused and returns its events:
// must(t)(s.Reveal(now)).
func must(t testing.TB) func([]Event, error) []Event {
	return func(evs []Event, err error) []Event {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return evs
	}
}

func mustAnswer(t testing.TB, s *Session, id, cmd string, a quiz.Answer, now time.Time) []Event {
	t.Helper()
	_, evs, err := s.Answer(id, cmd, a, now)
	if err != nil {
		t.Fatalf("Answer(%s, %s, %+v): %v", id, cmd, a, err)
	}
	return evs
}

func choose(ids ...string) quiz.Answer { return quiz.Answer{Choices: ids} }
func typed(s string) quiz.Answer       { return quiz.Answer{Text: s} }

// wantErr fails unless err matches want (nil for success) by errors.Is.
func wantErr(t testing.TB, err, want error) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("err = %v, want nil", err)
		}
		return
	}
	if !errors.Is(err, want) {
		t.Fatalf("err = %v, want %v", err, want)
	}
}

// ofType returns the events of one type, in order.
func ofType(evs []Event, typ string) []Event {
	var out []Event
	for _, e := range evs {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

// types lists the event types, in order, to compare sequences.
func types(evs []Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Type
	}
	return out
}

// forParticipant returns the payload of the event of type typ addressed to
// participant id alone.
func forParticipant(t testing.TB, evs []Event, typ, id string) any {
	t.Helper()
	for _, e := range evs {
		if e.Type == typ && e.Audience == ToParticipant(id) {
			return e.Payload
		}
	}
	t.Fatalf("no %s event for %s in %v", typ, id, types(evs))
	return nil
}
