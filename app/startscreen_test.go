package main

import (
	"flag"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"rsc.io/qr"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func ipNet(s string) *net.IPNet {
	ip, n, err := net.ParseCIDR(s)
	if err != nil {
		panic(err)
	}
	n.IP = ip
	return n
}

// A laptop on a school's Wi-Fi, with Docker installed and IPv6.
var laptop = []hostIface{
	{Name: "lo", Flags: net.FlagUp | net.FlagLoopback, Addrs: []net.Addr{ipNet("127.0.0.1/8"), ipNet("::1/128")}},
	{Name: "docker0", Flags: net.FlagUp, Addrs: []net.Addr{ipNet("172.17.0.1/16")}},
	{Name: "wlan0", Flags: net.FlagUp, Addrs: []net.Addr{ipNet("fe80::1/64"), ipNet("2001:db8::20/64"), ipNet("192.168.1.20/24")}},
	{Name: "eth0", Flags: 0, Addrs: []net.Addr{ipNet("10.0.0.5/8")}}, // cable unplugged
	{Name: "zt0", Flags: net.FlagUp, Addrs: []net.Addr{ipNet("169.254.3.4/16")}},
}

func TestJoinURLs(t *testing.T) {
	tests := []struct {
		name, public, listen string
		ifaces               []hostIface
		want                 []string
		problem              string
	}{
		{"every interface: IPv4 first; virtual, link-local and down left out", "", "[::]:8080", laptop,
			[]string{"http://192.168.1.20:8080/join", "http://[2001:db8::20]:8080/join"}, ""},
		{"every IPv4 interface: no IPv6", "", "0.0.0.0:8080", laptop,
			[]string{"http://192.168.1.20:8080/join"}, ""},
		{"only a container bridge: better than nothing", "", "[::]:8080", laptop[:2],
			[]string{"http://172.17.0.1:8080/join"}, ""},
		{"--public-url wins", "https://quiz.example.org/", "[::]:8080", laptop,
			[]string{"https://quiz.example.org/join"}, ""},
		{"one address", "", "192.168.1.20:9000", laptop, []string{"http://192.168.1.20:9000/join"}, ""},
		{"this computer only", "", "127.0.0.1:8080", laptop, nil, "--addr :8080"},
		{"no network", "", "[::]:8080", laptop[:1], nil, "--public-url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr, err := net.ResolveTCPAddr("tcp", tt.listen)
			if err != nil {
				t.Fatal(err)
			}
			got, problem := joinURLs(tt.public, addr, tt.ifaces)
			if !slices.Equal(got, tt.want) {
				t.Errorf("joinURLs = %q, want %q", got, tt.want)
			}
			if (tt.problem == "") != (problem == "") || !strings.Contains(problem, tt.problem) {
				t.Errorf("problem = %q, want one mentioning %q", problem, tt.problem)
			}
		})
	}
}

// The first screen, as a teacher sees it, in the cases that differ.
func TestStartScreenGolden(t *testing.T) {
	tests := []struct {
		name   string
		screen startScreen
	}{
		{"lan", startScreen{
			Serving:        "http://127.0.0.1:8080",
			JoinURLs:       []string{"http://192.168.1.20:8080/join", "http://[2001:db8::20]:8080/join"},
			InstructorLink: "http://127.0.0.1:8080/host?key=Zm9yIHRoZSB0ZXN0cyBvbmx5",
			LinkAgain:      "go run ./app instructor-link",
			QR:             true,
		}},
		{"key-given", startScreen{
			Serving:        "http://127.0.0.1:8080",
			JoinURLs:       []string{"http://192.168.1.20:8080/join"},
			InstructorLink: "http://127.0.0.1:8080/host",
			KeyGiven:       true,
		}},
		{"local-only", startScreen{
			Serving:        "http://127.0.0.1:8080",
			JoinProblem:    "netstudy listens on this computer only (--addr 127.0.0.1:8080).\nStart it with --addr :8080 to let phones on the network in.",
			InstructorLink: "http://127.0.0.1:8080/host?key=Zm9yIHRoZSB0ZXN0cyBvbmx5",
			LinkAgain:      "go run ./app instructor-link --addr 127.0.0.1:8080",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := writeStartScreen(&b, tt.screen); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "startscreen", tt.name+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if b.String() != string(want) {
				t.Errorf("start screen differs from %s (run with -update after checking):\n%s", golden, b.String())
			}
			if !strings.HasPrefix(b.String(), "netstudy is serving "+tt.screen.Serving+"\n") {
				t.Error("the first line must stay \"netstudy is serving URL\": tests and the load generator wait for it")
			}
		})
	}
}

// The QR code drawn in the terminal is the code of the join URL, module
// for module, inside a white quiet zone: read back from the half blocks,
// it matches the encoder's bitmap.
func TestTerminalQRIsTheJoinURL(t *testing.T) {
	const url = "http://192.168.100.200:8080/join"
	var b strings.Builder
	if err := writeQR(&b, url); err != nil {
		t.Fatal(err)
	}
	code, err := qr.Encode(url, qr.M)
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]bool // dark modules read back, quiet zone included
	for _, line := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
		body, ok := strings.CutPrefix(line, sgrBlackOnWhite)
		if !ok || !strings.HasSuffix(body, sgrReset) {
			t.Fatalf("line %q is not drawn black on white", line)
		}
		var top, bottom []bool
		for _, r := range strings.TrimSuffix(body, sgrReset) {
			switch r {
			case ' ':
				top, bottom = append(top, false), append(bottom, false)
			case '▀':
				top, bottom = append(top, true), append(bottom, false)
			case '▄':
				top, bottom = append(top, false), append(bottom, true)
			case '█':
				top, bottom = append(top, true), append(bottom, true)
			default:
				t.Fatalf("unexpected character %q", r)
			}
		}
		rows = append(rows, top, bottom)
	}
	side := code.Size + 2*qrQuietZone
	if len(rows) < side || len(rows[0]) != side {
		t.Fatalf("drawn %d×%d modules, want %d×%d", len(rows[0]), len(rows), side, side)
	}
	for y, row := range rows {
		for x, dark := range row {
			want := code.Black(x-qrQuietZone, y-qrQuietZone)
			if dark != want {
				t.Fatalf("module (%d,%d) is dark=%v, want %v", x, y, dark, want)
			}
		}
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"data":           "data",
		"/srv/netstudy":  "/srv/netstudy",
		"my data":        "'my data'",
		"it's":           `'it'\''s'`,
		"":               "''",
		"127.0.0.1:8080": "127.0.0.1:8080",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
