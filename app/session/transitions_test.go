package session

import (
	"reflect"
	"testing"
	"time"

	"netstudy/app/quiz"
)

// reach returns a session with players p1 and p2 in state st, having asked
// q1 at t0 if st is past the lobby.
func reach(t *testing.T, st State) *Session {
	t.Helper()
	s := newTest(t, "ann", "bob")
	steps := map[State][]func(time.Time) ([]Event, error){
		Lobby:          nil,
		QuestionOpen:   {s.AskNext},
		QuestionClosed: {s.AskNext, s.Close},
		Revealed:       {s.AskNext, s.Reveal},
		Leaderboard:    {s.AskNext, s.Reveal, s.ShowLeaderboard},
		Ended:          {s.AskNext, s.End},
	}
	for _, step := range steps[st] {
		must(t)(step(t0))
	}
	if got := s.State(); got != st {
		t.Fatalf("reached %s, want %s", got, st)
	}
	return s
}

func typedQuestion() quiz.Question {
	return quiz.Question{Kind: quiz.TrueFalse, Prompt: "Is TCP reliable?", Points: 100, TimeLimit: 20 * sec,
		Choices: []quiz.Choice{{ID: "true", Text: "True", Correct: true}, {ID: "false", Text: "False"}}}
}

func TestTransitions(t *testing.T) {
	now := at(sec) // before q1's 20s deadline
	commands := map[string]func(s *Session) ([]Event, error){
		"AskNext":         func(s *Session) ([]Event, error) { return s.AskNext(now) },
		"AskTyped":        func(s *Session) ([]Event, error) { return s.AskTyped(typedQuestion(), now) },
		"Reask":           func(s *Session) ([]Event, error) { return s.Reask(now) },
		"Close":           func(s *Session) ([]Event, error) { return s.Close(now) },
		"Reveal":          func(s *Session) ([]Event, error) { return s.Reveal(now) },
		"ShowLeaderboard": func(s *Session) ([]Event, error) { return s.ShowLeaderboard(now) },
		"End":             func(s *Session) ([]Event, error) { return s.End(now) },
		"ExtendTime":      func(s *Session) ([]Event, error) { return s.ExtendTime("p1", 10*sec, now) },
		"Kick":            func(s *Session) ([]Event, error) { return s.Kick("p2", now) },
		"Lock":            func(s *Session) ([]Event, error) { return s.Lock(now) },
		"Tick":            func(s *Session) ([]Event, error) { return s.Tick(now), nil },
	}
	opened := []string{TypeQuestionOpened, TypeQuestionOpened}
	revealed := []string{TypeRevealed, TypeResult, TypeResult}
	ended := []string{TypeEnded, TypeYourRank, TypeYourRank}
	kicked := []string{TypeKicked, TypeKicked}
	lock := []string{TypeOptionsChanged}
	tests := []struct {
		from    State
		command string
		want    State    // the state after; from when refused
		err     error    // nil: allowed
		events  []string // event types when allowed
	}{
		{Lobby, "AskNext", QuestionOpen, nil, opened},
		{Lobby, "AskTyped", QuestionOpen, nil, opened},
		{Lobby, "Reask", Lobby, ErrWrongState, nil},
		{Lobby, "Close", Lobby, ErrWrongState, nil},
		{Lobby, "Reveal", Lobby, ErrWrongState, nil},
		{Lobby, "ShowLeaderboard", Lobby, ErrWrongState, nil},
		{Lobby, "End", Ended, nil, ended},
		{Lobby, "ExtendTime", Lobby, ErrWrongState, nil},
		{Lobby, "Kick", Lobby, nil, kicked},
		{Lobby, "Lock", Lobby, nil, lock},
		{Lobby, "Tick", Lobby, nil, []string{}},

		{QuestionOpen, "AskNext", QuestionOpen, ErrWrongState, nil},
		{QuestionOpen, "AskTyped", QuestionOpen, ErrWrongState, nil},
		{QuestionOpen, "Reask", QuestionOpen, ErrWrongState, nil},
		{QuestionOpen, "Close", QuestionClosed, nil, []string{TypeQuestionClosed}},
		{QuestionOpen, "Reveal", Revealed, nil, append([]string{TypeQuestionClosed}, revealed...)},
		{QuestionOpen, "ShowLeaderboard", QuestionOpen, ErrWrongState, nil},
		{QuestionOpen, "End", Ended, nil, append([]string{TypeQuestionClosed}, ended...)},
		{QuestionOpen, "ExtendTime", QuestionOpen, nil, []string{TypeTimeExtended, TypeTimeExtended}},
		{QuestionOpen, "Kick", QuestionOpen, nil, kicked},
		{QuestionOpen, "Lock", QuestionOpen, nil, lock},
		{QuestionOpen, "Tick", QuestionOpen, nil, []string{}},

		{QuestionClosed, "AskNext", QuestionOpen, nil, opened},
		{QuestionClosed, "AskTyped", QuestionOpen, nil, opened},
		{QuestionClosed, "Reask", QuestionOpen, nil, opened},
		{QuestionClosed, "Close", QuestionClosed, ErrWrongState, nil},
		{QuestionClosed, "Reveal", Revealed, nil, revealed},
		{QuestionClosed, "ShowLeaderboard", QuestionClosed, ErrWrongState, nil},
		{QuestionClosed, "End", Ended, nil, ended},
		{QuestionClosed, "ExtendTime", QuestionClosed, ErrWrongState, nil},
		{QuestionClosed, "Kick", QuestionClosed, nil, kicked},
		{QuestionClosed, "Lock", QuestionClosed, nil, lock},
		{QuestionClosed, "Tick", QuestionClosed, nil, []string{}},

		{Revealed, "AskNext", QuestionOpen, nil, opened},
		{Revealed, "AskTyped", QuestionOpen, nil, opened},
		{Revealed, "Reask", QuestionOpen, nil, opened},
		{Revealed, "Close", Revealed, ErrWrongState, nil},
		{Revealed, "Reveal", Revealed, ErrWrongState, nil},
		{Revealed, "ShowLeaderboard", Leaderboard, nil, []string{TypeLeaderboard, TypeYourRank, TypeYourRank}},
		{Revealed, "End", Ended, nil, ended},
		{Revealed, "ExtendTime", Revealed, ErrWrongState, nil},
		{Revealed, "Kick", Revealed, nil, kicked},
		{Revealed, "Lock", Revealed, nil, lock},
		{Revealed, "Tick", Revealed, nil, []string{}},

		{Leaderboard, "AskNext", QuestionOpen, nil, opened},
		{Leaderboard, "AskTyped", QuestionOpen, nil, opened},
		{Leaderboard, "Reask", QuestionOpen, nil, opened},
		{Leaderboard, "Close", Leaderboard, ErrWrongState, nil},
		{Leaderboard, "Reveal", Leaderboard, ErrWrongState, nil},
		{Leaderboard, "ShowLeaderboard", Leaderboard, ErrWrongState, nil},
		{Leaderboard, "End", Ended, nil, ended},
		{Leaderboard, "ExtendTime", Leaderboard, ErrWrongState, nil},
		{Leaderboard, "Kick", Leaderboard, nil, kicked},
		{Leaderboard, "Lock", Leaderboard, nil, lock},
		{Leaderboard, "Tick", Leaderboard, nil, []string{}},

		{Ended, "AskNext", Ended, ErrEnded, nil},
		{Ended, "AskTyped", Ended, ErrEnded, nil},
		{Ended, "Reask", Ended, ErrEnded, nil},
		{Ended, "Close", Ended, ErrEnded, nil},
		{Ended, "Reveal", Ended, ErrEnded, nil},
		{Ended, "ShowLeaderboard", Ended, ErrEnded, nil},
		{Ended, "End", Ended, nil, []string{}}, // idempotent: a second click does nothing
		{Ended, "ExtendTime", Ended, ErrEnded, nil},
		{Ended, "Kick", Ended, ErrEnded, nil},
		{Ended, "Lock", Ended, ErrEnded, nil},
		{Ended, "Tick", Ended, nil, []string{}},
	}
	for _, tt := range tests {
		t.Run(string(tt.from)+"/"+tt.command, func(t *testing.T) {
			s := reach(t, tt.from)
			before := s.HostView()
			evs, err := commands[tt.command](s)
			wantErr(t, err, tt.err)
			if got := s.State(); got != tt.want {
				t.Errorf("state = %s, want %s", got, tt.want)
			}
			if tt.err != nil {
				if len(evs) != 0 {
					t.Errorf("refused command emitted %v", types(evs))
				}
				if after := s.HostView(); !reflect.DeepEqual(after, before) {
					t.Errorf("refused command changed the session:\nbefore %+v\nafter  %+v", before, after)
				}
				return
			}
			if got := types(evs); !reflect.DeepEqual(got, tt.events) {
				t.Errorf("events = %v, want %v", got, tt.events)
			}
		})
	}
}

