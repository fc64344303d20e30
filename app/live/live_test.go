package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"netstudy/app/auth"
	"netstudy/app/quiz"
	"netstudy/app/session"
	"netstudy/app/store"
)

const testKey = "teacher-secret"

// testHub is a hub with a real SQLite store, served on loopback by the
// real wire.
type testHub struct {
	hub     *Hub
	srv     *httptest.Server
	store   *store.Store
	dir     string
	cancel  context.CancelFunc
	wireReg *prometheus.Registry // the wire's metrics
	wait    func()               // waits for the wire's goroutines
}

func newTestHub(t testing.TB) *testHub {
	t.Helper()
	return startTestHub(t, t.TempDir())
}

func startTestHub(t testing.TB, dir string) *testHub {
	t.Helper()
	return startTestHubWith(t, dir, nil)
}

// testConfig is a hub's Config with the wire's settings the tests adjust.
type testConfig struct {
	Config
	wire WireTune
}

// startTestHubWith is startTestHub with the hub's Config adjusted by tune
// (shorter heartbeats, say).
func startTestHubWith(t testing.TB, dir string, tune func(*testConfig)) *testHub {
	t.Helper()
	st, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	cfg := testConfig{Config: Config{Store: st, Auth: auth.New(testKey, []byte("server-secret")), Log: log}}
	if tune != nil {
		tune(&cfg)
	}
	h := NewHub(cfg.Config)
	ctx, cancel := context.WithCancel(context.Background())
	if err := h.Start(ctx); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	cfg.wire.Registry, cfg.wire.Auth = reg, cfg.Auth
	handler, wait := ServeWireForTests(ctx, h, cfg.wire)
	srv := httptest.NewServer(handler)
	th := &testHub{hub: h, srv: srv, store: st, dir: dir, cancel: cancel, wireReg: reg, wait: wait}
	t.Cleanup(th.stop)
	return th
}

// stop shuts the hub down as the server would; safe to call twice.
func (th *testHub) stop() {
	th.cancel()
	th.srv.CloseClientConnections()
	th.srv.Close()
	th.hub.Wait()
	th.wait()
	th.store.Close()
}

func testQuestions() []quiz.Question {
	return []quiz.Question{
		{ID: "q1", Kind: quiz.Single, Prompt: "Which layer routes packets?", PromptHTML: "Which layer routes packets?", Points: 100,
			TimeLimit: 30 * time.Second,
			Choices:   []quiz.Choice{{ID: "a", Text: "Network", HTML: "Network", Correct: true}, {ID: "b", Text: "Session", HTML: "Session"}}},
		{ID: "q2", Kind: quiz.Text, Prompt: "Bits in an IPv4 address?", PromptHTML: "Bits in an IPv4 address?", Points: 100,
			Accepted: []string{"32"}, Match: quiz.MatchNumber},
	}
}

