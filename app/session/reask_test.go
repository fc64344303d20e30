package session

import (
	"reflect"
	"testing"
)

// Peer instruction: vote, reask without revealing, vote again, reveal: both
// histograms side by side, only round 2 scores.
func TestReask(t *testing.T) {
	s := newTest(t, "ann", "bob", "cy")
	opts := s.Options()
	opts.SpeedPoints = false
	must(t)(s.SetOptions(opts, t0))
	must(t)(s.AskNext(t0))
	mustAnswer(t, s, "p1", "r1", choose("a"), at(sec))
	mustAnswer(t, s, "p2", "r1", choose("b"), at(sec))
	mustAnswer(t, s, "p3", "r1", choose("a"), at(sec))
	must(t)(s.Close(at(5 * sec)))

	evs := must(t)(s.Reask(at(60 * sec)))
	o := evs[1].Payload.(QuestionOpened)
	if o.QuestionID != "q1" || o.Round != 2 || o.Number != 1 || o.DeadlineMS != at(80*sec).UnixMilli() {
		t.Errorf("reask opened = %+v", o)
	}
	// Fresh answers: the same participants may answer again.
	res := func() AnswerResult {
		r, _, err := s.Answer("p1", "r2", choose("b"), at(61*sec))
		wantErr(t, err, nil)
		return r
	}()
	if res.Round != 2 {
		t.Errorf("answer round = %d, want 2", res.Round)
	}
	mustAnswer(t, s, "p2", "r2", choose("b"), at(61*sec))
	// p3 does not answer round 2.
	_, _, err := s.Answer("p1", "r3", choose("b"), at(62*sec))
	wantErr(t, err, ErrAlreadyAnswered)

	evs = must(t)(s.Reveal(at(70 * sec)))
	rv := ofType(evs, TypeRevealed)[0].Payload.(RevealedPayload)
	want := []RoundHistogram{
		{Round: 1, Answered: 3, Histogram: Histogram{Counts: map[string]int{"a": 2, "b": 1, "c": 0}}},
		{Round: 2, Answered: 2, Histogram: Histogram{Counts: map[string]int{"a": 0, "b": 2, "c": 0}}},
	}
	if !reflect.DeepEqual(rv.Histograms, want) || rv.Round != 2 || rv.Right != 2 {
		t.Errorf("revealed = %+v, want round 2, right 2, histograms %+v", rv, want)
	}
	for id, score := range map[string]int{"p1": 100, "p2": 100, "p3": 0} {
		if p, _ := s.Participant(id); p.Score != score {
			t.Errorf("%s score = %d, want %d", id, p.Score, score)
		}
	}

	// Revealed, then reasked and revealed again: the last round replaces
	// the first. p1 now gets it wrong, p3 right.
	must(t)(s.Reask(at(100 * sec)))
	mustAnswer(t, s, "p1", "x3", choose("a"), at(101*sec))
	mustAnswer(t, s, "p3", "x3", choose("b"), at(101*sec))
	evs = must(t)(s.Reveal(at(102 * sec)))
	if n := len(ofType(evs, TypeRevealed)[0].Payload.(RevealedPayload).Histograms); n != 3 {
		t.Errorf("%d histograms, want 3", n)
	}
	for id, score := range map[string]int{"p1": 0, "p2": 0, "p3": 100} {
		if p, _ := s.Participant(id); p.Score != score {
			t.Errorf("after round 3, %s score = %d, want %d", id, p.Score, score)
		}
	}
	r := s.Results()
	var counted []bool
	for _, rr := range r.Rounds {
		counted = append(counted, rr.Counted)
	}
	if !reflect.DeepEqual(counted, []bool{false, false, true}) {
		t.Errorf("counted = %v, want only the last round", counted)
	}
	// The host view shows every round of the question.
	if n := len(s.HostView().Question.Histograms); n != 3 {
		t.Errorf("host view has %d histograms, want 3", n)
	}
}

func TestReaskMovesOnNormally(t *testing.T) {
	s := newTest(t, "ann")
	must(t)(s.AskNext(t0))
	must(t)(s.Close(t0))
	must(t)(s.Reask(t0))
	must(t)(s.Reveal(t0))
	evs := must(t)(s.AskNext(t0))
	if o := evs[0].Payload.(QuestionOpened); o.QuestionID != "q2" || o.Number != 2 || o.Round != 1 {
		t.Errorf("after a reask, AskNext opened %+v, want q2 number 2 round 1", o)
	}
}
