package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"netstudy/app/live"
)

// serverProcess is the real server in a process of its own, so that the
// test can kill -9 it. The test binary doubles as the server: see TestMain.
type serverProcess struct {
	cmd    *exec.Cmd
	url    string
	screen string // the start screen, up to "Stop with Ctrl+C."
	done   chan struct{}
}

const crashKey = "crash-test-key"

func startServerProcess(t *testing.T, dataDir string) *serverProcess {
	t.Helper()
	return startServerProcessWith(t, []string{"--addr", "127.0.0.1:0", "--data", dataDir}, "NETSTUDY_INSTRUCTOR_KEY="+crashKey)
}

// startServerProcessWith starts the server with args and extra
// environment, and returns once it serves, with its start screen.
func startServerProcessWith(t *testing.T, args []string, env ...string) *serverProcess {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), runAsServerEnv+"=1"), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serverProcess{cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.done) }()
	screens := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		var screen strings.Builder
		for sc.Scan() {
			screen.WriteString(sc.Text() + "\n")
			if strings.HasPrefix(sc.Text(), "Stop with Ctrl+C") {
				screens <- screen.String()
			}
		}
	}()
	select {
	case p.screen = <-screens:
	case <-p.done:
		t.Fatal("server process exited before serving")
	case <-time.After(30 * time.Second):
		t.Fatal("server process did not start")
	}
	first, _, _ := strings.Cut(p.screen, "\n")
	p.url = strings.TrimPrefix(first, "netstudy is serving ")
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.done
	})
	return p
}

func (p *serverProcess) kill9(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(os.Kill); err != nil {
		t.Fatal(err)
	}
	<-p.done
}

// crashClient is a student's phone speaking the live protocol.
type crashClient struct {
	conn *websocket.Conn
	mu   sync.Mutex
}

func dialLive(base string, instructor bool) (*crashClient, error) {
	hdr := http.Header{"Origin": {base}}
	if instructor {
		hdr.Set("Cookie", live.CookieName+"="+live.NewAuth(crashKey, nil).InstructorCookie())
	}
	return dialLiveWith(base, hdr)
}

func dialLiveWith(base string, hdr http.Header) (*crashClient, error) {
	conn, res, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(base, "http")+"/live", hdr)
	if res != nil && res.Body != nil {
		res.Body.Close()
	}
	if err != nil {
		return nil, err
	}
	return &crashClient{conn: conn}, nil
}

func (c *crashClient) send(typ, id string, data any) error {
	raw, _ := json.Marshal(data)
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.conn.WriteJSON(live.Envelope{Type: typ, ID: id, Data: raw})
}

// until reads until an envelope of one of the types, answering pings.
func (c *crashClient) until(types ...string) (live.Envelope, error) {
	for {
		var env live.Envelope
		_ = c.conn.SetReadDeadline(time.Now().Add(15 * time.Second))
		if err := c.conn.ReadJSON(&env); err != nil {
			return env, err
		}
		if env.Type == "ping" {
			_ = c.send("pong", "", json.RawMessage(env.Data))
			continue
		}
		for _, t := range types {
			if env.Type == t {
				return env, nil
			}
		}
	}
}

func createSession(t *testing.T, base string) (id, code string) {
	t.Helper()
	return createSessionWithKey(t, base, crashKey)
}

