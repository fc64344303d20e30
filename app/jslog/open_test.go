package jslog_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"netstudy/app/cmdlog"
	"netstudy/app/jslog"
	"netstudy/app/natstest"
)

// TestOpenTogether opens three nodes at the same moment on a fresh
// cluster, as a deployment that starts every node at once does: each must
// make or find the stream and the bucket, and all must then work.
func TestOpenTogether(t *testing.T) {
	t.Parallel()
	c := natstest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	nodes := make([]*jslog.Log, natstest.Size)
	errs := make([]error, natstest.Size)
	var wg sync.WaitGroup
	for i := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			nodes[i], errs[i] = jslog.Open(ctx, jslog.Config{URLs: c.Servers[i].URL(), Name: fmt.Sprintf("node%d", i)})
		}()
	}
	wg.Wait()
	for i, l := range nodes {
		if l != nil {
			t.Cleanup(l.Close)
		}
		if errs[i] != nil {
			t.Fatalf("node %d: open: %v", i, errs[i])
		}
	}
	seqs, err := nodes[0].Append(ctx, "s-together", []cmdlog.Command{cmd("t1")}, cmdlog.Fence{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := nodes[2].Commands(ctx, "s-together")
	if err != nil || len(got) != 1 || got[0].Seq != seqs[0] {
		t.Fatalf("node 2 reads %v, %v; want t1 at #%d", got, err, seqs[0])
	}
	if _, err := nodes[1].Secret(ctx); err != nil {
		t.Fatalf("node 1: the bucket: %v", err)
	}
}

// TestNATSAwayAndBack starts a node while no NATS server runs: Open waits
// for them rather than fail. Then, with every server gone again, appends
// are refused with ErrNoConnection, the later ones at once rather than
// each after its own wait.
func TestNATSAwayAndBack(t *testing.T) {
	t.Parallel()
	c := natstest.Start(t)
	for i := range natstest.Size {
		c.Kill(i)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*wait)
	defer cancel()
	type opened struct {
		l   *jslog.Log
		err error
	}
	done := make(chan opened, 1)
	go func() {
		l, err := jslog.Open(ctx, jslog.Config{URLs: c.URLs(), Name: "early"})
		done <- opened{l, err}
	}()
	c.Restart(0, 1, 2)
	o := <-done
	if o.err != nil {
		t.Fatalf("open while NATS was away: %v", o.err)
	}
	l := o.l
	t.Cleanup(l.Close)
	if _, err := l.Append(ctx, "s-away", []cmdlog.Command{cmd("before")}, cmdlog.Fence{}); err != nil {
		t.Fatal(err)
	}

	for i := range natstest.Size {
		c.Kill(i)
	}
	// The first append waits for the connection a few seconds, then
	// gives up.
	if _, err := l.Append(ctx, "s-away", []cmdlog.Command{cmd("first")}, cmdlog.Fence{}); !errors.Is(err, jslog.ErrNoConnection) {
		t.Fatalf("append without NATS: %v, want ErrNoConnection", err)
	}
	// The next ones, each allowed less than that wait, are refused as
	// well, fenced or not: the connection has been down long enough.
	var wg sync.WaitGroup
	for i := range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			actx, acancel := context.WithTimeout(ctx, time.Second)
			defer acancel()
			fence := cmdlog.Fence{}
			if i%2 == 1 {
				fence = cmdlog.FenceAt(1)
			}
			_, err := l.Append(actx, "s-away", []cmdlog.Command{cmd(fmt.Sprintf("later%d", i))}, fence)
			if !errors.Is(err, jslog.ErrNoConnection) {
				t.Errorf("append %d without NATS: %v, want ErrNoConnection", i, err)
			}
		}()
	}
	wg.Wait()
}
