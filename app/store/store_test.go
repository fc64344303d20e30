package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"
)

func open(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSessionsAndLogSurviveReopen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, dir)
	t0 := time.UnixMilli(1_800_000_000_000)
	sess := Session{ID: "s1", Code: "482913", Title: "TCP", Source: "tcp-udp", Setup: []byte(`{"q":1}`), CreatedAt: t0}
	if err := s.CreateSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	cmds := []Command{
		{SessionID: "s1", Seq: 1, Kind: "join", At: t0.Add(time.Second), Payload: []byte(`{"nick":"ada"}`)},
		{SessionID: "s1", Seq: 2, Kind: "answer", At: t0.Add(2 * time.Second), Payload: []byte(`{"c":["a"]}`)},
	}
	if err := s.Append(ctx, cmds); err != nil {
		t.Fatal(err)
	}
	if err := s.EndSession(ctx, "s1", t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s = open(t, dir)
	defer s.Close()
	got, err := s.Session(ctx, "s1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Code != sess.Code || got.Title != sess.Title || !bytes.Equal(got.Setup, sess.Setup) || !got.CreatedAt.Equal(t0) || !got.EndedAt.Equal(t0.Add(time.Minute)) {
		t.Errorf("session after reopen = %+v", got)
	}
	log, err := s.Commands(ctx, "s1")
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 2 {
		t.Fatalf("log has %d commands, want 2", len(log))
	}
	for i := range log {
		if log[i].Seq != cmds[i].Seq || log[i].Kind != cmds[i].Kind || !log[i].At.Equal(cmds[i].At) || !bytes.Equal(log[i].Payload, cmds[i].Payload) {
			t.Errorf("command %d = %+v, want %+v", i, log[i], cmds[i])
		}
	}
	list, err := s.Sessions(ctx)
	if err != nil || len(list) != 1 {
		t.Errorf("Sessions() = %v, %v", list, err)
	}
}

func TestAppendIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	defer s.Close()
	if err := s.CreateSession(ctx, Session{ID: "s1", Code: "1", Title: "t", Setup: []byte("{}"), CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	ok := Command{SessionID: "s1", Seq: 1, Kind: "join", At: time.Now(), Payload: []byte("{}")}
	if err := s.Append(ctx, []Command{ok}); err != nil {
		t.Fatal(err)
	}
	// Seq 2 is new, seq 1 repeats: the batch must fail whole.
	batch := []Command{{SessionID: "s1", Seq: 2, Kind: "answer", At: time.Now(), Payload: []byte("{}")}, ok}
	if err := s.Append(ctx, batch); err == nil {
		t.Fatal("a batch with a repeated seq was stored")
	}
	log, _ := s.Commands(ctx, "s1")
	if len(log) != 1 {
		t.Errorf("after a failed batch the log has %d commands, want 1", len(log))
	}
}

// TestAppendStoresBatchesOfAnySize appends batches around the sizes of the
// prepared INSERTs (powers of two up to 512): every command is stored,
// once, in order, with its own fields.
func TestAppendStoresBatchesOfAnySize(t *testing.T) {
	ctx := context.Background()
	s := open(t, t.TempDir())
	defer s.Close()
	t0 := time.UnixMilli(1_800_000_000_000)
	seq := int64(0)
	for _, size := range []int{1, 2, 3, 7, 64, 511, 512, 513, 1000, 1537} {
		id := fmt.Sprintf("s%d", size)
		if err := s.CreateSession(ctx, Session{ID: id, Code: "1", Title: "t", Setup: []byte("{}"), CreatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		batch := make([]Command, size)
		for i := range batch {
			seq++
			batch[i] = Command{SessionID: id, Seq: seq, Kind: "answer", At: t0.Add(time.Duration(seq) * time.Microsecond),
				Payload: fmt.Appendf(nil, `{"n":%d}`, seq)}
		}
		if err := s.Append(ctx, batch); err != nil {
			t.Fatalf("append %d: %v", size, err)
		}
		log, err := s.Commands(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(log) != size {
			t.Fatalf("a batch of %d stored %d commands", size, len(log))
		}
		for i := range log {
			if log[i].Seq != batch[i].Seq || !log[i].At.Equal(batch[i].At) || !bytes.Equal(log[i].Payload, batch[i].Payload) {
				t.Fatalf("a batch of %d: command %d = %+v, want %+v", size, i, log[i], batch[i])
			}
		}
	}
}

func TestMissingSession(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	if _, err := s.Session(context.Background(), "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Session(nope) = %v, want ErrNotFound", err)
	}
}

func TestOpenFailsOnUnusableFolder(t *testing.T) {
	dir := t.TempDir()
	file := dir + "/not-a-folder"
	if err := writeFile(file); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), file); err == nil {
		t.Error("Open on a file path succeeded")
	}
}

// BenchmarkAppend1000 measures a group commit of 1,000 answers, the shape
// of a class of a thousand answering at once.
// BenchmarkAppend stores batches of answers of the sizes a live session
// commits: one at a time in a quiet class, a few dozen while a class
// answers, a thousand when the session falls behind.
func BenchmarkAppend(b *testing.B) {
	for _, size := range []int{1, 32, 1000} {
		b.Run(fmt.Sprintf("batch=%d", size), func(b *testing.B) {
			ctx := context.Background()
			s := open(b, b.TempDir())
			defer s.Close()
			if err := s.CreateSession(ctx, Session{ID: "s", Code: "1", Title: "t", Setup: []byte("{}"), CreatedAt: time.Now()}); err != nil {
				b.Fatal(err)
			}
			payload := []byte(`{"participant":"p123","question":"q1","round":1,"choices":["b"],"command_id":"c-0123456789"}`)
			seq := int64(0)
			batch := make([]Command, size)
			b.ResetTimer()
			for range b.N {
				for i := range batch {
					seq++
					batch[i] = Command{SessionID: "s", Seq: seq, Kind: "answer", At: time.Now(), Payload: payload}
				}
				if err := s.Append(ctx, batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(batch)), "ns/answer")
		})
	}
}

func writeFile(path string) error {
	return os.WriteFile(path, []byte("x"), 0o644)
}

func TestSecretIsStable(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, dir)
	first, err := s.Secret(ctx)
	if err != nil || len(first) != 32 {
		t.Fatalf("Secret() = %x, %v", first, err)
	}
	s.Close()
	s = open(t, dir)
	defer s.Close()
	again, err := s.Secret(ctx)
	if err != nil || !bytes.Equal(first, again) {
		t.Errorf("secret changed across reopen: %x then %x (%v)", first, again, err)
	}
}

func TestInstructorSignOutIsKept(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, dir)
	if got, err := s.InstructorSignedOut(ctx); err != nil || got != 0 {
		t.Fatalf("never signed out: %d, %v; want 0", got, err)
	}
	for _, at := range []int64{1796200000, 1796300000} {
		if err := s.SetInstructorSignedOut(ctx, at); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	s = open(t, dir)
	defer s.Close()
	if got, err := s.InstructorSignedOut(ctx); err != nil || got != 1796300000 {
		t.Errorf("after reopening: %d, %v; want the last sign-out, 1796300000", got, err)
	}
}
