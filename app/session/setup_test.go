package session

import (
	"slices"
	"strings"
	"testing"
	"time"

	"netstudy/app/quiz"
)

// choices returns n choices a, b, c…, the first one correct.
func choices(n int) []quiz.Choice {
	out := make([]quiz.Choice, n)
	for i := range out {
		out[i] = quiz.Choice{ID: string(rune('a' + i)), Text: strings.Repeat("x", i+1), Correct: i == 0}
	}
	return out
}

// The rules of a typed question, in the one place that holds them: the
// dashboard's ask_typed and the API both end here.
func TestValidateQuestion(t *testing.T) {
	single := func(f func(q *quiz.Question)) quiz.Question {
		q := quiz.Question{Kind: quiz.Single, Prompt: "Which layer routes?", Choices: choices(4)}
		f(&q)
		return q
	}
	for _, tt := range []struct {
		name    string
		q       quiz.Question
		wantErr string // "" for a valid question
	}{
		{"plain", single(func(*quiz.Question) {}), ""},
		{"twelve choices", single(func(q *quiz.Question) { q.Choices = choices(12) }), ""},
		{"thirteen choices", single(func(q *quiz.Question) { q.Choices = choices(13) }), "2 to 12 choices"},
		{"an hour", single(func(q *quiz.Question) { q.TimeLimit = time.Hour }), ""},
		{"over an hour", single(func(q *quiz.Question) { q.TimeLimit = time.Hour + time.Second }), "time limit must be 0 to 3600 seconds"},
		{"negative time limit", single(func(q *quiz.Question) { q.TimeLimit = -time.Second }), "time limit must be 0 to 3600 seconds"},
		{"negative points", single(func(q *quiz.Question) { q.Points = -1 }), "points cannot be negative"},
		{"prompt too long", single(func(q *quiz.Question) { q.Prompt = strings.Repeat("p", maxTypedText+1) }), "prompt is too long"},
		{"no kind", single(func(q *quiz.Question) { q.Kind = "" }), `unknown kind ""`},
		{"text without match", quiz.Question{Kind: quiz.Text, Prompt: "Bits in IPv4?", Accepted: []string{"32"}}, `unknown match ""`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateQuestion(&tt.q)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("err = %v, want one saying %q", err, tt.wantErr)
			}
		})
	}
}

// typedDefaults fills in the same things for ask_typed and for a typed
// question of NewSetup, so the two accept the same questions.
func TestTypedDefaults(t *testing.T) {
	for _, tt := range []struct {
		name      string
		in        quiz.Question
		wantKind  quiz.Kind
		wantMatch quiz.Match
	}{
		{"no kind is single", quiz.Question{}, quiz.Single, ""},
		{"text matches as text", quiz.Question{Kind: quiz.Text}, quiz.Text, quiz.MatchText},
		{"a match is kept", quiz.Question{Kind: quiz.Text, Match: quiz.MatchIP}, quiz.Text, quiz.MatchIP},
		{"a kind is kept", quiz.Question{Kind: quiz.Poll}, quiz.Poll, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			typedDefaults(&tt.in)
			if tt.in.Kind != tt.wantKind || tt.in.Match != tt.wantMatch {
				t.Errorf("kind %q, match %q; want %q, %q", tt.in.Kind, tt.in.Match, tt.wantKind, tt.wantMatch)
			}
		})
	}
}

// A time limit counted in seconds becomes a duration without wrapping
// round: what is out of bounds stays out of bounds.
func TestSeconds(t *testing.T) {
	for _, tt := range []struct {
		n      int
		want   time.Duration
		inside bool
	}{
		{0, 0, true},
		{30, 30 * time.Second, true},
		{3600, time.Hour, true},
		{3601, time.Hour + time.Second, false},
		{-1, -time.Second, false},
		{1<<62 + 30, time.Hour + time.Second, false}, // times 10⁹ would wrap to a small limit
		{-1 << 62, -time.Second, false},
	} {
		got := Seconds(tt.n)
		if got != tt.want || timeLimitOK(got) != tt.inside {
			t.Errorf("Seconds(%d) = %v (allowed %v), want %v (allowed %v)", tt.n, got, timeLimitOK(got), tt.want, tt.inside)
		}
	}
}

