package jslog_test

import (
	"context"
	"errors"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"netstudy/app/cmdlog"
	"netstudy/app/jslog"
	"netstudy/app/natstest"
)

// TestFollowStopsWhileItsConsumerIsGone takes the stream away under a
// follower, so that its ordered consumer keeps failing to make itself
// again (as while a dead leader's stream has no new one yet), and ends
// the follower's context: Follow must return. It used to stay in the
// consumer's retry loop, which ignores the context, so a follower could
// neither stop nor start over, and delivered nothing for good.
func TestFollowStopsWhileItsConsumerIsGone(t *testing.T) {
	t.Parallel()
	c := natstest.Start(t)
	l := open(t, c, 0)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if _, err := l.Append(ctx, "s-gone", []cmdlog.Command{cmd("g1")}, cmdlog.Fence{}); err != nil {
		t.Fatal(err)
	}

	followCtx, stopFollowing := context.WithCancel(ctx)
	defer stopFollowing()
	delivered := make(chan cmdlog.Command, 1)
	returned := make(chan error, 1)
	go func() {
		returned <- l.Follow(followCtx, "s-gone", 0, func(c cmdlog.Command) error {
			delivered <- c
			return nil
		})
	}()
	select {
	case c := <-delivered:
		if c.ID != "g1" {
			t.Fatalf("delivered %q, want g1", c.ID)
		}
	case <-ctx.Done():
		t.Fatal("the follower delivered nothing")
	}

	nc, err := nats.Connect(c.Servers[1].URL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	// A core subscription sees the API requests of every client: the
	// follower's attempts to make its consumer again show there.
	creates, err := nc.SubscribeSync("$JS.API.CONSUMER.CREATE.>")
	if err != nil {
		t.Fatal(err)
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := js.DeleteStream(ctx, jslog.StreamName); err != nil {
		t.Fatal(err)
	}
	if _, err := creates.NextMsgWithContext(ctx); err != nil {
		t.Fatalf("the follower never tried to make its consumer again: %v", err)
	}
	stopFollowing()
	select {
	case err := <-returned:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Follow returned %v, want the context's error", err)
		}
	case <-ctx.Done():
		t.Fatal("Follow did not return once its context ended")
	}
}
