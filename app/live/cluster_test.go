package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"netstudy/app/auth"
	"netstudy/app/cmdlog"
	"netstudy/app/jslog"
	"netstudy/app/natstest"
	"netstudy/app/session"
)

// clusterWait bounds the waits of the cluster tests: far above a NATS
// round trip, far below CI's patience.
const clusterWait = 30 * time.Second

// startClusterHub starts a hub in cluster mode on its own connection to
// one server of the NATS cluster, with the cluster's secret, as run does.
func startClusterHub(t *testing.T, c *natstest.Cluster, server int, tune ...func(*testConfig)) *testHub {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clusterWait)
	defer cancel()
	jl, err := jslog.Open(ctx, jslog.Config{URLs: c.Servers[server].URL(), Name: fmt.Sprintf("hub%d", server)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(jl.Close) // after the hub has stopped: cleanups run last first
	secret, err := jl.Secret(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return startTestHubWith(t, t.TempDir(), func(cfg *testConfig) {
		cfg.Cluster = jl
		cfg.Auth = auth.New(testKey, secret)
		for _, f := range tune {
			f(cfg)
		}
	})
}

// askFirst connects the instructor and a student, ada, to the session on
// hub th, and opens its first question.
func (th *testHub) askFirst(t *testing.T, code string) (host, st *wsClient) {
	t.Helper()
	host = th.dial(t, true)
	host.hello(code, RoleHost, "")
	st = th.dial(t, false)
	st.hello(code, RoleStudent, "")
	st.join("ada")
	if ack := host.ack(host.command("ask_next", nil)); !ack.OK {
		t.Fatalf("ask_next refused: %+v", ack.Error)
	}
	return host, st
}

// seqsOf lists the seq of every numbered event of the types given, in the
// order the client saw them.
func seqsOf(seen []Envelope, types ...string) []string {
	var out []string
	for _, e := range seen {
		for _, typ := range types {
			if e.Type == typ && e.Seq != 0 {
				out = append(out, fmt.Sprintf("%s#%d", e.Type, e.Seq))
			}
		}
	}
	return out
}

// TestClusterTwoHubs plays a quiz on two hubs of one NATS cluster, with
// real WebSockets on both: the instructor and one student on the first,
// another student on the second, which has never heard of the session
// and loads it from the log when the student says hello. Both nodes
// number every event the same; a student who loses the first node
// resumes on the second with its token and last seq and misses nothing;
// an answer sent again through the other node is stored and counted once.
func TestClusterTwoHubs(t *testing.T) {
	t.Parallel()
	c := natstest.Start(t)
	a := startClusterHub(t, c, 0)
	b := startClusterHub(t, c, 1)
	info := a.create(t)

	host := a.dial(t, true)
	host.hello(info.Code, RoleHost, "")
	host.expect("snapshot", "")
	ada := a.dial(t, false)
	ada.hello(info.Code, RoleStudent, "")
	adaID := ada.join("ada")
	ada.expect("snapshot", "")
	bob := b.dial(t, false)
	bob.hello(info.Code, RoleStudent, "") // b loads the session from the log
	bobID := bob.join("bob")
	bob.expect("snapshot", "")
	if adaID.ParticipantID == bobID.ParticipantID {
		t.Fatalf("two students got one participant id %q", adaID.ParticipantID)
	}
	host.expect(session.TypeParticipantJoined, "")
	host.expect(session.TypeParticipantJoined, "")

	if ack := host.ack(host.command("ask_next", nil)); !ack.OK {
		t.Fatalf("ask_next refused: %+v", ack.Error)
	}
	ada.expect(session.TypeQuestionOpened, "")
	bob.expect(session.TypeQuestionOpened, "")
	if ack := ada.ack(ada.command("answer", clientAnswer{QuestionID: "q1", Round: 1, Choices: []string{"a"}})); !ack.OK {
		t.Fatalf("ada's answer refused: %+v", ack.Error)
	}
	bobAnswer := bob.command("answer", clientAnswer{QuestionID: "q1", Round: 1, Choices: []string{"b"}})
	if ack := bob.ack(bobAnswer); !ack.OK {
		t.Fatalf("bob's answer refused: %+v", ack.Error)
	}

	// Bob's phone loses node b and sends its answer again through node
	// a with the same command id, as live.js does with its outbox.
	bob.conn.Close()
	bob2 := a.dial(t, false)
	bob2.lastSeq = bob.lastSeq
	bob2.hello(info.Code, RoleStudent, bobID.Token)
	bob2.send("answer", bobAnswer, clientAnswer{QuestionID: "q1", Round: 1, Choices: []string{"b"}})
	if ack := bob2.ack(bobAnswer); !ack.OK {
		t.Fatalf("bob's answer sent again refused: %+v", ack.Error)
	}

	// Ada's node goes away for her: she misses the close and the reveal.
	ada.conn.Close()
	if ack := host.ack(host.command("close", nil)); !ack.OK {
		t.Fatalf("close refused: %+v", ack.Error)
	}
	if ack := host.ack(host.command("reveal", nil)); !ack.OK {
		t.Fatalf("reveal refused: %+v", ack.Error)
	}
	bob2.expect(session.TypeRevealed, "")

	// She resumes on node b with her token and last seq: a replay, not a
	// snapshot, with the very seqs bob saw on node a.
	ada2 := b.dial(t, false)
	ada2.lastSeq = ada.lastSeq
	w := ada2.hello(info.Code, RoleStudent, adaID.Token)
	var welcome welcomeData
	if err := json.Unmarshal(w.Data, &welcome); err != nil {
		t.Fatal(err)
	}
	if welcome.Resume != "replay" || welcome.ParticipantID != adaID.ParticipantID {
		t.Fatalf("resume on the other node: %+v, want a replay for %s", welcome, adaID.ParticipantID)
	}
	ada2.expect(session.TypeRevealed, "")
	ada2.expect(session.TypeResult, "")
	shared := []string{session.TypeQuestionClosed, session.TypeRevealed}
	got := seqsOf(ada2.seen, shared...)
	want := seqsOf(bob2.seen, shared...)
	if len(got) != 2 || !reflect.DeepEqual(got, want) {
		t.Fatalf("ada resumed on node b with %v; bob on node a saw %v", got, want)
	}
	var adaResult session.Result
	for _, e := range ada2.seen {
		if e.Type == session.TypeResult {
			_ = json.Unmarshal(e.Data, &adaResult)
		}
	}
	if adaResult.Outcome != "right" || adaResult.Points == 0 {
		t.Errorf("ada's result after the resume = %+v, want right", adaResult)
	}

	// Both nodes hold the same results, with bob's answer once.
	ctx, cancel := context.WithTimeout(context.Background(), clusterWait)
	defer cancel()
	ra, err := a.hub.Results(ctx, info.ID)
	if err != nil {
		t.Fatal(err)
	}
	rb, err := b.hub.Results(ctx, info.ID)
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(ra.Results)
	jb, _ := json.Marshal(rb.Results)
	if string(ja) != string(jb) {
		t.Errorf("results differ between the nodes:\na: %s\nb: %s", ja, jb)
	}
	if n := len(ra.Results.Rounds); n != 1 || ra.Results.Rounds[0].Answered != 2 {
		t.Errorf("results: %d rounds, %+v; want one round with 2 answers", n, ra.Results.Rounds)
	}
	cmds, err := a.hub.cl.Commands(ctx, info.ID)
	if err != nil {
		t.Fatal(err)
	}
	answers := 0
	for _, cmd := range cmds {
		if cmd.Kind == "answer" {
			answers++
		}
	}
	if answers != 2 {
		t.Errorf("the log holds %d answers, want 2 (bob's twice-sent answer once)", answers)
	}
}

// waitUntil calls cond until it holds, or fails the test after clusterWait.
// It waits on a ticker, not a sleep: what it waits for (a connection to
// NATS coming back) has no event to wait on.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(2 * clusterWait)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline:
			t.Fatalf("still waiting for %s", what)
		case <-tick.C:
		}
	}
}

