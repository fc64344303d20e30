package session

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"netstudy/app/quiz"
)

func TestParticipantView(t *testing.T) {
	s := newTest(t, "ann", "bob")
	v, err := s.ParticipantView("p1")
	wantErr(t, err, nil)
	want := ParticipantView{SessionID: "s1", ParticipantID: "p1", Nickname: "ann", State: Lobby, Rank: 1, Participants: 2}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("lobby view = %+v, want %+v", v, want)
	}
	_, err = s.ParticipantView("p9")
	wantErr(t, err, ErrNotParticipant)

	must(t)(s.AskNext(t0))
	must(t)(s.ExtendTime("p1", 5*sec, at(sec)))
	mustAnswer(t, s, "p1", "c1", choose("b"), at(2*sec))
	v, _ = s.ParticipantView("p1")
	if v.State != QuestionOpen || v.Question == nil || v.Question.DeadlineMS != at(25*sec).UnixMilli() {
		t.Errorf("open view question = %+v, want q1 with the extended deadline", v.Question)
	}
	if !v.Answered || !reflect.DeepEqual(v.YourAnswer, &quiz.Answer{Choices: []string{"b"}}) || v.AnswerResult.CommandID != "c1" {
		t.Errorf("open view answer = %v %+v %+v", v.Answered, v.YourAnswer, v.AnswerResult)
	}
	if v.Revealed != nil || v.Result != nil || v.Score != 0 {
		t.Errorf("open view shows results early: %+v", v)
	}
	if v2, _ := s.ParticipantView("p2"); v2.Answered || v2.Question.DeadlineMS != at(20*sec).UnixMilli() {
		t.Errorf("p2 view = %+v", v2)
	}

	must(t)(s.Reveal(at(3 * sec)))
	v, _ = s.ParticipantView("p1")
	if v.Revealed == nil || !reflect.DeepEqual(v.Revealed.Correct, []string{"b"}) || v.Result == nil || v.Result.Outcome != OutcomeRight {
		t.Errorf("revealed view = %+v", v)
	}
	if v.Score == 0 || v.Rank != 1 || v.Leaderboard != nil {
		t.Errorf("revealed view score %d rank %d leaderboard %+v", v.Score, v.Rank, v.Leaderboard)
	}
	must(t)(s.ShowLeaderboard(at(4 * sec)))
	v, _ = s.ParticipantView("p2")
	if v.Leaderboard == nil || len(v.Leaderboard.Top) != 2 || v.Rank != 2 || v.Result.Outcome != OutcomeNoAnswer {
		t.Errorf("leaderboard view = %+v", v)
	}
	// The view is JSON with snake_case names.
	b, err := json.Marshal(v)
	wantErr(t, err, nil)
	var m map[string]any
	wantErr(t, json.Unmarshal(b, &m), nil)
	for _, k := range []string{"session_id", "participant_id", "state", "question", "score", "rank", "leaderboard", "revealed", "result"} {
		if _, ok := m[k]; !ok {
			t.Errorf("view JSON lacks %q: %s", k, b)
		}
	}
}

