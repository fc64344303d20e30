package session

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"netstudy/app/quiz"
)

func TestAnswerRefusals(t *testing.T) {
	tests := []struct {
		name   string
		state  State
		id     string
		cmd    string
		answer quiz.Answer
		now    time.Duration
		err    error
	}{
		{"accepted", QuestionOpen, "p1", "c1", choose("a"), sec, nil},
		{"exactly at the deadline", QuestionOpen, "p1", "c1", choose("a"), 20 * sec, nil},
		{"just after the deadline", QuestionOpen, "p1", "c1", choose("a"), 20*sec + time.Nanosecond, ErrQuestionClosed},
		{"unknown participant", QuestionOpen, "p9", "c1", choose("a"), sec, ErrNotParticipant},
		{"empty command id", QuestionOpen, "p1", "", choose("a"), sec, ErrBadCommand},
		{"overlong command id", QuestionOpen, "p1", strings.Repeat("x", 129), choose("a"), sec, ErrBadCommand},
		{"unknown choice", QuestionOpen, "p1", "c1", choose("z"), sec, ErrInvalidAnswer},
		{"two choices on a single", QuestionOpen, "p1", "c1", choose("a", "b"), sec, ErrInvalidAnswer},
		{"text on a choice question", QuestionOpen, "p1", "c1", typed("b"), sec, ErrInvalidAnswer},
		{"nothing", QuestionOpen, "p1", "c1", quiz.Answer{}, sec, ErrInvalidAnswer},
		{"in the lobby", Lobby, "p1", "c1", choose("a"), sec, ErrQuestionClosed},
		{"closed", QuestionClosed, "p1", "c1", choose("a"), sec, ErrQuestionClosed},
		{"revealed", Revealed, "p1", "c1", choose("a"), sec, ErrQuestionClosed},
		{"leaderboard", Leaderboard, "p1", "c1", choose("a"), sec, ErrQuestionClosed},
		{"ended", Ended, "p1", "c1", choose("a"), sec, ErrEnded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := reach(t, tt.state)
			res, evs, err := s.Answer(tt.id, tt.cmd, tt.answer, at(tt.now))
			wantErr(t, err, tt.err)
			if tt.err != nil {
				if len(evs) != 0 || res != (AnswerResult{}) {
					t.Errorf("refused answer returned %+v and %v", res, types(evs))
				}
				return
			}
			if want := (AnswerResult{Accepted: true, CommandID: tt.cmd, QuestionID: "q1", Round: 1}); res != want {
				t.Errorf("result = %+v, want %+v", res, want)
			}
		})
	}
}

// The validation detail from the quiz package is kept for the log.
func TestInvalidAnswerWrapsQuizError(t *testing.T) {
	s := reach(t, QuestionOpen)
	_, _, err := s.Answer("p1", "c1", choose("z"), at(sec))
	if !errors.Is(err, ErrInvalidAnswer) || !errors.Is(err, quiz.ErrInvalidAnswer) {
		t.Fatalf("err = %v, want both session's and quiz's ErrInvalidAnswer", err)
	}
	var e *Error
	if !errors.As(err, &e) || e.Msg != ErrInvalidAnswer.Msg {
		t.Errorf("user message = %q, want %q", e.Msg, ErrInvalidAnswer.Msg)
	}
}

