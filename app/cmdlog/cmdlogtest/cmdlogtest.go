// Package cmdlogtest is the conformance suite of cmdlog.Log: the same
// cases run against every implementation (SQLite in app/store, JetStream
// in app/jslog), so that both keep the promises the live runtime relies
// on. It imports neither, so each can run it from its own tests.
package cmdlogtest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"netstudy/app/cmdlog"
)

// Subject is a log under test.
type Subject struct {
	Log cmdlog.Log
	// NewSession returns the ID of a fresh session, with an empty log,
	// that Log accepts appends to.
	NewSession func(t *testing.T) string
	// Dense says the log numbers each session's commands 1, 2, 3 (SQLite)
	// rather than only growing (JetStream, whose sequence is the stream's).
	Dense bool
}

// wait bounds every wait for a delivery: far above what a healthy log
// needs, so that only a lost delivery fails.
const wait = 30 * time.Second

// Run runs every case against s.
func Run(t *testing.T, s Subject) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*wait)
	defer cancel()
	tests := []struct {
		name string
		run  func(t *testing.T, ctx context.Context, s Subject)
	}{
		{"appends read back in order", appendsReadBack},
		{"sessions are numbered apart", sessionsApart},
		{"a fence refuses a stale writer", fenceRefusesStale},
		{"follow delivers the stored, then the new", followStoredThenNew},
		{"follow stops when its callback fails", followStopsOnError},
		{"follow stops with its context", followStopsWithContext},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, ctx, s) })
	}
}

// cmds makes commands whose payloads name them, for comparing what was
// read with what was appended (a log need not keep IDs).
func cmds(names ...string) []cmdlog.Command {
	out := make([]cmdlog.Command, len(names))
	for i, n := range names {
		out[i] = cmdlog.Command{
			ID:      n,
			Kind:    "answer",
			At:      time.UnixMicro(1_800_000_000_000_000 + int64(i)),
			Payload: []byte(strconv.Quote(n)),
		}
	}
	return out
}

func names(cmds []cmdlog.Command) []string {
	out := make([]string, len(cmds))
	for i, c := range cmds {
		n, err := strconv.Unquote(string(c.Payload))
		if err != nil {
			n = "?" + string(c.Payload)
		}
		out[i] = n
	}
	return out
}

func appendOK(t *testing.T, ctx context.Context, l cmdlog.Log, session string, batch []cmdlog.Command, fence cmdlog.Fence) []uint64 {
	t.Helper()
	seqs, err := l.Append(ctx, session, batch, fence)
	if err != nil {
		t.Fatalf("Append(%s, %v): %v", session, names(batch), err)
	}
	if len(seqs) != len(batch) {
		t.Fatalf("Append(%s, %v) returned %d seqs", session, names(batch), len(seqs))
	}
	return seqs
}

func appendsReadBack(t *testing.T, ctx context.Context, s Subject) {
	session := s.NewSession(t)
	if got, err := s.Log.Commands(ctx, session); err != nil || len(got) != 0 {
		t.Fatalf("a new session's log = %v, %v; want empty", names(got), err)
	}
	first := cmds("a1", "a2", "a3")
	seqs := appendOK(t, ctx, s.Log, session, first, cmdlog.Fence{})
	seqs = append(seqs, appendOK(t, ctx, s.Log, session, cmds("a4"), cmdlog.Fence{})...)
	for i := 1; i < len(seqs); i++ {
		if seqs[i] <= seqs[i-1] {
			t.Fatalf("seqs %v do not grow", seqs)
		}
	}
	if s.Dense && fmt.Sprint(seqs) != "[1 2 3 4]" {
		t.Fatalf("seqs %v, want [1 2 3 4]", seqs)
	}
	got, err := s.Log.Commands(ctx, session)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(names(got)) != "[a1 a2 a3 a4]" {
		t.Fatalf("log = %v, want [a1 a2 a3 a4]", names(got))
	}
	for i, c := range got {
		if c.Seq != seqs[i] || c.Kind != "answer" {
			t.Errorf("command %d: seq %d kind %q, want seq %d kind answer", i, c.Seq, c.Kind, seqs[i])
		}
	}
	for i, c := range got[:3] {
		if !c.At.Equal(first[i].At) {
			t.Errorf("command %d at %v, appended at %v", i, c.At, first[i].At)
		}
	}
}

