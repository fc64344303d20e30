// Package web translates HTTP to calls on the domain packages and back: it
// owns the URL surface (routes.go), the page templates, the JSON API, the
// static assets and the security headers. Handlers hold no business rules.
package web

import (
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/prometheus/client_golang/prometheus"

	"netstudy/app/catalog"
	"netstudy/app/live"
	"netstudy/app/notes"
	"netstudy/app/search"
)

// Deps are what the web layer needs from the rest of the program.
type Deps struct {
	Catalog   *catalog.Catalog
	Hub       *live.Hub
	Auth      *live.Auth
	Metrics   *prometheus.Registry // served at /metrics
	PublicURL string               // how students reach the server, for join links; "" to guess
	Templates fs.FS                // the templates folder
	Static    fs.FS                // the static folder
	Log       *slog.Logger
}

// Server is the HTTP face of netstudy.
type Server struct {
	echo      *echo.Echo
	catalog   *catalog.Catalog
	hub       *live.Hub
	auth      *live.Auth
	metrics   *prometheus.Registry
	publicURL string
	log       *slog.Logger
	pages     *pages
	assets    *assets
	cache     pageCache
	remoteIP  echo.IPExtractor
	searcher  *search.Searcher
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
		auth:      d.Auth,
		metrics:   d.Metrics,
		publicURL: d.PublicURL,
		log:       d.Log,
		pages:     pg,
		assets:    as,
		searcher:  searcher,
	}
	// Classrooms have no trusted proxy: take the address from the
	// connection, never from a header a client can forge.
	s.remoteIP = echo.ExtractIPDirect()
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
// would cost every student memory for nothing. The hub checks the Origin,
// and the upgrade is logged by the hub's metrics instead.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/live" && r.Method == http.MethodGet {
		setSecurityHeaders(w.Header())
		s.hub.ServeWebSocket(w, r)
		return
	}
	if s.serveFromCache(w, r) {
		return
	}
	s.echo.ServeHTTP(w, r)
}
