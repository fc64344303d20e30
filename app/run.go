package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"netstudy/app/auth"
	"netstudy/app/catalog"
	"netstudy/app/clientip"
	"netstudy/app/jslog"
	"netstudy/app/live"
	"netstudy/app/live/wire"
	"netstudy/app/store"
	"netstudy/app/web"
	"netstudy/content"
	"netstudy/static"
	"netstudy/templates"
)

// shutdownGrace is how long in-flight requests get to finish after a
// signal before connections are closed.
const shutdownGrace = 5 * time.Second

// run is the whole program behind main; tests call it with their own
// arguments, environment and output.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "loadtest":
			return runLoadtest(ctx, args[1:], getenv, stdout, stderr)
		case "instructor-link":
			return runInstructorLink(args[1:], getenv, stdout, stderr)
		}
	}
	cfg, err := parseConfig(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	logOut := newBatchedWriter(stderr)
	defer logOut.Flush() // the last lines, once everything has stopped
	log := newLogger(cfg.LogFormat, cfg.LogLevel, logOut)

	contentFS, err := openContent(cfg.ContentDir)
	if err != nil {
		return err
	}

	st, err := store.Open(ctx, cfg.DataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	key := cfg.InstructorKey
	if key == "" {
		if key, err = loadOrMakeInstructorKey(cfg.DataDir, log); err != nil {
			return err
		}
	}
	// In cluster mode the secret that signs tokens is the cluster's, so
	// that a token minted on one node is good on every other.
	var secrets interface {
		Secret(context.Context) ([]byte, error)
	} = st
	var cluster live.ClusterLog // nil: one server, SQLite
	if cfg.Nats != "" {
		jl, err := openCluster(ctx, cfg, log)
		if err != nil && ctx.Err() != nil {
			// Stopped while it waited for NATS: an ordinary stop.
			log.Info("stopped before NATS was reached", "err", err)
			return nil
		}
		if err != nil {
			return err
		}
		defer jl.Close() // after the hub has stopped (deferred below)
		secrets, cluster = jl, jl
	}
	secret, err := secrets.Secret(ctx)
	if err != nil {
		return err
	}
	creds := auth.New(key, secret)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	hub := live.NewHub(live.Config{Store: st, Commands: store.NewLog(st), Cluster: cluster, Auth: creds, Log: log, Registry: reg, IdleEnd: cfg.IdleEnd})
	clientIP := clientip.New(cfg.TrustedProxies)
	conns := wire.New(wire.Config{Hub: hub, Auth: creds, Log: log, Registry: reg, ClientIP: clientIP})

	cat := catalog.New(contentFS, log)
	var keys web.InstructorKeyChanger // nil: the key is the teacher's own
	if cfg.InstructorKey == "" {
		keys = &keyChanger{dataDir: cfg.DataDir, auth: creds, hub: hub}
	}
	srv, err := web.New(web.Deps{
		Catalog:        cat,
		Hub:            hub,
		Wire:           conns,
		Auth:           creds,
		InstructorKeys: keys,
		Metrics:        reg,
		PublicURL:      cfg.PublicURL,
		Templates:      templates.FS,
		Static:         static.FS,
		Log:            log,
		ClientIP:       clientIP,
	})
	if err != nil {
		return err
	}

	// On every return, early or not, the goroutines below are told to
	// stop before they are waited for.
	var wg sync.WaitGroup
	ctx, cancel := context.WithCancel(ctx)
	defer func() {
		cancel()
		wg.Wait()
	}()

	// No TCP keep-alive probes: a vanished phone is noticed by the live
	// protocol's heartbeats and an idle HTTP connection by IdleTimeout,
	// and the three system calls that set them up on every accepted
	// connection were 3% of the server's CPU while a class joined.
	ln, err := (&net.ListenConfig{KeepAlive: -1}).Listen(ctx, "tcp", cfg.Addr)
	if err != nil {
		return listenError(cfg.Addr, err)
	}
	if cfg.ContentDir != "" {
		// Watching starts before the server says it is serving: an edit
		// made from then on is seen.
		if watcher, err := cat.Watch(cfg.ContentDir); err != nil {
			log.Warn("content changes will not be picked up", "err", err)
		} else {
			wg.Add(1)
			go func() {
				defer wg.Done()
				watcher.Run(ctx)
			}()
		}
	}
	if err := writeStartScreen(stdout, newStartScreen(cfg, ln.Addr(), key, isTerminal(stdout, getenv))); err != nil {
		return fmt.Errorf("write the start screen: %w", err)
	}

	if err := hub.Start(ctx); err != nil {
		return err
	}
	conns.Start(ctx)
	defer func() {
		cancel()
		hub.Wait() // its stop closes every connection, which the wire then ends
		conns.Wait()
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		logOut.flushEvery(ctx, logFlushEvery)
	}()

	if cfg.PprofAddr != "" {
		stopPprof, err := servePprof(ctx, cfg.PprofAddr, log)
		if err != nil {
			return err
		}
		defer stopPprof()
	}

	httpSrv := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return ctx },
		ConnContext:       web.ConnContext,
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- httpSrv.Serve(web.WrapListener(ln)) }()
	log.Info("serving", "addr", ln.Addr().String(), "content", contentName(cfg.ContentDir))

	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutCtx, done := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer done()
	if err := httpSrv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// newLogger writes lines of level and above. At the default, info, the