func TestAnswerIdempotent(t *testing.T) {
	s := reach(t, QuestionOpen)
	first, evs, err := s.Answer("p1", "cmd-1", choose("b"), at(sec))
	wantErr(t, err, nil)
	if len(evs) == 0 {
		t.Fatal("first answer emitted nothing")
	}
	tests := []struct {
		name string
		cmd  string
		a    quiz.Answer
		now  time.Duration
		err  error
	}{
		{"same command, same answer", "cmd-1", choose("b"), 2 * sec, nil},
		{"same command, other payload: same command", "cmd-1", choose("a"), 2 * sec, nil},
		{"same command after the deadline", "cmd-1", choose("b"), time.Minute, nil},
		{"other command", "cmd-2", choose("a"), 2 * sec, ErrAlreadyAnswered},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, evs, err := s.Answer("p1", tt.cmd, tt.a, at(tt.now))
			wantErr(t, err, tt.err)
			if len(evs) != 0 {
				t.Errorf("retry emitted %v", types(evs))
			}
			if tt.err == nil && res != first {
				t.Errorf("retry result = %+v, want %+v", res, first)
			}
		})
	}
	// Still the same after the question closed, was revealed and the next
	// one opened: a client whose acknowledgement was lost keeps retrying.
	must(t)(s.Reveal(at(30 * sec)))
	must(t)(s.AskNext(at(40 * sec)))
	res, evs, err := s.Answer("p1", "cmd-1", choose("b"), at(41*sec))
	if err != nil || len(evs) != 0 || res != first {
		t.Errorf("late retry = %+v, %v, %v; want %+v, no events, nil", res, types(evs), err, first)
	}
	// The answer counted once.
	if got := s.Results().Rounds[0].Answered; got != 1 {
		t.Errorf("answered = %d, want 1", got)
	}
}

func TestAnswerCountEvents(t *testing.T) {
	s := newTest(t, "ann", "bob", "cy")
	must(t)(s.AskNext(t0))
	mustAnswer(t, s, "p1", "1", choose("b"), at(sec))
	evs := mustAnswer(t, s, "p2", "1", choose("a"), at(sec))
	want := []Event{
		{Type: TypeAnswerCount, Audience: ToHost, Payload: AnswerCount{QuestionID: "q1", Round: 1, Answered: 2, Participants: 3,
			Histogram: &Histogram{Counts: map[string]int{"a": 1, "b": 1, "c": 0}}}},
		{Type: TypeAnswerCount, Audience: ToParticipants, Payload: AnswerCount{QuestionID: "q1", Round: 1, Answered: 2, Participants: 3}},
	}
	if !reflect.DeepEqual(evs, want) {
		t.Errorf("events =\n%+v\nwant\n%+v", evs, want)
	}
}

// Typed answers are bucketed case- and space-insensitively; past 20
// distinct answers the rest are counted as other.
func TestTextHistogram(t *testing.T) {
	s := New("s", DefaultOptions(), testQuestions()[4:], t0)
	must(t)(s.AskNext(t0))
	var last []Event
	answers := []string{"Zebra", " zebra ", "ZEBRA  crossing", "zebra crossing"}
	for i := range 25 {
		answers = append(answers, "word"+string(rune('a'+i)))
	}
	for i, a := range answers {
		id := mustJoin(t, s, participantID(i+1), t0)
		last = mustAnswer(t, s, id, "c", typed(a), at(sec))
	}
	h := last[0].Payload.(AnswerCount).Histogram
	if len(h.Counts) != 20 || h.Counts["zebra"] != 2 || h.Counts["zebra crossing"] != 2 || h.Other != 7 {
		t.Errorf("live histogram = %+v, want 20 buckets, zebra 2, zebra crossing 2, other 7", h)
	}
	evs := must(t)(s.Reveal(at(2 * sec)))
	top := ofType(evs, TypeRevealed)[0].Payload.(RevealedPayload).Histograms[0].Histogram
	if len(top.Counts) != 20 || top.Counts["zebra"] != 2 || top.Other != 7 || top.Counts["wordr"] != 1 || top.Counts["words"] != 0 {
		t.Errorf("revealed histogram = %+v, want the two zebras and words a..r, other 7", top)
	}
}

