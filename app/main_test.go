package main

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"netstudy/app/natstest"
)

// runAsServerEnv makes the test binary run the real server instead of the
// tests, so that a test can start, kill -9 and restart a server process.
const runAsServerEnv = "NETSTUDY_TEST_RUN_AS_SERVER"

func TestMain(m *testing.M) {
	if os.Getenv(runAsServerEnv) == "1" {
		main()
		return
	}
	// All the parallel tests at once: the cluster tests and the browser
	// restart mostly wait, and this package holds a slot go test would
	// otherwise give the browser tests sooner.
	natstest.SetParallel(8)
	goleak.VerifyTestMain(m,
		// chroma's regexp engine keeps one clock goroutine for the life of
		// the process, by design; it is not ours to stop.
		goleak.IgnoreAnyFunction("github.com/dlclark/regexp2/v2.runClock"),
		// bleve starts its analysis workers when it is loaded and keeps
		// them for the life of the process, by design.
		goleak.IgnoreAnyFunction("github.com/blevesearch/bleve_index_api.AnalysisWorker"),
	)
}

// startRun runs the whole program on a free port and returns its base URL.
// The program is stopped, and must have returned cleanly, when the test ends.
func startRun(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	args = append([]string{"--addr", "127.0.0.1:0", "--data", t.TempDir()}, args...)
	go func() {
		done <- run(ctx, args, func(string) string { return "" }, outW, io.Discard)
		outW.Close()
	}()
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "netstudy is serving "); ok {
				urls <- u
			}
		}
		close(urls)
	}()
	var base string
	select {
	case base = <-urls:
	case err := <-done:
		cancel()
		t.Fatalf("run returned before serving: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run returned %v after cancel, want nil", err)
		}
		for range urls { // drain so the scanner goroutine ends
		}
	})
	return base
}

func getBody(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestRunServesShippedContent(t *testing.T) {
	base := startRun(t)
	if status, body := getBody(t, base+"/healthz"); status != 200 {
		t.Fatalf("healthz = %d %s", status, body)
	}
	if status, _ := getBody(t, base+"/"); status != 200 {
		t.Fatalf("home = %d", status)
	}
	status, metrics := getBody(t, base+"/metrics")
	for _, want := range []string{"go_goroutines", "process_resident_memory_bytes", "netstudy_live_events_total"} {
		if status != 200 || !strings.Contains(metrics, want) {
			t.Errorf("/metrics (%d) lacks %s", status, want)
		}
	}
	http.DefaultClient.CloseIdleConnections()
}

func TestRunServesContentFolderAndSeesEdits(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("first.md", "# First note\n\n### Why?\n\nBecause.\n")
	base := startRun(t, "--content", dir)
	if status, body := getBody(t, base+"/api/notes/first"); status != 200 || !strings.Contains(body, "First note") {
		t.Fatalf("GET /api/notes/first = %d %s", status, body)
	}
	write("second.md", "# Second note\n")
	deadline := time.Now().Add(10 * time.Second)
	for {
		status, _ := getBody(t, base+"/api/notes/second")
		if status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a note added to the content folder was not picked up")
		}
		time.Sleep(50 * time.Millisecond)
	}
	http.DefaultClient.CloseIdleConnections()
}

func TestRunRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing content folder", []string{"--content", "/does/not/exist"}, "--content"},
		{"unknown flag", []string{"--bogus"}, "bogus"},
		{"stray argument", []string{"serve"}, "unexpected argument"},
		{"bad log format", []string{"--log-format", "xml"}, "log-format"},
		{"idle end without a unit", []string{"--idle-end", "4"}, "idle-end"},
		{"idle end too short", []string{"--idle-end", "30s"}, "idle-end"},
		{"a proxy that is not an address", []string{"--trusted-proxies", "10.0.0.1,balancer.example"}, "balancer.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(context.Background(), tt.args, func(string) string { return "" }, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run(%q) = %v, want an error mentioning %q", tt.args, err, tt.want)
			}
		})
	}
}

func TestConfigFromEnvironment(t *testing.T) {
	env := map[string]string{
		"NETSTUDY_ADDR":           "0.0.0.0:9000",
		"NETSTUDY_INSTRUCTOR_KEY": "from-env",
		"NETSTUDY_CONTENT":        "/srv/notes",
		"NETSTUDY_IDLE_END":       "24h",
	}
	cfg, err := parseConfig([]string{"--addr", "127.0.0.1:7000"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "127.0.0.1:7000" {
		t.Errorf("Addr = %q: a flag must win over the environment", cfg.Addr)
	}
	if cfg.InstructorKey != "from-env" || cfg.ContentDir != "/srv/notes" || cfg.IdleEnd != 24*time.Hour {
		t.Errorf("env not applied: %+v", cfg)
	}
}

func TestHelpDescribesEveryFlag(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), []string{"--help"}, func(string) string { return "" }, io.Discard, &out); err != nil {
		t.Fatalf("--help returned %v", err)
	}
	for _, want := range []string{"--addr", "--content", "--data", "--instructor-key", "NETSTUDY_INSTRUCTOR_KEY", "--idle-end", "loadtest",
		"instructor-link", "Change instructor key", "--log-level", "NETSTUDY_LOG_LEVEL", `(default ":8080")`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("--help does not mention %s:\n%s", want, out.String())
		}
	}
}

