// Package natstest starts a real three-server NATS JetStream cluster on
// loopback for tests, each server in its own OS process so that a test can
// kill -9 one, as a machine dying would, and start it again on its data.
//
// The servers are the nats-server program (v2.15.3), found on PATH or at
// $NETSTUDY_NATS_SERVER; CI installs it with
//
//	GOFLAGS= go install github.com/nats-io/nats-server/v2@v2.15.3
//
// A program rather than the test binary re-executed with the server
// embedded: it is the very program deploy/nats starts, so the tests kill
// what production runs; it keeps the server's large module tree out of
// go.mod and out of every test binary's link; and a package that uses the
// cluster needs no TestMain hook. Without the program the tests skip,
// except under CI=true, where it is a failure: CI must run them.
package natstest

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Size is the number of servers in the cluster.
const Size = 3

// readyWithin bounds every wait for servers to start and elect.
const readyWithin = 60 * time.Second

// Cluster is a running three-server JetStream cluster.
type Cluster struct {
	t       testing.TB
	binary  string
	Servers [Size]*Server
}

// Server is one NATS server of the cluster.
type Server struct {
	Name       string
	ClientPort int
	httpPort   int // monitoring, where readiness is read
	config     string
	logFile    string
	cmd        *exec.Cmd
	done       chan struct{} // closed when the process has exited
}

// URL is the server's client URL.
func (s *Server) URL() string { return "nats://127.0.0.1:" + strconv.Itoa(s.ClientPort) }

// Binary returns the nats-server program, or skips the test (fails it
// under CI=true) when there is none.
func Binary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("NETSTUDY_NATS_SERVER"); p != "" {
		return p
	}
	p, err := exec.LookPath("nats-server")
	if err == nil {
		return p
	}
	if gobin := goBin(); gobin != "" {
		if _, err := os.Stat(filepath.Join(gobin, "nats-server")); err == nil {
			return filepath.Join(gobin, "nats-server")
		}
	}
	const install = "GOFLAGS= go install github.com/nats-io/nats-server/v2@v2.15.3"
	if os.Getenv("CI") == "true" {
		t.Fatal("natstest: nats-server not found; CI must install it: " + install)
	}
	t.Skip("natstest: nats-server not found on PATH nor in $NETSTUDY_NATS_SERVER; install it: " + install)
	return ""
}

// goBin is where go install puts programs, "" if unknown.
func goBin() string {
	if d := os.Getenv("GOBIN"); d != "" {
		return d
	}
	if d := os.Getenv("GOPATH"); d != "" {
		return filepath.Join(strings.Split(d, string(os.PathListSeparator))[0], "bin")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, "go", "bin")
}

// Start starts the cluster and waits until JetStream is ready on it (a
// meta leader is elected). Everything stops when the test ends.
func Start(t testing.TB) *Cluster {
	t.Helper()
	for attempt := 1; ; attempt++ {
		c, err := startCluster(t)
		if err == nil {
			return c
		}
		// A port found free can still be bound by another program before
		// the server binds it: rare, and no fault of the code under test.
		if !errors.Is(err, errPortTaken) || attempt == startAttempts {
			t.Fatalf("natstest: %v", err)
		}
		t.Logf("natstest: %v; starting again on other ports", err)
	}
}

const startAttempts = 3

var errPortTaken = errors.New("a port was taken")

func startCluster(t testing.TB) (*Cluster, error) {
	c := &Cluster{t: t, binary: Binary(t)}
	dir := t.TempDir()
	ports := freePorts(t, 3*Size)
	// Names of this cluster alone: a killed server's peers keep dialling
	// its route port, which another test's cluster may be given next; with
	// names of their own, the two clusters refuse each other's routes
	// instead of merging.
	name := fmt.Sprintf("natstest-%d", ports[Size])
	for i := range Size {
		s := &Server{Name: fmt.Sprintf("%s-n%d", name, i+1), ClientPort: ports[i], httpPort: ports[2*Size+i]}
		var routes []string
		for j := range Size {
			if j != i {
				routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", ports[Size+j]))
			}
		}
		s.config = filepath.Join(dir, s.Name+".conf")
		s.logFile = filepath.Join(dir, s.Name+".log")
		conf := fmt.Sprintf(`server_name: %s
listen: 127.0.0.1:%d
http: 127.0.0.1:%d
log_file: %q
jetstream {
  store_dir: %q
  max_memory_store: 64MB
  max_file_store: 1GB
}
cluster {
  name: %s
  listen: 127.0.0.1:%d
  routes: [%s]
}
`, s.Name, s.ClientPort, s.httpPort, s.logFile, filepath.Join(dir, s.Name), name, ports[Size+i], strings.Join(routes, ", "))
		if err := os.WriteFile(s.config, []byte(conf), 0o644); err != nil {
			return nil, err
		}
		c.Servers[i] = s
	}
	t.Cleanup(c.stop) // stopping twice is nothing
	for _, s := range c.Servers {
		c.start(s)
	}
	for _, s := range c.Servers {
		if err := c.waitServer(s, c.Servers[:]...); err != nil {
			c.stop()
			for _, s := range c.Servers {
				if strings.Contains(tail(s.logFile), "address already in use") {
					return nil, fmt.Errorf("%s: %w", s.Name, errPortTaken)
				}
			}
			return nil, err
		}
	}
	return c, nil
}

