// Package loadtest measures a netstudy server under a class of simulated
// students: it hosts a session, connects N students over real WebSocket
// connections, broadcasts K questions, has every student answer each, and
// reports delivery latency, acknowledgement round trips, throughput,
// server memory per student, the CPU time spent per delivery and per
// answer, and any answer that was lost, duplicated or never acknowledged
// (which must be none).
package loadtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/sync/errgroup"

	"netstudy/app/live"
)

// Config says what to measure.
type Config struct {
	URLs          []string      // the nodes, see ParseURLs; none starts a server (see Exe)
	Key           string        // the instructor key, to sign in with as a browser does
	Exe           string        // binary to start a server with when URLs is empty
	Students      int           // simulated students
	Questions     int           // questions broadcast
	QuestionBytes int           // approximate size of each question's prompt
	Spread        time.Duration // answers spread over this long; 0: all at once
	Ramp          time.Duration // connections spread over this long; 0: as fast as possible
	Dialers       int           // connections opened at once
	Timeout       time.Duration // how long to wait for any one phase
	Progress      io.Writer     // progress lines; nil for none
}

// Dist is a distribution summary in milliseconds.
type Dist struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

// AckDist summarises acknowledgement round trips in milliseconds.
type AckDist struct {
	P50 float64 `json:"p50"`
	P99 float64 `json:"p99"`
}

// Result is what a run measured. The JSON keys are a contract: scripts
// compare runs with them.
type Result struct {
	Students              int     `json:"students"`
	Questions             int     `json:"questions"`
	ConnectMS             float64 `json:"connect_ms"`
	LatencyMS             Dist    `json:"latency_ms"`
	LastStudentMS         Dist    `json:"last_student_ms"`
	AckMS                 AckDist `json:"ack_ms"`
	AnswersPerS           float64 `json:"answers_per_s"`
	ServerBytesPerStudent float64 `json:"server_bytes_per_student"`
	Lost                  int     `json:"lost"`
	Duplicated            int     `json:"duplicated"`
	Unacked               int     `json:"unacked"`
	// Where the machine's time went (not part of the contract).
	CPU CPUUse `json:"cpu_us"`
	// With several nodes: how many students each carried. Memory and CPU
	// above are then the sums over the nodes.
	Nodes []NodeLoad `json:"nodes,omitempty"`
}

// CPUUse is the CPU time, in microseconds, that the server and this
// generator spent per joined student, per delivered question and per
// acknowledged answer, counted from the first connection until the last
// student has joined, from when the host asks until every student has the
// question, and from the first answer sent until the last is
// acknowledged. The server's figure comes from its /metrics, in ticks of
// 10 ms, so it is rough for small classes.
type CPUUse struct {
	ServerPerJoin        float64 `json:"server_per_join"`
	GeneratorPerJoin     float64 `json:"generator_per_join"`
	ServerPerDelivery    float64 `json:"server_per_delivery"`
	GeneratorPerDelivery float64 `json:"generator_per_delivery"`
	ServerPerAnswer      float64 `json:"server_per_answer"`
	GeneratorPerAnswer   float64 `json:"generator_per_answer"`
}

func (c *Config) defaults() {
	if c.Students <= 0 {
		c.Students = 100
	}
	if c.Questions <= 0 {
		c.Questions = 3
	}
	if c.QuestionBytes <= 0 {
		c.QuestionBytes = 300
	}
	if c.Dialers <= 0 {
		c.Dialers = 200
	}
	if c.Timeout <= 0 {
		c.Timeout = 60 * time.Second
	}
	if c.Progress == nil {
		c.Progress = io.Discard
	}
}

// run is one load-test run's shared state.
type run struct {
	cfg    Config
	bases  []string // the nodes; students connect to them in turn
	base   string   // the first node: the instructor's
	cookie string   // the instructor's, from signing in
	code   string
	id     string
	sentAt []atomic.Int64 // per question: when the host asked it (unix ns)
	lastAt []atomic.Int64 // per question: when the last student had it
	got    []atomic.Int64 // per question: students who have it
	acked  []atomic.Int64 // per question: answers acknowledged
	// Per student, written only by the goroutine that reads that student;
	// merged at the end.
	latency [][]float64
	acks    [][]float64
	dups    atomic.Int64
}

