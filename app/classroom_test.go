package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"netstudy/app/live"
)

// A class of livePeers playing a quiz, for the tests that start real
// server processes and take some of them away.

// classQuiz has three single-choice questions; "b" is right in each.
const classQuiz = `{"title":"Layers, live","questions":[
 {"kind":"single","prompt":"Which layer routes packets between networks?","choices":["Link","Network","Transport"],"correct":[1]},
 {"kind":"single","prompt":"Which layer numbers the bytes of a stream?","choices":["Network","Transport","Session"],"correct":[1]},
 {"kind":"single","prompt":"Which layer frames bits for one hop?","choices":["Physical","Link","Network"],"correct":[1]}]}`

// classQuestions are the ids the server gives classQuiz's questions.
var classQuestions = []string{"typed-1", "typed-2", "typed-3"}

// class is a live session with its instructor's dashboard, a projector
// and students, spread over the nodes.
type class struct {
	t         *testing.T
	nodes     []string
	id, code  string
	host      *livePeer
	projector *livePeer
	students  []*livePeer
}

// seat says on which node a student starts and whether it polls.
type seat struct {
	node    int
	polling bool
}

// signIn signs the instructor in on base with the key, as the link on
// the start screen does, and returns the cookie.
func signIn(t *testing.T, base string) string {
	t.Helper()
	res, _ := hostRequest(t, http.MethodGet, base, "/host?key="+crashKey, "")
	return cookieOf(t, res)
}

// newClass creates the session on one node, signs the instructor in on
// another, connects the dashboard (WebSocket) on hostNode and the
// projector (long polling) on projectorNode, and has every student join
// where its seat says.
func newClass(t *testing.T, nodes []string, hostNode, projectorNode int, seats []seat) *class {
	t.Helper()
	t.Cleanup(func() {
		http.DefaultClient.CloseIdleConnections()
		noRedirects.CloseIdleConnections()
	})
	c := &class{t: t, nodes: nodes}
	c.id, c.code = createSessionFrom(t, nodes[len(nodes)-1], crashKey, classQuiz)
	cookie := signIn(t, nodes[(hostNode+1)%len(nodes)])
	c.host = newPeer("host", "host", c.code, nodes, hostNode, false, cookie)
	c.projector = newPeer("projector", "presenter", c.code, nodes, projectorNode, true, cookie)
	for _, p := range []*livePeer{c.host, c.projector} {
		if err := p.connect(p.node); err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		t.Cleanup(p.close)
	}
	for i, s := range seats {
		p := newPeer(fmt.Sprintf("kid%02d", i), "student", c.code, nodes, s.node, s.polling, "")
		t.Cleanup(p.close)
		if err := p.connect(s.node); err != nil {
			t.Fatalf("%s on node %d: %v", p.name, s.node, err)
		}
		if err := p.join(p.name); err != nil {
			t.Fatal(err)
		}
		c.students = append(c.students, p)
	}
	return c
}

// choiceOf is what student i answers: the right "b" for even i.
func choiceOf(i int) string {
	if i%2 == 0 {
		return "b"
	}
	return "a"
}

// answerID is the id of student i's answer to a question, the same on
// every retry.
func answerID(p *livePeer, questionID string) string { return p.name + "-" + questionID }

// answer has the student wait for the question and answer it until the
// answer is acknowledged, on whichever node takes it.
func answer(p *livePeer, i int, questionID string) error {
	if _, err := p.waitEvent("question "+questionID, eventFor("question_opened", questionID)); err != nil {
		return err
	}
	_, err := p.commandOK("answer", answerID(p, questionID), map[string]any{"question_id": questionID, "round": 1, "choices": []string{choiceOf(i)}})
	return err
}

// burst is students answering at once, each on its own goroutine.
type burst struct {
	acked chan int      // each student's index, as its answer is acknowledged
	done  chan struct{} // closed once every answer is acknowledged or failed
	mu    sync.Mutex
	errs  []error
}

// answerAll has the students (by index) answer at once.
func (c *class) answerAll(questionID string, who []int) *burst {
	b := &burst{acked: make(chan int, len(who)), done: make(chan struct{})}
	var wg sync.WaitGroup
	for _, i := range who {
		wg.Go(func() {
			if err := answer(c.students[i], i, questionID); err != nil {
				b.mu.Lock()
				b.errs = append(b.errs, err)
				b.mu.Unlock()
				return
			}
			b.acked <- i
		})
	}
	go func() { wg.Wait(); close(b.done) }()
	return b
}

// firstAck waits until one answer is acknowledged, or all failed.
func (b *burst) firstAck() {
	select {
	case <-b.acked:
	case <-b.done:
	}
}

// wait waits for every answer and returns the errors.
func (b *burst) wait() error {
	<-b.done
	b.mu.Lock()
	defer b.mu.Unlock()
	return errors.Join(b.errs...)
}

// everyone is the index of every student.
func (c *class) everyone() []int {
	all := make([]int, len(c.students))
	for i := range all {
		all[i] = i
	}
	return all
}

