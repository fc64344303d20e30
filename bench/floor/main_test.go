package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"runtime"
	"strings"
	"testing"
)

// TestMain lets the test binary be the client process too, as the command
// is its own.
func TestMain(m *testing.M) {
	if addr := os.Getenv(clientEnv); addr != "" {
		if err := runClient(addr); err != nil {
			os.Stderr.WriteString("floor client: " + err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestEveryMessageArrivesAndIsTimed(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the client reads with epoll")
	}
	for _, mode := range []string{"broadcast", "echo"} {
		t.Run(mode, func(t *testing.T) {
			var out bytes.Buffer
			if err := run(context.Background(), config{Mode: mode, N: 200, Rounds: 2}, &out); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			if len(lines) != 4 { // two rounds, the summary, the JSON
				t.Fatalf("printed %q, want two rounds, a summary and a JSON line", out.String())
			}
			var got struct {
				config
				round
			}
			if err := json.Unmarshal([]byte(lines[3]), &got); err != nil {
				t.Fatal(err)
			}
			if got.Mode != mode || got.N != 200 || got.Got != 200 {
				t.Errorf("JSON %s: want mode %s and 200 of 200", lines[3], mode)
			}
			if !(0 < got.P50 && got.P50 <= got.P99 && got.P99 <= got.Last) {
				t.Errorf("JSON %s: want 0 < p50 ≤ p99 ≤ last", lines[3])
			}
		})
	}
}

func TestRefusesWhatItCannotMeasure(t *testing.T) {
	for _, cfg := range []config{
		{Mode: "multicast", N: 10, Rounds: 1},
		{Mode: "echo", N: 0, Rounds: 1},
		{Mode: "echo", N: 10, Rounds: 0},
		{Mode: "broadcast", N: 10, Rounds: 1, Size: 4},
	} {
		if err := run(context.Background(), cfg, new(bytes.Buffer)); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
}