func sessionsApart(t *testing.T, ctx context.Context, s Subject) {
	one, two := s.NewSession(t), s.NewSession(t)
	appendOK(t, ctx, s.Log, one, cmds("x1"), cmdlog.Fence{})
	two1 := appendOK(t, ctx, s.Log, two, cmds("y1"), cmdlog.Fence{})
	one2 := appendOK(t, ctx, s.Log, one, cmds("x2"), cmdlog.Fence{})
	if s.Dense && (two1[0] != 1 || one2[0] != 2) {
		t.Errorf("seqs: %d for the other session's first, %d for this one's second; want 1 and 2", two1[0], one2[0])
	}
	for session, want := range map[string]string{one: "[x1 x2]", two: "[y1]"} {
		got, err := s.Log.Commands(ctx, session)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(names(got)) != want {
			t.Errorf("log of %s = %v, want %s", session, names(got), want)
		}
	}
}

func fenceRefusesStale(t *testing.T, ctx context.Context, s Subject) {
	session := s.NewSession(t)
	first := appendOK(t, ctx, s.Log, session, cmds("f1"), cmdlog.FenceAt(0))
	for _, stale := range []uint64{0, first[0] + 1} {
		_, err := s.Log.Append(ctx, session, cmds(fmt.Sprintf("stale%d", stale)), cmdlog.FenceAt(stale))
		if !errors.Is(err, cmdlog.ErrFenced) {
			t.Errorf("Append fenced at %d with the log at %d: %v, want ErrFenced", stale, first[0], err)
		}
	}
	appendOK(t, ctx, s.Log, session, cmds("f2"), cmdlog.FenceAt(first[0]))
	got, err := s.Log.Commands(ctx, session)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(names(got)) != "[f1 f2]" {
		t.Errorf("log = %v, want [f1 f2]: a refused append stores nothing", names(got))
	}
}

// follow runs Follow on its own goroutine, delivering to the returned
// channel; stop cancels it and returns what Follow returned.
func follow(ctx context.Context, l cmdlog.Log, session string, after uint64) (<-chan cmdlog.Command, func() error) {
	ctx, cancel := context.WithCancel(ctx)
	got := make(chan cmdlog.Command, 16)
	done := make(chan error, 1)
	go func() {
		done <- l.Follow(ctx, session, after, func(c cmdlog.Command) error {
			select {
			case got <- c:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	return got, func() error { cancel(); return <-done }
}

func receive(t *testing.T, got <-chan cmdlog.Command, want ...string) {
	t.Helper()
	for _, w := range want {
		select {
		case c := <-got:
			if n := names([]cmdlog.Command{c})[0]; n != w {
				t.Fatalf("Follow delivered %s, want %s", n, w)
			}
		case <-time.After(wait):
			t.Fatalf("Follow did not deliver %s", w)
		}
	}
}

func followStoredThenNew(t *testing.T, ctx context.Context, s Subject) {
	session := s.NewSession(t)
	seqs := appendOK(t, ctx, s.Log, session, cmds("s1", "s2", "s3"), cmdlog.Fence{})
	got, stop := follow(ctx, s.Log, session, seqs[0])
	receive(t, got, "s2", "s3")
	appendOK(t, ctx, s.Log, session, cmds("n1", "n2"), cmdlog.Fence{})
	receive(t, got, "n1", "n2")
	other := s.NewSession(t)
	appendOK(t, ctx, s.Log, other, cmds("elsewhere"), cmdlog.Fence{})
	appendOK(t, ctx, s.Log, session, cmds("n3"), cmdlog.Fence{})
	receive(t, got, "n3") // not the other session's
	if err := stop(); !errors.Is(err, context.Canceled) {
		t.Errorf("Follow returned %v after its context ended, want context.Canceled", err)
	}
	select {
	case c := <-got:
		t.Errorf("Follow delivered %v more", names([]cmdlog.Command{c}))
	default:
	}
}

func followStopsOnError(t *testing.T, ctx context.Context, s Subject) {
	session := s.NewSession(t)
	appendOK(t, ctx, s.Log, session, cmds("e1", "e2"), cmdlog.Fence{})
	errStop := errors.New("enough")
	var seen []cmdlog.Command
	err := s.Log.Follow(ctx, session, 0, func(c cmdlog.Command) error {
		seen = append(seen, c)
		return errStop
	})
	if !errors.Is(err, errStop) || fmt.Sprint(names(seen)) != "[e1]" {
		t.Errorf("Follow = %v after delivering %v, want the callback's error after [e1]", err, names(seen))
	}
}

func followStopsWithContext(t *testing.T, ctx context.Context, s Subject) {
	session := s.NewSession(t)
	_, stop := follow(ctx, s.Log, session, 0) // nothing to deliver: it waits
	if err := stop(); !errors.Is(err, context.Canceled) {
		t.Errorf("Follow on an idle session returned %v when stopped, want context.Canceled", err)
	}
}
