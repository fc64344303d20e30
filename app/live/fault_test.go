package live

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"netstudy/app/quiz"
	"netstudy/app/session"
)

// faultProxy is a TCP proxy between the students and the server that can
// cut connections at will, like a classroom's Wi-Fi.
type faultProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  map[net.Conn]net.Conn
	cuts   atomic.Int64
	wg     sync.WaitGroup
}

func newFaultProxy(t *testing.T, target string) *faultProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{ln: ln, target: target, conns: map[net.Conn]net.Conn{}}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(func() {
		ln.Close()
		p.cutFraction(1, rand.New(rand.NewPCG(1, 1)))
		p.wg.Wait()
	})
	return p
}

func (p *faultProxy) accept() {
	defer p.wg.Done()
	for {
		in, err := p.ln.Accept()
		if err != nil {
			return
		}
		out, err := net.Dial("tcp", p.target)
		if err != nil {
			in.Close()
			continue
		}
		p.mu.Lock()
		p.conns[in] = out
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pipe(in, out)
		go p.pipe(out, in)
	}
}

func (p *faultProxy) pipe(dst, src net.Conn) {
	defer p.wg.Done()
	_, _ = io.Copy(dst, src)
	dst.Close()
	src.Close()
	p.mu.Lock()
	delete(p.conns, dst)
	delete(p.conns, src)
	p.mu.Unlock()
}

// cutFraction drops a fraction of the open connections, both directions.
func (p *faultProxy) cutFraction(f float64, rng *rand.Rand) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for in, out := range p.conns {
		if rng.Float64() < f {
			in.Close()
			out.Close()
			n++
		}
	}
	p.cuts.Add(int64(n))
	return n
}

func (p *faultProxy) url() string { return "http://" + p.ln.Addr().String() }

// resilientStudent plays like the browser client: on any error it dials
// again, resumes with its token and last seq, and retries every answer
// until it is acknowledged.
type resilientStudent struct {
	t        *testing.T
	base     string
	origin   string
	code     string
	nick     string
	token    string
	lastSeq  uint64
	conn     *websocket.Conn
	seen     map[string]bool // question ids this student has seen opened
	pending  map[string]clientAnswer
	acked    map[string]bool // answer command ids acknowledged
	answered map[string]bool // question ids answered (to send one answer each)
	cmdSeq   int
	prefix   string
	redials  int
	refused  []string // answers the server refused: there must be none
	// endedSeen: the session ended while an answer still waited for its
	// acknowledgement; keep reading until it comes.
	endedSeen bool
}

func (s *resilientStudent) connect() error {
	hdr := http.Header{"Origin": {s.origin}}
	conn, res, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(s.base, "http")+"/live", hdr)
	if res != nil && res.Body != nil {
		res.Body.Close()
	}
	if err != nil {
		return err
	}
	s.conn = conn
	raw, _ := json.Marshal(hello{Protocol: ProtocolVersion, Session: s.code, Role: RoleStudent, Token: s.token, LastSeq: s.lastSeq})
	if err := conn.WriteJSON(Envelope{Type: "hello", Data: raw}); err != nil {
		return err
	}
	if s.token == "" {
		raw, _ := json.Marshal(map[string]string{"nickname": s.nick})
		if err := conn.WriteJSON(Envelope{Type: "join", ID: s.prefix + "join", Data: raw}); err != nil {
			return err
		}
	}
	for id, a := range s.pending {
		raw, _ := json.Marshal(a)
		if err := conn.WriteJSON(Envelope{Type: "answer", ID: id, Data: raw}); err != nil {
			return err
		}
	}
	return nil
}

func (s *resilientStudent) answer(questionID string, round int, kind quiz.Kind) error {
	if s.answered[questionID] {
		return nil
	}
	s.answered[questionID] = true
	// Students think before answering, so cuts land mid-question.
	time.Sleep(time.Duration(rand.IntN(150)) * time.Millisecond)
	s.cmdSeq++
	id := fmt.Sprintf("%sa%d", s.prefix, s.cmdSeq)
	a := clientAnswer{QuestionID: questionID, Round: round, Choices: []string{"a"}}
	if kind == quiz.Text {
		a = clientAnswer{QuestionID: questionID, Round: round, Text: "32"}
	}
	s.pending[id] = a
	raw, _ := json.Marshal(a)
	return s.conn.WriteJSON(Envelope{Type: "answer", ID: id, Data: raw})
}

// play runs until the session ends.
func (s *resilientStudent) play(ctx context.Context) error {
	for ctx.Err() == nil {
		if s.conn == nil {
			if err := s.connect(); err != nil {
				s.redials++
				time.Sleep(time.Duration(rand.IntN(50)) * time.Millisecond)
				continue
			}
		}
		ended, err := s.read()
		if ended {
			s.conn.Close()
			return nil
		}
		if err != nil {
			s.conn.Close()
			s.conn = nil
			s.redials++
			time.Sleep(time.Duration(rand.IntN(30)) * time.Millisecond) // jitter
		}
	}
	return ctx.Err()
}