// TestClusterWithoutNATS takes every NATS server away mid-question: the
// node says it is unhealthy, refuses the answer with "unavailable" rather
// than acknowledge what it could not store, and once NATS is back takes
// the same command again, without a restart, and stores it once.
func TestClusterWithoutNATS(t *testing.T) {
	t.Parallel()
	c := natstest.Start(t)
	// The clients read only while the test waits on them, so they answer
	// no ping while it waits for NATS (a restart of three servers takes
	// seconds on a loaded machine): the heartbeat is not what is tested.
	a := startClusterHub(t, c, 0, func(cfg *testConfig) { cfg.wire.ReadTimeout = 10 * time.Minute })
	info := a.create(t)
	host, st := a.askFirst(t, info.Code)
	st.expect(session.TypeQuestionOpened, "")
	// Each check has a short bound of its own, as /healthz does: a request
	// sent just before the connection went can wait for its whole context.
	healthy := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		return a.hub.Healthy(ctx)
	}
	if err := healthy(); err != nil {
		t.Fatalf("healthy with NATS up: %v", err)
	}

	for i := range natstest.Size {
		c.Kill(i)
	}
	waitUntil(t, "the node to notice NATS is gone", func() bool { return healthy() != nil })
	answer := clientAnswer{QuestionID: "q1", Round: 1, Choices: []string{"a"}}
	id := st.command("answer", answer)
	if ack := st.ack(id); ack.OK || ack.Error.Code != "unavailable" || ack.Error.Message == "" {
		t.Fatalf("answer without NATS: %+v, want refused as unavailable with a message", ack)
	}

	c.Restart(0, 1, 2)
	waitUntil(t, "the node to reach NATS again", func() bool { return healthy() == nil })
	// The page sends the refused command again with the same id until
	// it is acknowledged.
	for {
		st.send("answer", id, answer)
		ack := st.ack(id)
		if ack.OK {
			break
		}
		if ack.Error.Code != "unavailable" {
			t.Fatalf("answer once NATS is back: %+v", ack)
		}
	}
	if ack := host.ack(host.command("close", nil)); !ack.OK {
		t.Fatalf("close once NATS is back: %+v", ack.Error)
	}
	closed := st.expect(session.TypeQuestionClosed, "")
	var cp struct {
		Answered int `json:"answered"`
	}
	if err := json.Unmarshal(closed.Data, &cp); err != nil || cp.Answered != 1 {
		t.Errorf("question closed with %s, want 1 answer", closed.Data)
	}
}

