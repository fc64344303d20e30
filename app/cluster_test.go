package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"netstudy/app/jslog"
	"netstudy/app/live"
	"netstudy/app/natstest"
)

// The cluster tests: a real three-server NATS JetStream cluster
// (app/natstest, each server a process of its own) and two or three
// netstudy nodes, each the test binary re-executed as the server with
// --nats, so that a test can kill -9 any of them. A class of livePeers
// plays a quiz across the nodes while the tests take nodes and NATS
// servers away.

// clusterTest runs the test in parallel with the others, and skips it
// when this build has no cluster mode (no --nats flag); any other trouble
// starting a node is a failure. The tests mostly wait (for elections, for
// reconnections), so two at once take half the time.
func clusterTest(t *testing.T) {
	t.Helper()
	t.Parallel() // each test has a NATS cluster of its own, named after its ports
	if testing.Short() {
		t.Skip("starts NATS servers and server processes")
	}
	_, err := parseConfig([]string{"--nats", "nats://127.0.0.1:4222"}, func(string) string { return "" }, io.Discard)
	if err != nil && strings.Contains(err.Error(), "flag provided but not defined") {
		t.Skip("this build has no cluster mode: --nats is not a flag")
	}
}

// startNodes starts n netstudy nodes in cluster mode on the NATS cluster,
// each with its own data folder and the same instructor key, and returns
// them and their base URLs. The first starts alone and makes the stream
// and the bucket; the others then start together (starting them all
// together is TestClusterNodesStartTogether's concern).
func startNodes(t *testing.T, nc *natstest.Cluster, n int) ([]*serverProcess, []string) {
	t.Helper()
	procs := make([]*serverProcess, n)
	urls := make([]string, n)
	for i := range n {
		procs[i] = launchNode(t, nc)
		if i == 0 {
			procs[i].waitServing(t)
		}
	}
	for i, p := range procs {
		p.waitServing(t)
		urls[i] = p.url
	}
	return procs, urls
}

// launchNode starts one node in cluster mode without waiting for it.
func launchNode(t *testing.T, nc *natstest.Cluster) *serverProcess {
	t.Helper()
	return launchServerProcess(t, []string{
		"--addr", "127.0.0.1:0", "--data", t.TempDir(),
		"--nats", nc.URLs(), "--nats-replicas", strconv.Itoa(natstest.Size),
	}, "NETSTUDY_INSTRUCTOR_KEY="+crashKey)
}

// TestClusterNodesStartTogether starts three nodes at the same moment on
// a fresh NATS cluster, as a deployment starting every node does: each
// makes or finds the stream and the bucket, serves, and reports itself
// healthy.
func TestClusterNodesStartTogether(t *testing.T) {
	clusterTest(t)
	nc := natstest.Start(t)
	var procs []*serverProcess
	for range 3 {
		procs = append(procs, launchNode(t, nc))
	}
	for _, p := range procs {
		p.waitServing(t)
		waitHealth(t, p.url, http.StatusOK)
	}
}

// TestClusterNodeWaitsForNATS starts a node while no NATS server runs, as
// a machine booting every service at once may: the node neither exits nor
// serves, and says in its log what it waits for; once NATS is up it
// serves and is healthy, without a restart.
func TestClusterNodeWaitsForNATS(t *testing.T) {
	clusterTest(t)
	nc := natstest.Start(t)
	for i := range natstest.Size {
		nc.Kill(i)
	}
	p := launchNode(t, nc)
	waitLog(t, p, "waiting for NATS at ")
	select {
	case <-p.done:
		t.Fatalf("the node exited without NATS instead of waiting:\n%s", p.logTail())
	default:
	}
	nc.Restart(0, 1, 2)
	p.waitServing(t)
	waitHealth(t, p.url, http.StatusOK)
}

// waitLog waits until the process's log says want.
func waitLog(t *testing.T, p *serverProcess, want string) {
	t.Helper()
	deadline := time.Now().Add(peerWait)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if b, err := os.ReadFile(p.log); err == nil && strings.Contains(string(b), want) {
			return
		}
		select {
		case <-p.done:
			t.Fatalf("the node exited before its log said %q:\n%s", want, p.logTail())
		case <-tick.C:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the node's log never said %q:\n%s", want, p.logTail())
		}
	}
}

// seatsAcross seats n students round-robin over the nodes, every other
// one polling.
func seatsAcross(n, nodes int) []seat {
	seats := make([]seat, n)
	for i := range seats {
		seats[i] = seat{node: i % nodes, polling: i%2 == 1}
	}
	return seats
}

