package session

import (
	"math"
	"reflect"
	"testing"
	"time"

	"netstudy/app/quiz"
)

func TestPoints(t *testing.T) {
	tests := []struct {
		name    string
		full    int
		speed   bool
		elapsed time.Duration
		limit   time.Duration
		want    int
	}{
		{"speed off", 100, false, 19 * sec, 20 * sec, 100},
		{"speed off, zero points", 0, false, 0, 20 * sec, 0},
		{"instant", 100, true, 0, 20 * sec, 100},
		{"half time", 100, true, 10 * sec, 20 * sec, 75},
		{"at deadline", 100, true, 20 * sec, 20 * sec, 50},
		{"after deadline (extra time)", 100, true, 40 * sec, 20 * sec, 50},
		{"negative elapsed (clock skew)", 100, true, -sec, 20 * sec, 100},
		{"no time limit", 100, true, time.Hour, 0, 100},
		{"rounds half up", 1, true, 20 * sec, 20 * sec, 1}, // 0.5
		{"rounds 1.5 up", 3, true, 20 * sec, 20 * sec, 2},  // 1.5 → 2
		{"rounds 74.9 to 75", 100, true, 10*sec + 20*time.Millisecond, 20 * sec, 75},
		{"rounds 74.4 to 74", 100, true, 10*sec + 240*time.Millisecond, 20 * sec, 74},
		{"zero points", 0, true, 0, 20 * sec, 0},
		{"negative points are nothing", -5, true, 0, 20 * sec, 0},
		{"huge values do not overflow", math.MaxInt32, true, time.Duration(math.MaxInt64), time.Duration(math.MaxInt64), (math.MaxInt32 + 1) / 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := points(tt.full, tt.speed, tt.elapsed, tt.limit); got != tt.want {
				t.Errorf("points(%d, %v, %v, %v) = %d, want %d", tt.full, tt.speed, tt.elapsed, tt.limit, got, tt.want)
			}
		})
	}
}

