package session

import (
	"cmp"
	"math/bits"
	"slices"
	"time"

	"netstudy/app/quiz"
)

// points returns what a right answer earns. Without speed points, or
// without a time limit, it is the question's full points. With them, it
// falls linearly from 100% at elapsed 0 to 50% at the time limit (later
// answers, possible with extra time, get 50%), rounded half up. Integer
// arithmetic keeps it exact and identical on every platform, which replay
// relies on; 128-bit products keep large values from overflowing.
func points(full int, speed bool, elapsed, limit time.Duration) int {
	if full <= 0 {
		return 0
	}
	if !speed || limit <= 0 {
		return full
	}
	e := uint64(min(max(elapsed, 0), limit))
	l := uint64(limit)
	// full * (2l - e) / (2l), plus l/(2l) = 1/2 to round half up.
	hi, lo := bits.Mul64(uint64(full), 2*l-e)
	lo, carry := bits.Add64(lo, l, 0)
	q, _ := bits.Div64(hi+carry, lo, 2*l)
	return int(q)
}

// score applies a revealed round to everyone's score. Only the last
// revealed round of a question counts: it replaces whatever an earlier
// round of the same question gave, a missing answer counting as nothing.
// Polls never score.
func (s *Session) score(r *round) {
	poll := s.questions[r.q].Kind == quiz.Poll
	for _, p := range s.participants {
		var c credit
		if a := r.answers[p.id]; a != nil && a.right && !poll {
			c = credit{points: a.points, at: a.at}
		}
		if r.q >= len(p.counted) {
			if c == (credit{}) {
				continue
			}
			p.counted = append(p.counted, make([]credit, r.q+1-len(p.counted))...)
		}
		p.counted[r.q] = c
		p.score, p.reachedAt = 0, time.Time{}
		for _, c := range p.counted {
			p.score += c.points
			if c.points > 0 && c.at.After(p.reachedAt) {
				p.reachedAt = c.at
			}
		}
	}
	s.rankedValid = false
}

// rank orders the active participants for the leaderboard, if anything
// changed since the last time: score first; among equal scores, whoever
// reached theirs first (the earlier last-scoring answer), then join order.
// Equal scores share a rank, the next rank skipping ("1, 2, 2, 4"): the
// order inside a tie only decides who is listed first.
func (s *Session) rank() []*participant {
	if s.rankedValid {
		return s.ranked
	}
	s.ranked = s.ranked[:0]
	for _, p := range s.participants {
		if !p.kicked {
			s.ranked = append(s.ranked, p)
		}
	}
	slices.SortFunc(s.ranked, rankOrder)
	for i, p := range s.ranked {
		p.rank = i + 1
		if i > 0 && p.score == s.ranked[i-1].score {
			p.rank = s.ranked[i-1].rank
		}
	}
	s.rankedValid = true
	return s.ranked
}

// rankOrder is the leaderboard order: score first, then who reached it
// first, then join order.
func rankOrder(a, b *participant) int {
	if c := cmp.Compare(b.score, a.score); c != 0 {
		return c
	}
	if c := a.reachedAt.Compare(b.reachedAt); c != 0 {
		return c
	}
	return cmp.Compare(a.seq, b.seq)
}

// rankNewcomer places a participant who just joined. A newcomer has no
// points and the latest join, so it almost always goes last: appending
// keeps a class of thousands joining from re-sorting everyone each time.
func (s *Session) rankNewcomer(p *participant) {
	if !s.rankedValid {
		return
	}
	n := len(s.ranked)
	if n > 0 && rankOrder(s.ranked[n-1], p) > 0 {
		s.rankedValid = false
		return
	}
	p.rank = n + 1
	if n > 0 && s.ranked[n-1].score == p.score {
		p.rank = s.ranked[n-1].rank
	}
	s.ranked = append(s.ranked, p)
}

const (
	leaderboardSize = 10
	podiumRanks     = 3
)

// leaderboard returns the first n standings.
func (s *Session) leaderboard(n int) LeaderboardPayload {
	ranked := s.rank()
	lb := LeaderboardPayload{Top: make([]Standing, 0, min(n, len(ranked))), Participants: len(ranked)}
	for _, p := range ranked[:min(n, len(ranked))] {
		lb.Top = append(lb.Top, Standing{Rank: p.rank, ParticipantID: p.id, Nickname: p.nickname, Score: p.score})
	}
	return lb
}

// podium returns everyone ranked 1 to 3, ties included, but no more than
// a leaderboard's worth: a class where nobody scored is not 10,000 winners.
func (s *Session) podium() EndedPayload {
	lb := s.leaderboard(leaderboardSize)
	n := 0
	for n < len(lb.Top) && lb.Top[n].Rank <= podiumRanks {
		n++
	}
	return EndedPayload{Podium: lb.Top[:n], Participants: lb.Participants}
}

// yourRanks returns a your_rank event for every active participant.
func (s *Session) yourRanks(final bool) []Event {
	s.rank()
	evs := make([]Event, 0, s.active)
	for _, p := range s.participants {
		if !p.kicked {
			evs = append(evs, Event{Type: TypeYourRank, Audience: ToParticipant(p.id), Payload: s.yourRank(p, final)})
		}
	}
	return evs
}

func (s *Session) yourRank(p *participant, final bool) YourRank {
	s.rank()
	return YourRank{Rank: p.rank, Score: p.score, Participants: s.active, Final: final}
}

// outcome says how a participant did in a round.
func (s *Session) outcome(r *round, id string) (Outcome, int) {
	a := r.answers[id]
	switch {
	case a == nil:
		return OutcomeNoAnswer, 0
	case s.questions[r.q].Kind == quiz.Poll:
		return OutcomePoll, 0
	case a.right:
		return OutcomeRight, a.points
	}
	return OutcomeWrong, 0
}

// result is one participant's result event of a revealed round.
func (s *Session) result(r *round, p *participant) Result {
	o, pts := s.outcome(r, p.id)
	s.rank()
	return Result{
		QuestionID: s.questions[r.q].ID, Round: r.round, Outcome: o, Points: pts,
		Score: p.score, Rank: p.rank, Participants: s.active,
	}
}