// TestClusterPlaysAWholeQuiz plays the whole quiz with the dashboard, the
// projector and the students spread over three nodes, over WebSocket and
// long polling: the session is made on one node, the instructor signs in
// on another. The second question is asked while some students and the
// projector are away; they come back on another node with their token and
// last seq and get it by replay. Every node numbers the events alike and
// gives the same results, as JSON and as CSV.
func TestClusterPlaysAWholeQuiz(t *testing.T) {
	clusterTest(t)
	nc := natstest.Start(t)
	_, nodes := startNodes(t, nc, 3)
	for _, base := range nodes {
		waitHealth(t, base, http.StatusOK)
	}
	c := newClass(t, nodes, 0, 1, seatsAcross(9, 3))

	c.playQuestion(classQuestions[0])
	c.playQuestionWhileAway(classQuestions[1], append([]*livePeer{c.projector}, c.students[:4]...), func(p *livePeer) int { return (p.node + 1) % len(nodes) })
	c.playQuestion(classQuestions[2])
	c.end()

	c.checkEvents(classQuestions)
	for _, base := range nodes {
		c.checkResults(base, classQuestions)
		c.checkCSV(base)
	}
}

// TestClusterDashboardSeesEveryNode checks the instructor's presence list
// on one node: it shows every student connected, on whichever node, over
// the transport each uses.
func TestClusterDashboardSeesEveryNode(t *testing.T) {
	clusterTest(t)
	nc := natstest.Start(t)
	_, nodes := startNodes(t, nc, 2)
	c := newClass(t, nodes, 0, 1, seatsAcross(4, 2))
	want := map[string]string{} // nickname: transport
	for _, p := range c.students {
		want[p.name] = p.transport()
	}
	var last string
	// The list is sent about once a second while it changes; 15 s is a
	// bound for a loaded machine, not a measure.
	_, err := c.host.waitMessage("every student in the presence list", 15*time.Second, func(e live.Envelope) bool {
		if e.Type != "presence" {
			return false
		}
		last = string(e.Data)
		var pr struct {
			Participants []live.Presence `json:"participants"`
		}
		if json.Unmarshal(e.Data, &pr) != nil {
			return false
		}
		seen := 0
		for _, p := range pr.Participants {
			if p.Connected && want[p.Nickname] == p.Transport {
				seen++
			}
		}
		return seen == len(want)
	})
	if err != nil {
		t.Fatalf("%v; students and transports %v; the last presence list: %s", err, want, last)
	}
}

// TestClusterKill9OfANodeLosesNoAnswer kills -9 the node holding the
// instructor's dashboard and half the class while they answer: every
// student resumes on another node with its token and last seq and sends
// again what was not acknowledged, the dashboard carries on from another
// node, every student sees every question and its reveal, and every
// answer is stored exactly once.
func TestClusterKill9OfANodeLosesNoAnswer(t *testing.T) {
	clusterTest(t)
	nc := natstest.Start(t)
	procs, nodes := startNodes(t, nc, 3)
	const students = 12
	seats := make([]seat, students)
	for i := range seats {
		seats[i] = seat{node: 0, polling: i%2 == 1} // the first half on the node that dies
		if i >= students/2 {
			seats[i].node = 1 + i%2
		}
	}
	c := newClass(t, nodes, 0, 1, seats)
	q := classQuestions[0]
	c.ask(q)

	// Two of the doomed node's students and two others answer first, so
	// that answers acknowledged by the node that dies are among those
	// checked; the rest answer all at once, and the node dies as the
	// first of them is acknowledged.
	first := []int{0, 1, students / 2, students/2 + 1}
	if err := c.answerAll(q, first).wait(); err != nil {
		t.Fatal(err)
	}
	var rest []int
	for i := range students {
		if !slices.Contains(first, i) {
			rest = append(rest, i)
		}
	}
	b := c.answerAll(q, rest)
	b.firstAck()
	procs[0].kill9(t)
	t.Logf("node 0 killed with %d of the %d last answers acknowledged", len(b.acked), len(rest))
	if err := b.wait(); err != nil {
		t.Fatal(err)
	}

	// The dashboard finds its node gone as it closes the question, and
	// carries on from another; so do the students who had answered first,
	// waiting for the reveal.
	c.closeAndReveal(q)
	for _, p := range append([]*livePeer{c.host}, c.students[:students/2]...) {
		if p.node == 0 || len(p.resumes) == 0 {
			t.Errorf("%s did not move to another node (node %d, %d resumes)", p.name, p.node, len(p.resumes))
		}
	}
	c.playQuestion(classQuestions[1])
	c.end()

	c.checkEvents(classQuestions[:2])
	c.checkResults(nodes[1], classQuestions[:2])
	c.checkResults(nodes[2], classQuestions[:2])
}