// TestClusterDeadlineOnce lets a question's time run out with clients on
// two hubs: both fire the deadline, the log keeps one tick, and both
// number the close the same.
func TestClusterDeadlineOnce(t *testing.T) {
	t.Parallel()
	c := natstest.Start(t)
	a := startClusterHub(t, c, 0)
	b := startClusterHub(t, c, 2)
	qs := testQuestions()
	qs[0].TimeLimit = time.Second
	info, err := a.hub.Create(context.Background(), session.Setup{Title: "Quick", Options: session.DefaultOptions(), Questions: qs})
	if err != nil {
		t.Fatal(err)
	}
	host := a.dial(t, true)
	host.hello(info.Code, RoleHost, "")
	ada := a.dial(t, false)
	ada.hello(info.Code, RoleStudent, "")
	ada.join("ada")
	bob := b.dial(t, false)
	bob.hello(info.Code, RoleStudent, "")
	bob.join("bob")
	if ack := host.ack(host.command("ask_next", nil)); !ack.OK {
		t.Fatalf("ask_next refused: %+v", ack.Error)
	}
	onA := ada.expect(session.TypeQuestionClosed, "")
	onB := bob.expect(session.TypeQuestionClosed, "")
	if onA.Seq != onB.Seq || onA.Seq == 0 {
		t.Errorf("question_closed is #%d on one node, #%d on the other", onA.Seq, onB.Seq)
	}
	if kinds := loggedKinds(t, a, info.ID); fmt.Sprint(kinds) != "[join join ask_next tick]" {
		t.Errorf("the log holds %v, want one tick after the question", kinds)
	}
}

