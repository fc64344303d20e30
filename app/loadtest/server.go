package loadtest

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// server is a netstudy server started for one run, in its own process
// with its own data folder, so that its memory is measured alone.
type server struct {
	cmd  *exec.Cmd
	dir  string
	url  string
	key  string
	done chan struct{}
}

func startServer(ctx context.Context, exe string) (*server, error) {
	if exe == "" {
		return nil, errors.New("no server to start: give --url or run the netstudy binary")
	}
	dir, err := os.MkdirTemp("", "netstudy-loadtest-")
	if err != nil {
		return nil, err
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	s := &server{dir: dir, key: hex.EncodeToString(b), done: make(chan struct{})}
	s.cmd = exec.Command(exe, "--addr", "127.0.0.1:0", "--data", dir, "--log-format", "json")
	s.cmd.Env = append(os.Environ(), "NETSTUDY_INSTRUCTOR_KEY="+s.key)
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	s.cmd.Stderr = io.Discard
	if err := s.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start server: %w", err)
	}
	go func() { _ = s.cmd.Wait(); close(s.done) }()
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "netstudy is serving "); ok {
				urls <- u
			}
		}
	}()
	select {
	case s.url = <-urls:
		return s, nil
	case <-s.done:
		os.RemoveAll(dir)
		return nil, errors.New("the server exited before serving")
	case <-time.After(30 * time.Second):
		s.stop()
		return nil, errors.New("the server did not start within 30s")
	case <-ctx.Done():
		s.stop()
		return nil, ctx.Err()
	}
}

func (s *server) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	os.RemoveAll(s.dir)
}

// serverMemory reads the server's resident memory from /metrics.
func (r *run) serverMemory(ctx context.Context) (float64, error) {
	return r.serverMetric(ctx, "process_resident_memory_bytes")
}

// serverCPU reads the CPU time the server's process has used from
// /metrics (the kernel counts it in ticks of 10 ms).
func (r *run) serverCPU(ctx context.Context) (time.Duration, error) {
	s, err := r.serverMetric(ctx, "process_cpu_seconds_total")
	return time.Duration(s * float64(time.Second)), err
}

// serverMetric reads one unlabelled metric from every node's /metrics
// and adds them up: with several nodes, the class's cost is their sum.
func (r *run) serverMetric(ctx context.Context, name string) (float64, error) {
	var sum float64
	for _, base := range r.bases {
		v, err := nodeMetric(ctx, base, name)
		if err != nil {
			return 0, err
		}
		sum += v
	}
	return sum, nil
}

// nodeMetric reads one unlabelled metric from one node's /metrics.
func nodeMetric(ctx context.Context, base, name string) (float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return 0, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			return strconv.ParseFloat(strings.TrimSpace(v), 64)
		}
	}
	return 0, fmt.Errorf("no %s in %s/metrics", name, base)
}

// checkStored compares what the server stored with what it acknowledged:
// every acknowledged answer must be there, and none twice.
func (r *run) checkStored(ctx context.Context) (lost, duplicated int, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.base+"/api/sessions/"+r.id+"/results", nil)
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+r.cfg.Key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return 0, 0, fmt.Errorf("results: %s", res.Status)
	}
	var body struct {
		Rounds []struct {
			Number  int `json:"number"`
			Answers []struct {
				Nickname string `json:"nickname"`
			} `json:"answers"`
		} `json:"rounds"`
		Results *struct {
			Rounds []struct {
				Number  int `json:"number"`
				Answers []struct {
					Nickname string `json:"nickname"`
				} `json:"answers"`
			} `json:"rounds"`
		} `json:"results"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		return 0, 0, fmt.Errorf("results: %w", err)
	}
	rounds := body.Rounds
	if body.Results != nil {
		rounds = body.Results.Rounds
	}
	stored := map[string]int{}
	for _, rd := range rounds {
		for _, a := range rd.Answers {
			stored[fmt.Sprintf("%d/%s", rd.Number, a.Nickname)]++
		}
	}
	for key, n := range stored {
		if n > 1 {
			duplicated += n - 1
			stored[key] = 1
		}
	}
	var ackedTotal int64
	for k := range r.acked {
		ackedTotal += r.acked[k].Load()
	}
	if int64(len(stored)) < ackedTotal {
		lost = int(ackedTotal - int64(len(stored)))
	}
	return lost, duplicated, nil
}
