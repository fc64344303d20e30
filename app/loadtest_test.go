package main

import (
	"context"
	"encoding/json"
	"io"
	"slices"
	"strings"
	"testing"

	"netstudy/app/loadtest"
)

// TestLoadtestCommand runs the load test briefly against a real server
// process, as CI does: it must finish and find no lost, duplicated or
// unacknowledged answer.
func TestLoadtestCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process and hundreds of connections")
	}
	srv := startServerProcess(t, t.TempDir())
	var out strings.Builder
	args := []string{"loadtest", "--url", srv.url, "--key", crashKey, "--students", "300", "--questions", "2", "--json"}
	if err := run(context.Background(), args, func(string) string { return "" }, &out, io.Discard); err != nil {
		t.Fatalf("loadtest: %v\n%s", err, out.String())
	}
	var res loadtest.Result
	if err := json.Unmarshal([]byte(strings.TrimSpace(out.String())), &res); err != nil {
		t.Fatalf("the JSON line does not parse: %v\n%s", err, out.String())
	}
	if res.Students != 300 || res.Questions != 2 || res.Lost+res.Duplicated+res.Unacked != 0 {
		t.Errorf("result = %+v", res)
	}
	if res.LatencyMS.P50 <= 0 || res.AckMS.P99 <= 0 || res.AnswersPerS <= 0 {
		t.Errorf("some measures are missing: %+v", res)
	}
	// The server's CPU is counted in ticks of 10 ms, which 600 answers
	// may not fill; the generator's own is counted finely.
	if res.CPU.GeneratorPerAnswer <= 0 || res.CPU.GeneratorPerDelivery <= 0 || res.CPU.ServerPerAnswer < 0 || res.CPU.ServerPerDelivery < 0 {
		t.Errorf("CPU use = %+v", res.CPU)
	}
	for _, key := range []string{`"connect_ms"`, `"latency_ms"`, `"last_student_ms"`, `"ack_ms"`, `"answers_per_s"`, `"server_bytes_per_student"`, `"lost"`, `"duplicated"`, `"unacked"`, `"cpu_us"`} {
		if !strings.Contains(out.String(), key) {
			t.Errorf("the JSON line lacks %s", key)
		}
	}
}

// runLoadtestJSON runs "netstudy loadtest ... --json" with the given
// environment and returns the parsed result and the error.
func runLoadtestJSON(t *testing.T, env map[string]string, args ...string) (loadtest.Result, error) {
	t.Helper()
	var out strings.Builder
	err := run(context.Background(), append(append([]string{"loadtest"}, args...), "--json"), func(k string) string { return env[k] }, &out, io.Discard)
	var res loadtest.Result
	if err == nil {
		if jerr := json.Unmarshal([]byte(strings.TrimSpace(out.String())), &res); jerr != nil {
			t.Fatalf("the JSON line does not parse: %v\n%s", jerr, out.String())
		}
	}
	return res, err
}

// Several --url values spread the students over them in turn. A cluster
// is not needed to see it: one real server reached under two names
// (127.0.0.1 and localhost) is two nodes to the generator, and each
// student's WebSocket must come from its own node's origin, or the
// server's Origin check refuses it.
func TestLoadtestSpreadsStudentsOverURLs(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	srv := startServerProcess(t, t.TempDir())
	byName := strings.Replace(srv.url, "127.0.0.1", "localhost", 1)
	if byName == srv.url {
		t.Fatalf("the server is not on 127.0.0.1: %s", srv.url)
	}
	for _, tc := range []struct {
		name string
		urls []string
	}{
		{"comma-separated", []string{"--url", srv.url + "," + byName}},
		{"repeated", []string{"--url", srv.url, "--url", byName + "/"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := runLoadtestJSON(t, nil, append(tc.urls, "--instructor-key", crashKey, "--students", "30", "--questions", "1")...)
			if err != nil {
				t.Fatalf("loadtest: %v", err)
			}
			want := []loadtest.NodeLoad{{URL: srv.url, Students: 15}, {URL: byName, Students: 15}}
			if res.Students != 30 || res.Lost+res.Duplicated+res.Unacked != 0 || !slices.Equal(res.Nodes, want) {
				t.Errorf("result = %+v, want 30 students spread as %+v and nothing lost", res, want)
			}
		})
	}
}

// The generator signs in as a browser does, with the key from the flag or
// the environment; a wrong or missing key is a clear error before any
// student connects.
func TestLoadtestSignsInWithTheKey(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	srv := startServerProcess(t, t.TempDir())
	for _, tc := range []struct {
		name    string
		env     map[string]string
		args    []string
		wantErr string // "" when the run must succeed
	}{
		{name: "flag", args: []string{"--instructor-key", crashKey}},
		{name: "older flag name", args: []string{"--key", crashKey}},
		{name: "environment", env: map[string]string{"NETSTUDY_INSTRUCTOR_KEY": crashKey}},
		{name: "flag wins", env: map[string]string{"NETSTUDY_INSTRUCTOR_KEY": "wrong"}, args: []string{"--instructor-key", crashKey}},
		{name: "wrong key", args: []string{"--instructor-key", "not-" + crashKey}, wantErr: "refused the instructor key"},
		{name: "no key", wantErr: "needs --instructor-key"},
		{name: "bad url", args: []string{"--url", "127.0.0.1:1", "--instructor-key", crashKey}, wantErr: "want http://"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"--url", srv.url, "--students", "4", "--questions", "1"}, tc.args...)
			res, err := runLoadtestJSON(t, tc.env, args...)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one with %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || res.Students != 4 || res.Nodes != nil {
				t.Fatalf("loadtest = %+v, %v; want 4 students on one node", res, err)
			}
		})
	}
}

// Without --url the generator starts a server of its own, with a key of
// its own, and still signs in over HTTP.
func TestLoadtestStartsItsOwnServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	t.Setenv(runAsServerEnv, "1") // the server it starts is this test binary
	res, err := runLoadtestJSON(t, nil, "--students", "10", "--questions", "1")
	if err != nil {
		t.Fatalf("loadtest: %v", err)
	}
	if res.Students != 10 || res.Lost+res.Duplicated+res.Unacked != 0 {
		t.Errorf("result = %+v", res)
	}
}