// request lines (debug) stay out of the way of the start screen.
func newLogger(format string, level slog.Level, w *batchedWriter) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if format == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	return slog.New(flushOnWarn{h, w})
}

// newStartScreen gathers what the first screen says. The key is shown
// only when it was made here: a key the teacher chose is already known,
// and stays out of the terminal's scrollback.
func newStartScreen(cfg config, addr net.Addr, key string, terminal bool) startScreen {
	if _, port, err := net.SplitHostPort(cfg.Addr); err == nil && port == "0" {
		cfg.Addr = addr.String() // the command must name the port picked
	}
	urls, problem := joinURLs(cfg.PublicURL, addr, machineIfaces())
	base := instructorBase(cfg.PublicURL, browsable(addr))
	s := startScreen{
		Serving:        "http://" + browsable(addr),
		JoinURLs:       urls,
		JoinProblem:    problem,
		InstructorLink: base + "/host",
		KeyGiven:       cfg.InstructorKey != "",
		LinkAgain:      linkAgainCommand(cfg),
		QR:             terminal,
		Nats:           jslog.RedactURLs(cfg.Nats),
	}
	if !s.KeyGiven {
		s.InstructorLink = instructorLink(base, key)
	}
	return s
}

// openCluster connects to NATS for cluster mode. NATS is not embedded:
// a kill -9 of this node must not take a JetStream replica with it.
// A node started before NATS, or with NATS down, waits for it until it is
// stopped, saying so in the log every few seconds: a deployment that
// starts everything at once then comes up by itself. It does not listen
// meanwhile, so a balancer's health check finds it down.
func openCluster(ctx context.Context, cfg config, log *slog.Logger) (*jslog.Log, error) {
	log.Info("connecting to NATS", "nats", jslog.RedactURLs(cfg.Nats), "replicas", cfg.NatsReplicas)
	name, _ := os.Hostname()
	jl, err := jslog.Open(ctx, jslog.Config{
		URLs: cfg.Nats, Name: "netstudy " + name + " " + cfg.Addr, Replicas: cfg.NatsReplicas, Logger: log,
	})
	if err != nil {
		return nil, fmt.Errorf("--nats: %w", err)
	}
	log.Info("cluster mode", "nats", jslog.RedactURLs(cfg.Nats), "replicas", cfg.NatsReplicas)
	return jl, nil
}

// listenError explains the commonest failure of a start: another program,
// often a netstudy still running, has the port.
func listenError(addr string, err error) error {
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("cannot listen on %s: the address is already in use, "+
			"perhaps by another netstudy still running.\n"+
			"Stop that one, or pick another port: --addr :8081 (or NETSTUDY_ADDR=:8081)", addr)
	}
	return fmt.Errorf("listen on %s: %w", addr, err)
}

// openContent returns the shipped content, or the folder given with
// --content after checking that it exists.
func openContent(dir string) (fs.FS, error) {
	if dir == "" {
		return content.FS, nil
	}
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("--content: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("--content: %s is not a folder", dir)
	}
	return os.DirFS(dir), nil
}

func contentName(dir string) string {
	if dir == "" {
		return "shipped"
	}
	return dir
}

// browsable turns a listening address into one a browser on this machine
// can open: a server listening on every interface (0.0.0.0 or [::]) is
// reached at 127.0.0.1; the join links it shows use the LAN address.
func browsable(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return addr.String()
	}
	return net.JoinHostPort("127.0.0.1", fmt.Sprint(tcp.Port))
}

// randomKey makes an instructor key that cannot be guessed: 128 bits.
func randomKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}
