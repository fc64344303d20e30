package web

// Helpers for the student and results tests: a test server that also
// hands back its hub (to create sessions) and its auth (for the
// instructor's cookie), and a raw WebSocket client of the live protocol,
// adapted from app/live/live_test.go. The names start with "st" so that
// they cannot clash with other tests' helpers in this package.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"netstudy/app/auth"
	"netstudy/app/live"
	"netstudy/app/quiz"
	"netstudy/app/session"
)

// stEnv is a netstudy server on loopback with a real hub and SQLite.
type stEnv struct {
	ts   *httptest.Server
	hub  *live.Hub
	auth *auth.Credentials
}

// stRawClientHeader marks the Go test's own WebSocket clients, which a
// wrapper that refuses browsers' WebSockets lets through.
const stRawClientHeader = "X-Netstudy-Test-Client"

// newStEnv starts a server; wrap, if not nil, wraps its handler.
func newStEnv(t *testing.T, wrap func(http.Handler) http.Handler) *stEnv {
	t.Helper()
	ts, srv := startTestServer(t, testServerConfig{Content: testContent(), Wrap: wrap})
	return &stEnv{ts: ts, hub: srv.hub, auth: srv.auth}
}

// stRefuseBrowserWebSockets answers 403 to every WebSocket upgrade except
// the test's own clients': a network where only plain HTTP gets through.
func stRefuseBrowserWebSockets(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/live" && r.Header.Get("Upgrade") != "" && r.Header.Get(stRawClientHeader) == "" {
			http.Error(w, "WebSockets are blocked on this network", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// stQuestions are the questions of the test sessions: a single choice, a
// typed number, and a multiple choice.
func stQuestions() []quiz.Question {
	return []quiz.Question{
		{ID: "q1", Kind: quiz.Single, Prompt: "Which layer routes packets?", PromptHTML: "Which layer routes <em>packets</em>?",
			Points: 100, TimeLimit: 120 * time.Second, ExplanationHTML: "<p>Routers work at the network layer.</p>",
			Choices: []quiz.Choice{
				{ID: "a", Text: "Network", HTML: "Network", Correct: true},
				{ID: "b", Text: "Session", HTML: "Session"},
				{ID: "c", Text: "Physical", HTML: "Physical"},
				{ID: "d", Text: "=SUM(1,2)", HTML: "=SUM(1,2)"},
			}},
		{ID: "q2", Kind: quiz.Text, Prompt: "Bits in an IPv4 address?", PromptHTML: "Bits in an IPv4 address?",
			Points: 100, Accepted: []string{"32"}, Match: quiz.MatchNumber},
		{ID: "q3", Kind: quiz.Multiple, Prompt: "Which are transport protocols?", PromptHTML: "Which are transport protocols?",
			Points: 100, Choices: []quiz.Choice{
				{ID: "a", Text: "TCP", HTML: "TCP", Correct: true},
				{ID: "b", Text: "UDP", HTML: "UDP", Correct: true},
				{ID: "c", Text: "IP", HTML: "IP"},
			}},
	}
}

// create starts a session with opts (speed points off unless opts say
// otherwise) and returns it.
func (e *stEnv) create(t *testing.T, title string, opts session.Options) live.SessionInfo {
	t.Helper()
	info, err := e.hub.Create(context.Background(), session.Setup{Title: title, Options: opts, Questions: stQuestions()})
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// stOptions are the default options without speed points, so that the
// points are predictable.
func stOptions() session.Options {
	o := session.DefaultOptions()
	o.SpeedPoints = false
	return o
}

// instructorCookie is the Cookie header of a signed-in instructor.
func (e *stEnv) instructorCookie() string {
	return auth.CookieName + "=" + e.auth.InstructorCookie()
}

// get fetches path, with the instructor's cookie when instructor is set,
// without following redirects.
func (e *stEnv) get(t *testing.T, path string, instructor bool) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if instructor {
		req.Header.Set("Cookie", e.instructorCookie())
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(body)
}

// stConn is a raw WebSocket client of the live protocol.
type stConn struct {
	t       *testing.T
	conn    *websocket.Conn
	lastSeq uint64
	nextID  int
}

// dial opens a WebSocket to the server, as the instructor or not.
func (e *stEnv) dial(t *testing.T, instructor bool) *stConn {
	t.Helper()
	u := "ws" + strings.TrimPrefix(e.ts.URL, "http") + "/live"
	hdr := http.Header{}
	hdr.Set("Origin", e.ts.URL)
	hdr.Set(stRawClientHeader, "1")
	if instructor {
		hdr.Set("Cookie", e.instructorCookie())
	}
	conn, res, err := websocket.DefaultDialer.Dial(u, hdr)
	if res != nil && res.Body != nil {
		res.Body.Close()
	}
	if err != nil {
		t.Fatalf("dial %s: %v", u, err)
	}
	t.Cleanup(func() { conn.Close() })
	return &stConn{t: t, conn: conn}
}

func (c *stConn) send(typ, id string, data any) {
	c.t.Helper()
	raw, err := json.Marshal(data)
	if err != nil {
		c.t.Fatal(err)
	}
	if err := c.conn.WriteJSON(live.Envelope{Type: typ, ID: id, Data: raw}); err != nil {
		c.t.Fatalf("send %s: %v", typ, err)
	}
}

func (c *stConn) command(typ string, data any) string {
	c.nextID++
	id := fmt.Sprintf("st-%p-%d", c, c.nextID)
	c.send(typ, id, data)
	return id
}

// next reads one envelope, answering pings as a browser would.
func (c *stConn) next() (live.Envelope, error) {
	for {
		_ = c.conn.SetReadDeadline(time.Now().Add(15 * time.Second))
		var env live.Envelope
		if err := c.conn.ReadJSON(&env); err != nil {
			return env, err
		}
		if env.Type == "ping" {
			var p struct {
				T int64 `json:"t"`
			}
			_ = json.Unmarshal(env.Data, &p)
			_ = c.conn.WriteJSON(live.Envelope{Type: "pong", Data: json.RawMessage(fmt.Sprintf(`{"t":%d}`, p.T))})
			continue
		}
		if env.Seq > c.lastSeq {
			c.lastSeq = env.Seq
		}
		return env, nil
	}
}

// expect reads until an envelope of the given type (and id, for acks).
func (c *stConn) expect(typ, id string) live.Envelope {
	c.t.Helper()
	for {
		env, err := c.next()
		if err != nil {
			c.t.Fatalf("waiting for %s %s: %v", typ, id, err)
		}
		if env.Type == typ && (id == "" || env.ID == id) {
			return env
		}
	}
}

// stAck is the data of an acknowledgement.
type stAck struct {
	OK     bool                `json:"ok"`
	Result json.RawMessage     `json:"result"`
	Error  *live.ProtocolError `json:"error"`
}

// do sends a command and waits for its acknowledgement, failing the test
// on a refusal.
func (c *stConn) do(typ string, data any) json.RawMessage {
	c.t.Helper()
	id := c.command(typ, data)
	var a stAck
	if err := json.Unmarshal(c.expect("ack", id).Data, &a); err != nil {
		c.t.Fatal(err)
	}
	if !a.OK {
		c.t.Fatalf("%s refused: %+v", typ, a.Error)
	}
	return a.Result
}

// hello says hello and waits for the welcome.
func (c *stConn) hello(code, role, token string) {
	c.t.Helper()
	c.send("hello", "", map[string]any{"protocol": live.ProtocolVersion, "session": code, "role": role, "token": token, "last_seq": c.lastSeq})
	c.expect("welcome", "")
}

// host opens the instructor's connection to a session.
func (e *stEnv) host(t *testing.T, code string) *stConn {
	t.Helper()
	h := e.dial(t, true)
	h.hello(code, "host", "")
	return h
}

// student opens a connection and joins with nick.
func (e *stEnv) student(t *testing.T, code, nick string) *stConn {
	t.Helper()
	s := e.dial(t, false)
	s.hello(code, "student", "")
	s.do("join", map[string]string{"nickname": nick})
	return s
}

// answer answers the open question.
func (c *stConn) answer(qid string, round int, choices []string, text string) {
	c.t.Helper()
	data := map[string]any{"question_id": qid, "round": round}
	if choices != nil {
		data["choices"] = choices
	}
	if text != "" {
		data["text"] = text
	}
	c.do("answer", data)
}
