package layers

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func marshal(t *testing.T, s *Scenario) []byte {
	t.Helper()
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// TestGolden pins the JSON the browser gets for one scenario.
func TestGolden(t *testing.T) {
	s, err := Build("tcp-handshake", DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	got := marshal(t, s)
	path := filepath.Join("testdata", "tcp-handshake.golden.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("JSON differs from %s; run go test ./app/layers -update and review the diff", path)
	}
	var back Scenario
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatal(err)
	}
	if again := marshal(t, &back); !bytes.Equal(again, got) {
		t.Error("the JSON does not survive a round trip")
	}
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	for _, v := range variants(t) {
		a, b := marshal(t, build(t, v)), marshal(t, build(t, v))
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two builds differ", v.name)
		}
	}
	// Different connections get different initial sequence numbers.
	p := DefaultParams()
	a, _ := Build("tcp-handshake", p)
	p.ClientPort++
	b, _ := Build("tcp-handshake", p)
	if number(t, a.Packets[0], "tcp.seq") == number(t, b.Packets[0], "tcp.seq") {
		t.Error("the ISN does not depend on the ports")
	}
}