// loggedKinds lists the kind of every command of a session's log, as the
// hub's node reads it from the cluster.
func loggedKinds(t *testing.T, h *testHub, sessionID string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clusterWait)
	defer cancel()
	cmds, err := h.hub.cl.Commands(ctx, sessionID)
	if err != nil {
		t.Fatal(err)
	}
	kinds := make([]string, len(cmds))
	for i, cmd := range cmds {
		kinds[i] = cmd.Kind
	}
	return kinds
}

// TestClusterPresence shows the instructor, on one node, a student
// connected to another: connected, with its transport and round-trip
// time, as the other node measured them.
func TestClusterPresence(t *testing.T) {
	t.Parallel()
	c := natstest.Start(t)
	a := startClusterHub(t, c, 0)
	b := startClusterHub(t, c, 1)
	info := a.create(t)
	host := a.dial(t, true)
	host.hello(info.Code, RoleHost, "")
	bob := b.dial(t, false)
	bob.hello(info.Code, RoleStudent, "")
	bobID := bob.join("bob")
	// Bob's phone answers node b's pings while the host waits.
	done := make(chan struct{})
	defer func() { bob.conn.Close(); <-done }()
	go func() {
		defer close(done)
		for {
			if _, err := bob.next(); err != nil {
				return
			}
		}
	}()
	giveUp := time.Now().Add(clusterWait)
	for {
		if time.Now().After(giveUp) {
			t.Fatal("the dashboard never listed bob as connected to the other node")
		}
		env := host.expect("presence", "")
		var p struct {
			Participants []Presence `json:"participants"`
		}
		if err := json.Unmarshal(env.Data, &p); err != nil {
			t.Fatal(err)
		}
		if len(p.Participants) == 1 {
			got := p.Participants[0]
			if got.ParticipantID == bobID.ParticipantID && got.Connected && got.Transport == TransportWebSocket && got.RTTMillis != nil {
				if got.Nickname != "bob" {
					t.Errorf("presence names bob %q", got.Nickname)
				}
				return
			}
		}
	}
}