// NewSetup is the one constructor of a new session, for the form and the
// API alike: its title, its time limits, its typed questions.
func TestNewSetup(t *testing.T) {
	source := []quiz.Question{
		{ID: "q1", Kind: quiz.Single, Prompt: "Own limit", Choices: choices(2), TimeLimit: 90 * time.Second},
		{ID: "q2", Kind: quiz.Single, Prompt: "No limit", Choices: choices(2)},
	}
	fromQuiz := Plan{Source: "quiz:routing", SourceTitle: "Routing check", Questions: source, TimeLimit: DefaultTimeLimit, Options: DefaultOptions()}
	with := func(f func(p *Plan)) Plan {
		p := fromQuiz
		f(&p)
		return p
	}
	typed := quiz.Question{Prompt: "Typed", Choices: choices(3)}
	for _, tt := range []struct {
		name       string
		plan       Plan
		wantTitle  string
		wantIDs    []string
		wantLimits []time.Duration
		wantErr    string
	}{
		{"a quiz, the default limit", fromQuiz, "Routing check",
			[]string{"q1", "q2"}, []time.Duration{90 * time.Second, 30 * time.Second}, ""},
		{"no limit", with(func(p *Plan) { p.TimeLimit = 0 }), "Routing check",
			[]string{"q1", "q2"}, []time.Duration{90 * time.Second, 0}, ""},
		{"the instructor's title, trimmed", with(func(p *Plan) { p.Title = "  Friday \t" }), "Friday",
			[]string{"q1", "q2"}, []time.Duration{90 * time.Second, 30 * time.Second}, ""},
		{"a blank title is none", with(func(p *Plan) { p.Title = "   " }), "Routing check",
			[]string{"q1", "q2"}, []time.Duration{90 * time.Second, 30 * time.Second}, ""},
		{"no source, no title", Plan{TimeLimit: DefaultTimeLimit}, DefaultTitle, nil, nil, ""},
		{"a title of 120 characters", with(func(p *Plan) { p.Title = strings.Repeat("é", MaxTitle) }), strings.Repeat("é", MaxTitle),
			[]string{"q1", "q2"}, []time.Duration{90 * time.Second, 30 * time.Second}, ""},
		{"a title of 121 characters", with(func(p *Plan) { p.Title = strings.Repeat("é", MaxTitle+1) }), "", nil, nil,
			"a title has at most 120 characters; this one has 121"},
		{"typed after the quiz's", with(func(p *Plan) { p.Typed = []quiz.Question{typed, typed} }), "Routing check",
			[]string{"q1", "q2", "typed-1", "typed-2"}, []time.Duration{90 * time.Second, 30 * time.Second, 30 * time.Second, 30 * time.Second}, ""},
		{"a typed question's own limit", with(func(p *Plan) { q := typed; q.TimeLimit = time.Minute; p.Typed = []quiz.Question{q} }), "Routing check",
			[]string{"q1", "q2", "typed-1"}, []time.Duration{90 * time.Second, 30 * time.Second, time.Minute}, ""},
		{"a bad typed question", with(func(p *Plan) { q := typed; q.Choices = choices(1); p.Typed = []quiz.Question{typed, q} }), "", nil, nil,
			"question 2: it needs 2 to 12 choices"},
		{"over an hour", with(func(p *Plan) { p.TimeLimit = Seconds(3601) }), "", nil, nil,
			"the time limit must be 0 to 3600 seconds"},
		{"negative", with(func(p *Plan) { p.TimeLimit = Seconds(-5) }), "", nil, nil,
			"the time limit must be 0 to 3600 seconds"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			setup, err := NewSetup(tt.plan)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			var limits []time.Duration
			for _, q := range setup.Questions {
				ids, limits = append(ids, q.ID), append(limits, q.TimeLimit)
			}
			if setup.Title != tt.wantTitle || !slices.Equal(ids, tt.wantIDs) || !slices.Equal(limits, tt.wantLimits) {
				t.Errorf("setup %q %v %v, want %q %v %v", setup.Title, ids, limits, tt.wantTitle, tt.wantIDs, tt.wantLimits)
			}
			if setup.Source != tt.plan.Source || setup.Options != tt.plan.Options {
				t.Errorf("source %q options %+v, want the plan's", setup.Source, setup.Options)
			}
			// Every question of a setup can be asked: the session accepts it.
			s := New("x", setup.Options, setup.Questions, t0)
			for range setup.Questions {
				if _, err := s.AskNext(t0); err != nil {
					t.Fatalf("the session refuses a question of its setup: %v", err)
				}
				if _, err := s.Close(t0); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
	// The source's questions are shared with the catalog: never changed.
	if source[1].TimeLimit != 0 {
		t.Error("NewSetup changed the source's questions")
	}
}
