package layers

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestWireshark has tshark (installed by .ci/run) read each scenario's
// capture with checksum validation on: no malformed packet, no bad
// checksum, and the dissectors it picks agree with the model.
func TestWireshark(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs tshark once per scenario")
	}
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tshark not found; CI must install it (apt-get install -y tshark)")
		}
		t.Skip("tshark is not installed")
	}
	dir := t.TempDir()
	for _, info := range Scenarios() {
		p := DefaultParamsFor(info.ID)
		p.Message = strings.Repeat("Grüße ", 300) // long enough to split
		p.Drop = []int{4}
		s, err := Build(info.ID, p)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := WritePcap(&buf, s); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, info.ID+".pcap")
		if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(tshark, "-r", path,
			"-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
			"-T", "fields", "-e", "frame.protocols", "-e", "_ws.malformed",
			"-e", "ip.checksum.status", "-e", "tcp.checksum.status", "-e", "udp.checksum.status", "-e", "icmp.checksum.status").Output()
		if err != nil {
			t.Fatalf("%s: tshark: %v", info.ID, err)
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) != len(s.Packets) {
			t.Fatalf("%s: tshark read %d packets, want %d", info.ID, len(lines), len(s.Packets))
		}
		sawWS := false
		for i, line := range lines {
			f := strings.Split(line, "\t")
			if f[1] != "" {
				t.Errorf("%s packet %d: malformed: %s", info.ID, i, line)
			}
			for _, status := range f[2:] {
				if status == "0" { // 0 is Bad, 1 Good, 2 Unverified
					t.Errorf("%s packet %d: bad checksum: %s", info.ID, i, line)
				}
			}
			sawWS = sawWS || strings.HasSuffix(f[0], ":websocket") || strings.Contains(f[0], ":websocket:")
		}
		if info.ID == "websocket" && !sawWS {
			t.Errorf("websocket: Wireshark found no WebSocket frame:\n%s", out)
		}
	}
}