// TestClusterListEndResults runs the instructor's list on other nodes
// than the one that created the session: the second node lists it as
// running and ends it, the creator's dashboard sees the end, and a third
// node that never followed the session rebuilds its results from the log.
func TestClusterListEndResults(t *testing.T) {
	t.Parallel()
	c := natstest.Start(t)
	a := startClusterHub(t, c, 0)
	b := startClusterHub(t, c, 1)
	third := startClusterHub(t, c, 2)
	const source = "quiz:tcp-udp"
	info, err := a.hub.Create(context.Background(), session.Setup{Title: "Transport", Source: source, Options: session.DefaultOptions(), Questions: testQuestions()})
	if err != nil {
		t.Fatal(err)
	}
	if third.hub.SourceLive(source) {
		t.Fatal("a session waiting for its class locks its quiz")
	}
	host := a.dial(t, true)
	host.hello(info.Code, RoleHost, "")
	st := a.dial(t, false)
	st.hello(info.Code, RoleStudent, "")
	st.join("ada")
	// A student in it: its quiz is out of practice on every node.
	waitUntil(t, "the quiz locked on a node that does not follow the session", func() bool { return third.hub.SourceLive(source) })

	ctx, cancel := context.WithTimeout(context.Background(), clusterWait)
	defer cancel()
	running, err := b.hub.Running(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(running) != 1 || running[0].ID != info.ID || running[0].Players != 1 {
		t.Fatalf("running on the other node = %+v, want %s with 1 player", running, info.ID)
	}
	if err := b.hub.End(ctx, info.ID); err != nil {
		t.Fatalf("end from the other node: %v", err)
	}
	st.expect(session.TypeEnded, "")
	host.expect(session.TypeEnded, "")

	r, err := third.hub.Results(ctx, info.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Info.State != string(session.Ended) || len(r.Results.Participants) != 1 || r.Results.Participants[0].Nickname != "ada" {
		t.Errorf("results on a third node: %+v, want ended with ada", r)
	}
	for _, id := range []string{"no-such-session", "../etc", "a.b", ""} {
		if _, err := third.hub.Results(ctx, id); !errors.Is(err, ErrNoSession) {
			t.Errorf("results of %q: %v, want ErrNoSession", id, err)
		}
	}
	if running, err := third.hub.Running(ctx); err != nil || len(running) != 0 {
		t.Errorf("running after the end = %+v, %v; want none", running, err)
	}
	waitUntil(t, "the quiz free again once the session ended", func() bool { return !third.hub.SourceLive(source) })
}

// openPoll opens a long-polling channel on a node.
func openPoll(t *testing.T, base string) *pollClient {
	t.Helper()
	hc := &http.Client{Timeout: clusterWait}
	res, err := hc.Post(base+"/live/poll", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var open struct{ CID string }
	if err := json.NewDecoder(res.Body).Decode(&open); err != nil || open.CID == "" {
		t.Fatalf("open a poll channel: %v", err)
	}
	return &pollClient{t: t, http: hc, base: base, cid: open.CID}
}

// TestClusterLongPollingMovesNodes plays over long polling with no sticky
// load balancer: a student's channel on one node is gone when its next
// request reaches the other, and the channel it opens there resumes from
// its last seq, missing nothing, with the seqs the instructor saw.
func TestClusterLongPollingMovesNodes(t *testing.T) {
	t.Parallel()
	c := natstest.Start(t)
	a := startClusterHub(t, c, 0)
	b := startClusterHub(t, c, 1)
	info := a.create(t)
	host := a.dial(t, true)
	host.hello(info.Code, RoleHost, "")

	polly := openPoll(t, b.srv.URL)
	polly.send(fmt.Sprintf(`[{"type":"hello","data":{"protocol":1,"session":%q,"role":"student"}},{"type":"join","id":"pj1","data":{"nickname":"polly"}}]`, info.Code))
	polly.until("snapshot")
	var joined joinResult
	for _, e := range polly.envs {
		if e.Type == "ack" && e.ID == "pj1" {
			var d struct {
				Result joinResult `json:"result"`
			}
			if err := json.Unmarshal(e.Data, &d); err != nil {
				t.Fatal(err)
			}
			joined = d.Result
		}
	}
	if joined.Token == "" {
		t.Fatalf("no join result over polling: %v", polly.types)
	}
	if ack := host.ack(host.command("ask_next", nil)); !ack.OK {
		t.Fatalf("ask_next refused: %+v", ack.Error)
	}
	polly.until(session.TypeQuestionOpened)
	polly.send(`{"type":"answer","id":"pa1","data":{"question_id":"q1","round":1,"choices":["a"]}}`)
	polly.until("ack")

	// The question closes and is revealed while polly's next request is
	// on its way to the other node.
	if ack := host.ack(host.command("close", nil)); !ack.OK {
		t.Fatalf("close refused: %+v", ack.Error)
	}
	if ack := host.ack(host.command("reveal", nil)); !ack.OK {
		t.Fatalf("reveal refused: %+v", ack.Error)
	}
	host.expect(session.TypeRevealed, "")
	moved := openPoll(t, a.srv.URL)
	moved.lastSeq = polly.lastSeq
	moved.send(fmt.Sprintf(`{"type":"hello","data":{"protocol":1,"session":%q,"role":"student","token":%q,"last_seq":%d}}`, info.Code, joined.Token, polly.lastSeq))
	moved.until(session.TypeResult)
	moved.until(session.TypeRevealed)
	shared := []string{session.TypeQuestionClosed, session.TypeRevealed}
	got := seqsOf(moved.envs, shared...)
	want := seqsOf(host.seen, shared...)
	if len(got) != 2 || !reflect.DeepEqual(got, want) {
		t.Fatalf("polly on the other node got %v; the instructor saw %v", got, want)
	}
	for _, e := range moved.envs {
		if e.Type == "welcome" && !strings.Contains(string(e.Data), `"resume":"replay"`) {
			t.Errorf("welcome on the other node: %s, want a replay", e.Data)
		}
	}
}

// TestClusterClockSkew applies a log whose answer was stamped by a node
// whose clock is behind the one that opened the question (each node
// stamps what it appends with its own clock): every node counts it as
// instant, none as faster than possible, and all agree.
func TestClusterClockSkew(t *testing.T) {
	t.Parallel()
	c := natstest.Start(t)
	a := startClusterHub(t, c, 0)
	b := startClusterHub(t, c, 1)
	info := a.create(t)
	ctx, cancel := context.WithTimeout(context.Background(), clusterWait)
	defer cancel()
	opened := time.Now().Truncate(time.Microsecond)
	log := []cmdlog.Command{
		{ID: "j.x.j1", Kind: "join", At: opened.Add(-time.Second), Payload: []byte(`{"nickname":"ada","command_id":"j1"}`)},
		{ID: "h.ask", Kind: "ask_next", At: opened, Payload: []byte(`{}`)},
		// Stamped 5 ms before the question opened, by a node behind.
		{ID: "p.p1.a1", Kind: "answer", At: opened.Add(-5 * time.Millisecond),
			Payload: []byte(`{"participant_id":"p1","command_id":"a1","question_id":"q1","round":1,"answer":{"choices":["a"]}}`)},
	}
	if _, err := a.hub.cl.Append(ctx, info.ID, log, cmdlog.Fence{}); err != nil {
		t.Fatal(err)
	}
	// Node a runs the session: it applies the log as its follower
	// delivers it. Node b rebuilds it from the log when asked.
	waitUntil(t, "node a to apply the log", func() bool {
		r, err := a.hub.Results(ctx, info.ID)
		return err == nil && len(r.Results.Rounds) == 1 && len(r.Results.Rounds[0].Answers) == 1
	})
	for name, th := range map[string]*testHub{"a": a, "b": b} {
		r, err := th.hub.Results(ctx, info.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Results.Rounds) != 1 || len(r.Results.Rounds[0].Answers) != 1 {
			t.Fatalf("node %s: results %+v, want one answer", name, r.Results.Rounds)
		}
		if ms := r.Results.Rounds[0].Answers[0].ElapsedMS; ms != 0 {
			t.Errorf("node %s: the answer took %d ms, want 0 (not before the question)", name, ms)
		}
	}
}

// TestClusterSignOutEverywhere signs the instructor out on one node: the
// dashboard open on another is closed, told why, and the cookie it used
// is refused there too.
func TestClusterSignOutEverywhere(t *testing.T) {
	t.Parallel()
	c := natstest.Start(t)
	a := startClusterHub(t, c, 0)
	b := startClusterHub(t, c, 1)
	info := a.create(t)
	cookie := b.hub.auth.InstructorCookie()
	dash := b.dial(t, true)
	dash.hello(info.Code, RoleHost, "")
	dash.expect("snapshot", "")
	ctx, cancel := context.WithTimeout(context.Background(), clusterWait)
	defer cancel()
	if err := a.hub.SignOutInstructor(ctx); err != nil {
		t.Fatal(err)
	}
	env := dash.expect("error", "")
	if !strings.Contains(string(env.Data), "forbidden") {
		t.Errorf("the dashboard on the other node heard %s, want forbidden", env.Data)
	}
	if b.hub.auth.CheckInstructorCookie(cookie) {
		t.Error("the other node still takes a cookie issued before the sign-out")
	}
}

// TestClusterNodeStopsMidBurst stops a node while its students' answers
// are on their way: each student resumes on the other node with its token
// and last seq and sends what it was not acknowledged again, with the same
// id. Every answer is counted once, acknowledged or not before the stop.
func TestClusterNodeStopsMidBurst(t *testing.T) {
	t.Parallel()
	const students = 10
	c := natstest.Start(t)
	a := startClusterHub(t, c, 0)
	b := startClusterHub(t, c, 1)
	info := b.create(t)
	host := b.dial(t, true)
	host.hello(info.Code, RoleHost, "")
	phones := make([]*wsClient, students)
	tokens := make([]string, students)
	for i := range phones {
		phones[i] = a.dial(t, false)
		phones[i].hello(info.Code, RoleStudent, "")
		tokens[i] = phones[i].join(fmt.Sprintf("s%02d", i)).Token
	}
	if ack := host.ack(host.command("ask_next", nil)); !ack.OK {
		t.Fatalf("ask_next refused: %+v", ack.Error)
	}
	answer := clientAnswer{QuestionID: "q1", Round: 1, Choices: []string{"a"}}
	ids := make([]string, students)
	for i, p := range phones {
		p.expect(session.TypeQuestionOpened, "")
		ids[i] = p.command("answer", answer)
	}
	// Mid-burst: once the first answer is acknowledged, the rest are
	// acknowledged, in flight, or stored but not yet acknowledged.
	if ack := phones[0].ack(ids[0]); !ack.OK {
		t.Fatalf("first answer refused: %+v", ack.Error)
	}
	a.stop()
	acked := 1
	for i, p := range phones[1:] {
		i++
		for {
			env, err := p.next()
			if err != nil {
				break
			}
			if env.Type == "ack" && env.ID == ids[i] && strings.Contains(string(env.Data), `"ok":true`) {
				acked++
			}
		}
	}
	t.Logf("%d of %d answers acknowledged before the node stopped", acked, students)

	for i, p := range phones {
		moved := b.dial(t, false)
		moved.lastSeq = p.lastSeq
		moved.hello(info.Code, RoleStudent, tokens[i])
		moved.send("answer", ids[i], answer)
		if ack := moved.ack(ids[i]); !ack.OK {
			t.Fatalf("student %d's answer sent again on the other node: %+v", i, ack.Error)
		}
	}
	if ack := host.ack(host.command("close", nil)); !ack.OK {
		t.Fatalf("close refused: %+v", ack.Error)
	}
	closed := host.expect(session.TypeQuestionClosed, "")
	var cp struct {
		Answered int `json:"answered"`
	}
	if err := json.Unmarshal(closed.Data, &cp); err != nil || cp.Answered != students {
		t.Errorf("question closed with %s, want %d answers", closed.Data, students)
	}
	ctx, cancel := context.WithTimeout(context.Background(), clusterWait)
	defer cancel()
	cmds, err := b.hub.cl.Commands(ctx, info.ID)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]int{}
	for _, cmd := range cmds {
		if cmd.Kind == "answer" {
			stored[cmd.ID]++
		}
	}
	if len(stored) != students {
		t.Errorf("the log holds answers %v, want one from each of %d students", stored, students)
	}
	for id, n := range stored {
		if n != 1 {
			t.Errorf("answer %s stored %d times", id, n)
		}
	}
}

// TestClusterEndedSessionRetires ends a session and lets it retire: its
// join code is freed in the cluster's facts, and the node goes on creating
// sessions. Retiring once took the hub's lock twice and hung the node.
func TestClusterEndedSessionRetires(t *testing.T) {
	t.Parallel()
	c := natstest.Start(t)
	a := startClusterHub(t, c, 0, func(cfg *testConfig) { cfg.EndedLinger = time.Millisecond })
	info := a.create(t)
	ctx, cancel := context.WithTimeout(context.Background(), clusterWait)
	defer cancel()
	if err := a.hub.End(ctx, info.ID); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the ended session retired", func() bool { _, ok := a.hub.actorByID(info.ID); return !ok })
	waitUntil(t, "its join code freed", func() bool {
		_, err := a.hub.cl.CodeSession(ctx, info.Code)
		return errors.Is(err, cmdlog.ErrNotFound)
	})
	next, err := a.hub.Create(ctx, session.Setup{Title: "Next class", Options: session.DefaultOptions(), Questions: testQuestions()})
	if err != nil {
		t.Fatalf("a session after one retired: %v", err)
	}
	if _, err := a.hub.Info(ctx, next.ID); err != nil {
		t.Fatal(err)
	}
}
