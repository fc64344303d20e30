package main

import (
	"context"
	"encoding/json"
	"io"
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
	if res.LatencyMS.P50 <= 0 || res.AckMS.P99 <= 0 || res.AnswersPerS <= 0 || res.ServerBytesPerStudent <= 0 {
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
