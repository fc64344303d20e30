package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"strings"
	"time"

	"netstudy/app/clientip"
)

// config is everything the server takes from flags and the environment.
type config struct {
	Addr          string
	ContentDir    string
	DataDir       string
	InstructorKey string
	PublicURL     string
	LogFormat     string
	LogLevel      slog.Level
	PprofAddr     string
	IdleEnd       time.Duration
	// Nats, when set, runs the node in cluster mode: its live sessions
	// are kept in NATS JetStream at these comma-separated URLs.
	Nats         string
	NatsReplicas int
	// TrustedProxies are the load balancers whose X-Forwarded-For names
	// the client (package clientip); none in a classroom.
	TrustedProxies []netip.Prefix
}

// The defaults a teacher gets from "go run ./app": every interface, so
// that phones on the classroom network reach the server.
const (
	defaultAddr    = ":8080"
	defaultDataDir = "data"
)

// minIdleEnd keeps a typo ("4" for "4h" is refused by the parser, but
// "4s" is not) from ending every session while its class is reading.
const minIdleEnd = time.Minute

// envPrefix names the environment variable behind each flag:
// --content-dir is NETSTUDY_CONTENT_DIR.
const envPrefix = "NETSTUDY_"

func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseConfig reads flags, falling back to NETSTUDY_* environment variables
// for every flag that is not given on the command line.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("netstudy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Addr, "addr", defaultAddr, "address to listen on: every interface by default, so phones on the network can join; 127.0.0.1:8080 keeps it to this computer")
	fs.StringVar(&cfg.ContentDir, "content", "", "folder of notes (*.md) and quizzes (quizzes/*.md) to serve instead of the shipped ones; edits are picked up live")
	fs.StringVar(&cfg.DataDir, "data", defaultDataDir, "folder of the SQLite database and the instructor key (created if missing)")
	fs.StringVar(&cfg.InstructorKey, "instructor-key", "", "secret that signs the instructor in; if unset, one is made on the first start and kept in the --data folder")
	fs.StringVar(&cfg.PublicURL, "public-url", "", "address students use to reach this server (for join links and QR codes), e.g. http://192.168.1.20:8080")
	fs.StringVar(&cfg.LogFormat, "log-format", "text", "log format: text or json")
	fs.TextVar(&cfg.LogLevel, "log-level", slog.LevelInfo, "least important log lines written: debug (adds a line per request), info, warn or error")
	fs.StringVar(&cfg.PprofAddr, "pprof-addr", "", "serve Go's profiler on this address (e.g. 127.0.0.1:6060) for performance work; off when empty")
	fs.DurationVar(&cfg.IdleEnd, "idle-end", 4*time.Hour, "end a live session nobody has acted in for this long, so a forgotten one frees its quiz for practice (e.g. 90m, 24h; at least 1m)")
	fs.StringVar(&cfg.Nats, "nats", "", "cluster mode: comma-separated NATS URLs (e.g. nats://10.0.0.1:4222,nats://10.0.0.2:4222); every node given the same --nats and --instructor-key serves every live session. Off when empty: one server, SQLite")
	fs.Func("trusted-proxies", "load balancers in front of this server, as comma-separated addresses or CIDR prefixes (e.g. 10.0.0.5,10.1.0.0/16): for a request from one of them the client's address is the one they wrote in X-Forwarded-For, so that limits count each student apart and the dashboard shows who is who. Off when empty: the connection's address, whatever a header says", func(v string) error {
		p, err := clientip.ParseTrusted(v)
		cfg.TrustedProxies = p
		return err
	})
	fs.IntVar(&cfg.NatsReplicas, "nats-replicas", 3, "cluster mode: copies JetStream keeps of the sessions (3 for a three-server NATS cluster, 1 for a single NATS server)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, `netstudy: a networking study guide and live classroom quiz server.

Usage:
  netstudy [flags]                   serve the study guide and live quizzes
  netstudy instructor-link [flags]   show the instructor link again (--data, --addr, --public-url)
  netstudy loadtest [flags]          measure a server under simulated students (see loadtest --help)

The instructor key is kept in the --data folder. To change it, which signs
the instructor out everywhere, use "Change instructor key" on /host.

Flags (each can also be set with an environment variable, shown in brackets):
`)
		fs.VisitAll(func(f *flag.Flag) {
			def := ""
			if f.DefValue != "" {
				def = fmt.Sprintf(" (default %q)", f.DefValue)
			}
			fmt.Fprintf(stderr, "  --%s [%s]\n      %s%s\n", f.Name, envName(f.Name), f.Usage, def)
		})
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q (see --help)", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] {
			return
		}
		if v := getenv(envName(f.Name)); v != "" {
			if err := f.Value.Set(v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", envName(f.Name), err))
			}
		}
	})
	if cfg.LogFormat != "text" && cfg.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("--log-format must be text or json, not %q", cfg.LogFormat))
	}
	if cfg.IdleEnd < minIdleEnd {
		errs = append(errs, fmt.Errorf("--idle-end must be at least %v, not %v", minIdleEnd, cfg.IdleEnd))
	}
	if cfg.Nats != "" && cfg.InstructorKey == "" {
		// A key made in each node's --data folder would differ: a
		// dashboard signed in on one node would be refused by the next.
		errs = append(errs, errors.New("--nats needs --instructor-key (or NETSTUDY_INSTRUCTOR_KEY), the same on every node"))
	}
	if cfg.NatsReplicas < 1 || cfg.NatsReplicas > 5 {
		errs = append(errs, fmt.Errorf("--nats-replicas must be 1 to 5, not %d", cfg.NatsReplicas))
	}
	return cfg, errors.Join(errs...)
}