// Run performs one load test.
func Run(ctx context.Context, cfg Config) (Result, error) {
	cfg.defaults()
	if len(cfg.URLs) == 0 {
		srv, err := startServer(ctx, cfg.Exe)
		if err != nil {
			return Result{}, err
		}
		defer srv.stop()
		cfg.URLs, cfg.Key = []string{srv.url}, srv.key
	}
	r := &run{cfg: cfg, bases: make([]string, len(cfg.URLs))}
	for i, u := range cfg.URLs {
		r.bases[i] = strings.TrimRight(u, "/")
	}
	r.base = r.bases[0]
	// Signing in first makes a wrong key the first and clearest error.
	cookie, err := signIn(ctx, r.base, cfg.Key)
	if err != nil {
		return Result{}, err
	}
	r.cookie = cookie
	r.sentAt = make([]atomic.Int64, cfg.Questions)
	r.lastAt = make([]atomic.Int64, cfg.Questions)
	r.got = make([]atomic.Int64, cfg.Questions)
	r.acked = make([]atomic.Int64, cfg.Questions)
	r.latency = make([][]float64, cfg.Students)
	r.acks = make([][]float64, cfg.Students)
	if err := r.createSession(ctx); err != nil {
		return Result{}, err
	}
	memBefore, _ := r.serverMemory(ctx)

	host, err := r.dial(ctx, true)
	if err != nil {
		return Result{}, fmt.Errorf("host: %w", err)
	}
	defer host.Close()
	hostc := newPeer(host)
	if err := hostc.hello(r.code, live.RoleHost, ""); err != nil {
		return Result{}, fmt.Errorf("host hello: %w", err)
	}
	hostc.acks = make(chan live.Envelope, 16)
	go hostc.drain() // the host's inbox is read by its own goroutine

	// One poller reads every student. Two, one per core, each sleep and
	// wake for half the messages, and the whole machine was slower for it
	// (10,000 students, alternating runs: the last student had the
	// question after 130 to 175 ms against 160 to 200 ms, and the ack
	// p99 was lower in every pair).
	poll, err := newPoller()
	if err != nil {
		return Result{}, err
	}
	var joining phaseCPU
	beforeJoins := r.cpuNow(ctx)
	students, connectTime, err := r.connectAll(ctx, poll)
	joining.add(beforeJoins, r.cpuNow(ctx))
	defer func() {
		for _, s := range students {
			s.close()
		}
		poll.close()
	}()
	if err != nil {
		return Result{}, err
	}
	memAfter, err := r.serverMemory(ctx)
	if err != nil {
		fmt.Fprintf(cfg.Progress, "  server memory unknown: %v\n", err)
	}
	fmt.Fprintf(cfg.Progress, "  server memory: %.1f MiB before the students, %.1f MiB with them\n", memBefore/(1<<20), memAfter/(1<<20))

	var answering time.Duration
	var delivering, answered phaseCPU
	lastStudent := make([]float64, 0, cfg.Questions)
	for k := range cfg.Questions {
		asking := r.cpuNow(ctx)
		r.sentAt[k].Store(time.Now().UnixNano())
		if err := hostc.command("ask_next", nil); err != nil {
			return Result{}, fmt.Errorf("ask question %d: %w", k+1, err)
		}
		if err := r.await(ctx, fmt.Sprintf("question %d delivered", k+1), &r.got[k], int64(len(students))); err != nil {
			return Result{}, err
		}
		lastStudent = append(lastStudent, float64(r.lastAt[k].Load()-r.sentAt[k].Load())/1e6)
		delivered := r.cpuNow(ctx)
		delivering.add(asking, delivered)
		// Students read first and answer after, so that delivery is
		// measured without the answers competing with it, as a class
		// reads before it answers.
		start := time.Now()
		r.answerAll(students, k)
		_ = r.await(ctx, fmt.Sprintf("question %d answers acknowledged", k+1), &r.acked[k], int64(len(students)))
		answering += time.Since(start)
		answered.add(delivered, r.cpuNow(ctx))
		for _, cmd := range []string{"close", "reveal"} {
			if err := hostc.command(cmd, nil); err != nil {
				return Result{}, fmt.Errorf("%s question %d: %w", cmd, k+1, err)
			}
		}
	}
	answerTime := answering
	_ = hostc.command("end", nil)

	res := Result{Students: len(students), Questions: cfg.Questions, ConnectMS: ms(connectTime)}
	var lat, acks []float64
	for i := range students {
		lat = append(lat, r.latency[i]...)
		acks = append(acks, r.acks[i]...)
	}
	res.LatencyMS = dist(lat)
	res.LastStudentMS = dist(lastStudent)
	ad := dist(acks)
	res.AckMS = AckDist{P50: ad.P50, P99: ad.P99}
	if answerTime > 0 {
		res.AnswersPerS = float64(len(acks)) / answerTime.Seconds()
	}
	if len(students) > 0 && memAfter > memBefore {
		res.ServerBytesPerStudent = float64(memAfter-memBefore) / float64(len(students))
	}
	var ackedTotal int64
	for k := range cfg.Questions {
		ackedTotal += r.acked[k].Load()
	}
	res.Unacked = int(int64(len(students)*cfg.Questions) - ackedTotal)
	if n := float64(len(students)); n > 0 {
		res.CPU.ServerPerJoin = round(float64(joining.server.Microseconds()) / n)
		res.CPU.GeneratorPerJoin = round(float64(joining.generator.Microseconds()) / n)
	}
	if n := float64(len(lat)); n > 0 {
		res.CPU.ServerPerDelivery = round(float64(delivering.server.Microseconds()) / n)
		res.CPU.GeneratorPerDelivery = round(float64(delivering.generator.Microseconds()) / n)
	}
	if n := float64(len(acks)); n > 0 {
		res.CPU.ServerPerAnswer = round(float64(answered.server.Microseconds()) / n)
		res.CPU.GeneratorPerAnswer = round(float64(answered.generator.Microseconds()) / n)
	}
	lost, dup, err := r.checkStored(ctx)
	if err != nil {
		return res, fmt.Errorf("check stored answers: %w", err)
	}
	res.Lost, res.Duplicated = lost, dup+int(r.dups.Load())
	if len(r.bases) > 1 {
		res.Nodes = nodeLoads(r.bases, students)
	}
	return res, nil
}

