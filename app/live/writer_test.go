package live

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus"
)

// A phone that reads slowly fills its socket: the flusher's writes then
// stop part-way through a frame, and the connection's own goroutine
// finishes it once the phone reads again. Every frame must arrive whole,
// in order, with nothing lost or doubled across those seams.
func TestFullSocketResumesMidFrameWithoutCorruption(t *testing.T) {
	th := newTestHub(t)
	info := th.create(t)

	// A receive buffer of a few KiB keeps the TCP window small, so the
	// server's socket fills after a few frames.
	dialer := websocket.Dialer{NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
			var serr error
			err := rc.Control(func(fd uintptr) {
				serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
			})
			if err != nil {
				return err
			}
			return serr
		}}
		return d.DialContext(ctx, network, addr)
	}}
	conn, res, err := dialer.Dial("ws"+strings.TrimPrefix(th.srv.URL, "http")+"/live", http.Header{})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	t.Cleanup(func() { conn.Close() })
	phone := &wsClient{t: t, conn: conn, prefix: "slow-"}
	phone.hello(info.Code, RoleStudent, "")
	phone.join("slowpoke")
	phone.expect("snapshot", "")

	// Frames of odd sizes, each filled with its own number, so a frame
	// resumed at the wrong byte shows.
	const frames = 100
	a, ok := th.hub.actorByID(info.ID)
	if !ok {
		t.Fatal("no actor")
	}
	err = a.do(context.Background(), func(a *actor) {
		for c := range a.students {
			for i := range frames {
				fill := strings.Repeat(fmt.Sprintf("%02d", i%100), 30000+i*37)
				if !c.send(newMessage("filler", "", 0, map[string]any{"i": i, "fill": fill})) {
					t.Errorf("frame %d was not queued", i)
				}
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // let the server's socket fill up
	if counterValue(t, th.wireReg, "netstudy_live_socket_full_total") == 0 {
		t.Fatal("the socket never filled: this test did not test a resumed write")
	}

	for i := 0; i < frames; {
		env, err := phone.next()
		if err != nil {
			t.Fatalf("after %d whole frames: %v", i, err)
		}
		if env.Type != "filler" {
			continue
		}
		var got struct {
			I    int    `json:"i"`
			Fill string `json:"fill"`
		}
		if err := json.Unmarshal(env.Data, &got); err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		want := strings.Repeat(fmt.Sprintf("%02d", i%100), 30000+i*37)
		if got.I != i || got.Fill != want {
			t.Fatalf("frame %d arrived as frame %d, %d bytes of fill (want %d)", i, got.I, len(got.Fill), len(want))
		}
		i++
		if i%10 == 0 {
			time.Sleep(5 * time.Millisecond) // a slow phone
		}
	}
}

// counterValue reads a counter from a registry.
func counterValue(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			return mf.GetMetric()[0].GetCounter().GetValue()
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}