func TestKick(t *testing.T) {
	s := newTest(t, "ann", "bob", "cy")
	must(t)(s.AskNext(t0))
	mustAnswer(t, s, "p2", "c1", choose("b"), at(sec))
	evs := must(t)(s.Kick("p2", at(2*sec)))
	wantTypes := []string{TypeKicked, TypeKicked, TypeAnswerCount, TypeAnswerCount}
	if got := types(evs); !reflect.DeepEqual(got, wantTypes) {
		t.Fatalf("events = %v, want %v", got, wantTypes)
	}
	if evs[0].Audience != ToParticipant("p2") || evs[1].Audience != ToHost {
		t.Errorf("kicked audiences = %+v, %+v", evs[0].Audience, evs[1].Audience)
	}
	if c := evs[2].Payload.(AnswerCount); c.Answered != 0 || c.Participants != 2 || c.Histogram.Counts["b"] != 0 {
		t.Errorf("answer_count after kick = %+v", c)
	}
	_, _, err := s.Answer("p2", "c2", choose("b"), at(3*sec))
	wantErr(t, err, ErrNotParticipant)
	_, _, err = s.Answer("p2", "c1", choose("b"), at(3*sec)) // even a retry
	wantErr(t, err, ErrNotParticipant)
	_, err = s.ParticipantView("p2")
	wantErr(t, err, ErrNotParticipant)
	_, err = s.Kick("p2", at(3*sec))
	wantErr(t, err, ErrNotParticipant)
	_, _, err = s.Join("BOB", at(3*sec))
	wantErr(t, err, ErrNicknameTaken)

	mustAnswer(t, s, "p1", "c1", choose("b"), at(4*sec))
	evs = must(t)(s.Reveal(at(5 * sec)))
	if n := len(ofType(evs, TypeResult)); n != 2 {
		t.Errorf("%d results, want 2 (not the kicked)", n)
	}
	evs = must(t)(s.ShowLeaderboard(at(6 * sec)))
	for _, st := range ofType(evs, TypeLeaderboard)[0].Payload.(LeaderboardPayload).Top {
		if st.ParticipantID == "p2" {
			t.Errorf("kicked participant on the leaderboard: %+v", st)
		}
	}
	if p, _ := s.Participant("p2"); !p.Kicked || p.Rank != 0 {
		t.Errorf("Participant(p2) = %+v, want kicked, no rank", p)
	}
	_, err = s.Kick("p9", at(7*sec))
	wantErr(t, err, ErrNotParticipant)
}

func TestExtendTime(t *testing.T) {
	s := newTest(t, "ann", "bob") // q1: 20s limit
	must(t)(s.AskNext(t0))
	evs := must(t)(s.ExtendTime("p1", 10*sec, at(5*sec)))
	want := TimeExtended{ParticipantID: "p1", QuestionID: "q1", Round: 1, DeadlineMS: at(30 * sec).UnixMilli()}
	if !reflect.DeepEqual(evs, []Event{
		{Type: TypeTimeExtended, Audience: ToParticipant("p1"), Payload: want},
		{Type: TypeTimeExtended, Audience: ToHost, Payload: want},
	}) {
		t.Errorf("events = %+v", evs)
	}
	if d, ok := s.Deadline(); !ok || !d.Equal(at(30*sec)) {
		t.Errorf("Deadline = %v %v, want %v", d, ok, at(30*sec))
	}
	// Extending again adds up.
	must(t)(s.ExtendTime("p1", 5*sec, at(6*sec)))
	if d, _ := s.Deadline(); !d.Equal(at(35 * sec)) {
		t.Errorf("Deadline after a second extension = %v, want %v", d, at(35*sec))
	}
	// At the class deadline nothing closes yet; bob is refused after his.
	if evs := s.Tick(at(20 * sec)); len(evs) != 0 {
		t.Errorf("Tick at the class deadline emitted %v", types(evs))
	}
	_, _, err := s.Answer("p2", "c", choose("b"), at(21*sec))
	wantErr(t, err, ErrQuestionClosed)
	mustAnswer(t, s, "p1", "c", choose("b"), at(34*sec))
	// Closes at the latest deadline.
	if evs := s.Tick(at(35 * sec)); !reflect.DeepEqual(types(evs), []string{TypeQuestionClosed}) {
		t.Errorf("Tick at the extended deadline = %v", types(evs))
	}
	evs = must(t)(s.Reveal(at(36 * sec)))
	// Ann's speed points bottom out at 50%.
	if r := forParticipant(t, evs, TypeResult, "p1").(Result); r.Points != 50 {
		t.Errorf("points after the class deadline = %d, want 50", r.Points)
	}

	// A student whose time ran out gets the extra from now.
	s = newTest(t, "ann", "bob")
	must(t)(s.AskNext(t0))
	must(t)(s.ExtendTime("p2", 30*sec, at(0)))
	must(t)(s.ExtendTime("p1", 10*sec, at(25*sec)))
	if v, _ := s.ParticipantView("p1"); v.Question.DeadlineMS != at(35*sec).UnixMilli() {
		t.Errorf("p1 deadline = %v, want %v", v.Question.DeadlineMS, at(35*sec).UnixMilli())
	}
	if v, _ := s.ParticipantView("p2"); v.Question.DeadlineMS != at(50*sec).UnixMilli() {
		t.Errorf("p2 deadline = %v, want %v", v.Question.DeadlineMS, at(50*sec).UnixMilli())
	}
}

