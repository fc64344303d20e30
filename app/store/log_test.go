package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"go.uber.org/goleak"

	"netstudy/app/cmdlog"
	"netstudy/app/cmdlog/cmdlogtest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// newSession stores a session for a log test and returns its ID.
func newSession(t *testing.T, s *Store, id string) string {
	t.Helper()
	if err := s.CreateSession(context.Background(), Session{ID: id, Code: "1", Title: "t", Setup: []byte("{}"), CreatedAt: time.UnixMilli(1_800_000_000_000)}); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestLogConformance runs the cases every cmdlog.Log must pass against
// the SQLite log, on a real database file.
func TestLogConformance(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	n := 0
	cmdlogtest.Run(t, cmdlogtest.Subject{
		Log: NewLog(s),
		NewSession: func(t *testing.T) string {
			n++
			return newSession(t, s, fmt.Sprintf("conformance-%d", n))
		},
		Dense: true,
	})
}

func TestLogAppend(t *testing.T) {
	ctx := context.Background()
	cmd := func(kind string) cmdlog.Command {
		return cmdlog.Command{Kind: kind, At: time.UnixMicro(1_800_000_000_000_001), Payload: []byte(`{}`)}
	}
	tests := []struct {
		name     string
		stored   int // commands in the log before the append
		batch    int
		fence    cmdlog.Fence
		wantSeqs string
		wantErr  error
	}{
		{"first batch starts at 1", 0, 3, cmdlog.Fence{}, "[1 2 3]", nil},
		{"next batch goes on densely", 2, 2, cmdlog.Fence{}, "[3 4]", nil},
		{"fenced at the last seq", 2, 1, cmdlog.FenceAt(2), "[3]", nil},
		{"fenced at an empty log", 0, 1, cmdlog.FenceAt(0), "[1]", nil},
		{"fence behind the log", 2, 1, cmdlog.FenceAt(1), "[]", cmdlog.ErrFenced},
		{"fence ahead of the log", 2, 1, cmdlog.FenceAt(3), "[]", cmdlog.ErrFenced},
		{"more than one INSERT's rows", 0, 1500, cmdlog.Fence{}, "", nil},
		{"nothing to append", 1, 0, cmdlog.FenceAt(7), "[]", nil},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t, t.TempDir())
			defer s.Close()
			l := NewLog(s)
			id := newSession(t, s, fmt.Sprintf("s%d", i))
			for range tc.stored {
				if _, err := l.Append(ctx, id, []cmdlog.Command{cmd("join")}, cmdlog.Fence{}); err != nil {
					t.Fatal(err)
				}
			}
			batch := make([]cmdlog.Command, tc.batch)
			for j := range batch {
				batch[j] = cmd("answer")
			}
			seqs, err := l.Append(ctx, id, batch, tc.fence)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Append: %v, want %v", err, tc.wantErr)
			}
			if tc.wantSeqs != "" && fmt.Sprint(seqs) != tc.wantSeqs && !(tc.wantSeqs == "[]" && len(seqs) == 0) {
				t.Errorf("seqs %v, want %s", seqs, tc.wantSeqs)
			}
			got, err := l.Commands(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			want := tc.stored
			if err == nil && tc.wantErr == nil {
				want += tc.batch
			}
			if len(got) != want {
				t.Fatalf("log holds %d commands, want %d", len(got), want)
			}
			for j, c := range got {
				if c.Seq != uint64(j+1) {
					t.Fatalf("command %d has seq %d: not dense", j, c.Seq)
				}
			}
		})
	}
}

// TestLogAppendIsAtomic: a batch that cannot all be stored stores nothing,
// and the log keeps numbering from where it was.
func TestLogAppendIsAtomic(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	defer s.Close()
	l := NewLog(s)
	// No such session: the foreign key refuses the rows.
	if _, err := l.Append(ctx, "missing", []cmdlog.Command{{Kind: "join", At: time.Now()}}, cmdlog.Fence{}); err == nil {
		t.Fatal("Append to a session that does not exist succeeded")
	}
	id := newSession(t, s, "s")
	ok := cmdlog.Command{Kind: "join", At: time.UnixMicro(1), Payload: []byte(`{}`)}
	if _, err := l.Append(ctx, id, []cmdlog.Command{ok}, cmdlog.Fence{}); err != nil {
		t.Fatal(err)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := l.Append(canceled, id, []cmdlog.Command{ok, ok}, cmdlog.Fence{}); err == nil {
		t.Fatal("Append with a cancelled context succeeded")
	}
	seqs, err := l.Append(ctx, id, []cmdlog.Command{ok}, cmdlog.Fence{})
	if err != nil || fmt.Sprint(seqs) != "[2]" {
		t.Fatalf("Append after the failures: %v, %v; want [2]", seqs, err)
	}
}

// TestLogKeepsTheFileFormat: what the log writes is the commands table the
// store always had, read back by Store.Commands after a reopen, and the
// numbering goes on from it.
func TestLogKeepsTheFileFormat(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, dir)
	id := newSession(t, s, "s")
	at := time.UnixMicro(1_800_000_000_123_456)
	if _, err := NewLog(s).Append(ctx, id, []cmdlog.Command{{Kind: "join", At: at, Payload: []byte(`{"n":1}`)}, {Kind: "tick", At: at}}, cmdlog.Fence{}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = open(t, dir)
	defer s.Close()
	old, err := s.Commands(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(old) != 2 || old[0].Seq != 1 || old[0].Kind != "join" || string(old[0].Payload) != `{"n":1}` || !old[0].At.Equal(at) || old[1].Seq != 2 || old[1].Kind != "tick" {
		t.Fatalf("Store.Commands = %+v", old)
	}
	seqs, err := NewLog(s).Append(ctx, id, []cmdlog.Command{{Kind: "end", At: at, Payload: []byte(`{}`)}}, cmdlog.FenceAt(2))
	if err != nil || fmt.Sprint(seqs) != "[3]" {
		t.Fatalf("Append after reopening: %v, %v; want [3]", seqs, err)
	}
}

// BenchmarkAppendLog is BenchmarkAppend through the Log the live runtime
// uses: the same batches, numbered and fenced by the log in the
// transaction.
func BenchmarkAppendLog(b *testing.B) {
	for _, size := range []int{1, 32, 1000} {
		b.Run(fmt.Sprintf("batch=%d", size), func(b *testing.B) {
			ctx := context.Background()
			s := open(b, b.TempDir())
			defer s.Close()
			if err := s.CreateSession(ctx, Session{ID: "s", Code: "1", Title: "t", Setup: []byte("{}"), CreatedAt: time.Now()}); err != nil {
				b.Fatal(err)
			}
			l := NewLog(s)
			payload := []byte(`{"participant":"p123","question":"q1","round":1,"choices":["b"],"command_id":"c-0123456789"}`)
			batch := make([]cmdlog.Command, size)
			last := uint64(0)
			b.ResetTimer()
			for range b.N {
				for i := range batch {
					batch[i] = cmdlog.Command{Kind: "answer", At: time.Now(), Payload: payload}
				}
				seqs, err := l.Append(ctx, "s", batch, cmdlog.FenceAt(last))
				if err != nil {
					b.Fatal(err)
				}
				last = seqs[len(seqs)-1]
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(batch)), "ns/answer")
		})
	}
}