// A host command racing the deadline timer acts as if Tick had run first.
func TestHostCommandAfterDeadlineClosesFirst(t *testing.T) {
	s := reach(t, QuestionOpen)
	evs := must(t)(s.AskNext(at(25 * sec))) // q1's deadline was 20s
	want := []string{TypeQuestionClosed, TypeQuestionOpened, TypeQuestionOpened}
	if got := types(evs); !reflect.DeepEqual(got, want) {
		t.Fatalf("events = %v, want %v", got, want)
	}
	if got := s.Results().Rounds[0].ClosedAt; !got.Equal(at(25 * sec)) {
		t.Errorf("q1 closed at %v, want %v", got, at(25*sec))
	}
}

func TestAskNextRunsOut(t *testing.T) {
	s := newTest(t, "ann")
	for i := range testQuestions() {
		must(t)(s.AskNext(at(time.Duration(i) * time.Minute)))
		must(t)(s.Close(at(time.Duration(i)*time.Minute + sec)))
	}
	_, err := s.AskNext(at(time.Hour))
	wantErr(t, err, ErrNoMoreQuestions)
	// A typed question still can be asked.
	must(t)(s.AskTyped(typedQuestion(), at(time.Hour)))
	if got, want := s.HostView().Question.Number, 6; got != want {
		t.Errorf("typed question number = %d, want %d", got, want)
	}
}

