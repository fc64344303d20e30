package wire

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"netstudy/app/auth"
	"netstudy/app/live"
)

// Both ways of reading a WebSocket (read pollers, and a goroutine per
// connection where there is no epoll) must speak the same protocol:
// fragmented messages joined, a ping answered with a pong, bad frames
// refused, an oversized message, a close frame and a text message that is
// not UTF-8 ending the connection.
func TestBothReadPathsSpeakWebSocket(t *testing.T) {
	for _, goroutines := range []bool{false, true} {
		t.Run(fmt.Sprintf("goroutines=%v", goroutines), func(t *testing.T) {
			ts := startServer(t, func(c *Config) { c.ReadWithGoroutines = goroutines })
			if polled := ts.wire.readPollerFor(1) != nil; polled == goroutines {
				t.Fatalf("read pollers in use: %v", polled)
			}
			info := ts.create(t)

			// A write buffer smaller than the hello cuts it into frames.
			c := ts.dialWith(t, &websocket.Dialer{WriteBufferSize: 64}, "")
			c.join(info.Code, strings.Repeat("n", 20)) // hello and join are longer than 64 bytes
			conn := c.conn

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
			other := ts.dial(t)
			_ = other.conn.WriteMessage(websocket.BinaryMessage, []byte{1, 2, 3})
			if env := other.expect("error"); !strings.Contains(string(env.Data), "bad_frame") {
				t.Errorf("binary frame answered with %s", env.Data)
			}
			other.send("hello", map[string]any{"protocol": live.ProtocolVersion, "session": info.Code})
			other.expect("welcome")

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

			// A text message that is not UTF-8 fails the connection
			// with 1007 (RFC 6455, section 8.1), even after a hello.
			bad := ts.dial(t)
			bad.send("hello", map[string]any{"protocol": live.ProtocolVersion, "session": info.Code})
			bad.expect("welcome")
			_ = bad.conn.WriteMessage(websocket.TextMessage, []byte("{\"type\":\"pong\",\"data\":{\"t\":\"\xff\xfe\"}}"))
			for {
				if _, err := bad.next(); err != nil {
					if !websocket.IsCloseError(err, websocket.CloseInvalidFramePayloadData) {
						t.Errorf("after invalid UTF-8: %v, want close 1007", err)
					}
					break
				}
			}
		})
	}
}

// FuzzReadFrames feeds the read pollers' frame reader any bytes, cut into
// reads anywhere: it must never panic, never hold more than a message's
// worth of bytes, and once it has said the connection must close, the
// poller stops feeding it.
func FuzzReadFrames(f *testing.F) {
	mask := func(op byte, fin bool, payload string) []byte {
		b0 := op
		if fin {
			b0 |= 0x80
		}
		key := [4]byte{1, 2, 3, 4}
		out := []byte{b0, 0x80 | byte(len(payload)), key[0], key[1], key[2], key[3]}
		for i := range len(payload) {
			out = append(out, payload[i]^key[i%4])
		}
		return out
	}
	hello := `{"type":"hello","data":{"protocol":1,"session":"123456"}}`
	f.Add(mask(0x1, true, hello), uint8(7))
	f.Add(append(mask(0x1, false, hello[:20]), mask(0x0, true, hello[20:])...), uint8(3))
	f.Add(append(mask(0x9, true, "ping"), mask(0x8, true, "")...), uint8(1))
	f.Add([]byte{0x81, 0xFF, 0, 0, 0, 0, 0, 1, 0, 0}, uint8(2)) // a 64 KiB claim
	f.Add(mask(0x2, true, "\x00\x01"), uint8(5))
	f.Fuzz(func(t *testing.T, stream []byte, cut uint8) {
		h := live.NewHub(live.Config{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Auth: auth.New("k", []byte("s"))})
		// A writer that never writes: pongs wait in it, as messages do
		// in the peer's queue.
		r := &wsConn{s: &Server{hub: h}, w: &connWriter{}}
		r.w.writing.Store(true)
		r.c = h.Connect(live.ConnInfo{Transport: live.TransportWebSocket, RemoteIP: "127.0.0.1"})
		r.w.c = r.c
		step := int(cut%64) + 1
		for start := 0; start < len(stream); start += step {
			chunk := append([]byte(nil), stream[start:min(start+step, len(stream))]...)
			if reason := r.onData(chunk); reason != "" {
				return // the poller would stop reading here
			}
			if len(r.partial) > live.MaxMessageBytes+maxFrameHeader+4 || len(r.message) > live.MaxMessageBytes {
				t.Fatalf("holding %d bytes of a frame and %d of a message", len(r.partial), len(r.message))
			}
		}
	})
}
