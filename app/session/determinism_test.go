package session

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"netstudy/app/quiz"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// script plays a whole class: joins, every kind of question, a reask, extra
// time, a kick, a late joiner, a retry, refusals, and the end. It returns
// every event in order, refusals recorded as pseudo-events so that they are
// compared too.
func script(t testing.TB) ([]Event, *Session) {
	t.Helper()
	var all []Event
	rec := func(evs []Event, err error) {
		all = append(all, evs...)
		if err != nil {
			all = append(all, Event{Type: "error", Payload: err.Error()})
		}
	}
	now := t0
	after := func(d time.Duration) time.Time { now = now.Add(d); return now }
	s := New("demo", DefaultOptions(), testQuestions(), now)
	join := func(n string) {
		_, evs, err := s.Join(n, after(sec))
		rec(evs, err)
	}
	answer := func(id, cmd string, a quiz.Answer, d time.Duration) {
		_, evs, err := s.Answer(id, cmd, a, after(d))
		rec(evs, err)
	}
	for _, n := range []string{"Ann", "bob", "Cy 🚀", "ANN", "<b>dee</b>"} {
		join(n)
	}
	rec(s.AskNext(after(sec))) // q1 single, 20s
	answer("p1", "a1", choose("b"), 2*sec)
	answer("p2", "a1", choose("a"), 3*sec)
	answer("p2", "a1", choose("a"), 0) // retry
	answer("p2", "a2", choose("b"), 0) // second answer
	rec(s.ExtendTime("p3", 30*sec, after(sec)))
	rec(s.Tick(after(20*sec)), nil) // the class's deadline: still open for p3
	answer("p4", "a1", choose("b"), 0)
	answer("p3", "a1", choose("b"), 5*sec)
	rec(s.Tick(after(10*sec)), nil)
	rec(s.Close(after(0)))
	rec(s.Reask(after(30 * sec)))
	answer("p1", "b1", choose("b"), sec)
	answer("p2", "b1", choose("b"), sec)
	rec(s.Reveal(after(sec)))
	rec(s.ShowLeaderboard(after(5 * sec)))
	rec(s.AskNext(after(5 * sec))) // q2 multiple
	join("late")
	answer("p5", "c1", choose("a", "c"), sec)
	answer("p1", "c1", choose("a"), sec)
	rec(s.Kick("p2", after(sec)))
	answer("p2", "c1", choose("a"), sec)
	rec(s.Reveal(after(sec)))
	opts := s.Options()
	opts.ShowQuestionOnPhones, opts.AllowLateJoin = false, false
	rec(s.SetOptions(opts, after(sec)))
	join("later")
	rec(s.AskTyped(quiz.Question{Kind: quiz.Text, Prompt: "Port of HTTPS?", Accepted: []string{"443"}, Match: quiz.MatchNumber, TimeLimit: 30 * sec, Points: 300}, after(sec)))
	answer("p1", "d1", typed("443.0"), 3*sec)
	answer("p3", "d1", typed("80"), sec)
	answer("p5", "d1", typed(" 443 "), sec)
	rec(s.Tick(after(40*sec)), nil)
	rec(s.Reveal(after(sec)))
	rec(s.AskNext(after(sec))) // q3 true/false
	rec(s.End(after(sec)))
	rec(s.End(after(sec)))
	return all, s
}

func TestDeterministic(t *testing.T) {
	a, sa := script(t)
	b, sb := script(t)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same script gave different events")
	}
	if !reflect.DeepEqual(sa.Results(), sb.Results()) || !reflect.DeepEqual(sa.HostView(), sb.HostView()) {
		t.Fatal("the same script gave different state")
	}
}

// TestGoldenEvents pins the events of the script as JSON, audience
// included: the protocol's content is visible in review and changes only
// on purpose (go test -run Golden -update).
func TestGoldenEvents(t *testing.T) {
	evs, s := script(t)
	type wire struct {
		Audience Audience `json:"audience"`
		Event
	}
	out := struct {
		Events  []wire  `json:"events"`
		Results Results `json:"results"`
	}{Results: s.Results()}
	for _, e := range evs {
		out.Events = append(out.Events, wire{Audience: e.Audience, Event: e})
	}
	got, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "script.golden.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("events differ from %s; if the change is intended, run go test -run Golden -update and review the diff", path)
	}
}
