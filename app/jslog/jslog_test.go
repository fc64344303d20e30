package jslog_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"netstudy/app/cmdlog"
	"netstudy/app/jslog"
	"netstudy/app/natstest"
)

// The cluster tests mostly wait (natstest.SetParallel).
func TestMain(m *testing.M) {
	natstest.SetParallel(4)
	goleak.VerifyTestMain(m)
}

// wait bounds every wait of these tests: far above a Raft election (5 to
// 10 s), far below CI's patience.
const wait = 30 * time.Second

func open(t *testing.T, c *natstest.Cluster, server int) *jslog.Log {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	l, err := jslog.Open(ctx, jslog.Config{URLs: c.Servers[server].URL(), Name: fmt.Sprintf("node%d", server)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	return l
}

func cmd(id string) cmdlog.Command {
	return cmdlog.Command{ID: id, Kind: "answer", At: time.UnixMicro(1_700_000_000_000_000), Payload: []byte(`{"id":"` + id + `"}`)}
}

func ids(cmds []cmdlog.Command) []string {
	out := make([]string, len(cmds))
	for i, c := range cmds {
		out[i] = c.ID
	}
	return out
}

// TestCluster runs against one real three-server cluster: the subtests
// that only read and write first, the ones that kill servers last.
// eventually tries a listing until it shows what the test wrote, for up to
// wait: a listing is read by a consumer JetStream may place on a replica
// still a moment behind the write (seen under load: a live quiz claimed on
// one node, missing from another's list 50 ms later).
func eventually(t *testing.T, try func() error) {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(wait)
	for {
		err := try()
		if err == nil {
			return
		}
		select {
		case <-deadline:
			t.Fatal(err)
		case <-tick.C:
		}
	}
}

func TestCluster(t *testing.T) {
	t.Parallel()
	c := natstest.Start(t)
	// Three nodes, each connected to a different NATS server.
	nodes := []*jslog.Log{open(t, c, 0), open(t, c, 1), open(t, c, 2)}
	ctx, cancel := context.WithTimeout(context.Background(), 2*wait)
	defer cancel()

	t.Run("append then read back in order on another node", func(t *testing.T) {
		batch := []cmdlog.Command{cmd("a1"), cmd("a2"), cmd("a3")}
		seqs, err := nodes[0].Append(ctx, "s-order", batch, cmdlog.Fence{})
		if err != nil {
			t.Fatal(err)
		}
		more, err := nodes[1].Append(ctx, "s-order", []cmdlog.Command{cmd("a4")}, cmdlog.Fence{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := nodes[2].Commands(ctx, "s-order")
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(ids(got)) != "[a1 a2 a3 a4]" {
			t.Fatalf("log = %v, want [a1 a2 a3 a4]", ids(got))
		}
		want := append(seqs, more...)
		for i, g := range got {
			if g.Seq != want[i] || g.Kind != "answer" || string(g.Payload) != string(batch[0].Payload) && i == 0 || !g.At.Equal(batch[0].At) {
				t.Fatalf("command %d = %+v, want seq %d and the fields appended", i, g, want[i])
			}
		}
		empty, err := nodes[2].Commands(ctx, "s-none")
		if err != nil || len(empty) != 0 {
			t.Fatalf("an empty log = %v, %v; want nothing", empty, err)
		}
	})

	t.Run("a retried command is stored once", func(t *testing.T) {
		first, err := nodes[0].Append(ctx, "s-dup", []cmdlog.Command{cmd("x"), cmd("y")}, cmdlog.Fence{})
		if err != nil {
			t.Fatal(err)
		}
		// The same command again, from another node, as after a client
		// reconnected elsewhere and sent it again.
		again, err := nodes[1].Append(ctx, "s-dup", []cmdlog.Command{cmd("y"), cmd("z")}, cmdlog.Fence{})
		if err != nil {
			t.Fatal(err)
		}
		if again[0] != first[1] {
			t.Fatalf("the retried command got seq %d, want its first seq %d", again[0], first[1])
		}
		got, err := nodes[2].Commands(ctx, "s-dup")
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(ids(got)) != "[x y z]" {
			t.Fatalf("log = %v, want [x y z]", ids(got))
		}
	})

	t.Run("a fence refuses a stale writer", func(t *testing.T) {
		seqs, err := nodes[0].Append(ctx, "s-fence", []cmdlog.Command{cmd("f1")}, cmdlog.FenceAt(0))
		if err != nil {
			t.Fatal(err)
		}
		// A writer that still believes the log empty.
		_, err = nodes[1].Append(ctx, "s-fence", []cmdlog.Command{cmd("stale")}, cmdlog.FenceAt(0))
		if !errors.Is(err, cmdlog.ErrFenced) {
			t.Fatalf("stale append: %v, want ErrFenced", err)
		}
		// The first writer retrying its own command, its ack lost: stored.
		retried, err := nodes[0].Append(ctx, "s-fence", []cmdlog.Command{cmd("f1")}, cmdlog.FenceAt(0))
		if err != nil || retried[0] != seqs[0] {
			t.Fatalf("retry of the stored command = %v, %v; want seq %d", retried, err, seqs[0])
		}
		next, err := nodes[0].Append(ctx, "s-fence", []cmdlog.Command{cmd("f2"), cmd("f3")}, cmdlog.FenceAt(seqs[0]))
		if err != nil {
			t.Fatal(err)
		}
		if !(next[0] > seqs[0] && next[1] > next[0]) {
			t.Fatalf("fenced seqs %v after %d", next, seqs[0])
		}
		got, err := nodes[2].Commands(ctx, "s-fence")
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(ids(got)) != "[f1 f2 f3]" {
			t.Fatalf("log = %v, want [f1 f2 f3]", ids(got))
		}
	})

	t.Run("follow delivers new commands in order", func(t *testing.T) {
		fctx, stop := context.WithCancel(ctx)
		got := make(chan cmdlog.Command, 16)
		done := make(chan error, 1)
		go func() {
			done <- nodes[2].Follow(fctx, "s-follow", 0, func(c cmdlog.Command) error { got <- c; return nil })
		}()
		seqs, err := nodes[0].Append(ctx, "s-follow", []cmdlog.Command{cmd("p1"), cmd("p2"), cmd("p3")}, cmdlog.Fence{})
		if err != nil {
			t.Fatal(err)
		}
		for i, want := range []string{"p1", "p2", "p3"} {
			select {
			case c := <-got:
				if c.ID != want || c.Seq != seqs[i] {
					t.Fatalf("followed %s #%d, want %s #%d", c.ID, c.Seq, want, seqs[i])
				}
			case <-ctx.Done():
				t.Fatal("follow delivered nothing")
			}
		}
		stop()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("follow ended with %v, want context.Canceled", err)
		}
		// From a sequence: only what comes after it.
		var rest []string
		errEnough := errors.New("enough")
		err = nodes[1].Follow(ctx, "s-follow", seqs[0], func(c cmdlog.Command) error {
			rest = append(rest, c.ID)
			if len(rest) == 2 {
				return errEnough
			}
			return nil
		})
		if !errors.Is(err, errEnough) || fmt.Sprint(rest) != "[p2 p3]" {
			t.Fatalf("follow after #%d: %v, %v; want [p2 p3]", seqs[0], rest, err)
		}
	})

	t.Run("nodes racing make one secret", func(t *testing.T) {
		secrets := make([][]byte, 6)
		var wg sync.WaitGroup
		for i := range secrets {
			wg.Go(func() {
				s, err := nodes[i%3].Secret(ctx)
				if err != nil {
					t.Error(err)
				}
				secrets[i] = s
			})
		}
		wg.Wait()
		for i, s := range secrets {
			if len(s) != 32 || string(s) != string(secrets[0]) {
				t.Fatalf("node %d's secret %x differs from %x", i%3, s, secrets[0])
			}
		}
	})

	t.Run("a join code goes to one session only", func(t *testing.T) {
		errs := make([]error, 9)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Go(func() { errs[i] = nodes[i%3].ClaimCode(ctx, "123456", fmt.Sprintf("sess%d", i)) })
		}
		wg.Wait()
		winner := ""
		for i, err := range errs {
			switch {
			case err == nil && winner == "":
				winner = fmt.Sprintf("sess%d", i)
			case err == nil:
				t.Fatalf("two sessions got the code: %s and sess%d", winner, i)
			case !errors.Is(err, cmdlog.ErrTaken):
				t.Fatalf("claim %d: %v, want ErrTaken", i, err)
			}
		}
		if winner == "" {
			t.Fatal("no session got the code")
		}
		if got, err := nodes[1].CodeSession(ctx, "123456"); err != nil || got != winner {
			t.Fatalf("code's session = %q, %v; want %s", got, err, winner)
		}
		// Only its holder frees it.
		if err := nodes[2].ReleaseCode(ctx, "123456", "someone-else"); err != nil {
			t.Fatal(err)
		}
		if err := nodes[2].ClaimCode(ctx, "123456", "late"); !errors.Is(err, cmdlog.ErrTaken) {
			t.Fatalf("claim after a stranger's release: %v, want ErrTaken", err)
		}
		if err := nodes[0].ReleaseCode(ctx, "123456", winner); err != nil {
			t.Fatal(err)
		}
		if err := nodes[2].ClaimCode(ctx, "123456", "late"); err != nil {
			t.Fatalf("claim after the holder's release: %v", err)
		}
	})

	t.Run("sessions, sign-out and live quizzes are shared", func(t *testing.T) {
		t0 := time.UnixMilli(1_700_000_000_000)
		for i, id := range []string{"old", "new"} {
			s := cmdlog.Session{ID: id, Code: fmt.Sprint(100000 + i), Title: id, Source: "quizzes/ip v6.md", Setup: []byte(`{}`), CreatedAt: t0.Add(time.Duration(i) * time.Minute)}
			if err := nodes[i].CreateSession(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		if err := nodes[2].EndSession(ctx, "old", t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		eventually(t, func() error {
			list, err := nodes[1].Sessions(ctx)
			if err != nil {
				return err
			}
			if len(list) != 2 || list[0].ID != "new" || list[1].ID != "old" || !list[1].EndedAt.Equal(t0.Add(time.Hour)) || !list[0].EndedAt.IsZero() {
				return fmt.Errorf("sessions = %+v, want new then old, old ended", list)
			}
			return nil
		})
		if err := nodes[0].SetInstructorSignedOut(ctx, 200); err != nil {
			t.Fatal(err)
		}
		if err := nodes[1].SetInstructorSignedOut(ctx, 100); err != nil {
			t.Fatal(err)
		}
		if got, err := nodes[2].InstructorSignedOut(ctx); err != nil || got != 200 {
			t.Fatalf("signed out at %d, %v; want the later 200", got, err)
		}
		if err := nodes[0].ClaimLive(ctx, "quizzes/ip v6.md", "new"); err != nil {
			t.Fatal(err)
		}
		if err := nodes[1].ClaimLive(ctx, "quizzes/ip v6.md", "other"); !errors.Is(err, cmdlog.ErrTaken) {
			t.Fatalf("second live claim: %v, want ErrTaken", err)
		}
		eventually(t, func() error {
			live, err := nodes[2].LiveQuizzes(ctx)
			if err != nil || live["quizzes/ip v6.md"] != "new" || len(live) != 1 {
				return fmt.Errorf("live quizzes = %v, %v", live, err)
			}
			return nil
		})
	})

	t.Run("bad session ids are refused", func(t *testing.T) {
		for _, id := range []string{"", "a.b", "a*", ">", "a b", "s/1"} {
			if _, err := nodes[0].Append(ctx, id, []cmdlog.Command{cmd("q")}, cmdlog.Fence{}); err == nil {
				t.Errorf("append to session %q: no error", id)
			}
		}
		if _, err := nodes[0].Append(ctx, "s-noid", []cmdlog.Command{{Kind: "tick"}}, cmdlog.Fence{}); err == nil {
			t.Error("a command without an ID was stored")
		}
	})

	t.Run("kill -9 of the stream leader mid-burst loses nothing acknowledged", func(t *testing.T) {
		killLeaderMidBurst(t, ctx, c, nodes)
	})

	t.Run("nats unreachable, then back", func(t *testing.T) {
		unreachableThenBack(t, ctx, c, nodes[0])
	})
}