func TestBrowsableAddress(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0.0.0.0:8080", "127.0.0.1:8080"},
		{"[::]:8080", "127.0.0.1:8080"},
		{"192.168.1.20:8080", "192.168.1.20:8080"},
		{"127.0.0.1:9000", "127.0.0.1:9000"},
	}
	for _, tt := range tests {
		addr, err := net.ResolveTCPAddr("tcp", tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := browsable(addr); got != tt.want {
			t.Errorf("browsable(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// A setting that fails once the server's goroutines have started (here the
// profiler's address) must end run with the error, not leave it waiting
// for goroutines that nobody told to stop.
func TestRunReturnsOnALateError(t *testing.T) {
	done := make(chan error, 1)
	go func() {
		args := []string{"--addr", "127.0.0.1:0", "--data", t.TempDir(), "--content", t.TempDir(), "--pprof-addr", "127.0.0.1:99999"}
		done <- run(context.Background(), args, func(string) string { return "" }, io.Discard, io.Discard)
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "pprof") {
			t.Fatalf("run returned %v, want the profiler's error", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not return after the profiler failed to listen")
	}
}

// A second server on a port already taken says how to pick another.
func TestAddressInUseSaysHowToPickAnother(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	args := []string{"--addr", taken.Addr().String(), "--data", t.TempDir()}
	err = run(context.Background(), args, func(string) string { return "" }, io.Discard, io.Discard)
	if err == nil {
		t.Fatal("run listened on a taken port")
	}
	for _, want := range []string{"already in use", "--addr :8081", "NETSTUDY_ADDR"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

// startRunLogging runs the program with the environment env and returns
// its base URL and a function that stops it and returns what it logged.
func startRunLogging(t *testing.T, env map[string]string, args ...string) (string, func() string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	var logs syncBuffer
	done := make(chan error, 1)
	args = append([]string{"--addr", "127.0.0.1:0", "--data", t.TempDir()}, args...)
	go func() {
		done <- run(ctx, args, func(k string) string { return env[k] }, outW, &logs)
		outW.Close()
	}()
	sc := bufio.NewScanner(outR)
	if !sc.Scan() {
		cancel()
		t.Fatalf("run returned before serving: %v", <-done)
	}
	base := strings.TrimPrefix(sc.Text(), "netstudy is serving ")
	go func() {
		for sc.Scan() { // drain the rest of the screen
		}
	}()
	stop := func() string {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run returned %v", err)
		}
		return logs.String()
	}
	return base, stop
}

// Request lines stay off the screen at the default level; --log-level
// debug, or NETSTUDY_LOG_LEVEL, turns them on.
func TestRequestLinesOnlyAtDebug(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want bool
	}{
		{"default", nil, nil, false},
		{"flag", nil, []string{"--log-level", "debug"}, true},
		{"environment", map[string]string{"NETSTUDY_LOG_LEVEL": "debug"}, nil, true},
		{"warnings only", nil, []string{"--log-level", "warn"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, stop := startRunLogging(t, tt.env, tt.args...)
			if status, _ := getBody(t, base+"/healthz"); status != 200 {
				t.Fatalf("healthz = %d", status)
			}
			http.DefaultClient.CloseIdleConnections()
			logs := stop()
			if got := strings.Contains(logs, "path=/healthz"); got != tt.want {
				t.Errorf("request line logged = %v, want %v; logs:\n%s", got, tt.want, logs)
			}
		})
	}
}

func TestInstructorLinkCommand(t *testing.T) {
	noEnv := func(string) string { return "" }
	dir := t.TempDir()
	var out strings.Builder
	err := run(context.Background(), []string{"instructor-link", "--data", dir}, noEnv, &out, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "start netstudy once") {
		t.Fatalf("instructor-link before any start = %v, want an error saying to start the server once", err)
	}
	if err := saveInstructorKey(dir, "kept-key"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"defaults", nil, nil, "http://127.0.0.1:8080/host?key=kept-key"},
		{"another port", []string{"--addr", ":9000"}, nil, "http://127.0.0.1:9000/host?key=kept-key"},
		{"public URL", nil, map[string]string{"NETSTUDY_PUBLIC_URL": "https://quiz.example.org/"}, "https://quiz.example.org/host?key=kept-key"},
		{"key given", nil, map[string]string{"NETSTUDY_INSTRUCTOR_KEY": "mine"}, "--instructor-key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			args := append([]string{"instructor-link", "--data", dir}, tt.args...)
			if err := run(context.Background(), args, func(k string) string { return tt.env[k] }, &out, io.Discard); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), tt.want) {
				t.Errorf("printed %q, want %q", out.String(), tt.want)
			}
			if tt.env["NETSTUDY_INSTRUCTOR_KEY"] != "" && strings.Contains(out.String(), "mine") {
				t.Error("the key given by the teacher is printed")
			}
		})
	}
}

// A key file others can read is made private; an empty one is an error
// that says what to do.
func TestInstructorKeyFile(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	dir := t.TempDir()
	key, err := loadOrMakeInstructorKey(dir, log)
	if err != nil || len(key) < 22 {
		t.Fatalf("first key = %q, %v", key, err)
	}
	if again, err := loadOrMakeInstructorKey(dir, log); err != nil || again != key {
		t.Errorf("second load = %q, %v; want the first key %q", again, err, key)
	}
	path := instructorKeyPath(dir)
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := loadOrMakeInstructorKey(dir, log); err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != keyFileMode {
		t.Errorf("mode %v after loading, want %v", info.Mode().Perm(), os.FileMode(keyFileMode))
	}
	if err := os.WriteFile(path, []byte("\n"), keyFileMode); err != nil {
		t.Fatal(err)
	}
	if _, err := loadOrMakeInstructorKey(dir, log); err == nil || !strings.Contains(err.Error(), "delete it") {
		t.Errorf("an empty key file gives %v, want an error saying to delete it", err)
	}
}