func (th *testHub) create(t testing.TB) SessionInfo {
	t.Helper()
	opts := session.DefaultOptions()
	opts.SpeedPoints = false
	info, err := th.hub.Create(context.Background(), session.Setup{Title: "Test quiz", Options: opts, Questions: testQuestions()})
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// wsClient is a real WebSocket client over loopback.
type wsClient struct {
	t       testing.TB
	conn    *websocket.Conn
	lastSeq uint64
	seen    []Envelope
	nextID  int
	prefix  string
}

func (th *testHub) dial(t testing.TB, instructor bool) *wsClient {
	t.Helper()
	c, err := th.tryDial(instructor, "")
	if err != nil {
		t.Fatal(err)
	}
	c.t = t
	t.Cleanup(func() { c.conn.Close() })
	return c
}

func (th *testHub) tryDial(instructor bool, origin string) (*wsClient, error) {
	u := "ws" + strings.TrimPrefix(th.srv.URL, "http") + "/live"
	hdr := http.Header{}
	if origin != "" {
		hdr.Set("Origin", origin)
	}
	if instructor {
		hdr.Set("Cookie", auth.CookieName+"="+th.hub.auth.InstructorCookie())
	}
	conn, res, err := websocket.DefaultDialer.Dial(u, hdr)
	if res != nil && res.Body != nil {
		res.Body.Close()
	}
	if err != nil {
		return nil, err
	}
	return &wsClient{conn: conn, prefix: fmt.Sprintf("c%p-", conn)}, nil
}

func (c *wsClient) send(typ, id string, data any) {
	c.t.Helper()
	raw, err := json.Marshal(data)
	if err != nil {
		c.t.Fatal(err)
	}
	env := Envelope{Type: typ, ID: id, Data: raw}
	if err := c.conn.WriteJSON(env); err != nil {
		c.t.Fatalf("send %s: %v", typ, err)
	}
}

func (c *wsClient) command(typ string, data any) string {
	c.nextID++
	id := fmt.Sprintf("%s%d", c.prefix, c.nextID)
	c.send(typ, id, data)
	return id
}

// next reads one envelope, answering pings as a browser would.
func (c *wsClient) next() (Envelope, error) {
	for {
		_ = c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		var env Envelope
		if err := c.conn.ReadJSON(&env); err != nil {
			return env, err
		}
		if env.Type == "ping" {
			c.pong(env)
			continue
		}
		switch {
		case env.Type == "snapshot": // a fresh start, whatever came before
			c.lastSeq = env.Seq
		case env.Seq != 0:
			if env.Seq <= c.lastSeq {
				return env, fmt.Errorf("seq went from %d to %d", c.lastSeq, env.Seq)
			}
			c.lastSeq = env.Seq
		}
		c.seen = append(c.seen, env)
		return env, nil
	}
}

// pong answers a ping as a browser does, echoing its t.
func (c *wsClient) pong(ping Envelope) {
	var p struct {
		T int64 `json:"t"`
	}
	_ = json.Unmarshal(ping.Data, &p)
	_ = c.conn.WriteJSON(Envelope{Type: "pong", Data: json.RawMessage(fmt.Sprintf(`{"t":%d}`, p.T))})
}

// expect reads until an envelope of the given type (and id, for acks).
func (c *wsClient) expect(typ, id string) Envelope {
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

func (c *wsClient) ack(id string) ackData {
	c.t.Helper()
	env := c.expect("ack", id)
	var a struct {
		OK     bool            `json:"ok"`
		Result json.RawMessage `json:"result"`
		Error  *ProtocolError  `json:"error"`
	}
	if err := json.Unmarshal(env.Data, &a); err != nil {
		c.t.Fatal(err)
	}
	return ackData{OK: a.OK, Result: a.Result, Error: a.Error}
}

func (c *wsClient) hello(code string, role Role, token string) Envelope {
	c.t.Helper()
	c.send("hello", "", hello{Protocol: ProtocolVersion, Session: code, Role: role, Token: token, LastSeq: c.lastSeq})
	return c.expect("welcome", "")
}

func (c *wsClient) join(nick string) joinResult {
	c.t.Helper()
	id := c.command("join", map[string]string{"nickname": nick})
	a := c.ack(id)
	if !a.OK {
		c.t.Fatalf("join %q refused: %+v", nick, a.Error)
	}
	var jr joinResult
	if err := json.Unmarshal(a.Result.(json.RawMessage), &jr); err != nil {
		c.t.Fatal(err)
	}
	return jr
}

func TestJoinAskAnswerReveal(t *testing.T) {
	th := newTestHub(t)
	info := th.create(t)
	host := th.dial(t, true)
	host.hello(info.Code, RoleHost, "")
	host.expect("snapshot", "")

	ada := th.dial(t, false)
	ada.hello(info.Code, RoleStudent, "")
	jr := ada.join("ada")
	if jr.ParticipantID != "p1" || jr.Nickname != "ada" || jr.Token == "" {
		t.Fatalf("join result = %+v", jr)
	}
	ada.expect("snapshot", "")
	host.expect(session.TypeParticipantJoined, "")

	if a := host.ack(host.command("ask_next", nil)); !a.OK {
		t.Fatalf("ask_next refused: %+v", a.Error)
	}
	opened := ada.expect(session.TypeQuestionOpened, "")
	if strings.Contains(string(opened.Data), "correct") || strings.Contains(string(opened.Data), "Correct") {
		t.Errorf("question_opened for a student carries the key: %s", opened.Data)
	}
	id := ada.command("answer", clientAnswer{QuestionID: "q1", Round: 1, Choices: []string{"a"}})
	if a := ada.ack(id); !a.OK {
		t.Fatalf("answer refused: %+v", a.Error)
	}
	// The same command again is the same answer, acknowledged again.
	ada.send("answer", id, clientAnswer{QuestionID: "q1", Round: 1, Choices: []string{"a"}})
	if a := ada.ack(id); !a.OK {
		t.Fatalf("repeated answer id refused: %+v", a.Error)
	}
	// A different command for the same question is refused.
	if a := ada.ack(ada.command("answer", clientAnswer{QuestionID: "q1", Round: 1, Choices: []string{"b"}})); a.OK || a.Error.Code != "already_answered" {
		t.Errorf("second answer: %+v", a)
	}
	if a := host.ack(host.command("reveal", nil)); !a.OK {
		t.Fatalf("reveal refused: %+v", a.Error)
	}
	res := ada.expect(session.TypeResult, "")
	if !strings.Contains(string(res.Data), `"right"`) {
		t.Errorf("result = %s, want right", res.Data)
	}
	// Every acknowledgement above is in the latency histogram: the join,
	// ask_next, three answers and the reveal.
	var m dto.Metric
	if err := th.hub.metrics.ackLatency.Write(&m); err != nil || m.GetHistogram().GetSampleCount() != 6 {
		t.Errorf("netstudy_live_ack_seconds counts %d acknowledgements (%v), want 6", m.GetHistogram().GetSampleCount(), err)
	}
}

func TestStudentCannotCommand(t *testing.T) {
	th := newTestHub(t)
	info := th.create(t)
	st := th.dial(t, false)
	st.hello(info.Code, RoleStudent, "")
	st.join("eve")
	for _, cmd := range []string{"ask_next", "reveal", "close", "end", "leaderboard", "reask", "lock", "unlock"} {
		if a := st.ack(st.command(cmd, nil)); a.OK || a.Error.Code != "forbidden" {
			t.Errorf("student %s: %+v, want forbidden", cmd, a)
		}
	}
	if a := st.ack(st.command("kick", map[string]string{"participant_id": "p1"})); a.OK || a.Error.Code != "forbidden" {
		t.Errorf("student kick: %+v", a)
	}
	// Claiming the host role without the cookie closes the connection.
	imp := th.dial(t, false)
	imp.send("hello", "", hello{Protocol: 1, Session: info.Code, Role: RoleHost})
	env := imp.expect("error", "")
	if !strings.Contains(string(env.Data), "forbidden") {
		t.Errorf("host hello without cookie: %s", env.Data)
	}
	if _, err := imp.next(); err == nil {
		t.Error("connection stayed open after a forbidden hello")
	}
}

func TestGarbageGetsErrorsThenClose(t *testing.T) {
	th := newTestHub(t)
	c := th.dial(t, false)
	for i := range maxStrikes {
		if err := c.conn.WriteMessage(websocket.TextMessage, []byte(fmt.Sprintf("{not json %d", i))); err != nil {
			break
		}
	}
	var errs int
	for {
		env, err := c.next()
		if err != nil {
			break
		}
		if env.Type == "error" {
			errs++
		}
	}
	if errs == 0 {
		t.Error("garbage got no error envelope")
	}
}

func TestBroadcastReachesFiftyStudents(t *testing.T) {
	th := newTestHub(t)
	info := th.create(t)
	host := th.dial(t, true)
	host.hello(info.Code, RoleHost, "")
	students := make([]*wsClient, 50)
	for i := range students {
		s := th.dial(t, false)
		s.hello(info.Code, RoleStudent, "")
		s.join(fmt.Sprintf("student-%02d", i))
		students[i] = s
	}
	if a := host.ack(host.command("ask_next", nil)); !a.OK {
		t.Fatal(a.Error)
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(students))
	for _, s := range students {
		wg.Add(1)
		go func(s *wsClient) {
			defer wg.Done()
			for {
				env, err := s.next()
				if err != nil {
					errs <- err
					return
				}
				if env.Type == session.TypeQuestionOpened {
					return
				}
			}
		}(s)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestTwoSessionsAreIsolated(t *testing.T) {
	th := newTestHub(t)
	one, two := th.create(t), th.create(t)
	host1 := th.dial(t, true)
	host1.hello(one.Code, RoleHost, "")
	s2 := th.dial(t, false)
	s2.hello(two.Code, RoleStudent, "")
	s2.join("bob")
	host1.ack(host1.command("ask_next", nil))
	// bob's session asks nothing: he must get nothing but pings.
	_ = s2.conn.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	var env Envelope
	for {
		if err := s2.conn.ReadJSON(&env); err != nil {
			break
		}
		if env.Type != "ping" && env.Type != "snapshot" && env.Type != "ack" {
			t.Errorf("a student of session two received %s from session one", env.Type)
		}
	}
}

func TestResumeReplaysMissedEventsOnce(t *testing.T) {
	th := newTestHub(t)
	info := th.create(t)
	host := th.dial(t, true)
	host.hello(info.Code, RoleHost, "")
	st := th.dial(t, false)
	st.hello(info.Code, RoleStudent, "")
	jr := st.join("cy")
	st.expect("snapshot", "")
	last := st.lastSeq
	st.conn.Close() // the phone's Wi-Fi drops

	host.ack(host.command("ask_next", nil))
	host.ack(host.command("close", nil))

	back := th.dial(t, false)
	back.lastSeq = last
	w := back.hello(info.Code, RoleStudent, jr.Token)
	if !strings.Contains(string(w.Data), `"resume":"replay"`) {
		t.Fatalf("welcome = %s, want a replay", w.Data)
	}
	back.expect(session.TypeQuestionOpened, "")
	back.expect(session.TypeQuestionClosed, "")
}

func TestTokenOfOneStudentCannotActAsAnother(t *testing.T) {
	th := newTestHub(t)
	info := th.create(t)
	a := th.dial(t, false)
	a.hello(info.Code, RoleStudent, "")
	ja := a.join("ann")
	forged := "p2." + strings.SplitN(ja.Token, ".", 2)[1]
	m := th.dial(t, false)
	m.send("hello", "", hello{Protocol: 1, Session: info.Code, Role: RoleStudent, Token: forged})
	m.expect("error", "")
	w := m.expect("welcome", "")
	if strings.Contains(string(w.Data), `"participant_id"`) {
		t.Errorf("a forged token was accepted: %s", w.Data)
	}
	if ack := m.ack(m.command("answer", clientAnswer{QuestionID: "q1", Round: 1, Choices: []string{"a"}})); ack.OK {
		t.Error("an unjoined connection answered")
	}
}

func TestLongPollingCarriesTheSameProtocol(t *testing.T) {
	th := newTestHub(t)
	info := th.create(t)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	res, err := client.Post(th.srv.URL+"/live/poll", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	var open struct{ CID string }
	json.NewDecoder(res.Body).Decode(&open)
	res.Body.Close()
	send := func(body string) {
		t.Helper()
		res, err := client.Post(th.srv.URL+"/live/send?cid="+url.QueryEscape(open.CID), "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNoContent {
			t.Fatalf("send = %d", res.StatusCode)
		}
	}
	poll := func() []Envelope {
		t.Helper()
		res, err := client.Get(th.srv.URL + "/live/poll?cid=" + url.QueryEscape(open.CID))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var envs []Envelope
		if err := json.NewDecoder(res.Body).Decode(&envs); err != nil {
			t.Fatalf("poll: %v", err)
		}
		return envs
	}
	send(fmt.Sprintf(`[{"type":"hello","data":{"protocol":1,"session":%q,"role":"student"}},{"type":"join","id":"j1","data":{"nickname":"polly"}}]`, info.Code))
	var types []string
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) && !contains(types, "snapshot") {
		for _, e := range poll() {
			types = append(types, e.Type)
		}
	}
	for _, want := range []string{"welcome", "ack", "snapshot"} {
		if !contains(types, want) {
			t.Errorf("polling got %v, missing %s", types, want)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestSessionSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	th := startTestHub(t, dir)
	info := th.create(t)
	host := th.dial(t, true)
	host.hello(info.Code, RoleHost, "")
	st := th.dial(t, false)
	st.hello(info.Code, RoleStudent, "")
	jr := st.join("dee")
	host.ack(host.command("ask_next", nil))
	if a := st.ack(st.command("answer", clientAnswer{QuestionID: "q1", Round: 1, Choices: []string{"a"}})); !a.OK {
		t.Fatal(a.Error)
	}
	th.stop()

	th2 := startTestHub(t, dir)
	back := th2.dial(t, false)
	w := back.hello(info.Code, RoleStudent, jr.Token)
	if !strings.Contains(string(w.Data), `"participant_id":"p1"`) {
		t.Fatalf("after restart the token no longer works: %s", w.Data)
	}
	snap := back.expect("snapshot", "")
	if !strings.Contains(string(snap.Data), `"answered":true`) {
		t.Errorf("after restart the acknowledged answer is gone: %s", snap.Data)
	}
	rep, err := th2.hub.Results(context.Background(), info.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results.Participants) != 1 {
		t.Errorf("results after restart: %+v", rep.Results)
	}
}

func TestReusedJoinIDDoesNotGiveAwayIdentity(t *testing.T) {
	th := newTestHub(t)
	info := th.create(t)
	a := th.dial(t, false)
	a.hello(info.Code, RoleStudent, "")
	a.send("join", "same-id", map[string]string{"nickname": "ann"})
	first := a.ack("same-id")
	b := th.dial(t, false)
	b.hello(info.Code, RoleStudent, "")
	b.send("join", "same-id", map[string]string{"nickname": "ben"})
	second := b.ack("same-id")
	if !first.OK || !second.OK {
		t.Fatalf("joins refused: %+v %+v", first, second)
	}
	if string(first.Result.(json.RawMessage)) == string(second.Result.(json.RawMessage)) {
		t.Fatalf("a second student reusing a join id got the first one's identity: %s", second.Result)
	}
	// The same join retried (same id, same nickname) is the same student.
	c := th.dial(t, false)
	c.hello(info.Code, RoleStudent, "")
	c.send("join", "same-id", map[string]string{"nickname": "ann"})
	if again := c.ack("same-id"); string(again.Result.(json.RawMessage)) != string(first.Result.(json.RawMessage)) {
		t.Errorf("a retried join got %s, want %s", again.Result, first.Result)
	}
}

// Wrong join codes from one address are limited; a class behind that
// address (one school NAT) still joins with the right code, and phones
// with a resume token and the instructor's screens reconnect.
func TestWrongJoinCodesLimitNobodyWithTheRightCode(t *testing.T) {
	th := newTestHub(t)
	info := th.create(t)
	early, jr := th.student(t, info.Code, "early")
	early.conn.Close()
	var limited bool
	for i := range codeFailBurst + 5 {
		c := th.dial(t, false)
		c.send("hello", "", hello{Protocol: 1, Session: fmt.Sprintf("9%05d", i), Role: RoleStudent})
		env := c.expect("error", "")
		c.conn.Close()
		if strings.Contains(string(env.Data), "too_many_attempts") {
			limited = true
			break
		}
	}
	if !limited {
		t.Fatal("wrong join codes were never rate-limited")
	}
	for i := range 30 {
		c := th.dial(t, false)
		c.send("hello", "", hello{Protocol: 1, Session: info.Code, Role: RoleStudent})
		if env, err := c.next(); err != nil || env.Type != "welcome" {
			t.Fatalf("student %d with the right code after the wrong ones: %s %s %v", i, env.Type, env.Data, err)
		}
		c.join(fmt.Sprintf("s%02d", i))
		c.conn.Close()
	}
	back := th.dial(t, false)
	back.lastSeq = early.lastSeq
	w := back.hello(info.Code, RoleStudent, jr.Token)
	if !strings.Contains(string(w.Data), jr.ParticipantID) {
		t.Errorf("a phone with its resume token was not let back in: %s", w.Data)
	}
	th.host(t, info.Code)
	// Wrong codes are still refused.
	c := th.dial(t, false)
	c.send("hello", "", hello{Protocol: 1, Session: "999999", Role: RoleStudent})
	if env := c.expect("error", ""); !strings.Contains(string(env.Data), "too_many_attempts") {
		t.Errorf("a wrong code after the limit: %s", env.Data)
	}
}

// The guard's arithmetic, on a clock of its own: wrong codes are limited,
// right ones pass, and past the limit every lookup spends the second
// allowance, so that a guesser cannot tell right from wrong at full speed.
func TestCodeGuard(t *testing.T) {
	g := newCodeGuard()
	now := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	const ip = "10.0.0.1"
	for i := range 1000 {
		if err := g.lookup(ip, true, now); err != nil {
			t.Fatalf("right code %d refused before any wrong one", i)
		}
	}
	for i := range codeFailBurst {
		if err := g.lookup(ip, false, now); err != nil {
			t.Fatalf("wrong code %d within the burst: %v", i, err)
		}
	}
	if err := g.lookup(ip, false, now); !errors.Is(err, ErrTooManyAttempts) {
		t.Fatalf("wrong code past the burst: %v", err)
	}
	answered := 0
	for range 3 * flaggedBurst {
		if g.lookup(ip, true, now) == nil {
			answered++
		}
	}
	if answered < 60 || answered > flaggedBurst {
		t.Errorf("past the burst, %d right codes let in at once; want 60 to %d", answered, flaggedBurst)
	}
	if err := g.lookup("10.0.0.2", false, now); err != nil {
		t.Errorf("another address is limited too: %v", err)
	}
	later := now.Add(codeFailEvery)
	if err := g.lookup(ip, true, later); err != nil {
		t.Errorf("right code once the limit refilled: %v", err)
	}
}

// Over long polling a student is exactly as powerless as over WebSocket.
func TestStudentCannotCommandOverLongPolling(t *testing.T) {
	th := newTestHub(t)
	info := th.create(t)
	client := &http.Client{Timeout: 30 * time.Second}
	res, err := client.Post(th.srv.URL+"/live/poll", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	var open struct{ CID string }
	json.NewDecoder(res.Body).Decode(&open)
	res.Body.Close()
	body := fmt.Sprintf(`[{"type":"hello","data":{"protocol":1,"session":%q,"role":"student"}},{"type":"join","id":"j1","data":{"nickname":"poll"}},`+
		`{"type":"ask_next","id":"h1"},{"type":"reveal","id":"h2"},{"type":"end","id":"h3"},{"type":"kick","id":"h4","data":{"participant_id":"p1"}}]`, info.Code)
	res, err = client.Post(th.srv.URL+"/live/send?cid="+open.CID, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	forbidden := map[string]bool{}
	deadline := time.Now().Add(10 * time.Second)
	for len(forbidden) < 4 && time.Now().Before(deadline) {
		res, err := client.Get(th.srv.URL + "/live/poll?cid=" + open.CID)
		if err != nil {
			t.Fatal(err)
		}
		var envs []Envelope
		json.NewDecoder(res.Body).Decode(&envs)
		res.Body.Close()
		for _, e := range envs {
			if e.Type == "ack" && strings.HasPrefix(e.ID, "h") {
				if !strings.Contains(string(e.Data), `"forbidden"`) {
					t.Errorf("host command %s over polling: %s", e.ID, e.Data)
				}
				forbidden[e.ID] = true
			}
		}
	}
	if len(forbidden) != 4 {
		t.Errorf("only %d of 4 host commands were answered", len(forbidden))
	}
	rep, _ := th.hub.Results(context.Background(), info.ID)
	if rep.Results.State != session.Lobby {
		t.Errorf("a student's long-polling commands changed the session: %s", rep.Results.State)
	}
}

// The instructor's dashboard gets the open question's key; the projector,
// which shares the host's events, never does before the reveal.
func TestAnswerKeyGoesToTheDashboardOnly(t *testing.T) {
	th := newTestHub(t)
	info := th.create(t)
	dash := th.dial(t, true)
	dash.hello(info.Code, RoleHost, "")
	proj := th.dial(t, true)
	proj.hello(info.Code, RolePresenter, "")
	dash.ack(dash.command("ask_next", nil))
	k := dash.expect("answer_key", "")
	if !strings.Contains(string(k.Data), `"question_id":"q1"`) || !strings.Contains(string(k.Data), `"a"`) {
		t.Errorf("answer_key = %s", k.Data)
	}
	proj.expect(session.TypeQuestionOpened, "")
	_ = proj.conn.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	for {
		var env Envelope
		if err := proj.conn.ReadJSON(&env); err != nil {
			break
		}
		if env.Type == "answer_key" {
			t.Fatal("the projector received the answer key before the reveal")
		}
	}
}

func TestEndedSessionRetiresToTheStore(t *testing.T) {
	th := startTestHubWith(t, t.TempDir(), func(c *testConfig) { c.EndedLinger = 20 * time.Millisecond })
	h, ctx := th.hub, context.Background()
	info, err := h.Create(ctx, session.Setup{Title: "t", Options: session.DefaultOptions(), Questions: testQuestions()})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := h.actorByID(info.ID)
	if err := a.do(ctx, func(a *actor) { _, _ = a.sess.End(h.now()) }); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, running := h.actorByID(info.ID); !running {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("an ended session never retired")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := h.Lookup(ctx, "10.0.0.9", info.Code); !errors.Is(err, ErrNoSession) {
		t.Errorf("the code of a retired session still resolves: %v", err)
	}
	if rep, err := h.Results(ctx, info.ID); err != nil || rep.Info.ID != info.ID {
		t.Errorf("results of a retired session: %+v %v", rep.Info, err)
	}
}

// A flood of messages gets "flood" errors and then the connection closed,
// while another student of the same session carries on.
func TestFloodIsRefusedOthersUnaffected(t *testing.T) {
	th := newTestHub(t)
	info := th.create(t)
	calm := th.dial(t, false)
	calm.hello(info.Code, RoleStudent, "")
	calm.join("calm")
	noisy := th.dial(t, false)
	noisy.hello(info.Code, RoleStudent, "")
	noisy.join("noisy")
	for i := range 200 {
		raw := fmt.Sprintf(`{"type":"pong","data":{"t":%d}}`, i+1)
		if err := noisy.conn.WriteMessage(websocket.TextMessage, []byte(raw)); err != nil {
			break
		}
	}
	flooded := false
	for {
		env, err := noisy.next()
		if err != nil {
			break // closed, as it should be after too many
		}
		if env.Type == "error" && strings.Contains(string(env.Data), `"flood"`) {
			flooded = true
		}
	}
	if !flooded {
		t.Error("a flood got no flood error")
	}
	host := th.dial(t, true)
	host.hello(info.Code, RoleHost, "")
	host.ack(host.command("ask_next", nil))
	calm.expect(session.TypeQuestionOpened, "")
	if a := calm.ack(calm.command("answer", clientAnswer{QuestionID: "q1", Round: 1, Choices: []string{"a"}})); !a.OK {
		t.Errorf("the calm student could not answer: %+v", a.Error)
	}
}