// ask has the dashboard ask the next question.
func (c *class) ask(questionID string) {
	c.t.Helper()
	if _, err := c.host.commandOK("ask_next", "ask-"+questionID, nil); err != nil {
		c.t.Fatal(err)
	}
}

// closeAndReveal closes and reveals the question from the dashboard,
// once every answer is acknowledged, checks the counts the dashboard is
// shown, and waits until every student and the projector see the reveal.
func (c *class) closeAndReveal(questionID string) {
	c.t.Helper()
	for _, cmd := range []string{"close", "reveal"} {
		if _, err := c.host.commandOK(cmd, cmd+"-"+questionID, nil); err != nil {
			c.t.Fatal(err)
		}
	}
	rev, err := c.host.waitEvent("the reveal of "+questionID, eventFor("revealed", questionID))
	if err != nil {
		c.t.Fatal(err)
	}
	right := (len(c.students) + 1) / 2 // the even ones
	if d := dataOf(rev); d.Answered != len(c.students) || d.Right != right {
		c.t.Errorf("the dashboard shows %s answered by %d, %d right; want %d, %d right", questionID, d.Answered, d.Right, len(c.students), right)
	}
	c.everyPeer(func(p *livePeer) error {
		_, err := p.waitEvent("the reveal of "+questionID, eventFor("revealed", questionID))
		return err
	})
}

// end ends the session and waits until every student and the projector
// hear it.
func (c *class) end() {
	c.t.Helper()
	if _, err := c.host.commandOK("end", "end", nil); err != nil {
		c.t.Fatal(err)
	}
	c.everyPeer(func(p *livePeer) error {
		_, err := p.waitEvent("the end", func(e live.Envelope) bool { return e.Type == "ended" })
		return err
	})
}

// everyPeer runs f for every student and the projector at once.
func (c *class) everyPeer(f func(*livePeer) error) {
	c.t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(c.students)+1)
	for _, p := range append([]*livePeer{c.projector}, c.students...) {
		wg.Go(func() {
			if err := f(p); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		c.t.Error(err)
	}
	if c.t.Failed() {
		c.t.FailNow()
	}
}

// checkEvents checks that every student and the projector saw every
// question asked, its close and its reveal, each at the same seq as
// everyone else,
// whichever nodes they were on, and that every resume replayed the
// events missed rather than sending a snapshot.
func (c *class) checkEvents(asked []string) {
	c.t.Helper()
	seqOf := func(p *livePeer, typ, questionID string) uint64 {
		for _, e := range p.events {
			if eventFor(typ, questionID)(e) {
				return e.Seq
			}
		}
		return 0
	}
	for _, q := range asked {
		for _, typ := range []string{"question_opened", "question_closed", "revealed"} {
			// The seq most students have it at is the one to have.
			count := map[uint64]int{}
			var want uint64
			for _, p := range c.students {
				if seq := seqOf(p, typ, q); seq != 0 {
					if count[seq]++; count[seq] > count[want] {
						want = seq
					}
				}
			}
			for _, p := range c.students {
				if got := seqOf(p, typ, q); got == 0 || got != want {
					c.t.Errorf("%s (%s, now on node %d): %s of %s at seq %d (0: never), most students at %d", p.name, p.transport(), p.node, typ, q, got, want)
				}
			}
			if typ != "question_opened" { // the projector's is the host's, with the prompt
				if got := seqOf(c.projector, typ, q); got != want {
					c.t.Errorf("projector: %s of %s at seq %d, the students at %d", typ, q, got, want)
				}
			}
		}
	}
	resumed := 0
	for _, p := range append([]*livePeer{c.host, c.projector}, c.students...) {
		resumed += len(p.resumes)
		if i := slices.IndexFunc(p.resumes, func(r string) bool { return r != "replay" }); i >= 0 {
			c.t.Errorf("%s resumed with %q, want a replay of the events it missed", p.name, p.resumes[i])
		}
	}
	if !c.t.Failed() {
		c.t.Logf("%d students and the projector saw %d questions, their close and reveal at the same seqs; %d resumes, all replayed", len(c.students), len(asked), resumed)
	}
}

// sessionResults is GET /api/sessions/{id}/results, the parts checked.
type sessionResults struct {
	Results struct {
		Rounds []struct {
			QuestionID string `json:"question_id"`
			Round      int    `json:"round"`
			Answered   int    `json:"answered"`
			Right      int    `json:"right"`
			Answers    []struct {
				Nickname string `json:"nickname"`
				Right    bool   `json:"right"`
			} `json:"answers"`
		} `json:"rounds"`
	} `json:"results"`
}

// results reads the session's results from a node.
func (c *class) results(base string) sessionResults {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/api/sessions/"+c.id+"/results", nil)
	req.Header.Set("Authorization", "Bearer "+crashKey)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	var r sessionResults
	if res.StatusCode != http.StatusOK {
		c.t.Fatalf("results from %s: %s", base, res.Status)
	}
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		c.t.Fatalf("results from %s: %v", base, err)
	}
	return r
}

