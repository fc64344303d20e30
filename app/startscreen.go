package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// The first screen, at every start, tells the teacher the two things a
// class needs: where the phones join (an address and a QR code of it) and
// the instructor link. Logs come after it, and are quiet by default.

// startScreen is what the first screen says.
type startScreen struct {
	Serving        string   // the address a browser on this machine opens
	JoinURLs       []string // where phones join, best first; empty if none
	JoinProblem    string   // why phones cannot join, when they cannot
	InstructorLink string   // with the key, or without when the key was given
	KeyGiven       bool     // the key came from --instructor-key
	LinkAgain      string   // the command that shows the link again
	QR             bool     // draw the QR code (stdout is a terminal)
	Nats           string   // cluster mode's NATS URLs; empty on one server
}

func writeStartScreen(w io.Writer, s startScreen) error {
	var b strings.Builder
	// Tests and the load generator wait for this line: keep it first.
	fmt.Fprintf(&b, "netstudy is serving %s\n\n", s.Serving)
	switch {
	case len(s.JoinURLs) > 0:
		fmt.Fprintf(&b, "Students join at  %s\n", s.JoinURLs[0])
		for _, u := range s.JoinURLs[1:] {
			fmt.Fprintf(&b, "             or   %s\n", u)
		}
		if s.QR {
			b.WriteString("or scan:\n")
			if err := writeQR(&b, s.JoinURLs[0]); err != nil {
				return err
			}
		}
	default:
		fmt.Fprintf(&b, "Phones cannot join yet: %s\n", s.JoinProblem)
	}
	b.WriteString("\n")
	if s.KeyGiven {
		fmt.Fprintf(&b, "Instructor page   %s\n", s.InstructorLink)
		b.WriteString("                  (sign in with your --instructor-key)\n")
	} else {
		fmt.Fprintf(&b, "Instructor link   %s\n", s.InstructorLink)
		b.WriteString("                  (keep it private: it signs you in; it stays the same after a restart)\n")
		fmt.Fprintf(&b, "Show it again     %s\n", s.LinkAgain)
	}
	if s.Nats != "" {
		fmt.Fprintf(&b, "\nCluster mode      live sessions are kept in NATS JetStream at %s\n", s.Nats)
		b.WriteString("                  (every node started with the same --nats and --instructor-key serves them)\n")
	}
	b.WriteString("\nStop with Ctrl+C.\n\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// hostIface is what lanIPs needs of a network interface, so that tests can
// describe machines other than the one they run on.
type hostIface struct {
	Name  string
	Flags net.Flags
	Addrs []net.Addr
}

func machineIfaces() []hostIface {
	ifaces, err := net.Interfaces()
	if err != nil {
		return nil
	}
	out := make([]hostIface, 0, len(ifaces))
	for _, ifc := range ifaces {
		addrs, err := ifc.Addrs()
		if err != nil {
			continue
		}
		out = append(out, hostIface{Name: ifc.Name, Flags: ifc.Flags, Addrs: addrs})
	}
	return out
}

// virtualIface names the bridges that containers and virtual machines add:
// their addresses are listed last, since phones cannot reach them.
func virtualIface(name string) bool {
	for _, p := range []string{"docker", "br-", "veth", "virbr", "vmnet", "vboxnet", "cni", "flannel", "podman"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// maxJoinURLs keeps the screen short on a machine with many addresses.
const maxJoinURLs = 3

// lanIPs returns the addresses of this machine that other machines on the
// network can reach: interfaces that are up and not loopback, IPv4 first
// (every phone speaks it), then IPv6 if wanted. The bridges of containers
// and virtual machines count only when there is nothing else. Link-local
// addresses are left out: a browser cannot use them without naming the
// interface.
func lanIPs(ifaces []hostIface, withIPv6 bool) []net.IP {
	type ranked struct {
		ip   net.IP
		rank int
	}
	var found, virtual []ranked
	for i, ifc := range ifaces {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		for _, a := range ifc.Addrs {
			ipn, ok := a.(*net.IPNet)
			if !ok || ipn.IP.IsLoopback() || ipn.IP.IsLinkLocalUnicast() || !ipn.IP.IsGlobalUnicast() {
				continue
			}
			rank := i
			if ipn.IP.To4() == nil {
				if !withIPv6 {
					continue
				}
				rank += 1 << 20
			}
			if virtualIface(ifc.Name) {
				virtual = append(virtual, ranked{ipn.IP, rank})
			} else {
				found = append(found, ranked{ipn.IP, rank})
			}
		}
	}
	if len(found) == 0 {
		found = virtual
	}
	slices.SortStableFunc(found, func(a, b ranked) int { return a.rank - b.rank })
	ips := make([]net.IP, len(found))
	for i, f := range found {
		ips[i] = f.ip
	}
	return ips
}

// joinURLs returns where phones join a server listening on addr, best
// first, or why they cannot. --public-url wins; a server listening on one
// address is joined there; one listening on every interface is joined at
// the machine's LAN addresses.
func joinURLs(publicURL string, addr net.Addr, ifaces []hostIface) ([]string, string) {
	if publicURL != "" {
		return []string{strings.TrimRight(publicURL, "/") + "/join"}, ""
	}
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return nil, "the server does not listen on TCP"
	}
	port := fmt.Sprint(tcp.Port)
	if tcp.IP.IsLoopback() {
		return nil, fmt.Sprintf("netstudy listens on this computer only (--addr %s).\n"+
			"Start it with --addr :%s to let phones on the network in.", addr, port)
	}
	if !tcp.IP.IsUnspecified() {
		return []string{"http://" + net.JoinHostPort(tcp.IP.String(), port) + "/join"}, ""
	}
	ips := lanIPs(ifaces, tcp.IP.To4() == nil)
	if len(ips) == 0 {
		return nil, "this computer has no network address.\n" +
			"Connect it to the classroom network (Wi-Fi or cable) and start netstudy again,\n" +
			"or give the address phones use with --public-url."
	}
	urls := make([]string, min(len(ips), maxJoinURLs))
	for i, ip := range ips[:len(urls)] {
		urls[i] = "http://" + net.JoinHostPort(ip.String(), port) + "/join"
	}
	return urls, ""
}

// instructorBase is the scheme://host:port of the instructor link: the
// public URL when given, else an address this machine's browser opens.
func instructorBase(publicURL, browsableAddr string) string {
	if publicURL != "" {
		return strings.TrimRight(publicURL, "/")
	}
	return "http://" + browsableAddr
}

// instructorLink signs in whoever opens it: the key leaves the address bar
// at once (see the web package's sign-in).
func instructorLink(base, key string) string {
	return base + "/host?key=" + key
}

// selfCommand is how the teacher runs this program again: "go run ./app"
// when it was started that way (the binary then lives in a temporary
// build folder), else the binary's name.
func selfCommand() string {
	exe, err := os.Executable()
	if err != nil || strings.Contains(exe, "go-build") {
		return "go run ./app"
	}
	return filepath.Base(exe)
}

// linkAgainCommand is the command that shows the instructor link again,
// with the settings that differ from the defaults.
func linkAgainCommand(cfg config) string {
	cmd := selfCommand() + " instructor-link"
	if cfg.DataDir != defaultDataDir {
		cmd += " --data " + shellQuote(cfg.DataDir)
	}
	if cfg.PublicURL != "" {
		cmd += " --public-url " + shellQuote(cfg.PublicURL)
	} else if cfg.Addr != defaultAddr {
		cmd += " --addr " + shellQuote(cfg.Addr)
	}
	return cmd
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:[]@%+=,", r))
	}) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// isTerminal reports whether w is a terminal, where the QR code can be
// drawn in colour.
func isTerminal(w io.Writer, getenv func(string) string) bool {
	f, ok := w.(*os.File)
	if !ok || getenv("TERM") == "dumb" {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
