package live

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Both ways of reading a WebSocket (read pollers, and a goroutine per
// connection where there is no epoll) must speak the same protocol:
// fragmented messages joined, a ping answered with a pong, bad frames
// refused, an oversized message and a close frame ending the connection.
func TestBothReadPathsSpeakWebSocket(t *testing.T) {
	for _, goroutines := range []bool{false, true} {
		t.Run(fmt.Sprintf("goroutines=%v", goroutines), func(t *testing.T) {
			th := startTestHubWith(t, t.TempDir(), func(c *Config) { c.ReadWithGoroutines = goroutines })
			if polled := th.hub.readPollerFor(1) != nil; polled == goroutines {
				t.Fatalf("read pollers in use: %v", polled)
			}
			info := th.create(t)

			// A write buffer smaller than the hello cuts it into frames.
			d := websocket.Dialer{WriteBufferSize: 64}
			conn, res, err := d.Dial("ws"+strings.TrimPrefix(th.srv.URL, "http")+"/live", nil)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			defer conn.Close()
			c := &wsClient{t: t, conn: conn, prefix: "frag-"}
			c.hello(info.Code, RoleStudent, "")
			c.join(strings.Repeat("n", 20)) // both messages are longer than 64 bytes

			pong := make(chan string, 1)
			conn.SetPongHandler(func(data string) error { pong <- data; return nil })
			if err := conn.WriteControl(websocket.PingMessage, []byte("are you there"), time.Now().Add(time.Second)); err != nil {
				t.Fatal(err)
			}
			go func() { // reading runs the pong handler
				for {
					if _, _, err := conn.ReadMessage(); err != nil {
						return // the test is over
					}
				}
			}()
			select {
			case got := <-pong:
				if got != "are you there" {
					t.Errorf("pong carries %q", got)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("a ping got no pong")
			}

			// A binary message is refused with an error, and the
			// connection stays.
			other := th.dial(t, false)
			_ = other.conn.WriteMessage(websocket.BinaryMessage, []byte{1, 2, 3})
			if env := other.expect("error", ""); !strings.Contains(string(env.Data), "bad_frame") {
				t.Errorf("binary frame answered with %s", env.Data)
			}
			other.hello(info.Code, RoleStudent, "")

			// A close frame ends the connection with the server's goodbye.
			_ = other.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, "bye"), time.Now().Add(time.Second))
			for {
				if _, err := other.next(); err != nil {
					if !websocket.IsCloseError(err, websocket.CloseGoingAway) {
						t.Errorf("after a close frame: %v, want the server's close frame", err)
					}
					break
				}
			}
		})
	}
}
