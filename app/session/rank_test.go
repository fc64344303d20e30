package session

import (
	"reflect"
	"testing"
	"time"
)

func TestRanks(t *testing.T) {
	type player struct {
		score   int
		reached time.Duration // when the score was reached, after t0; -1: never
		kicked  bool
	}
	tests := []struct {
		name      string
		players   []player // p1, p2, ... in join order
		wantOrder []string
		wantRanks []int
	}{
		{"nobody", nil, []string{}, []int{}},
		{"all zero share rank 1", []player{{0, -1, false}, {0, -1, false}}, []string{"p1", "p2"}, []int{1, 1}},
		{"by score", []player{{50, 1, false}, {300, 2, false}, {100, 3, false}}, []string{"p2", "p3", "p1"}, []int{1, 2, 3}},
		{
			"ties share a rank and skip the next",
			[]player{{100, 5, false}, {200, 1, false}, {100, 3, false}, {50, 1, false}},
			[]string{"p2", "p3", "p1", "p4"}, []int{1, 2, 2, 4},
		},
		{"tie listed by who reached it first", []player{{100, 9, false}, {100, 2, false}}, []string{"p2", "p1"}, []int{1, 1}},
		{"then by join order", []player{{100, 2, false}, {100, 2, false}}, []string{"p1", "p2"}, []int{1, 1}},
		{"kicked are not ranked", []player{{500, 1, true}, {100, 2, false}}, []string{"p2"}, []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New("s", DefaultOptions(), nil, t0)
			for i, pl := range tt.players {
				id := mustJoin(t, s, string(rune('a'+i)), t0)
				p := s.byID[id]
				p.score = pl.score
				if pl.reached >= 0 {
					p.reachedAt = at(pl.reached * sec)
				}
				if pl.kicked {
					must(t)(s.Kick(id, t0))
				}
			}
			gotOrder, gotRanks := []string{}, []int{}
			for _, p := range s.rank() {
				gotOrder = append(gotOrder, p.id)
				gotRanks = append(gotRanks, p.rank)
			}
			if !reflect.DeepEqual(gotOrder, tt.wantOrder) || !reflect.DeepEqual(gotRanks, tt.wantRanks) {
				t.Errorf("order %v ranks %v, want %v %v", gotOrder, gotRanks, tt.wantOrder, tt.wantRanks)
			}
		})
	}
}

// The leaderboard lists the top 10, with ties; everyone gets their rank.
func TestLeaderboardEvents(t *testing.T) {
	s := New("s", DefaultOptions(), testQuestions(), t0)
	for _, r := range "ABCDEFGHJKMN" { // no I and L: they look alike
		mustJoin(t, s, "player"+string(r), t0)
	}
	must(t)(s.AskNext(t0))
	// p1..p12 answer one second apart: earlier is worth more. p12 is wrong.
	for i := 1; i <= 12; i++ {
		a := choose("b")
		if i == 12 {
			a = choose("a")
		}
		mustAnswer(t, s, participantID(i), "c", a, at(time.Duration(i-1)*sec))
	}
	must(t)(s.Reveal(at(20 * sec)))
	evs := must(t)(s.ShowLeaderboard(at(21 * sec)))
	lb := ofType(evs, TypeLeaderboard)
	if len(lb) != 1 || lb[0].Audience != ToAll {
		t.Fatalf("leaderboard events = %+v", lb)
	}
	top := lb[0].Payload.(LeaderboardPayload)
	if len(top.Top) != 10 || top.Participants != 12 {
		t.Fatalf("top has %d of %d, want 10 of 12", len(top.Top), top.Participants)
	}
	if want := (Standing{Rank: 1, ParticipantID: "p1", Nickname: "playerA", Score: 100}); top.Top[0] != want {
		t.Errorf("first = %+v, want %+v", top.Top[0], want)
	}
	// elapsed 1s → 97.5 → 98 and 2s → 95: distinct ranks down the list.
	if got := top.Top[1]; got.Score != 98 || got.Rank != 2 {
		t.Errorf("second = %+v, want 98 points, rank 2", got)
	}
	got := forParticipant(t, evs, TypeYourRank, "p12").(YourRank)
	if want := (YourRank{Rank: 12, Score: 0, Participants: 12}); got != want {
		t.Errorf("p12 your_rank = %+v, want %+v", got, want)
	}
	if n := len(ofType(evs, TypeYourRank)); n != 12 {
		t.Errorf("%d your_rank events, want 12", n)
	}

	end := must(t)(s.End(at(30 * sec)))
	podium := ofType(end, TypeEnded)[0].Payload.(EndedPayload)
	if len(podium.Podium) != 3 || podium.Podium[0].ParticipantID != "p1" {
		t.Errorf("podium = %+v", podium.Podium)
	}
	if fin := forParticipant(t, end, TypeYourRank, "p3").(YourRank); !fin.Final || fin.Rank != 3 {
		t.Errorf("p3 final rank = %+v, want final rank 3", fin)
	}
}

// Scores accumulate across questions and ranks follow.
func TestScoresAccumulate(t *testing.T) {
	opts := DefaultOptions()
	opts.SpeedPoints = false
	s := New("s", opts, testQuestions(), t0)
	mustJoin(t, s, "ann", t0)
	mustJoin(t, s, "bob", t0)
	must(t)(s.AskNext(t0)) // q1: 100
	mustAnswer(t, s, "p1", "1", choose("b"), at(5*sec))
	mustAnswer(t, s, "p2", "1", choose("a"), at(sec))
	must(t)(s.Reveal(at(20 * sec)))
	must(t)(s.AskNext(at(30 * sec))) // q2: 200
	mustAnswer(t, s, "p1", "2", choose("b"), at(31*sec))
	mustAnswer(t, s, "p2", "2", choose("a", "c"), at(31*sec))
	evs := must(t)(s.Reveal(at(60 * sec)))
	r1 := forParticipant(t, evs, TypeResult, "p1").(Result)
	r2 := forParticipant(t, evs, TypeResult, "p2").(Result)
	if r1.Score != 100 || r1.Rank != 2 || r2.Score != 200 || r2.Rank != 1 {
		t.Errorf("p1 %+v, p2 %+v; want p1 100 rank 2, p2 200 rank 1", r1, r2)
	}
}

func TestPodium(t *testing.T) {
	tests := []struct {
		scores []int // p1, p2, ...
		want   []int // podium ranks
	}{
		{nil, []int{}},
		{[]int{10}, []int{1}},
		{[]int{30, 20, 10, 5}, []int{1, 2, 3}},
		{[]int{30, 30, 10, 10, 5}, []int{1, 1, 3, 3}},
		{[]int{30, 20, 20, 20, 5}, []int{1, 2, 2, 2}},
		{make([]int, 15), []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}}, // nobody scored: capped at 10
	}
	for _, tt := range tests {
		s := New("s", DefaultOptions(), nil, t0)
		for i, sc := range tt.scores {
			s.byID[mustJoin(t, s, participantID(i+1), t0)].score = sc
		}
		got := []int{}
		for _, st := range s.podium().Podium {
			got = append(got, st.Rank)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("scores %v: podium ranks %v, want %v", tt.scores, got, tt.want)
		}
	}
}
