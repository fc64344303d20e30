// Command floor measures what this machine's kernel allows with nothing of
// netstudy in the way, so that the load test's figures can be read against
// it:
//
//   - broadcast: one process writes a message to each of N loopback TCP
//     sockets, another reads them all. The time until the last one is read
//     is the floor under the load test's "last student has the question".
//   - echo: N clients each send a message and the server writes it back.
//     The time until the last echo is read is the floor under "10,000
//     answers acknowledged", for a server that neither decodes nor stores.
//
// The server side is this process, written as any Go server would be:
// net.Conn writes from a goroutine per processor (broadcast), a goroutine
// per connection (echo). The client side is a second process started from
// the same binary, which reads every socket from one epoll loop on one
// thread: the cheapest reader there is, so that the figures are a floor.
//
//	go run ./bench/floor --mode broadcast --n 10000
//	go run ./bench/floor --mode echo --n 10000
package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"slices"
	"sync"
	"time"
)

// clientEnv names the variable that makes the binary the client process:
// it holds the server's address.
const clientEnv = "NETSTUDY_FLOOR_CLIENT"

// config is what the server tells the client on the control connection.
type config struct {
	Mode   string `json:"mode"`
	N      int    `json:"n"`
	Size   int    `json:"size"`
	Rounds int    `json:"rounds"`
}

// round is what the client measured in one round, in milliseconds: for a
// broadcast, delivery latencies from the server's write; for echo, round
// trips, and Last the time from the first write to the last echo.
type round struct {
	P50  float64 `json:"p50_ms"`
	P99  float64 `json:"p99_ms"`
	Last float64 `json:"last_ms"`
	Got  int     `json:"got"`
}

func main() {
	if addr := os.Getenv(clientEnv); addr != "" {
		if err := runClient(addr); err != nil {
			fmt.Fprintln(os.Stderr, "floor client:", err)
			os.Exit(1)
		}
		return
	}
	var cfg config
	flag.StringVar(&cfg.Mode, "mode", "broadcast", "broadcast or echo")
	flag.IntVar(&cfg.N, "n", 10000, "connections")
	flag.IntVar(&cfg.Size, "size", 0, "message bytes (default 300 for broadcast, 100 for echo)")
	flag.IntVar(&cfg.Rounds, "rounds", 5, "rounds; the summary is their median")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

// run serves cfg.N connections of a client process it starts, plays the
// rounds, and prints each round and their median, then one JSON line.
func run(ctx context.Context, cfg config, out io.Writer) error {
	if cfg.Size == 0 {
		cfg.Size = map[string]int{"broadcast": 300, "echo": 100}[cfg.Mode]
	}
	if cfg.Mode != "broadcast" && cfg.Mode != "echo" {
		return fmt.Errorf("unknown mode %q: broadcast or echo", cfg.Mode)
	}
	if cfg.N < 1 || cfg.Rounds < 1 || cfg.Size < 8 {
		return errors.New("need n ≥ 1, rounds ≥ 1 and size ≥ 8")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, self)
	cmd.Env = append(os.Environ(), clientEnv+"="+ln.Addr().String())
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start the client process: %w", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		ln.Close() // a client that died early must not leave Accept waiting
		close(exited)
	}()
	defer func() { <-exited }()
	defer func() { _ = cmd.Process.Kill() }()

	// The client dials the control connection first, then the others.
	ctl, err := ln.Accept()
	if err != nil {
		return err
	}
	defer ctl.Close()
	if err := json.NewEncoder(ctl).Encode(cfg); err != nil {
		return err
	}
	conns := make([]net.Conn, 0, cfg.N)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for len(conns) < cfg.N {
		c, err := ln.Accept()
		if err != nil {
			return fmt.Errorf("accept connection %d: %w", len(conns)+1, err)
		}
		conns = append(conns, c)
	}
	if cfg.Mode == "echo" {
		for _, c := range conns {
			go echo(c, cfg.Size)
		}
	}

	results := json.NewDecoder(ctl)
	var rounds []round
	for i := range cfg.Rounds {
		if cfg.Mode == "broadcast" {
			// The client says when it is ready to read.
			var ready [1]byte
			if _, err := io.ReadFull(ctl, ready[:]); err != nil {
				return fmt.Errorf("round %d: %w", i+1, err)
			}
			broadcast(conns, cfg.Size)
		}
		var r round
		if err := results.Decode(&r); err != nil {
			return fmt.Errorf("round %d: the client's result: %w", i+1, err)
		}
		fmt.Fprintf(out, "round %d: p50 %.1f ms, p99 %.1f ms, last %.1f ms\n", i+1, r.P50, r.P99, r.Last)
		rounds = append(rounds, r)
	}
	sum := round{
		P50:  median(rounds, func(r round) float64 { return r.P50 }),
		P99:  median(rounds, func(r round) float64 { return r.P99 }),
		Last: median(rounds, func(r round) float64 { return r.Last }),
		Got:  cfg.N,
	}
	fmt.Fprintf(out, "%s of %d × %d bytes, median of %d rounds: p50 %.1f ms, p99 %.1f ms, last %.1f ms\n",
		cfg.Mode, cfg.N, cfg.Size, cfg.Rounds, sum.P50, sum.P99, sum.Last)
	return json.NewEncoder(out).Encode(struct {
		config
		round
	}{cfg, sum})
}

// broadcast writes one stamped message to every connection, split among
// one goroutine per processor.
func broadcast(conns []net.Conn, size int) {
	msg := make([]byte, size)
	binary.LittleEndian.PutUint64(msg, uint64(time.Now().UnixNano()))
	workers := runtime.GOMAXPROCS(0)
	per := (len(conns) + workers - 1) / workers
	var wg sync.WaitGroup
	for part := range slices.Chunk(conns, per) {
		wg.Go(func() {
			for _, c := range part {
				_ = writeOnce(c, msg) // a failed write shows as a missing delivery
			}
		})
	}
	wg.Wait()
}

// echo writes back every message it reads, until the connection closes.
func echo(c net.Conn, size int) {
	buf := make([]byte, size)
	for {
		if _, err := io.ReadFull(c, buf); err != nil {
			return
		}
		if _, err := c.Write(buf); err != nil {
			return
		}
	}
}

func median(rs []round, f func(round) float64) float64 {
	vs := make([]float64, len(rs))
	for i, r := range rs {
		vs[i] = f(r)
	}
	slices.Sort(vs)
	return vs[len(vs)/2]
}

// summarize turns latencies in nanoseconds into a round.
func summarize(lat []int64, last time.Duration) round {
	if len(lat) == 0 {
		return round{}
	}
	slices.Sort(lat)
	ms := func(ns int64) float64 { return float64(ns) / 1e6 }
	return round{
		P50:  ms(lat[len(lat)/2]),
		P99:  ms(lat[len(lat)*99/100]),
		Last: ms(int64(last)),
		Got:  len(lat),
	}
}
