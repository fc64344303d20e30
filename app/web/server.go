// Package web translates HTTP to calls on the domain packages and back: it
// owns the URL surface (routes.go), the page templates, the JSON API, the
// static assets and the security headers. Handlers hold no business rules.
package web

import (
	"cmp"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/prometheus/client_golang/prometheus"

	"netstudy/app/auth"
	"netstudy/app/catalog"
	"netstudy/app/clientip"
	"netstudy/app/live"
	"netstudy/app/live/wire"
	"netstudy/app/notes"
	"netstudy/app/search"
)

// Deps are what the web layer needs from the rest of the program.
type Deps struct {
	Catalog   *catalog.Catalog
	Hub       *live.Hub
	Wire      *wire.Server // the hub's transports, served at /live and /live/poll
	Auth      *auth.Credentials
	Metrics   *prometheus.Registry // served at /metrics
	PublicURL string               // how students reach the server, for join links; "" to guess
	Templates fs.FS                // the templates folder
	Static    fs.FS                // the static folder
	Log       *slog.Logger

	// InstructorKeys changes the instructor key from /host; nil when the
	// teacher gave the key, which then cannot be changed here.
	InstructorKeys InstructorKeyChanger
	// BodyTimeout is how long a request's body may take to arrive
	// (default 15 s); see limitBodyTime.
	BodyTimeout time.Duration
	// ClientIP tells a request's client address (package clientip); nil:
	// the connection's.
	ClientIP clientip.Extractor
}

// Server is the HTTP face of netstudy.
type Server struct {
	echo      *echo.Echo
	catalog   *catalog.Catalog
	hub       *live.Hub
	wire      *wire.Server
	auth      *auth.Credentials
	keys      InstructorKeyChanger
	wrongKeys *wrongKeyLimiter
	metrics   *prometheus.Registry
	publicURL string
	log       *slog.Logger
	pages     *pages
	assets    *assets
	cache     pageCache
	remoteIP  echo.IPExtractor
	searcher  *search.Searcher
	// bodyTimeout: see Deps.BodyTimeout.
	bodyTimeout time.Duration
}

// New checks the templates and assets and wires every route. A template
// that does not parse stops the start, not a later request.
func New(d Deps) (*Server, error) {
	pg, err := parsePages(d.Templates)
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	as, err := newAssets(d.Static)
	if err != nil {
		return nil, fmt.Errorf("static assets: %w", err)
	}
	// The code highlighting theme is generated, not a file, so that it
	// always matches the highlighter's classes.
	as.add("css/chroma.css", []byte(notes.ChromaCSS()))
	pg.assets = as
	searcher, err := search.New(d.Catalog)
	if err != nil {
		return nil, err
	}
	s := &Server{
		echo:      echo.New(),
		catalog:   d.Catalog,
		hub:       d.Hub,
		wire:      d.Wire,
		auth:      d.Auth,
		keys:      d.InstructorKeys,
		wrongKeys: newWrongKeyLimiter(time.Now),
		metrics:   d.Metrics,
		publicURL: d.PublicURL,
		log:       d.Log,
		pages:     pg,
		assets:    as,
		searcher:  searcher,

		bodyTimeout: cmp.Or(d.BodyTimeout, defaultBodyTimeout),
	}
	// A classroom has no trusted proxy: the address is the connection's,
	// never one a header says, which any client can write.
	s.remoteIP = d.ClientIP
	if s.remoteIP == nil {
		s.remoteIP = clientip.New(nil)
	}
	s.echo.IPExtractor = s.remoteIP
	s.echo.HideBanner = true
	s.echo.HidePort = true
	s.echo.HTTPErrorHandler = s.handleError
	s.routes()
	return s, nil
}

// ServeHTTP makes the Server an http.Handler. WebSocket upgrades skip
// echo: a connection lives for the whole class, and holding an echo
// context, its middleware frames and a request log entry open that long
// would cost every student memory for nothing. The wire checks the Origin,
// and the upgrade is logged by the hub's metrics instead.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/live" && r.Method == http.MethodGet {
		setSecurityHeaders(w.Header())
		s.wire.ServeWebSocket(w, r)
		return
	}
	s.limitBodyTime(w, r)
	if s.serveFromCache(w, r) {
		return
	}
	s.echo.ServeHTTP(w, r)
}

// defaultBodyTimeout is how long a request body may take to arrive. The
// bodies here are small (an answer, a form, a typed question): a phone on
// a poor network sends one in well under a second.
const defaultBodyTimeout = 15 * time.Second

// limitBodyTime gives a request that has a body bodyTimeout to send it
// all: a client that trickles one in, a byte now and then, would
// otherwise hold its connection and handler for good (the server only
// cuts slow headers). The deadline is lifted once the body has been read
// to its end, so a handler that takes its time answering is not cut; a
// body left unread keeps it, so that discarding the rest is cut too. A
// request without a body gets no deadline: a long poll waits, and a
// WebSocket is read by the hub with deadlines of its own.
func (s *Server) limitBodyTime(w http.ResponseWriter, r *http.Request) {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return
	}
	rc := http.NewResponseController(w)
	if err := rc.SetReadDeadline(time.Now().Add(s.bodyTimeout)); err != nil {
		return // a writer that cannot (a test recorder): nothing holds a socket
	}
	r.Body = &deadlineBody{ReadCloser: r.Body, lift: func() { _ = rc.SetReadDeadline(time.Time{}) }}
}

// deadlineBody lifts its request's read deadline once read to the end.
type deadlineBody struct {
	io.ReadCloser
	lift   func()
	lifted bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF && !b.lifted {
		b.lifted = true
		b.lift()
	}
	return n, err
}