// cpuUse is the CPU time the server and this generator have used so far.
type cpuUse struct{ server, generator time.Duration }

// cpuNow reads it; a server whose /metrics cannot be read counts zero.
func (r *run) cpuNow(ctx context.Context) cpuUse {
	server, _ := r.serverCPU(ctx)
	return cpuUse{server: server, generator: ownCPU()}
}

// phaseCPU sums the CPU time of the phases of one kind.
type phaseCPU struct{ server, generator time.Duration }

func (p *phaseCPU) add(from, to cpuUse) {
	p.server += to.server - from.server
	p.generator += to.generator - from.generator
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func dist(v []float64) Dist {
	if len(v) == 0 {
		return Dist{}
	}
	sort.Float64s(v)
	at := func(p float64) float64 {
		i := int(p*float64(len(v)-1) + 0.5)
		return round(v[i])
	}
	return Dist{P50: at(0.50), P95: at(0.95), P99: at(0.99), Max: round(v[len(v)-1])}
}

func round(x float64) float64 { return float64(int64(x*100+0.5)) / 100 }

func (r *run) await(ctx context.Context, what string, n *atomic.Int64, want int64) error {
	deadline := time.Now().Add(r.cfg.Timeout)
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	lastPrint := time.Now()
	for n.Load() < want {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: only %d of %d after %s", what, n.Load(), want, r.cfg.Timeout)
		}
		if time.Since(lastPrint) > time.Second {
			fmt.Fprintf(r.cfg.Progress, "  %s: %d/%d\n", what, n.Load(), want)
			lastPrint = time.Now()
		}
	}
	return nil
}

