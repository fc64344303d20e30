package session

import (
	"strconv"
	"testing"
	"time"
)

// classSize is the scale the live quiz must carry.
const classSize = 10_000

func joined(b *testing.B, n int) *Session {
	b.Helper()
	s := New("bench", DefaultOptions(), testQuestions(), t0)
	for i := range n {
		if _, _, err := s.Join("player "+strconv.Itoa(i), t0); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// BenchmarkAnswer: 10,000 participants answer one question; one op is the
// whole class answering.
func BenchmarkAnswer(b *testing.B) {
	b.ReportAllocs()
	ids := make([]string, classSize)
	for i := range ids {
		ids[i] = participantID(i + 1)
	}
	answers := []struct{ a, cmd string }{{"a", "c"}, {"b", "c"}, {"c", "c"}}
	for b.Loop() {
		b.StopTimer()
		s := joined(b, classSize)
		if _, err := s.AskNext(t0); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for i, id := range ids {
			x := answers[i%len(answers)]
			if _, _, err := s.Answer(id, x.cmd, choose(x.a), t0.Add(time.Duration(i)*time.Millisecond)); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*classSize), "ns/answer")
}

// BenchmarkJoin: 10,000 participants join a session; one op is the whole
// class joining.
func BenchmarkJoin(b *testing.B) {
	b.ReportAllocs()
	nicks := make([]string, classSize)
	for i := range nicks {
		nicks[i] = "Player " + strconv.Itoa(i)
	}
	for b.Loop() {
		s := New("bench", DefaultOptions(), testQuestions(), t0)
		for _, n := range nicks {
			if _, _, err := s.Join(n, t0); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*classSize), "ns/join")
}

// BenchmarkReveal: scoring and ranking 10,000 answers, with a result event
// each.
func BenchmarkReveal(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		s := joined(b, classSize)
		if _, err := s.AskNext(t0); err != nil {
			b.Fatal(err)
		}
		for i := range classSize {
			if _, _, err := s.Answer(participantID(i+1), "c", choose("b"), t0.Add(time.Duration(i)*time.Millisecond)); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		if _, err := s.Reveal(t0.Add(20 * time.Second)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParticipantView: one phone's snapshot in a class of 10,000 after
// a reveal, the worst case when the whole class reconnects at once.
func BenchmarkParticipantView(b *testing.B) {
	b.ReportAllocs()
	s := joined(b, classSize)
	if _, err := s.AskNext(t0); err != nil {
		b.Fatal(err)
	}
	for i := range classSize {
		if _, _, err := s.Answer(participantID(i+1), "c", choose("b"), t0.Add(time.Duration(i)*time.Millisecond)); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := s.Reveal(t0.Add(20 * time.Second)); err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		i++
		if _, err := s.ParticipantView(participantID(i%classSize + 1)); err != nil {
			b.Fatal(err)
		}
	}
}