// An empty session works on typed questions alone.
func TestEmptySessionTypedQuestions(t *testing.T) {
	s := New("s", DefaultOptions(), nil, t0)
	p := mustJoin(t, s, "ann", t0)
	_, err := s.AskNext(t0)
	wantErr(t, err, ErrNoMoreQuestions)
	evs := must(t)(s.AskTyped(typedQuestion(), t0))
	o := evs[0].Payload.(QuestionOpened)
	if o.QuestionID != "live-1" || o.Number != 1 || o.Total != 1 || o.Round != 1 {
		t.Errorf("opened = %+v, want live-1, 1 of 1, round 1", o)
	}
	mustAnswer(t, s, p, "c1", choose("true"), at(sec))
	must(t)(s.Reveal(at(2 * sec)))
	if got, _ := s.Participant(p); got.Score == 0 {
		t.Errorf("score = 0 after a right typed question")
	}
	if got := len(s.Questions()); got != 1 {
		t.Errorf("Questions() has %d, want 1", got)
	}
	// AskNext must not re-ask the typed question.
	_, err = s.AskNext(at(3 * sec))
	wantErr(t, err, ErrNoMoreQuestions)
}

func TestAskTypedValidation(t *testing.T) {
	tf := typedQuestion()
	mod := func(f func(q *quiz.Question)) quiz.Question {
		q := typedQuestion()
		f(&q)
		return q
	}
	text := quiz.Question{Kind: quiz.Text, Prompt: "Port of HTTPS?", Accepted: []string{"443"}, Match: quiz.MatchNumber}
	tests := []struct {
		name string
		q    quiz.Question
		err  error
	}{
		{"true/false", tf, nil},
		{"text", text, nil},
		{"text default match", quiz.Question{Kind: quiz.Text, Prompt: "Say hi", Accepted: []string{"hi"}}, nil},
		{"single", quiz.Question{Kind: quiz.Single, Prompt: "p", Choices: []quiz.Choice{{ID: "a", Correct: true}, {ID: "b"}}}, nil},
		{"poll", quiz.Question{Kind: quiz.Poll, Prompt: "p", Choices: []quiz.Choice{{ID: "a"}, {ID: "b"}}}, nil},
		{"no kind is single", quiz.Question{Prompt: "p", Choices: []quiz.Choice{{ID: "a", Correct: true}, {ID: "b"}}}, nil},
		{"thirteen choices", quiz.Question{Kind: quiz.Poll, Prompt: "p", Choices: choices(13)}, ErrInvalidQuestion},
		{"over an hour", mod(func(q *quiz.Question) { q.TimeLimit = time.Hour + sec }), ErrInvalidQuestion},
		{"no prompt", mod(func(q *quiz.Question) { q.Prompt = "  " }), ErrInvalidQuestion},
		{"one choice", quiz.Question{Kind: quiz.Single, Prompt: "p", Choices: []quiz.Choice{{ID: "a", Correct: true}}}, ErrInvalidQuestion},
		{"two correct singles", quiz.Question{Kind: quiz.Single, Prompt: "p", Choices: []quiz.Choice{{ID: "a", Correct: true}, {ID: "b", Correct: true}}}, ErrInvalidQuestion},
		{"multiple none correct", quiz.Question{Kind: quiz.Multiple, Prompt: "p", Choices: []quiz.Choice{{ID: "a"}, {ID: "b"}}}, ErrInvalidQuestion},
		{"poll with correct", quiz.Question{Kind: quiz.Poll, Prompt: "p", Choices: []quiz.Choice{{ID: "a", Correct: true}, {ID: "b"}}}, ErrInvalidQuestion},
		{"duplicate choice ids", quiz.Question{Kind: quiz.Single, Prompt: "p", Choices: []quiz.Choice{{ID: "a", Correct: true}, {ID: "a"}}}, ErrInvalidQuestion},
		{"true/false wrong ids", mod(func(q *quiz.Question) { q.Choices[1].ID = "no" }), ErrInvalidQuestion},
		{"text without accepted", quiz.Question{Kind: quiz.Text, Prompt: "p"}, ErrInvalidQuestion},
		{"text with choices", quiz.Question{Kind: quiz.Text, Prompt: "p", Accepted: []string{"x"}, Choices: tf.Choices}, ErrInvalidQuestion},
		{"choices with accepted", mod(func(q *quiz.Question) { q.Accepted = []string{"x"} }), ErrInvalidQuestion},
		{"accepted not a number", quiz.Question{Kind: quiz.Text, Prompt: "p", Accepted: []string{"four"}, Match: quiz.MatchNumber}, ErrInvalidQuestion},
		{"accepted bad cidr", quiz.Question{Kind: quiz.Text, Prompt: "p", Accepted: []string{"10.0.0.0/33"}, Match: quiz.MatchCIDR}, ErrInvalidQuestion},
		{"unknown kind", mod(func(q *quiz.Question) { q.Kind = "essay" }), ErrInvalidQuestion},
		{"negative points", mod(func(q *quiz.Question) { q.Points = -1 }), ErrInvalidQuestion},
		{"duplicate id", mod(func(q *quiz.Question) { q.ID = "q1" }), ErrInvalidQuestion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTest(t, "ann")
			_, err := s.AskTyped(tt.q, t0)
			wantErr(t, err, tt.err)
			wantState := QuestionOpen
			if tt.err != nil {
				wantState = Lobby
				if n := len(s.Questions()); n != len(testQuestions()) {
					t.Errorf("a refused question was added: %d questions", n)
				}
			}
			if s.State() != wantState {
				t.Errorf("state = %s, want %s", s.State(), wantState)
			}
		})
	}
}
