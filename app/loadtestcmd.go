package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"netstudy/app/loadtest"
)

// runLoadtest is the "netstudy loadtest" subcommand.
func runLoadtest(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("netstudy loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg loadtest.Config
	var urls urlList
	fs.Var(&urls, "url", "server to test (e.g. http://127.0.0.1:8080); repeat it or separate URLs with commas to spread the students over several nodes of a cluster, the instructor on the first; without it a server is started on a temporary data folder")
	fs.StringVar(&cfg.Key, "instructor-key", getenv("NETSTUDY_INSTRUCTOR_KEY"), "the servers' instructor key, with --url: the generator signs in with it as a browser does [NETSTUDY_INSTRUCTOR_KEY]")
	fs.StringVar(&cfg.Key, "key", getenv("NETSTUDY_INSTRUCTOR_KEY"), "the same as --instructor-key")
	fs.IntVar(&cfg.Students, "students", 100, "simulated students")
	fs.IntVar(&cfg.Questions, "questions", 3, "questions to broadcast")
	fs.IntVar(&cfg.QuestionBytes, "question-bytes", 300, "approximate size of each question")
	fs.DurationVar(&cfg.Spread, "spread", 0, "spread the answers over this long (0: everyone answers at once)")
	fs.DurationVar(&cfg.Ramp, "ramp", 0, "spread the connections over this long (0: as fast as possible)")
	fs.IntVar(&cfg.Dialers, "dialers", 200, "connections opened at once")
	fs.DurationVar(&cfg.Timeout, "timeout", time.Minute, "give up on a phase after this long")
	jsonOnly := fs.Bool("json", false, "print only the JSON line")
	cpuProfile := fs.String("cpuprofile", "", "write the load generator's own CPU profile to this file")
	fs.Usage = func() {
		fmt.Fprintf(stderr, `netstudy loadtest: measure a server under simulated students.

It hosts a session, joins the students over real WebSocket connections,
broadcasts the questions, has every student answer each, and prints a table
and one JSON line (keys: students, questions, connect_ms, latency_ms,
last_student_ms, ack_ms, answers_per_s, server_bytes_per_student, lost,
duplicated, unacked, and cpu_us: the CPU time the server and the generator
spent per join, per delivery and per answer; with several nodes, nodes: how
many students each carried, and memory and CPU summed over them). It fails if
any answer was lost, duplicated or left unacknowledged.

The instructor signs in with the key as a browser does (POST /host/signin),
hosts on the first --url and reads the results there; the students are
dealt to the --url nodes in turn.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	var err error
	if cfg.URLs, err = loadtest.ParseURLs(urls); err != nil {
		return fmt.Errorf("loadtest: %w", err)
	}
	if len(cfg.URLs) > 0 && cfg.Key == "" {
		return errors.New("loadtest: --url needs --instructor-key (or NETSTUDY_INSTRUCTOR_KEY)")
	}
	if len(cfg.URLs) == 0 {
		exe, err := os.Executable()
		if err != nil {
			return fmt.Errorf("loadtest: find own binary: %w", err)
		}
		cfg.Exe = exe
	}
	if !*jsonOnly {
		cfg.Progress = stderr
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("loadtest: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("loadtest: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	res, err := loadtest.Run(ctx, cfg)
	if err != nil {
		return fmt.Errorf("loadtest: %w", err)
	}
	if !*jsonOnly {
		printTable(stdout, res)
	}
	line, _ := json.Marshal(res)
	fmt.Fprintln(stdout, string(line))
	if res.Lost+res.Duplicated+res.Unacked > 0 {
		return fmt.Errorf("loadtest: %d lost, %d duplicated, %d unacknowledged answers", res.Lost, res.Duplicated, res.Unacked)
	}
	return nil
}

func printTable(w io.Writer, r loadtest.Result) {
	fmt.Fprintf(w, "students %d, questions %d\n", r.Students, r.Questions)
	fmt.Fprintf(w, "%-34s %10s %10s %10s %10s\n", "", "p50", "p95", "p99", "max")
	row := func(name string, d loadtest.Dist) {
		fmt.Fprintf(w, "%-34s %10.1f %10.1f %10.1f %10.1f\n", name, d.P50, d.P95, d.P99, d.Max)
	}
	row("broadcast delivery (ms)", r.LatencyMS)
	row("last student has question (ms)", r.LastStudentMS)
	fmt.Fprintf(w, "%-34s %10.1f %10s %10.1f\n", "answer acknowledged (ms)", r.AckMS.P50, "", r.AckMS.P99)
	fmt.Fprintf(w, "%-34s %10.0f ms\n", "connect all students", r.ConnectMS)
	fmt.Fprintf(w, "%-34s %10.0f\n", "answers per second", r.AnswersPerS)
	fmt.Fprintf(w, "%-34s %10.0f bytes\n", "server memory per student", r.ServerBytesPerStudent)
	fmt.Fprintf(w, "%-34s %10.1f µs (load generator %.1f µs)\n", "server CPU per join", r.CPU.ServerPerJoin, r.CPU.GeneratorPerJoin)
	fmt.Fprintf(w, "%-34s %10.1f µs (load generator %.1f µs)\n", "server CPU per delivery", r.CPU.ServerPerDelivery, r.CPU.GeneratorPerDelivery)
	fmt.Fprintf(w, "%-34s %10.1f µs (load generator %.1f µs)\n", "server CPU per answer", r.CPU.ServerPerAnswer, r.CPU.GeneratorPerAnswer)
	fmt.Fprintf(w, "%-34s %d lost, %d duplicated, %d unacknowledged\n", "answers", r.Lost, r.Duplicated, r.Unacked)
	for _, n := range r.Nodes {
		fmt.Fprintf(w, "%-34s %10d students\n", "node "+n.URL, n.Students)
	}
}

// urlList is the --url flag: it may be given several times.
type urlList []string

func (l *urlList) String() string     { return strings.Join(*l, ",") }
func (l *urlList) Set(v string) error { *l = append(*l, v); return nil }