func TestExtendTimeRefusals(t *testing.T) {
	tests := []struct {
		name  string
		q     int // question index to open
		id    string
		extra time.Duration
		err   error
	}{
		{"ok", 0, "p1", sec, nil},
		{"zero", 0, "p1", 0, ErrBadCommand},
		{"negative", 0, "p1", -sec, ErrBadCommand},
		{"unknown", 0, "p9", sec, ErrNotParticipant},
		{"no time limit", 4, "p1", sec, ErrNoTimeLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New("s", DefaultOptions(), testQuestions()[tt.q:], t0)
			mustJoin(t, s, "ann", t0)
			must(t)(s.AskNext(t0))
			evs, err := s.ExtendTime(tt.id, tt.extra, at(sec))
			wantErr(t, err, tt.err)
			if tt.err != nil && len(evs) != 0 {
				t.Errorf("refused extension emitted %v", types(evs))
			}
		})
	}
}

func TestTickAndDeadline(t *testing.T) {
	s := newTest(t, "ann")
	if _, ok := s.Deadline(); ok {
		t.Error("a deadline in the lobby")
	}
	must(t)(s.AskNext(t0))
	d, ok := s.Deadline()
	if !ok || !d.Equal(at(20*sec)) {
		t.Fatalf("Deadline = %v %v, want %v", d, ok, at(20*sec))
	}
	if evs := s.Tick(at(20*sec - time.Nanosecond)); len(evs) != 0 || s.State() != QuestionOpen {
		t.Fatalf("Tick before the deadline: %v, %s", types(evs), s.State())
	}
	evs := s.Tick(at(20 * sec))
	want := []Event{{Type: TypeQuestionClosed, Audience: ToAll, Payload: QuestionClosedPayload{QuestionID: "q1", Round: 1}}}
	if !reflect.DeepEqual(evs, want) || s.State() != QuestionClosed {
		t.Fatalf("Tick at the deadline = %+v (%s), want %+v", evs, s.State(), want)
	}
	if evs := s.Tick(at(time.Hour)); len(evs) != 0 {
		t.Errorf("second Tick emitted %v", types(evs))
	}
	if _, ok := s.Deadline(); ok {
		t.Error("a deadline once closed")
	}
	// A question without a time limit never closes by itself.
	s = New("s", DefaultOptions(), testQuestions()[4:], t0)
	must(t)(s.AskNext(t0))
	if _, ok := s.Deadline(); ok {
		t.Error("a deadline without a time limit")
	}
	if evs := s.Tick(at(24 * time.Hour)); len(evs) != 0 {
		t.Errorf("Tick closed a question without a time limit: %v", types(evs))
	}
}
