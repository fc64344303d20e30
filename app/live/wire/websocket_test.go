package wire

import (
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"netstudy/app/live"
)

func TestCrossOriginUpgradeRefused(t *testing.T) {
	ts := startServer(t, nil)
	if _, err := ts.tryDial(websocket.DefaultDialer, "http://evil.example"); err == nil {
		t.Fatal("a cross-origin WebSocket upgrade was accepted")
	}
	c, err := ts.tryDial(websocket.DefaultDialer, ts.srv.URL)
	if err != nil {
		t.Fatalf("same-origin upgrade refused: %v", err)
	}
	c.conn.Close()
}

func TestOversizedFrameClosesConnection(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.dial(t)
	big := `{"type":"hello","data":{"session":"` + strings.Repeat("x", live.MaxMessageBytes) + `"}}`
	_ = c.conn.WriteMessage(websocket.TextMessage, []byte(big))
	for {
		if _, err := c.next(); err != nil {
			return // closed, as it should be
		}
	}
}

func TestCrossOriginLongPollingRefused(t *testing.T) {
	ts := startServer(t, nil)
	req, _ := http.NewRequest(http.MethodPost, ts.srv.URL+"/live/poll", nil)
	req.Header.Set("Origin", "http://evil.example")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin poll open = %d, want 403", res.StatusCode)
	}
}

// A phone that goes silent (no pong, nothing) is found dead by the
// heartbeat and disconnected; the dashboard then shows it as not connected.
func TestHeartbeatFindsDeadConnections(t *testing.T) {
	ts := startServer(t, func(c *Config) {
		c.PingEvery, c.ReadTimeout = 20*time.Millisecond, 150*time.Millisecond
	})
	info := ts.create(t)
	st1 := ts.dial(t)
	st1.join(info.Code, "sleepy")
	// From now on the phone reads but never answers a ping: the server
	// must close it, long before our own read deadline gives up.
	for {
		_ = st1.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		var env live.Envelope
		err := st1.conn.ReadJSON(&env)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatal("a silent connection was not closed by the heartbeat")
		}
		if err != nil {
			break // closed by the server
		}
	}
	// A phone that answers pings stays connected across the same time.
	st2 := ts.dial(t)
	st2.join(info.Code, "awake")
	deadline := time.Now().Add(400 * time.Millisecond)
	for time.Now().Before(deadline) {
		if _, err := st2.next(); err != nil { // next answers pings
			t.Fatalf("a connection that answers pings was closed: %v", err)
		}
	}
}

func TestReadPollerCount(t *testing.T) {
	for procs, want := range map[int]int{1: 1, 2: 1, 3: 1, 4: 2, 16: 8} {
		if got := readPollerCount(procs); got != want {
			t.Errorf("readPollerCount(%d) = %d, want %d", procs, got, want)
		}
	}
}
