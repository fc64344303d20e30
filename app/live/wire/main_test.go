package wire

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/goleak"

	"netstudy/app/auth"
	"netstudy/app/live"
	"netstudy/app/quiz"
	"netstudy/app/session"
	"netstudy/app/store"
)

// Every connection, poller and flusher the tests start must be gone when
// they end.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const testKey = "teacher-secret"

// testServer is a hub with a real SQLite store and its wire, served on
// loopback.
type testServer struct {
	hub  *live.Hub
	wire *Server
	srv  *httptest.Server
	auth *auth.Credentials
	stop func() // stops them; safe to call twice
}

// startServer starts a hub and its wire, the wire's Config adjusted by
// tune; they stop when the test ends.
func startServer(t testing.TB, tune func(*Config)) *testServer {
	t.Helper()
	st, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	creds := auth.New(testKey, []byte("server-secret"))
	h := live.NewHub(live.Config{Store: st, Auth: creds, Log: log})
	cfg := Config{Hub: h, Auth: creds, Log: log}
	if tune != nil {
		tune(&cfg)
	}
	s := New(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	if err := h.Start(ctx); err != nil {
		t.Fatal(err)
	}
	s.Start(ctx)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /live", s.ServeWebSocket)
	mux.HandleFunc("POST /live/poll", s.ServePollOpen)
	ts := &testServer{hub: h, wire: s, srv: httptest.NewServer(mux), auth: creds}
	ts.stop = sync.OnceFunc(func() {
		cancel()
		ts.srv.CloseClientConnections()
		ts.srv.Close()
		h.Wait()
		s.Wait()
		st.Close()
	})
	t.Cleanup(ts.stop)
	return ts
}

// create starts a session of one question.
func (ts *testServer) create(t testing.TB) live.SessionInfo {
	t.Helper()
	q := quiz.Question{ID: "q1", Kind: quiz.Single, Prompt: "Which layer routes packets?", PromptHTML: "Which layer routes packets?", Points: 100,
		Choices: []quiz.Choice{{ID: "a", Text: "Network", HTML: "Network", Correct: true}, {ID: "b", Text: "Session", HTML: "Session"}}}
	info, err := ts.hub.Create(context.Background(), session.Setup{Title: "Test quiz", Options: session.DefaultOptions(), Questions: []quiz.Question{q}})
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// wsClient is a WebSocket client over loopback that speaks just enough of
// the protocol to test the wire: the protocol itself is tested in package
// live.
type wsClient struct {
	t    testing.TB
	conn *websocket.Conn
	n    int
}

func (ts *testServer) dial(t testing.TB) *wsClient {
	t.Helper()
	return ts.dialWith(t, websocket.DefaultDialer, "")
}

// dialWith dials with d, and with an Origin header unless origin is "".
func (ts *testServer) dialWith(t testing.TB, d *websocket.Dialer, origin string) *wsClient {
	t.Helper()
	c, err := ts.tryDial(d, origin)
	if err != nil {
		t.Fatal(err)
	}
	c.t = t
	t.Cleanup(func() { c.conn.Close() })
	return c
}

func (ts *testServer) tryDial(d *websocket.Dialer, origin string) (*wsClient, error) {
	hdr := http.Header{}
	if origin != "" {
		hdr.Set("Origin", origin)
	}
	conn, res, err := d.Dial("ws"+strings.TrimPrefix(ts.srv.URL, "http")+"/live", hdr)
	if res != nil && res.Body != nil {
		res.Body.Close()
	}
	if err != nil {
		return nil, err
	}
	return &wsClient{conn: conn}, nil
}

func (c *wsClient) send(typ string, data any) {
	c.t.Helper()
	c.n++
	raw, err := json.Marshal(data)
	if err != nil {
		c.t.Fatal(err)
	}
	env := live.Envelope{Type: typ, Data: raw}
	if typ != "hello" && typ != "pong" {
		env.ID = fmt.Sprintf("c-%d", c.n)
	}
	if err := c.conn.WriteJSON(env); err != nil {
		c.t.Fatalf("send %s: %v", typ, err)
	}
}

// next reads one envelope, answering pings as a browser would.
func (c *wsClient) next() (live.Envelope, error) {
	for {
		_ = c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		var env live.Envelope
		if err := c.conn.ReadJSON(&env); err != nil {
			return env, err
		}
		if env.Type != "ping" {
			return env, nil
		}
		_ = c.conn.WriteJSON(live.Envelope{Type: "pong", Data: env.Data})
	}
}

// expect reads until an envelope of the given type.
func (c *wsClient) expect(typ string) live.Envelope {
	c.t.Helper()
	for {
		env, err := c.next()
		if err != nil {
			c.t.Fatalf("waiting for %s: %v", typ, err)
		}
		if env.Type == typ {
			return env
		}
	}
}

// join says hello to the session as a student and joins it.
func (c *wsClient) join(code, nick string) {
	c.t.Helper()
	c.send("hello", map[string]any{"protocol": live.ProtocolVersion, "session": code, "role": live.RoleStudent})
	c.expect("welcome")
	c.send("join", map[string]string{"nickname": nick})
	if env := c.expect("ack"); !strings.Contains(string(env.Data), `"ok":true`) {
		c.t.Fatalf("join %q refused: %s", nick, env.Data)
	}
	c.expect("snapshot")
}