// URLs is every server's client URL, comma-separated.
func (c *Cluster) URLs() string {
	urls := make([]string, 0, Size)
	for _, s := range c.Servers {
		urls = append(urls, s.URL())
	}
	return strings.Join(urls, ",")
}

func (c *Cluster) start(s *Server) {
	c.t.Helper()
	cmd := exec.Command(c.binary, "-c", s.config)
	if err := cmd.Start(); err != nil {
		c.t.Fatalf("natstest: start %s: %v", s.Name, err)
	}
	s.cmd, s.done = cmd, make(chan struct{})
	done := s.done
	go func() { _ = cmd.Wait(); close(done) }()
}

// Kill kills server i with SIGKILL, as a machine dying would, and waits
// until the process is gone.
func (c *Cluster) Kill(i int) {
	c.t.Helper()
	s := c.Servers[i]
	if err := s.cmd.Process.Signal(os.Kill); err != nil {
		c.t.Fatalf("natstest: kill %s: %v", s.Name, err)
	}
	<-s.done
}

// Restart starts the given servers again, once killed, on the same ports
// and data, and waits until the cluster answers JetStream requests through
// each of them. Restarting all three at once needs them started together:
// one alone cannot elect a meta leader.
func (c *Cluster) Restart(servers ...int) {
	c.t.Helper()
	for _, i := range servers {
		c.start(c.Servers[i])
	}
	for _, i := range servers {
		if err := c.waitServer(c.Servers[i], c.Servers[i]); err != nil {
			c.t.Fatalf("natstest: %v", err)
		}
	}
}

// WaitReady waits until every server answers JetStream requests and the
// meta leader counts all three as current, so that a stream of three
// replicas can be placed.
func (c *Cluster) WaitReady() {
	c.t.Helper()
	for _, s := range c.Servers {
		if err := c.waitServer(s, c.Servers[:]...); err != nil {
			c.t.Fatalf("natstest: %v", err)
		}
	}
}