// checkResults checks, on the node given, that each question asked has
// one round with exactly one answer from every student, each right or
// wrong as it was sent.
func (c *class) checkResults(base string, asked []string) {
	c.t.Helper()
	r := c.results(base)
	if len(r.Results.Rounds) != len(asked) {
		c.t.Fatalf("results from %s: %d rounds, want %d: %+v", base, len(r.Results.Rounds), len(asked), r.Results.Rounds)
	}
	for k, round := range r.Results.Rounds {
		if round.QuestionID != asked[k] {
			c.t.Errorf("results from %s: round %d is %s, want %s", base, k+1, round.QuestionID, asked[k])
		}
		stored := map[string]int{}
		for _, a := range round.Answers {
			stored[a.Nickname]++
			if i := slices.IndexFunc(c.students, func(p *livePeer) bool { return p.name == a.Nickname }); i >= 0 && a.Right != (choiceOf(i) == "b") {
				c.t.Errorf("results from %s: %s's answer to %s stored as right=%v, it answered %q", base, a.Nickname, round.QuestionID, a.Right, choiceOf(i))
			}
		}
		for _, p := range c.students {
			if n := stored[p.name]; n != 1 {
				c.t.Errorf("results from %s: %s has %d answers to %s, want exactly 1", base, p.name, n, round.QuestionID)
			}
		}
		if len(stored) != len(c.students) || round.Answered != len(c.students) {
			c.t.Errorf("results from %s: %s counts %d answers from %d nicknames, want %d", base, round.QuestionID, round.Answered, len(stored), len(c.students))
		}
	}
}

// checkCSV checks that the results CSV from a node, with the
// instructor's cookie, has a line for every student.
func (c *class) checkCSV(base string) {
	c.t.Helper()
	res, body := hostRequest(c.t, http.MethodGet, base, "/host/sessions/"+c.id+"/results.csv", c.host.cookie)
	if res.StatusCode != http.StatusOK {
		c.t.Fatalf("results.csv from %s: %s %s", base, res.Status, body)
	}
	for _, p := range c.students {
		if !strings.Contains(body, p.name) {
			c.t.Errorf("results.csv from %s has no line for %s:\n%s", base, p.name, body)
		}
	}
}

// playQuestion asks a question, has everyone answer it and reveals it.
func (c *class) playQuestion(questionID string) {
	c.t.Helper()
	c.ask(questionID)
	if err := c.answerAll(questionID, c.everyone()).wait(); err != nil {
		c.t.Fatal(err)
	}
	c.closeAndReveal(questionID)
}

// playQuestionWhileAway plays a question asked while the peers given are
// disconnected: they come back once the others have the question, on the
// node to says, with their token and last seq, and get it by replay.
func (c *class) playQuestionWhileAway(questionID string, away []*livePeer, to func(*livePeer) int) {
	c.t.Helper()
	for _, p := range away {
		p.close()
	}
	c.ask(questionID)
	present := slices.IndexFunc(c.students, func(p *livePeer) bool { return !slices.Contains(away, p) })
	if _, err := c.students[present].waitEvent("question "+questionID, eventFor("question_opened", questionID)); err != nil {
		c.t.Fatal(err)
	}
	for _, p := range away {
		if err := p.connect(to(p)); err != nil {
			c.t.Fatalf("%s coming back on node %d: %v", p.name, to(p), err)
		}
	}
	if err := c.answerAll(questionID, c.everyone()).wait(); err != nil {
		c.t.Fatal(err)
	}
	c.closeAndReveal(questionID)
}

// waitHealth waits until GET /healthz on base answers want.
func waitHealth(t *testing.T, base string, want int) {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Second}
	defer client.CloseIdleConnections()
	deadline := time.Now().Add(peerWait)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	last := "no answer"
	for {
		res, err := client.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == want {
				return
			}
			last = res.Status
		} else {
			last = err.Error()
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s/healthz never answered %d (last: %s)", base, want, last)
		}
		<-tick.C
	}
}

// TestClassPlaysOverWebSocketAndPolling plays the whole quiz on one
// server process without NATS, students over both transports, some
// leaving and resuming with their token and last seq between questions:
// the single-node baseline of the cluster tests, on the same harness.
func TestClassPlaysOverWebSocketAndPolling(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	srv := startServerProcess(t, t.TempDir())
	seats := make([]seat, 6)
	for i := range seats {
		seats[i] = seat{node: 0, polling: i%2 == 1}
	}
	c := newClass(t, []string{srv.url}, 0, 0, seats)
	c.playQuestion(classQuestions[0])
	c.playQuestionWhileAway(classQuestions[1], append([]*livePeer{c.projector}, c.students[:3]...), func(*livePeer) int { return 0 })
	c.end()
	c.checkEvents(classQuestions[:2])
	c.checkResults(srv.url, classQuestions[:2])
	c.checkCSV(srv.url)
}
