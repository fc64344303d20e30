package jslog_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"netstudy/app/cmdlog"
	"netstudy/app/jslog"
	"netstudy/app/natstest"
)

// killLeaderMidBurst appends batches from two nodes while the stream
// leader is killed, and checks that every acknowledged command is in the
// log once, and that appends went on after the election.
func killLeaderMidBurst(t *testing.T, ctx context.Context, c *natstest.Cluster, nodes []*jslog.Log) {
	leader := c.StreamLeader(jslog.StreamName)
	// Writers on the two nodes whose NATS server survives, so their
	// connections stay up: what is under test is the stream's election.
	var writers []*jslog.Log
	for i, n := range nodes {
		if i != leader {
			writers = append(writers, n)
		}
	}
	const session = "s-burst"
	type result struct {
		acked []string
		err   error
	}
	stop := make(chan struct{})
	progress := make(chan int, 1024) // acknowledged batches, by writer
	results := make(chan result, len(writers))
	for w, n := range writers {
		go func() {
			var r result
			defer func() { results <- r }()
			for b := 0; ; b++ {
				select {
				case <-stop:
					return
				default:
				}
				batch := make([]cmdlog.Command, 8)
				for i := range batch {
					batch[i] = cmd(fmt.Sprintf("w%d-b%d-%d", w, b, i))
				}
				actx, cancel := context.WithTimeout(ctx, wait)
				_, err := n.Append(actx, session, batch, cmdlog.Fence{})
				cancel()
				if err != nil {
					r.err = err
					return
				}
				r.acked = append(r.acked, ids(batch)...)
				progress <- w
			}
		}()
	}
	// A node applying the session, as every node with clients in it does,
	// from before the kill to after it.
	fctx, stopFollow := context.WithCancel(ctx)
	followed := make(chan cmdlog.Command, 1<<14)
	followDone := make(chan error, 1)
	go func() {
		followDone <- writers[1].Follow(fctx, session, 0, func(c cmdlog.Command) error { followed <- c; return nil })
	}()
	defer func() {
		stopFollow()
		<-followDone
	}()
	// Some appends before the kill, and some after it, by each writer.
	awaitBatches := func(n int) {
		t.Helper()
		seen := map[int]int{}
		for seen[0] < n || seen[1] < n {
			select {
			case w := <-progress:
				seen[w]++
			case r := <-results:
				t.Fatalf("a writer stopped: %v", r.err)
			case <-ctx.Done():
				t.Fatalf("appends stalled: %v", seen)
			}
		}
	}
	awaitBatches(5)
	c.Kill(leader)
	// Batches in flight at the kill may complete before the election;
	// twenty more from each writer cannot all have.
	awaitBatches(20)
	close(stop)
	var acked []string
	for range writers {
		r := <-results
		if r.err != nil {
			t.Fatalf("a writer failed: %v", r.err)
		}
		acked = append(acked, r.acked...)
	}
	if newLeader := c.StreamLeader(jslog.StreamName); newLeader == leader {
		t.Fatalf("server %d still leads after its kill", leader)
	}
	c.Restart(leader)

	log, err := writers[0].Commands(ctx, session)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	var last uint64
	for _, cm := range log {
		count[cm.ID]++
		if cm.Seq <= last {
			t.Fatalf("seq %d after %d: out of order", cm.Seq, last)
		}
		last = cm.Seq
	}
	for _, id := range acked {
		if count[id] != 1 {
			t.Fatalf("acknowledged command %s is in the log %d times", id, count[id])
		}
	}
	for id, n := range count {
		if n != 1 {
			t.Fatalf("command %s stored %d times", id, n)
		}
	}
	// The follower saw the same log, in the same order, nothing twice.
	for i, want := range log {
		select {
		case got := <-followed:
			if got.Seq != want.Seq || got.ID != want.ID {
				t.Fatalf("follower's command %d is %s #%d, the log's %s #%d", i, got.ID, got.Seq, want.ID, want.Seq)
			}
		case err := <-followDone:
			t.Fatalf("the follower stopped: %v", err)
		case <-ctx.Done():
			t.Fatalf("the follower stalled after %d of %d commands", i, len(log))
		}
	}
	t.Logf("%d commands acknowledged, %d in the log and followed", len(acked), len(log))
}

// unreachableThenBack stops every NATS server: an append fails by its
// deadline, or once the connection has been down a few seconds, instead
// of hanging or being buffered, and the same client
// appends again once the servers are back.
func unreachableThenBack(t *testing.T, ctx context.Context, c *natstest.Cluster, node *jslog.Log) {
	for i := range natstest.Size {
		c.Kill(i)
	}
	actx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	_, err := node.Append(actx, "s-down", []cmdlog.Command{cmd("lost")}, cmdlog.Fence{})
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("append without nats: %v, want the context deadline", err)
	}
	// With a longer deadline, it does not wait for it: with no server to
	// talk to, a client hears so in seconds.
	actx, cancel = context.WithTimeout(ctx, wait)
	_, err = node.Append(actx, "s-down", []cmdlog.Command{cmd("lost-too")}, cmdlog.Fence{})
	cancel()
	if !errors.Is(err, jslog.ErrNoConnection) {
		t.Fatalf("append without nats: %v, want jslog.ErrNoConnection before the deadline", err)
	}
	hctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	err = node.Healthy(hctx)
	cancel()
	if err == nil {
		t.Fatal("healthy without nats")
	}
	c.Restart(0, 1, 2)
	actx, cancel = context.WithTimeout(ctx, wait)
	defer cancel()
	if _, err := node.Append(actx, "s-down", []cmdlog.Command{cmd("back")}, cmdlog.Fence{}); err != nil {
		t.Fatalf("append once nats is back: %v", err)
	}
	if err := node.Healthy(actx); err != nil {
		t.Fatalf("not healthy once nats is back: %v", err)
	}
	got, err := node.Commands(actx, "s-down")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(ids(got)) != "[back]" {
		t.Fatalf("log = %v, want [back]", ids(got))
	}
}