// TestClusterSurvivesTheStreamLeadersDeath kills -9 the NATS server
// leading the stream of commands while the class answers: once another
// server is elected, writes resume, every answer is acknowledged, and
// nothing acknowledged is lost.
func TestClusterSurvivesTheStreamLeadersDeath(t *testing.T) {
	clusterTest(t)
	nc := natstest.Start(t)
	_, nodes := startNodes(t, nc, 2)
	c := newClass(t, nodes, 0, 1, seatsAcross(8, 2))
	q := classQuestions[0]
	c.ask(q)
	if err := c.answerAll(q, []int{0, 1}).wait(); err != nil {
		t.Fatal(err)
	}
	leader := nc.StreamLeader(jslog.StreamName)

	b := c.answerAll(q, c.everyone()[2:])
	b.firstAck()
	killed := time.Now()
	nc.Kill(leader)
	t.Logf("%s, leading the stream, killed with %d of %d answers acknowledged", nc.Servers[leader].Name, 2+len(b.acked), len(c.students))
	if err := b.wait(); err != nil {
		t.Fatal(err)
	}
	t.Logf("every answer acknowledged %v after the stream leader %s died", time.Since(killed).Round(time.Millisecond), nc.Servers[leader].Name)
	if now := nc.StreamLeader(jslog.StreamName); now == leader {
		t.Fatalf("%s still leads the stream after its death", nc.Servers[leader].Name)
	}

	c.closeAndReveal(q)
	c.playQuestion(classQuestions[1])
	c.end()
	c.checkEvents(classQuestions[:2])
	c.checkResults(nodes[1], classQuestions[:2])
}

// TestClusterNodeWithoutNATSRefusesAndRecovers stops every NATS server
// under a running class: /healthz turns 503 and a student's answer and
// the instructor's close are refused with the error code "unavailable"
// and a message to show (nothing is acknowledged that could not be
// stored), and a new session, by API or by the form, with a 503 that
// says NATS is out of reach; when NATS is back, the same node, not restarted, answers 200
// and acknowledges both, sent again with the same ids.
func TestClusterNodeWithoutNATSRefusesAndRecovers(t *testing.T) {
	clusterTest(t)
	nc := natstest.Start(t)
	_, nodes := startNodes(t, nc, 1)
	c := newClass(t, nodes, 0, 0, seatsAcross(2, 1))
	q := classQuestions[0]
	waitHealth(t, nodes[0], http.StatusOK)
	c.ask(q)
	if err := c.answerAll(q, []int{0}).wait(); err != nil {
		t.Fatal(err)
	}

	for i := range natstest.Size {
		nc.Kill(i)
	}
	waitHealth(t, nodes[0], http.StatusServiceUnavailable)
	late := c.students[1] // polls
	if _, err := late.waitEvent("question "+q, eventFor("question_opened", q)); err != nil {
		t.Fatal(err)
	}
	// A student's answer and the instructor's close, at once: both are
	// refused, whatever the node tries before it gives up.
	var refusals sync.WaitGroup
	refused := func(p *livePeer, typ, id string, data any) {
		refusals.Go(func() {
			a, err := p.command(typ, id, data)
			if err != nil {
				t.Error(err)
				return
			}
			if a.OK || a.Error == nil || a.Error.Code != "unavailable" || a.Error.Message == "" {
				t.Errorf("%s's %s while NATS is down: %s; want refused with code unavailable and a message", p.name, typ, a)
			}
		})
	}
	refused(late, "answer", answerID(late, q), map[string]any{"question_id": q, "round": 1, "choices": []string{choiceOf(1)}})
	refused(c.host, "close", "close-"+q, nil)
	refusals.Wait()
	if t.Failed() {
		t.FailNow()
	}
	checkCreateRefused(t, nodes[0], c.host.cookie)

	nc.Restart(0, 1, 2)
	waitHealth(t, nodes[0], http.StatusOK)
	if err := answer(late, 1, q); err != nil {
		t.Fatal(err)
	}
	c.closeAndReveal(q)
	c.end()
	c.checkEvents(classQuestions[:1])
	c.checkResults(nodes[0], classQuestions[:1])
}

// checkCreateRefused checks that, NATS being out of reach, base refuses a
// new session with 503, a Retry-After and a message naming NATS: as JSON
// for POST /api/sessions, in the page for the teacher's form.
func checkCreateRefused(t *testing.T, base, cookie string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/api/sessions", strings.NewReader(`{"title":"later"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+crashKey)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct{ Error string }
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		t.Fatalf("POST /api/sessions without NATS: %s, body not JSON: %v", res.Status, err)
	}
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(out.Error, "cannot reach NATS") || res.Header.Get("Retry-After") == "" {
		t.Errorf("POST /api/sessions without NATS: %s, Retry-After %q, error %q; want 503, a Retry-After and a message naming NATS",
			res.Status, res.Header.Get("Retry-After"), out.Error)
	}

	// The form's fields in the query, which FormValue reads as well.
	form, page := hostRequest(t, http.MethodPost, base, "/host/sessions?source=empty&title=later", cookie)
	if form.StatusCode != http.StatusServiceUnavailable || !strings.Contains(page, "cannot reach NATS") || !strings.Contains(page, "<form") {
		t.Errorf("the new-session form without NATS: %s; want 503 and the form again with a message naming NATS:\n%s", form.Status, page)
	}
}