func (r *run) createSession(ctx context.Context) error {
	prompt := "Which layer does this question exercise? " + strings.Repeat("x", max(0, r.cfg.QuestionBytes-45))
	qs := make([]live.ClientQuestion, r.cfg.Questions)
	for i := range qs {
		qs[i] = live.ClientQuestion{
			Kind: "single", Prompt: fmt.Sprintf("Q%d. %s", i+1, prompt),
			Choices: []string{"Physical", "Network", "Transport", "Application"}, Correct: []int{2},
			TimeLimitSeconds: 3600, Points: 100,
		}
	}
	body, _ := json.Marshal(map[string]any{"title": "load test", "questions": qs})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.base+"/api/sessions", strings.NewReader(string(body)))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+r.cfg.Key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(res.Body)
		return fmt.Errorf("create session: %s: %s", res.Status, b)
	}
	var created struct{ ID, Code string }
	if err := json.NewDecoder(res.Body).Decode(&created); err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	r.id, r.code = created.ID, created.Code
	return nil
}

func (r *run) dial(ctx context.Context, instructor bool) (*websocket.Conn, error) {
	u := "ws" + strings.TrimPrefix(r.base, "http") + "/live"
	hdr := http.Header{"Origin": {r.base}}
	if instructor {
		hdr.Set("Cookie", r.cookie)
	}
	d := websocket.Dialer{HandshakeTimeout: 30 * time.Second, ReadBufferSize: 1024, WriteBufferSize: 1024}
	conn, res, err := d.DialContext(ctx, u, hdr)
	if res != nil && res.Body != nil {
		res.Body.Close()
	}
	return conn, err
}

// connectAll connects and joins every student, Dialers at a time, and
// hands each to the poller.
func (r *run) connectAll(ctx context.Context, poll *poller) ([]*student, time.Duration, error) {
	n := r.cfg.Students
	out := make([]*student, n)
	start := time.Now()
	var done atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(r.cfg.Dialers)
	stop := make(chan struct{})
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				fmt.Fprintf(r.cfg.Progress, "  connecting: %d/%d\n", done.Load(), n)
			}
		}
	}()
	defer close(stop)
	for i := range n {
		if r.cfg.Ramp > 0 {
			due := start.Add(time.Duration(int64(r.cfg.Ramp) * int64(i) / int64(n)))
			time.Sleep(time.Until(due))
		}
		g.Go(func() error {
			s, err := r.dialStudent(gctx, i)
			if err != nil {
				return fmt.Errorf("student %d: %w", i, err)
			}
			out[i] = s
			if err := s.join(r.code); err != nil {
				return fmt.Errorf("student %d: %w", i, err)
			}
			if err := poll.add(s); err != nil {
				return fmt.Errorf("student %d: %w", i, err)
			}
			done.Add(1)
			return nil
		})
	}
	err := g.Wait()
	var ok []*student
	for _, s := range out {
		if s != nil {
			ok = append(ok, s)
		}
	}
	return ok, time.Since(start), err
}

// answerAll has every student answer question k: all at once, or each at
// a random moment within Spread. It sends them all from this goroutine,
// in the order they are due, as the Socket.IO generator sends from its
// one event loop: two senders, one per core, took the whole 10,000 a
// little longer (24,900 answers/s against 25,800, medians of three
// alternating runs) and made each answer wait longer for its ack (p99 300
// to 345 ms against 270 to 290 ms). It returns once they are sent, while
// the acknowledgements come in on the poller.
func (r *run) answerAll(students []*student, k int) {
	type due struct {
		s  *student
		at time.Time
	}
	now := time.Now()
	order := make([]due, len(students))
	for i, s := range students {
		order[i] = due{s: s, at: now}
		if r.cfg.Spread > 0 {
			rng := rand.New(rand.NewPCG(uint64(s.i), uint64(k)))
			order[i].at = now.Add(time.Duration(rng.Int64N(int64(r.cfg.Spread))))
		}
	}
	sort.Slice(order, func(a, b int) bool { return order[a].at.Before(order[b].at) })
	for _, d := range order {
		time.Sleep(time.Until(d.at))
		rng := rand.New(rand.NewPCG(uint64(d.s.i), 7+uint64(k)))
		// A failed send leaves the answer unacknowledged, which the
		// result reports.
		_ = d.s.answer(k, []string{"a", "b", "c", "d"}[rng.IntN(4)])
	}
}

func storeMax(a *atomic.Int64, v int64) {
	for {
		old := a.Load()
		if v <= old || a.CompareAndSwap(old, v) {
			return
		}
	}
}
