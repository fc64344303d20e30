package session

import (
	"reflect"
	"strings"
	"testing"
)

func TestCleanNickname(t *testing.T) {
	tests := []struct {
		in   string
		want string
		err  error
	}{
		{"ann", "ann", nil},
		{"  Ann B  ", "Ann B", nil},
		{"Ann \t\n  B", "Ann B", nil},
		{"Ann\u00a0\u2003B", "Ann B", nil}, // no-break and em spaces
		{"<script>x</script>", "<script>x</script>", nil},
		{"<b>bold</b> &amp;", "<b>bold</b> &amp;", nil},
		{"Zoë", "Zoë", nil},
		{"李小龍", "李小龍", nil},
		{"bo\u200bb", "bob", nil},             // zero-width space
		{"\u202eevil", "evil", nil},           // right-to-left override
		{"a\x00b\x1bc\x7f", "abc", nil},       // C0 and DEL controls
		{"a\u0085b", "a b", nil},              // NEL is a space
		{"👩\u200d💻 dev", "👩\u200d💻 dev", nil}, // emoji ZWJ sequence kept
		{"🏳\ufe0f\u200d🌈", "🏳\ufe0f\u200d🌈", nil},
		{"a\u200db", "ab", nil}, // a joiner between letters is invisible: removed
		{"\u200d", "", ErrNicknameEmpty},
		{"", "", ErrNicknameEmpty},
		{"   \t ", "", ErrNicknameEmpty},
		{"\u200b\u200e", "", ErrNicknameEmpty},
		{strings.Repeat("x", 24), strings.Repeat("x", 24), nil},
		{strings.Repeat("x", 25), "", ErrNicknameTooLong},
		{"  " + strings.Repeat("x", 24) + "  ", strings.Repeat("x", 24), nil}, // trimmed before counting
		{strings.Repeat("😀", 24), strings.Repeat("😀", 24), nil},               // 96 bytes, 24 runes
		{strings.Repeat("😀", 25), "", ErrNicknameTooLong},
		{"bad\xffutf8", "", ErrNicknameInvalid},
		{strings.Repeat(" ", 2000) + "ann", "", ErrNicknameTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := cleanNickname(tt.in)
			wantErr(t, err, tt.err)
			if got != tt.want {
				t.Errorf("cleanNickname(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// Nicknames must not look alike: case, invisible characters, other
// scripts' look-alike letters and compatibility forms do not make a new
// name.
func TestJoinUniqueIgnoringCase(t *testing.T) {
	tests := []struct {
		first, second string
		err           error
	}{
		{"Ann", "ann", ErrNicknameTaken},
		{"ann", "  ANN ", ErrNicknameTaken},
		{"Ann B", "ann  b", ErrNicknameTaken},
		{"bob", "bo\u200bb", ErrNicknameTaken},
		{"Kelvin", "\u212aelvin", ErrNicknameTaken}, // Kelvin sign folds to K
		{"ΣΑΣ", "σας", ErrNicknameTaken},
		{"ann", "anne", nil},
		{"ann", "ann2", nil},
		// Look-alikes from other scripts and compatibility forms.
		{"ann", "аnn", ErrNicknameTaken},   // Cyrillic а
		{"Olga", "Оlga", ErrNicknameTaken}, // Cyrillic О
		{"paco", "расо", ErrNicknameTaken}, // all four Cyrillic
		{"Kate", "Καte", ErrNicknameTaken}, // Greek Κ and α
		{"nico", "niρo", nil},              // ρ is no c
		{"ann", "ａｎｎ", ErrNicknameTaken},   // fullwidth
		{"ann", "𝐚𝐧𝐧", ErrNicknameTaken},   // mathematical bold
		{"bill", "biII", ErrNicknameTaken},
		{"bill", "bi11", ErrNicknameTaken},
		{"leo", "le0", ErrNicknameTaken},
		{"ann", "ánn", nil}, // an accent is seen
		{"Дима", "Дима", ErrNicknameTaken},
		{"Дима", "Дина", nil},
	}
	for _, tt := range tests {
		t.Run(tt.first+"/"+tt.second, func(t *testing.T) {
			s := newTest(t, tt.first)
			_, _, err := s.Join(tt.second, t0)
			wantErr(t, err, tt.err)
		})
	}
}

func TestJoinIDsAndEvents(t *testing.T) {
	s := newTest(t)
	for i, nick := range []string{"ann", "bob", "cy"} {
		id, evs, err := s.Join(nick, t0)
		wantErr(t, err, nil)
		if want := participantID(i + 1); id != want {
			t.Errorf("id = %q, want %q", id, want)
		}
		want := []Event{{Type: TypeParticipantJoined, Audience: ToHost, Payload: ParticipantJoined{ParticipantID: id, Nickname: nick, Participants: i + 1}}}
		if !reflect.DeepEqual(evs, want) {
			t.Errorf("events = %+v, want %+v", evs, want)
		}
	}
	// A refused join does not use up an ID.
	if _, _, err := s.Join("ANN", t0); err == nil {
		t.Fatal("duplicate accepted")
	}
	if id := mustJoin(t, s, "dee", t0); id != "p4" {
		t.Errorf("id after a refusal = %q, want p4", id)
	}
}

func TestJoinRules(t *testing.T) {
	tests := []struct {
		name  string
		opts  func(*Options)
		state State
		err   error
	}{
		{"lobby", nil, Lobby, nil},
		{"lobby locked", func(o *Options) { o.Locked = true }, Lobby, ErrLocked},
		{"lobby, late joins off", func(o *Options) { o.AllowLateJoin = false }, Lobby, nil},
		{"late", nil, QuestionOpen, nil},
		{"late, closed", nil, QuestionClosed, nil},
		{"late, leaderboard", nil, Leaderboard, nil},
		{"late, late joins off", func(o *Options) { o.AllowLateJoin = false }, QuestionOpen, ErrLateJoin},
		{"late, late joins off, between questions", func(o *Options) { o.AllowLateJoin = false }, Revealed, ErrLateJoin},
		{"late, locked", func(o *Options) { o.Locked = true }, Revealed, ErrLocked},
		{"ended", nil, Ended, ErrEnded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := reach(t, tt.state)
			if tt.opts != nil {
				o := s.Options()
				tt.opts(&o)
				must(t)(s.SetOptions(o, t0))
			}
			before := len(s.Participants())
			_, evs, err := s.Join("newcomer", at(sec))
			wantErr(t, err, tt.err)
			if tt.err != nil && (len(evs) != 0 || len(s.Participants()) != before) {
				t.Errorf("refused join emitted %v or added a participant", types(evs))
			}
		})
	}
}

// Unlocking lets players in again.
func TestLockUnlock(t *testing.T) {
	s := newTest(t)
	evs := must(t)(s.Lock(t0))
	if want := []Event{{Type: TypeOptionsChanged, Audience: ToAll, Payload: OptionsChanged{Options: Options{ShowQuestionOnPhones: true, AllowLateJoin: true, SpeedPoints: true, Locked: true}}}}; !reflect.DeepEqual(evs, want) {
		t.Errorf("Lock events = %+v, want %+v", evs, want)
	}
	if evs := must(t)(s.Lock(t0)); len(evs) != 0 {
		t.Errorf("locking again emitted %v", types(evs))
	}
	_, _, err := s.Join("ann", t0)
	wantErr(t, err, ErrLocked)
	must(t)(s.Unlock(t0))
	mustJoin(t, s, "ann", t0)
}

// A late joiner is sent the open question and can answer it before the
// deadline.
func TestLateJoinerAnswers(t *testing.T) {
	s := reach(t, QuestionOpen)
	id, evs, err := s.Join("late", at(5*sec))
	wantErr(t, err, nil)
	o, ok := forParticipant(t, evs, TypeQuestionOpened, id).(QuestionOpened)
	if !ok || o.QuestionID != "q1" || o.DeadlineMS != at(20*sec).UnixMilli() {
		t.Fatalf("late joiner got %+v", o)
	}
	mustAnswer(t, s, id, "c1", choose("b"), at(6*sec))
	v, err := s.ParticipantView(id)
	wantErr(t, err, nil)
	if !v.Answered || v.Question == nil || v.Question.QuestionID != "q1" {
		t.Errorf("view = %+v", v)
	}
}