func (s *resilientStudent) read() (ended bool, err error) {
	for {
		var env Envelope
		_ = s.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		if err := s.conn.ReadJSON(&env); err != nil {
			return false, err
		}
		if env.Seq != 0 && env.Type != "snapshot" {
			if env.Seq <= s.lastSeq {
				continue // replay overlap: never applied twice
			}
			s.lastSeq = env.Seq
		}
		switch env.Type {
		case "ping":
			_ = s.conn.WriteJSON(Envelope{Type: "pong", Data: env.Data})
		case "ack":
			var a struct {
				OK     bool `json:"ok"`
				Result struct {
					Token string `json:"token"`
				} `json:"result"`
			}
			_ = json.Unmarshal(env.Data, &a)
			if env.ID == s.prefix+"join" && a.OK {
				s.token = a.Result.Token
			}
			if _, ok := s.pending[env.ID]; ok {
				delete(s.pending, env.ID)
				if a.OK {
					s.acked[env.ID] = true
				} else {
					s.refused = append(s.refused, string(env.Data))
				}
			}
		case "snapshot":
			s.lastSeq = env.Seq
			var v session.ParticipantView
			if err := json.Unmarshal(env.Data, &v); err != nil {
				return false, err
			}
			if v.State == session.Ended {
				if len(s.pending) == 0 {
					return true, nil
				}
				s.endedSeen = true
			}
			if v.Question != nil {
				s.seen[v.Question.QuestionID] = true
				if v.State == session.QuestionOpen && !v.Answered {
					if err := s.answer(v.Question.QuestionID, v.Question.Round, v.Question.Question.Kind); err != nil {
						return false, err
					}
				}
			}
		case session.TypeQuestionOpened:
			var q session.QuestionOpened
			if err := json.Unmarshal(env.Data, &q); err != nil {
				return false, err
			}
			s.seen[q.QuestionID] = true
			if err := s.answer(q.QuestionID, q.Round, q.Question.Kind); err != nil {
				return false, err
			}
		case session.TypeEnded:
			if len(s.pending) == 0 {
				return true, nil
			}
			s.endedSeen = true
		}
		if s.endedSeen && len(s.pending) == 0 {
			return true, nil
		}
	}
}

// TestStudentsSurviveRandomDisconnects drives a class through a quiz while
// a proxy cuts their connections at random, and checks that every student
// saw every question, that every acknowledged answer is stored once, and
// that the scores are right.
func TestStudentsSurviveRandomDisconnects(t *testing.T) {
	if testing.Short() {
		t.Skip("a few seconds of simulated chaos")
	}
	const students = 200
	th := newTestHub(t)
	info := th.create(t)
	proxy := newFaultProxy(t, strings.TrimPrefix(th.srv.URL, "http://"))
	host := th.dial(t, true)
	host.hello(info.Code, RoleHost, "")
	go func() { // the host's inbox must be read; acks are matched below
		for {
			if _, _, err := host.conn.NextReader(); err != nil {
				return
			}
		}
	}()

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	class := make([]*resilientStudent, students)
	var wg sync.WaitGroup
	errs := make(chan error, students)
	for i := range class {
		s := &resilientStudent{
			t: t, base: proxy.url(), origin: proxy.url(), code: info.Code, nick: fmt.Sprintf("kid%03d", i),
			seen: map[string]bool{}, pending: map[string]clientAnswer{}, acked: map[string]bool{},
			answered: map[string]bool{}, prefix: fmt.Sprintf("s%d-", i),
		}
		class[i] = s
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.play(ctx); err != nil {
				errs <- fmt.Errorf("%s: %w", s.nick, err)
			}
		}()
	}
	// Wait until the class has joined.
	waitFor(t, func() bool {
		rep, _ := th.hub.Results(ctx, info.ID)
		return len(rep.Results.Participants) == students
	})

	rng := rand.New(rand.NewPCG(42, 7))
	chaos := make(chan struct{})
	chaosDone := make(chan struct{})
	go func() {
		defer close(chaosDone)
		for {
			select {
			case <-chaos:
				return
			case <-time.After(time.Duration(20+rng.IntN(60)) * time.Millisecond):
				proxy.cutFraction(0.15, rng)
			}
		}
	}()
	sendHost := func(cmd string) {
		t.Helper()
		raw, _ := json.Marshal(map[string]any{})
		host.conn.WriteJSON(Envelope{Type: cmd, ID: fmt.Sprintf("h-%s-%d", cmd, time.Now().UnixNano()), Data: raw})
	}
	for q := range testQuestions() {
		sendHost("ask_next")
		waitFor(t, func() bool {
			rep, _ := th.hub.Results(ctx, info.ID)
			return len(rep.Results.Rounds) > q && rep.Results.Rounds[q].Answered == students
		})
		sendHost("close")
		sendHost("reveal")
	}
	close(chaos)
	<-chaosDone
	sendHost("end")
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	rep, err := th.hub.Results(ctx, info.ID)
	if err != nil {
		t.Fatal(err)
	}
	redials := 0
	for _, s := range class {
		redials += s.redials
		for _, q := range testQuestions() {
			if !s.seen[q.ID] {
				t.Errorf("%s never saw question %s", s.nick, q.ID)
			}
		}
		if len(s.pending) != 0 {
			t.Errorf("%s has %d answers never acknowledged", s.nick, len(s.pending))
		}
		for _, r := range s.refused {
			t.Errorf("%s: an answer was refused: %s", s.nick, r)
		}
	}
	for _, rd := range rep.Results.Rounds {
		per := map[string]int{}
		for _, a := range rd.Answers {
			per[a.Nickname]++
		}
		if len(per) != students {
			t.Errorf("question %s: %d students' answers stored, want %d", rd.QuestionID, len(per), students)
		}
		for nick, n := range per {
			if n != 1 {
				t.Errorf("question %s: %s stored %d times", rd.QuestionID, nick, n)
			}
		}
	}
	// Everyone answered both questions right, 100 points each with speed
	// points off.
	for _, p := range rep.Results.Participants {
		if p.Score != 200 {
			t.Errorf("%s scored %d, want 200", p.Nickname, p.Score)
		}
	}
	t.Logf("%d students, %d connections cut, %d redials", students, proxy.cuts.Load(), redials)
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting for the class")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