// Scoring through the whole flow: points appear at the reveal only.
func TestScoringFlow(t *testing.T) {
	tests := []struct {
		name   string
		q      int // index of the question to ask (earlier ones are skipped)
		speed  bool
		answer map[string]answerAt
		want   map[string]Result // by participant; QuestionID and Round filled in by the test
	}{
		{
			name: "single, speed on", q: 0, speed: true,
			answer: map[string]answerAt{"p1": {choose("b"), 0}, "p2": {choose("b"), 10 * sec}, "p3": {choose("a"), sec}},
			want: map[string]Result{
				"p1": {Outcome: OutcomeRight, Points: 100, Score: 100, Rank: 1},
				"p2": {Outcome: OutcomeRight, Points: 75, Score: 75, Rank: 2},
				"p3": {Outcome: OutcomeWrong, Points: 0, Score: 0, Rank: 3},
			},
		},
		{
			name: "single, speed off", q: 0, speed: false,
			answer: map[string]answerAt{"p1": {choose("b"), 0}, "p2": {choose("b"), 19 * sec}},
			want: map[string]Result{
				"p1": {Outcome: OutcomeRight, Points: 100, Score: 100, Rank: 1},
				"p2": {Outcome: OutcomeRight, Points: 100, Score: 100, Rank: 1},
				"p3": {Outcome: OutcomeNoAnswer, Points: 0, Score: 0, Rank: 3},
			},
		},
		{
			name: "multiple is all or nothing", q: 1, speed: false,
			answer: map[string]answerAt{"p1": {choose("c", "a"), sec}, "p2": {choose("a"), sec}, "p3": {choose("a", "b", "c"), sec}},
			want: map[string]Result{
				"p1": {Outcome: OutcomeRight, Points: 200, Score: 200, Rank: 1},
				"p2": {Outcome: OutcomeWrong, Score: 0, Rank: 2},
				"p3": {Outcome: OutcomeWrong, Score: 0, Rank: 2},
			},
		},
		{
			name: "repeated choice ids are one choice", q: 1, speed: false,
			answer: map[string]answerAt{"p1": {choose("a", "c", "a"), sec}},
			want: map[string]Result{
				"p1": {Outcome: OutcomeRight, Points: 200, Score: 200, Rank: 1},
				"p2": {Outcome: OutcomeNoAnswer, Rank: 2},
				"p3": {Outcome: OutcomeNoAnswer, Rank: 2},
			},
		},
		{
			name: "poll scores nothing", q: 3, speed: true,
			answer: map[string]answerAt{"p1": {choose("a"), 0}, "p2": {choose("b"), 0}},
			want: map[string]Result{
				"p1": {Outcome: OutcomePoll, Rank: 1},
				"p2": {Outcome: OutcomePoll, Rank: 1},
				"p3": {Outcome: OutcomeNoAnswer, Rank: 1},
			},
		},
		{
			name: "text without time limit gives full points", q: 4, speed: true,
			answer: map[string]answerAt{"p1": {typed("  ZEBRA-accepted "), time.Hour}, "p2": {typed("zebra"), 0}},
			want: map[string]Result{
				"p1": {Outcome: OutcomeRight, Points: 100, Score: 100, Rank: 1},
				"p2": {Outcome: OutcomeWrong, Rank: 2},
				"p3": {Outcome: OutcomeNoAnswer, Rank: 2},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := DefaultOptions()
			opts.SpeedPoints = tt.speed
			s := New("s", opts, testQuestions(), t0)
			for _, n := range []string{"ann", "bob", "cy"} {
				mustJoin(t, s, n, t0)
			}
			for range tt.q {
				must(t)(s.AskNext(t0))
				must(t)(s.Close(t0))
			}
			must(t)(s.AskNext(t0))
			for _, id := range []string{"p1", "p2", "p3"} {
				if a, ok := tt.answer[id]; ok {
					mustAnswer(t, s, id, "c-"+id, a.answer, at(a.after))
				}
				if p, _ := s.Participant(id); p.Score != 0 {
					t.Fatalf("%s has score %d before the reveal", id, p.Score)
				}
			}
			evs := must(t)(s.Reveal(at(2 * time.Hour)))
			qid := testQuestions()[tt.q].ID
			for id, want := range tt.want {
				want.QuestionID, want.Round, want.Participants = qid, 1, 3
				if got := forParticipant(t, evs, TypeResult, id); !reflect.DeepEqual(got, want) {
					t.Errorf("%s: result = %+v, want %+v", id, got, want)
				}
			}
		})
	}
}

// answerAt is an answer given some time after the question opened.
type answerAt struct {
	answer quiz.Answer
	after  time.Duration
}

func TestAnswerQuestionRefusesStaleAnswersButAcksRetries(t *testing.T) {
	s := newTest(t, "ann")
	must(t)(s.AskNext(at(0)))
	first, _, err := s.AnswerQuestion("p1", "c1", "q1", 1, choose("a"), at(time.Second))
	if err != nil || !first.Accepted {
		t.Fatalf("answer q1: %+v %v", first, err)
	}
	must(t)(s.Close(at(2 * time.Second)))
	must(t)(s.Reveal(at(3 * time.Second)))
	must(t)(s.AskNext(at(4 * time.Second)))
	// The retry of c1 after q1 moved on is the same answer, acknowledged.
	again, evs, err := s.AnswerQuestion("p1", "c1", "q1", 1, choose("a"), at(5*time.Second))
	if err != nil || again != first || len(evs) != 0 {
		t.Errorf("retry = %+v, %d events, %v; want %+v", again, len(evs), err, first)
	}
	// A new answer for q1 while q2 is open must not land on q2.
	_, _, err = s.AnswerQuestion("p1", "c2", "q1", 1, choose("a"), at(5*time.Second))
	wantErr(t, err, ErrQuestionClosed)
	_, _, err = s.AnswerQuestion("p9", "c3", "q1", 1, choose("a"), at(5*time.Second))
	wantErr(t, err, ErrNotParticipant)
}