// waitServer waits until s is ready, and fails as soon as one of the
// watched servers' processes has exited.
func (c *Cluster) waitServer(s *Server, watched ...*Server) error {
	ctx, cancel := context.WithTimeout(context.Background(), readyWithin)
	defer cancel()
	err := poll(ctx, func() error {
		for _, w := range watched {
			select {
			case <-w.done:
				return fmt.Errorf("%s: %w", w.Name, errExited)
			default:
			}
		}
		nc, err := nats.Connect(s.URL(), nats.NoReconnect(), nats.Timeout(time.Second))
		if err != nil {
			return err
		}
		defer nc.Close()
		js, err := jetstream.New(nc)
		if err != nil {
			return err
		}
		actx, acancel := context.WithTimeout(ctx, 2*time.Second)
		defer acancel()
		if _, err = js.AccountInfo(actx); err != nil {
			return err
		}
		// Answering is not enough: a stream of three replicas is placed
		// only once the meta leader counts every server as current.
		meta, err := s.meta(actx)
		if err != nil {
			return err
		}
		if meta.Leader == "" || meta.ClusterSize != Size {
			return fmt.Errorf("meta group: leader %q, %d servers", meta.Leader, meta.ClusterSize)
		}
		if meta.Leader != s.Name {
			return nil
		}
		current := 0
		for _, r := range meta.Replicas {
			if r.Current {
				current++
			}
		}
		if current != Size-1 {
			return fmt.Errorf("meta leader %s: %d of %d followers current", s.Name, current, Size-1)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s not ready: %w\n%s", s.Name, err, tail(s.logFile))
	}
	return nil
}

var errExited = errors.New("the server process exited")

// metaCluster is the JetStream meta group as a server's /jsz reports it.
type metaCluster struct {
	Leader      string `json:"leader"`
	ClusterSize int    `json:"cluster_size"`
	Replicas    []struct {
		Name    string `json:"name"`
		Current bool   `json:"current"`
	} `json:"replicas"`
}

func (s *Server) meta(ctx context.Context) (metaCluster, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://127.0.0.1:"+strconv.Itoa(s.httpPort)+"/jsz", nil)
	if err != nil {
		return metaCluster{}, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return metaCluster{}, err
	}
	defer resp.Body.Close()
	var jsz struct {
		Meta metaCluster `json:"meta_cluster"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&jsz); err != nil {
		return metaCluster{}, fmt.Errorf("%s /jsz: %w", s.Name, err)
	}
	return jsz.Meta, nil
}

// StreamLeader returns the index of the server leading the stream, waiting
// for one to be elected.
func (c *Cluster) StreamLeader(stream string) int {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), readyWithin)
	defer cancel()
	leader := -1
	err := poll(ctx, func() error {
		nc, err := nats.Connect(c.URLs(), nats.Timeout(time.Second))
		if err != nil {
			return err
		}
		defer nc.Close()
		js, err := jetstream.New(nc)
		if err != nil {
			return err
		}
		ictx, icancel := context.WithTimeout(ctx, 2*time.Second)
		defer icancel()
		st, err := js.Stream(ictx, stream)
		if err != nil {
			return err
		}
		info := st.CachedInfo()
		if info.Cluster == nil || info.Cluster.Leader == "" {
			return errors.New("no leader yet")
		}
		for i, s := range c.Servers {
			if s.Name == info.Cluster.Leader {
				leader = i
				return nil
			}
		}
		return fmt.Errorf("unknown leader %q", info.Cluster.Leader)
	})
	if err != nil {
		c.t.Fatalf("natstest: leader of %s: %v", stream, err)
	}
	return leader
}

// stop kills every server still running.
func (c *Cluster) stop() {
	for _, s := range c.Servers {
		if s == nil || s.cmd == nil {
			continue
		}
		select {
		case <-s.done:
		default:
			_ = s.cmd.Process.Kill()
			<-s.done
		}
		if c.t.Failed() {
			c.t.Logf("natstest: %s log:\n%s", s.Name, tail(s.logFile))
		}
	}
}

// poll calls try until it succeeds or ctx ends; the pause between tries
// grows from 20 ms to 500 ms.
func poll(ctx context.Context, try func() error) error {
	pause := 20 * time.Millisecond
	for {
		err := try()
		if err == nil || errors.Is(err, errExited) {
			return err
		}
		timer := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			timer.Stop()
			return fmt.Errorf("%w (last: %v)", ctx.Err(), err)
		case <-timer.C:
		}
		pause = min(2*pause, 500*time.Millisecond)
	}
}

// freePorts finds n free loopback ports, at random where no outgoing
// connection is given one, so that only a program binding that very port
// could take one before the server does.
func freePorts(t testing.TB, n int) []int {
	t.Helper()
	// Below the kernel's range for ephemeral ports: a port that range
	// gave, free when looked at, may be any outgoing connection's own
	// port by the time nats-server binds it, and the tests make many.
	low, high := 20000, ephemeralStart()
	ports := make([]int, 0, n)
	var held []net.Listener
	defer func() {
		for _, l := range held {
			l.Close()
		}
	}()
	for tries := 0; len(ports) < n; tries++ {
		if tries == 1000 {
			t.Fatalf("natstest: no %d free ports between %d and %d", n, low, high)
		}
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(low+rand.IntN(high-low)))
		if err != nil {
			continue // taken
		}
		held = append(held, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports
}

// ephemeralStart is the first port of the kernel's range for ephemeral
// ports (Linux's default where it cannot be read).
func ephemeralStart() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 32768
	}
	if f := strings.Fields(string(b)); len(f) == 2 {
		if p, err := strconv.Atoi(f[0]); err == nil && p > 21000 {
			return p
		}
	}
	return 32768
}

// tail is the end of a log file, for a failing test's output.
func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	const keep = 4000
	if len(b) > keep {
		b = b[len(b)-keep:]
	}
	return string(b)
}

// SetParallel lets n of the package's parallel tests run at once, unless
// the command line gave -test.parallel. Call it first thing in TestMain.
// A cluster test spends most of its time waiting (on elections, on
// timeouts, on other processes), so the default, one test per processor,
// leaves a two-core machine idle while go test gives the package one of
// its two slots.
func SetParallel(n int) {
	if !flag.Parsed() {
		flag.Parse()
	}
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		_ = flag.Set("test.parallel", strconv.Itoa(n))
	}
}