func TestHostView(t *testing.T) {
	opts := DefaultOptions()
	opts.ShowQuestionOnPhones = false
	s := New("s1", opts, testQuestions(), t0)
	mustJoin(t, s, "ann", t0)
	mustJoin(t, s, "bob", t0)
	v := s.HostView()
	if v.State != Lobby || v.Question != nil || v.Total != 5 || v.Remaining != 5 || len(v.Participants) != 2 || v.Active != 2 {
		t.Errorf("lobby host view = %+v", v)
	}
	must(t)(s.AskNext(t0))
	must(t)(s.ExtendTime("p2", 5*sec, at(sec)))
	mustAnswer(t, s, "p1", "c1", choose("b"), at(2*sec))
	v = s.HostView()
	q := v.Question
	if q == nil {
		t.Fatal("no question in the host view")
	}
	if q.Question.Prompt == "" || q.PromptHidden {
		t.Error("the host lost the prompt in projector mode")
	}
	if !reflect.DeepEqual(q.Key.Correct, []string{"b"}) || q.Key.ExplanationHTML != secretExplanation {
		t.Errorf("host key = %+v", q.Key)
	}
	if !q.Open || q.Revealed || q.Answered != 1 || q.Right != 1 || q.Index != 0 || q.Number != 1 {
		t.Errorf("host question = %+v", q)
	}
	if want := []Extension{{ParticipantID: "p2", DeadlineMS: at(25 * sec).UnixMilli()}}; !reflect.DeepEqual(q.Extensions, want) {
		t.Errorf("extensions = %+v, want %+v", q.Extensions, want)
	}
	if want := []RoundHistogram{{Round: 1, Answered: 1, Histogram: Histogram{Counts: map[string]int{"a": 0, "b": 1, "c": 0}}}}; !reflect.DeepEqual(q.Histograms, want) {
		t.Errorf("histograms = %+v, want %+v", q.Histograms, want)
	}
	if !v.Participants[0].Answered || v.Participants[1].Answered {
		t.Errorf("answered flags = %+v", v.Participants)
	}
	if v.Asked != 1 || v.Remaining != 4 {
		t.Errorf("asked %d remaining %d, want 1 and 4", v.Asked, v.Remaining)
	}
}

func TestResults(t *testing.T) {
	s := newTest(t, "ann", "bob")
	must(t)(s.AskNext(t0))
	mustAnswer(t, s, "p2", "c", choose("a"), at(2*sec))
	mustAnswer(t, s, "p1", "c", choose("b"), at(4*sec))
	must(t)(s.Reveal(at(10 * sec)))
	must(t)(s.AskNext(at(20 * sec))) // q2, left unrevealed
	mustAnswer(t, s, "p1", "d", choose("a", "c"), at(21*sec))
	must(t)(s.End(at(30 * sec)))

	r := s.Results()
	if r.SessionID != "s1" || r.State != Ended || len(r.Rounds) != 2 || !r.CreatedAt.Equal(t0) {
		t.Fatalf("results = %+v", r)
	}
	want0 := RoundResult{
		QuestionID: "q1", Index: 0, Number: 1, Round: 1, Kind: quiz.Single, Prompt: "Which one is bravo?",
		OpenedAt: t0, ClosedAt: at(10 * sec), Revealed: true, Counted: true, Answered: 2, Right: 1,
		Histogram: Histogram{Counts: map[string]int{"a": 1, "b": 1, "c": 0}},
		Answers: []AnswerRecord{
			{ParticipantID: "p2", Nickname: "bob", Answer: choose("a"), ElapsedMS: 2000},
			{ParticipantID: "p1", Nickname: "ann", Answer: choose("b"), Right: true, Points: 90, ElapsedMS: 4000},
		},
	}
	if !reflect.DeepEqual(r.Rounds[0], want0) {
		t.Errorf("round 0 =\n%+v\nwant\n%+v", r.Rounds[0], want0)
	}
	if r1 := r.Rounds[1]; r1.Revealed || r1.Counted || r1.Right != 1 || r1.Answers[0].Points != 197 || !r1.ClosedAt.Equal(at(30*sec)) {
		t.Errorf("round 1 = %+v", r1)
	}
	wantP := []ParticipantResult{
		{Participant: Participant{ID: "p1", Nickname: "ann", JoinedAt: t0, Score: 90, Rank: 1}, Answered: 2, Right: 1},
		{Participant: Participant{ID: "p2", Nickname: "bob", JoinedAt: t0, Score: 0, Rank: 2}, Answered: 1, Right: 0},
	}
	if !reflect.DeepEqual(r.Participants, wantP) {
		t.Errorf("participants =\n%+v\nwant\n%+v", r.Participants, wantP)
	}
}

