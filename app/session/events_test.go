package session

import (
	"errors"
	"strings"
	"testing"
)

func TestAudience(t *testing.T) {
	tests := []struct {
		a        Audience
		host     bool
		p1, p2   bool
		wantKind AudienceKind
	}{
		{ToAll, true, true, true, AudienceAll},
		{ToHost, true, false, false, AudienceHost},
		{ToParticipants, false, true, true, AudienceParticipants},
		{ToParticipant("p1"), false, true, false, AudienceParticipant},
		{Audience{}, false, false, false, ""},
	}
	for _, tt := range tests {
		if got := [3]bool{tt.a.Host(), tt.a.Reaches("p1"), tt.a.Reaches("p2")}; got != [3]bool{tt.host, tt.p1, tt.p2} {
			t.Errorf("%+v: host, p1, p2 = %v, want %v", tt.a, got, [3]bool{tt.host, tt.p1, tt.p2})
		}
	}
}

func TestErrors(t *testing.T) {
	detail := errors.New("detail for the log")
	err := ErrInvalidAnswer.wrap(detail)
	if !errors.Is(err, ErrInvalidAnswer) || !errors.Is(err, detail) || errors.Is(err, ErrLocked) {
		t.Errorf("errors.Is on %v is wrong", err)
	}
	if got := err.Error(); !strings.HasPrefix(got, ErrInvalidAnswer.Msg) || !strings.Contains(got, "detail") {
		t.Errorf("Error() = %q, want the message then the detail", got)
	}
	if err := ErrWrongState.with("reveal first"); !errors.Is(err, ErrWrongState) || err.Error() != "reveal first" {
		t.Errorf("with: %v", err)
	}
	if errors.Is(errors.New("locked"), ErrLocked) {
		t.Error("a plain error matched a coded one")
	}
}

func TestStateValid(t *testing.T) {
	for _, st := range []State{Lobby, QuestionOpen, QuestionClosed, Revealed, Leaderboard, Ended} {
		if !st.Valid() {
			t.Errorf("%s not valid", st)
		}
	}
	if State("paused").Valid() {
		t.Error("paused is valid")
	}
}

func TestBucket(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  Hello   World ", "hello world"},
		{"TCP", "tcp"},
		{strings.Repeat("a", 40), strings.Repeat("a", 40)},
		{strings.Repeat("é", 41), strings.Repeat("é", 40) + "…"},
	}
	for _, tt := range tests {
		if got := bucket(tt.in); got != tt.want {
			t.Errorf("bucket(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Kicking someone who typed an answer takes it out of the text histogram.
func TestKickRemovesTypedAnswer(t *testing.T) {
	s := New("s", DefaultOptions(), testQuestions()[4:], t0)
	mustJoin(t, s, "ann", t0)
	mustJoin(t, s, "bob", t0)
	must(t)(s.AskNext(t0))
	mustAnswer(t, s, "p1", "c", typed("Lion"), at(sec))
	mustAnswer(t, s, "p2", "c", typed("lion"), at(sec))
	evs := must(t)(s.Kick("p1", at(2*sec)))
	if h := evs[2].Payload.(AnswerCount).Histogram; h.Counts["lion"] != 1 {
		t.Errorf("after one kick = %+v", h)
	}
	evs = must(t)(s.Kick("p2", at(2*sec)))
	if h := evs[2].Payload.(AnswerCount).Histogram; len(h.Counts) != 0 || h.Other != 0 {
		t.Errorf("after both kicks = %+v, want empty", h)
	}
}