func createSessionWithKey(t *testing.T, base, key string) (id, code string) {
	t.Helper()
	body := `{"title":"crash","questions":[{"kind":"single","prompt":"Which layer routes?","choices":["Network","Link"],"correct":[0]}]}`
	req, _ := http.NewRequest(http.MethodPost, base+"/api/sessions", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct{ ID, Code string }
	if res.StatusCode != http.StatusCreated || json.NewDecoder(res.Body).Decode(&out) != nil {
		t.Fatalf("create session: %s", res.Status)
	}
	return out.ID, out.Code
}

// TestKill9KeepsEveryAcknowledgedAnswer kills the real server process with
// SIGKILL while a class is answering, restarts it on the same data folder,
// lets every student resume and retry what was not acknowledged, and then
// finds every acknowledged answer stored exactly once.
func TestKill9KeepsEveryAcknowledgedAnswer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	const students = 40
	dir := t.TempDir()
	srv := startServerProcess(t, dir)
	id, code := createSession(t, srv.url)

	host, err := dialLive(srv.url, true)
	if err != nil {
		t.Fatal(err)
	}
	host.send("hello", "", map[string]any{"protocol": 1, "session": code, "role": "host"})
	if _, err := host.until("welcome"); err != nil {
		t.Fatal(err)
	}
	tokens := make([]string, students)
	phones := make([]*crashClient, students)
	for i := range phones {
		c, err := dialLive(srv.url, false)
		if err != nil {
			t.Fatal(err)
		}
		c.send("hello", "", map[string]any{"protocol": 1, "session": code, "role": "student"})
		c.send("join", fmt.Sprintf("join-%d", i), map[string]string{"nickname": fmt.Sprintf("kid%02d", i)})
		ack, err := c.until("ack")
		if err != nil {
			t.Fatal(err)
		}
		var a struct {
			OK     bool `json:"ok"`
			Result struct {
				Token string `json:"token"`
			} `json:"result"`
		}
		if json.Unmarshal(ack.Data, &a); !a.OK {
			t.Fatalf("join %d: %s", i, ack.Data)
		}
		tokens[i], phones[i] = a.Result.Token, c
	}
	host.send("ask_next", "ask-1", nil)
	if _, err := host.until("ack"); err != nil {
		t.Fatal(err)
	}

	// Everyone answers at once; the server dies part way through.
	var mu sync.Mutex
	acked := map[int]bool{}
	var wg sync.WaitGroup
	for i, c := range phones {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.until("question_opened"); err != nil {
				return
			}
			// Answers trickle in, as a class's do, so the kill lands
			// with some acknowledged, some in flight, some not yet sent.
			time.Sleep(time.Duration(i) * 4 * time.Millisecond)
			if c.send("answer", fmt.Sprintf("answer-%d", i), map[string]any{"question_id": "typed-1", "round": 1, "choices": []string{"a"}}) != nil {
				return
			}
			if env, err := c.until("ack"); err == nil && strings.Contains(string(env.Data), `"ok":true`) {
				mu.Lock()
				acked[i] = true
				mu.Unlock()
			}
		}()
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= students/4 || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	srv.kill9(t)
	wg.Wait()
	mu.Lock()
	ackedBefore := len(acked)
	mu.Unlock()
	if ackedBefore == 0 {
		t.Fatal("no answer was acknowledged before the kill; the test proves nothing")
	}

	// The server comes back; every phone resumes and retries its answer
	// with the same id, as the browser client does.
	srv2 := startServerProcess(t, dir)
	for i := range phones {
		c, err := dialLive(srv2.url, false)
		if err != nil {
			t.Fatal(err)
		}
		c.send("hello", "", map[string]any{"protocol": 1, "session": code, "role": "student", "token": tokens[i]})
		w, err := c.until("welcome")
		if err != nil || !strings.Contains(string(w.Data), `"participant_id"`) {
			t.Fatalf("student %d could not resume after the restart: %s %v", i, w.Data, err)
		}
		c.send("answer", fmt.Sprintf("answer-%d", i), map[string]any{"question_id": "typed-1", "round": 1, "choices": []string{"a"}})
		env, err := c.until("ack")
		if err != nil || !strings.Contains(string(env.Data), `"ok":true`) {
			t.Fatalf("student %d's retried answer: %s %v", i, env.Data, err)
		}
		c.conn.Close()
	}

	req, _ := http.NewRequest(http.MethodGet, srv2.url+"/api/sessions/"+id+"/results", nil)
	req.Header.Set("Authorization", "Bearer "+crashKey)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var rep struct {
		Results struct {
			Rounds []struct {
				Answers []struct {
					Nickname string `json:"nickname"`
				} `json:"answers"`
			} `json:"rounds"`
		} `json:"results"`
	}
	if err := json.NewDecoder(res.Body).Decode(&rep); err != nil || len(rep.Results.Rounds) != 1 {
		t.Fatalf("results: %v %+v", err, rep)
	}
	seen := map[string]int{}
	for _, a := range rep.Results.Rounds[0].Answers {
		seen[a.Nickname]++
	}
	for i := range students {
		if n := seen[fmt.Sprintf("kid%02d", i)]; n != 1 {
			t.Errorf("kid%02d has %d stored answers, want exactly 1 (acknowledged before the kill: %v)", i, n, acked[i])
		}
	}
	t.Logf("%d of %d answers were acknowledged before kill -9; all %d stored once after the restart", ackedBefore, students, students)
}
