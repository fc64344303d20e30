package main

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"netstudy/app/auth"
	"netstudy/app/live"
)

// serverProcess is the real server in a process of its own, so that the
// test can kill -9 it. The test binary doubles as the server: see TestMain.
type serverProcess struct {
	cmd    *exec.Cmd
	url    string
	screen string // the start screen, up to "Stop with Ctrl+C."
	log    string // the file the process writes its standard error to
	done   chan struct{}

	screens chan string // the start screen, once printed
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
	p := launchServerProcess(t, args, env...)
	p.waitServing(t)
	return p
}

// launchServerProcess starts the server with args and extra environment
// without waiting for it (see waitServing), so that several start at
// once. Its standard error goes to a file, whose end a failing test
// shows. It is killed when the test ends.
func launchServerProcess(t *testing.T, args []string, env ...string) *serverProcess {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), runAsServerEnv+"=1"), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logFile, err := os.CreateTemp(t.TempDir(), "server-*.log")
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close() // the process has its own copy
	cmd.Stderr = logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serverProcess{cmd: cmd, log: logFile.Name(), done: make(chan struct{}), screens: make(chan string, 1)}
	go func() { _ = cmd.Wait(); close(p.done) }()
	go func() {
		sc := bufio.NewScanner(out)
		var screen strings.Builder
		for sc.Scan() {
			screen.WriteString(sc.Text() + "\n")
			if strings.HasPrefix(sc.Text(), "Stop with Ctrl+C") {
				p.screens <- screen.String()
			}
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			t.Logf("server %s (%s), end of its log:\n%s", p.url, strings.Join(args, " "), p.logTail())
		}
	})
	return p
}

// waitServing waits until the server prints its start screen, and reads
// its address there.
func (p *serverProcess) waitServing(t *testing.T) {
	t.Helper()
	if p.url != "" {
		return
	}
	select {
	case p.screen = <-p.screens:
	case <-p.done:
		t.Fatalf("server process exited before serving:\n%s", p.logTail())
	case <-time.After(45 * time.Second):
		t.Fatalf("server process did not start:\n%s", p.logTail())
	}
	for line := range strings.SplitSeq(p.screen, "\n") {
		if u, ok := strings.CutPrefix(line, "netstudy is serving "); ok {
			p.url = strings.TrimSpace(u)
			break
		}
	}
	if p.url == "" {
		t.Fatalf("no address on the start screen:\n%s", p.screen)
	}
}

// logTail is the end of the process's standard error.
func (p *serverProcess) logTail() string {
	b, err := os.ReadFile(p.log)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	const keep = 3000
	if len(b) > keep {
		b = b[len(b)-keep:]
	}
	return filepath.Base(p.log) + ":\n" + string(b)
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
		hdr.Set("Cookie", auth.CookieName+"="+auth.New(crashKey, nil).InstructorCookie())
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
	return createSessionFrom(t, base, key, body)
}

// createSessionFrom creates a session with POST /api/sessions and the
// JSON body given.
func createSessionFrom(t *testing.T, base, key, body string) (id, code string) {
	t.Helper()
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
