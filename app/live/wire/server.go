package wire

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"netstudy/app/auth"
	"netstudy/app/clientip"
	"netstudy/app/live"
)

// Timings of a WebSocket connection. A client that sends nothing (not even
// a pong to our pings) for readTimeout is considered dead.
const (
	pingEvery    = 10 * time.Second
	readTimeout  = 35 * time.Second
	writeTimeout = 10 * time.Second
)

// Config is what a Server needs.
type Config struct {
	Hub      *live.Hub
	Auth     *auth.Credentials // tells the instructor's cookie
	Log      *slog.Logger
	Registry prometheus.Registerer // nil: a registry of its own
	// AllowedOrigins are the Origin values accepted on WebSocket upgrades
	// and long-polling posts besides the server's own host.
	AllowedOrigins []string
	// PingEvery and ReadTimeout are the WebSocket heartbeat (defaults 10 s
	// and 35 s): a connection that sends nothing, not even a pong, for
	// ReadTimeout is dead and closed.
	PingEvery, ReadTimeout time.Duration
	// ReadWithGoroutines reads every WebSocket on a goroutine of its own,
	// as on systems without epoll, instead of with read pollers; tests use
	// it to cover that path.
	ReadWithGoroutines bool
	// ClientIP tells a request's client address (package clientip): the
	// one the limits count and the dashboard shows. Nil: the
	// connection's.
	ClientIP clientip.Extractor
}

// Server carries the connections of a hub: it serves the HTTP handlers of
// the live protocol's transports and owns every goroutine that reads or
// writes a connection. Start it with Start; it stops when that context is
// cancelled, and Wait returns once every goroutine it started is gone. Its
// connections end when the hub stops, which closes every Peer.
type Server struct {
	hub     *live.Hub
	auth    *auth.Credentials
	log     *slog.Logger
	origins map[string]bool
	// clientIP: see Config.ClientIP.
	clientIP clientip.Extractor
	// heartbeat: see Config.PingEvery and Config.ReadTimeout.
	heartbeat struct{ every, timeout time.Duration }
	// readWithGoroutines: see Config.ReadWithGoroutines.
	readWithGoroutines bool
	socketFull         prometheus.Counter // counts the times a socket was full

	connSeq   atomic.Uint64 // numbers connections, to spread them over flushers and pollers
	polls     *pollRegistry
	writePool sync.Pool // handed to gorilla so it keeps no write buffer per connection: it never writes
	flushers  flushers  // write WebSocket frames for every connection

	mu       sync.Mutex
	readers  []*readPoller // read WebSocket connections; none: a goroutine each
	stopping bool          // set by Wait; guarded by mu, like every wg.Add
	wg       sync.WaitGroup
}

// New returns a Server for a hub; call Start before use.
func New(cfg Config) *Server {
	reg := cfg.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	s := &Server{
		hub: cfg.Hub, auth: cfg.Auth, log: cfg.Log,
		origins:            map[string]bool{},
		readWithGoroutines: cfg.ReadWithGoroutines,
		socketFull: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "netstudy_live_socket_full_total",
			Help: "Times a connection's socket was full, so that its writes waited on a goroutine of its own.",
		}),
		flushers: newFlushers(runtime.GOMAXPROCS(0)),
	}
	reg.MustRegister(s.socketFull)
	for _, o := range cfg.AllowedOrigins {
		s.origins[o] = true
	}
	s.heartbeat.every, s.heartbeat.timeout = cmp.Or(cfg.PingEvery, pingEvery), cmp.Or(cfg.ReadTimeout, readTimeout)
	s.polls = newPollRegistry(s)
	s.clientIP = cfg.ClientIP
	if s.clientIP == nil {
		s.clientIP = clientip.New(nil)
	}
	return s
}

// readPollerCount is how many read pollers serve procs processors: one for
// every two. Each poller sleeps between bursts and is woken for its share
// of every burst; on a small machine those wake-ups cost more than the
// reading they spread. With two cores shared with the load generator, one
// poller against two, in six alternating pairs of 10,000-student runs,
// acknowledged answers sooner in every pair (ack p50 140 to 210 ms against
// 165 to 230 ms) and took more answers a second in five of them.
func readPollerCount(procs int) int {
	return max(1, procs/2)
}

// Start starts the read pollers, the flushers and the sweeper of idle
// long-polling channels, until ctx ends.
func (s *Server) Start(ctx context.Context) {
	if !s.readWithGoroutines {
		readers, err := newReadPollers(readPollerCount(runtime.GOMAXPROCS(0)))
		if err != nil {
			s.log.Info("every WebSocket is read by a goroutine of its own", "why", err)
		}
		s.mu.Lock()
		s.readers = readers
		s.mu.Unlock()
		s.wg.Add(len(readers))
		for _, p := range readers {
			go func() {
				defer s.wg.Done()
				p.run(ctx)
			}()
		}
	}
	s.wg.Add(1 + len(s.flushers))
	for _, f := range s.flushers {
		go func() {
			defer s.wg.Done()
			f.run(ctx)
		}()
	}
	go func() {
		defer s.wg.Done()
		s.polls.sweep(ctx)
	}()
}

// Wait blocks until every poller, flusher and connection goroutine has
// stopped; no new one starts once it is called.
func (s *Server) Wait() {
	s.mu.Lock()
	s.stopping = true
	s.mu.Unlock()
	s.wg.Wait()
}

// addWorker counts one more goroutine the server owns, unless it is
// stopping: a WaitGroup must not grow once Wait has begun.
func (s *Server) addWorker() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping {
		return false
	}
	s.wg.Add(1)
	return true
}

// readPollerFor returns the read poller for a new connection, or nil
// where connections are read by goroutines.
func (s *Server) readPollerFor(n uint64) *readPoller {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.readers) == 0 {
		return nil
	}
	return s.readers[n%uint64(len(s.readers))]
}

// CheckOrigin accepts requests without an Origin (not from a browser, so
// not forgeable by a web page), from the server's own host, or from an
// origin the configuration allows. Everything else is refused: a page on
// another site cannot open a socket with a student's or teacher's cookies.
func (s *Server) CheckOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if s.origins[origin] {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	return strings.EqualFold(u.Host, r.Host)
}

// isInstructor reports whether the request carries the instructor cookie.
func (s *Server) isInstructor(r *http.Request) bool {
	ck, err := r.Cookie(auth.CookieName)
	return err == nil && s.auth.CheckInstructorCookie(ck.Value)
}
