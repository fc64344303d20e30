package session

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"netstudy/app/quiz"
)

// fuzzer turns bytes into a sequence of commands on one session and checks
// the invariants after each.
type fuzzer struct {
	t    *testing.T
	data []byte
	s    *Session
	now  time.Time
	all  []Event
}

func (f *fuzzer) next() int {
	if len(f.data) == 0 {
		return 0
	}
	b := f.data[0]
	f.data = f.data[1:]
	return int(b)
}

func (f *fuzzer) pid() string { return participantID(f.next() % (len(f.s.participants) + 2)) }

var fuzzNicks = []string{"ann", "ANN", "bob", " cy ", "", "\u200b", "<i>x</i>", strings.Repeat("é", 25), "👩\u200d💻", "dee"}

var fuzzAnswers = []quiz.Answer{
	choose("a"), choose("b"), choose("c"), choose("a", "c"), choose("true"), choose("false"),
	typed(secretAccepted), typed("wrong"), typed("443"), {}, choose("a", "a"),
}

func (f *fuzzer) typedQuestion() quiz.Question {
	switch f.next() % 3 {
	case 0:
		return typedQuestion()
	case 1:
		return quiz.Question{Kind: quiz.Text, Prompt: "Port?", Accepted: []string{"443"}, Match: quiz.MatchNumber, Points: 50, TimeLimit: 5 * sec}
	}
	return quiz.Question{Kind: quiz.Single, Prompt: "broken"} // refused
}

// step runs one command.
func (f *fuzzer) step() {
	s := f.s
	op := f.next() % 14
	switch d := f.next(); d {
	case 255:
		f.now = f.now.Add(-sec) // a clock that steps back must not break anything
	default:
		f.now = f.now.Add(time.Duration(d%64) * 500 * time.Millisecond)
	}
	now := f.now
	before := s.HostView()
	var evs []Event
	var err error
	switch op {
	case 0:
		_, evs, err = s.Join(fuzzNicks[f.next()%len(fuzzNicks)], now)
	case 1:
		id, cmd := f.pid(), "c"+string(rune('0'+f.next()%4))
		var res AnswerResult
		res, evs, err = s.Answer(id, cmd, fuzzAnswers[f.next()%len(fuzzAnswers)], now)
		if err == nil && !res.Accepted {
			f.t.Fatalf("an answer without an error was not accepted: %+v", res)
		}
	case 2:
		evs, err = s.AskNext(now)
	case 3:
		evs, err = s.AskTyped(f.typedQuestion(), now)
	case 4:
		evs, err = s.Reask(now)
	case 5:
		evs, err = s.Close(now)
	case 6:
		evs, err = s.Reveal(now)
	case 7:
		evs, err = s.ShowLeaderboard(now)
	case 8:
		evs, err = s.End(now)
	case 9:
		evs, err = s.Kick(f.pid(), now)
	case 10:
		b := f.next()
		evs, err = s.SetOptions(Options{ShowQuestionOnPhones: b&1 != 0, AllowLateJoin: b&2 != 0, SpeedPoints: b&4 != 0, Locked: b&8 != 0}, now)
	case 11:
		evs, err = s.ExtendTime(f.pid(), time.Duration(f.next()%20-2)*sec, now)
	case 12:
		evs = s.Tick(now)
	case 13:
		if _, err := s.ParticipantView(f.pid()); err != nil && !errors.Is(err, ErrNotParticipant) {
			f.t.Fatalf("ParticipantView: %v", err)
		}
	}
	if err != nil {
		var e *Error
		if !errors.As(err, &e) || e.Code == "" || e.Msg == "" {
			f.t.Fatalf("op %d: error %v is not a coded *Error", op, err)
		}
		if len(evs) != 0 {
			f.t.Fatalf("op %d: refused (%v) yet emitted %v", op, err, types(evs))
		}
		if after := s.HostView(); !reflect.DeepEqual(after, before) {
			f.t.Fatalf("op %d: refused (%v) yet changed the session", op, err)
		}
	}
	f.all = append(f.all, evs...)
	f.checkEvents(evs)
	f.checkState()
}

var knownTypes = map[string]bool{
	TypeParticipantJoined: true, TypeQuestionOpened: true, TypeAnswerCount: true, TypeQuestionClosed: true,
	TypeRevealed: true, TypeResult: true, TypeLeaderboard: true, TypeYourRank: true, TypeEnded: true,
	TypeOptionsChanged: true, TypeKicked: true, TypeTimeExtended: true,
}