// Options captured at asking: changing them mid-question changes neither
// the open question's scoring nor what phones were shown.
func TestOptionsApplyToNextQuestion(t *testing.T) {
	s := newTest(t, "ann")
	must(t)(s.AskNext(t0)) // speed points on
	opts := s.Options()
	opts.SpeedPoints, opts.ShowQuestionOnPhones = false, false
	evs := must(t)(s.SetOptions(opts, at(sec)))
	if len(evs) != 1 || evs[0].Payload.(OptionsChanged).Options != opts {
		t.Errorf("options_changed = %+v", evs)
	}
	if v, _ := s.ParticipantView("p1"); v.Question.PromptHidden {
		t.Error("the open question lost its prompt on phones")
	}
	mustAnswer(t, s, "p1", "c", choose("b"), at(10*sec))
	evs = must(t)(s.Reveal(at(11 * sec)))
	if r := forParticipant(t, evs, TypeResult, "p1").(Result); r.Points != 75 {
		t.Errorf("points = %d, want 75 (speed points as asked)", r.Points)
	}
	evs = must(t)(s.AskNext(at(time.Minute)))
	if o := evs[1].Payload.(QuestionOpened); !o.PromptHidden {
		t.Error("the next question still shows its prompt on phones")
	}
}

func TestAccessors(t *testing.T) {
	qs := testQuestions()
	s := New("abc", DefaultOptions(), qs, t0)
	qs[0].Choices[0].Correct = true // the session holds its own copy
	if s.ID() != "abc" || s.State() != Lobby || s.Options() != DefaultOptions() {
		t.Errorf("ID %q State %s Options %+v", s.ID(), s.State(), s.Options())
	}
	if got := s.Questions(); got[0].Choices[0].Correct {
		t.Error("the caller's slice changed the session's question")
	}
	got := s.Questions()
	got[0].Choices[1].Correct = false
	if s.Questions()[0].Choices[1].Correct != true {
		t.Error("Questions() exposed the session's question")
	}
	if _, ok := s.CurrentQuestion(); ok {
		t.Error("a current question in the lobby")
	}
	mustJoin(t, s, "ann", at(sec))
	must(t)(s.AskNext(at(2 * sec)))
	if q, ok := s.CurrentQuestion(); !ok || q.ID != "q1" {
		t.Errorf("CurrentQuestion = %+v %v", q.ID, ok)
	}
	if p, ok := s.Participant("p1"); !ok || p != (Participant{ID: "p1", Nickname: "ann", JoinedAt: at(sec), Rank: 1}) {
		t.Errorf("Participant = %+v %v", p, ok)
	}
	if _, ok := s.Participant("p2"); ok {
		t.Error("Participant(p2) found")
	}
	if ps := s.Participants(); len(ps) != 1 || ps[0].ID != "p1" {
		t.Errorf("Participants = %+v", ps)
	}
}

// The projector's snapshot is the host's without the key and the count of
// right answers, until the round is revealed; the host's keeps both.
func TestPresenterViewHidesTheKeyUntilTheReveal(t *testing.T) {
	s := newTest(t, "ann", "bob")
	must(t)(s.AskNext(t0))
	q, _ := s.CurrentQuestion()
	right := q.Key().Correct
	mustAnswer(t, s, "p1", "c1", choose(right...), at(sec))
	pv := s.PresenterView()
	if pv.Question == nil || len(pv.Question.Key.Correct) != 0 || pv.Question.Right != 0 || pv.Question.Key.ExplanationHTML != "" {
		t.Fatalf("presenter view before the reveal = %+v", pv.Question)
	}
	if pv.Question.Answered != 1 || pv.Question.QuestionID != q.ID {
		t.Errorf("presenter view lost what it may show: %+v", pv.Question)
	}
	if hv := s.HostView(); len(hv.Question.Key.Correct) == 0 || hv.Question.Right != 1 {
		t.Errorf("host view = %+v, want the key and one right answer", hv.Question)
	}
	must(t)(s.Reveal(at(2 * sec)))
	if pv := s.PresenterView(); !reflect.DeepEqual(pv.Question.Key.Correct, right) || pv.Question.Right != 1 {
		t.Errorf("presenter view after the reveal = %+v", pv.Question)
	}
}
