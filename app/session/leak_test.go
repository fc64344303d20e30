package session

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// leaks returns what in the JSON of v would give away an answer key.
func leaks(t *testing.T, v any) []string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %T: %v", v, err)
	}
	var found []string
	lower := strings.ToLower(string(b))
	for _, marker := range []string{"correct", strings.ToLower(secretAccepted), strings.ToLower(secretExplanation)} {
		if strings.Contains(lower, marker) {
			found = append(found, marker)
		}
	}
	return found
}

// Nothing sent before the reveal, to participants or to the projected host
// screen, carries a correct-choice marker, an accepted answer or an
// explanation; the reveal does.
func TestNoKeyBeforeReveal(t *testing.T) {
	for _, show := range []bool{true, false} {
		opts := DefaultOptions()
		opts.ShowQuestionOnPhones = show
		s := New("s", opts, testQuestions(), t0)
		var before []Event
		collect := func(evs []Event, err error) {
			t.Helper()
			before = append(before, must(t)(evs, err)...)
		}
		now := t0
		tick := func() time.Time { now = now.Add(sec); return now }
		for _, n := range []string{"ann", "bob"} {
			_, evs, err := s.Join(n, tick())
			collect(evs, err)
		}
		for i, q := range testQuestions() {
			collect(s.AskNext(tick()))
			_, evs, err := s.Join("late"+q.ID, tick())
			collect(evs, err)
			for j, id := range []string{"p1", "p2"} {
				a := typed("zebra")
				if i < 4 {
					a = choose(q.Choices[j*(len(q.Choices)-1)].ID) // first and last choice
				}
				_, evs, err := s.Answer(id, q.ID, a, tick())
				collect(evs, err)
			}
			if q.TimeLimit > 0 {
				collect(s.ExtendTime("p1", sec, tick()))
			}
			collect(s.Close(tick()))
			for _, p := range s.Participants() {
				v, err := s.ParticipantView(p.ID)
				wantErr(t, err, nil)
				if l := leaks(t, v); len(l) > 0 {
					t.Errorf("%s before reveal: view leaks %v: %+v", q.ID, l, v)
				}
			}
			for _, e := range before {
				if l := leaks(t, e); len(l) > 0 {
					t.Errorf("show=%v: %s event to %+v leaks %v", show, e.Type, e.Audience, l)
				}
				if o, ok := e.Payload.(QuestionOpened); ok {
					hidden := !show && !e.Audience.Host()
					if got := o.Question.Prompt == "" && o.Question.PromptHTML == ""; got != hidden || o.PromptHidden != hidden {
						t.Errorf("show=%v: question_opened to %+v has prompt %q (hidden %v)", show, e.Audience, o.Question.Prompt, o.PromptHidden)
					}
				}
			}
			before = before[:0]
			evs = must(t)(s.Reveal(tick()))
			if q.Kind != "poll" && len(leaks(t, ofType(evs, TypeRevealed)[0])) == 0 {
				t.Errorf("%s: the reveal does not carry the key", q.ID)
			}
			for _, e := range evs {
				if e.Type != TypeRevealed {
					if l := leaks(t, e); len(l) > 0 {
						t.Errorf("%s event at the reveal leaks %v", e.Type, l)
					}
				}
			}
			collect(s.ShowLeaderboard(tick()))
		}
		collect(s.End(tick()))
		for _, e := range before {
			if l := leaks(t, e); len(l) > 0 {
				t.Errorf("%s event leaks %v", e.Type, l)
			}
		}
	}
}