func (f *fuzzer) checkEvents(evs []Event) {
	for _, e := range evs {
		if !knownTypes[e.Type] {
			f.t.Fatalf("unknown event type %q", e.Type)
		}
		switch e.Audience.Kind {
		case AudienceAll, AudienceHost, AudienceParticipants:
		case AudienceParticipant:
			if _, ok := f.s.byID[e.Audience.ParticipantID]; !ok {
				f.t.Fatalf("%s to unknown participant %q", e.Type, e.Audience.ParticipantID)
			}
		default:
			f.t.Fatalf("%s has audience %+v", e.Type, e.Audience)
		}
		b, err := json.Marshal(e)
		if err != nil {
			f.t.Fatalf("%s does not marshal: %v", e.Type, err)
		}
		if e.Type != TypeRevealed && e.Audience.Kind != AudienceHost && strings.Contains(string(b), secretAccepted) {
			f.t.Fatalf("%s leaks the key: %s", e.Type, b)
		}
		if lb, ok := e.Payload.(LeaderboardPayload); ok {
			for _, st := range lb.Top {
				if f.s.byID[st.ParticipantID].kicked {
					f.t.Fatalf("kicked %s on the leaderboard", st.ParticipantID)
				}
			}
		}
		if c, ok := e.Payload.(AnswerCount); ok && (c.Answered > c.Participants || c.Answered < 0) {
			f.t.Fatalf("answer_count %+v", c)
		}
	}
}

func (f *fuzzer) checkState() {
	s := f.s
	if !s.State().Valid() {
		f.t.Fatalf("invalid state %q", s.State())
	}
	res := s.Results()
	// At most one answer per participant per round.
	counted := map[string]int{}
	for _, r := range res.Rounds {
		seen := map[string]bool{}
		for _, a := range r.Answers {
			if seen[a.ParticipantID] {
				f.t.Fatalf("%s answered round %d of %s twice", a.ParticipantID, r.Round, r.QuestionID)
			}
			seen[a.ParticipantID] = true
			if r.Counted && a.Right && r.Kind != quiz.Poll {
				counted[a.ParticipantID] += a.Points
			}
		}
		if r.Answered != len(r.Answers) {
			f.t.Fatalf("round answered %d but lists %d", r.Answered, len(r.Answers))
		}
	}
	// Scores never negative, and equal to the counted rounds' points.
	prev := -1
	for _, p := range res.Participants {
		if p.Score < 0 {
			f.t.Fatalf("%s has a negative score %d", p.ID, p.Score)
		}
		if p.Score != counted[p.ID] {
			f.t.Fatalf("%s has score %d, counted rounds give %d", p.ID, p.Score, counted[p.ID])
		}
	}
	// Ranks: 1 + how many score strictly more.
	for _, p := range s.rank() {
		higher := 0
		for _, q := range s.rank() {
			if q.score > p.score {
				higher++
			}
		}
		if p.rank != higher+1 || (prev >= 0 && p.score > prev) {
			f.t.Fatalf("%s has rank %d with %d higher scores", p.id, p.rank, higher)
		}
		prev = p.score
	}
	if _, ok := s.Deadline(); ok && s.State() != QuestionOpen {
		f.t.Fatalf("a deadline in state %s", s.State())
	}
}

func runFuzz(t *testing.T, data []byte) []Event {
	f := &fuzzer{t: t, data: data, now: t0, s: New("fz", DefaultOptions(), testQuestions(), t0)}
	for len(f.data) > 0 {
		f.step()
	}
	return f.all
}

func FuzzSession(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 0, 0, 0, 1, 2, 2, 1, 1, 1, 0, 0, 1, 2, 0, 1, 6, 1, 7, 1, 8, 1})
	// join three, ask, answers, extend, tick, reask, reveal, leaderboard, typed, kick, end
	f.Add([]byte{
		0, 1, 0, 0, 1, 2, 0, 1, 3, 2, 1, 1, 1, 2, 1, 1, 1, 3, 1, 1,
		11, 1, 3, 15, 12, 63, 12, 63, 4, 2, 1, 1, 2, 0, 4, 6, 1, 7, 1,
		3, 1, 1, 1, 1, 1, 8, 9, 1, 2, 1, 1, 1, 6, 1, 10, 1, 15, 0, 1, 9, 8, 1,
	})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 2048 {
			return
		}
		first := runFuzz(t, data)
		if again := runFuzz(t, data); !reflect.DeepEqual(first, again) {
			t.Fatal("the same commands gave different events")
		}
	})
}
