package web

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"netstudy/app/auth"
	"netstudy/app/catalog"
	"netstudy/app/clientip"
	"netstudy/app/live"
	"netstudy/app/live/wire"
	"netstudy/app/store"
	"netstudy/static"
	"netstudy/templates"
)

// newTestServer serves content from fsys on a real loopback port.
func newTestServer(t *testing.T, fsys fs.FS) *httptest.Server {
	t.Helper()
	ts, _ := startTestServer(t, testServerConfig{Content: fsys})
	return ts
}

// testServerConfig varies the test server.
type testServerConfig struct {
	Content fs.FS
	// Catalog, if set, is served instead of one loaded from Content (a
	// catalog that watches a folder, say).
	Catalog   *catalog.Catalog
	PublicURL string
	// Wrap, if set, wraps the server's handler (to play a network that
	// blocks WebSockets, say).
	Wrap func(http.Handler) http.Handler
	// Log, if set, receives the server's log.
	Log *slog.Logger
	// BodyTimeout, if set, is the server's Deps.BodyTimeout.
	BodyTimeout time.Duration
	// ClientIP, if set, is the server's Deps.ClientIP.
	ClientIP clientip.Extractor
}

// startTestServer serves the whole server on a real loopback port and
// returns it with the Server, for tests that need its hub or auth.
func startTestServer(t *testing.T, cfg testServerConfig) (*httptest.Server, *Server) {
	t.Helper()
	srv := newTestHandlerWith(t, cfg)
	var h http.Handler = srv
	if cfg.Wrap != nil {
		h = cfg.Wrap(h)
	}
	// Served as run serves it, so that every test goes through the
	// connections that hold a cached page's writes.
	ts := httptest.NewUnstartedServer(h)
	ts.Listener = WrapListener(ts.Listener)
	ts.Config.ConnContext = ConnContext
	ts.Start()
	t.Cleanup(func() {
		ts.CloseClientConnections()
		ts.Close()
	})
	return ts, srv
}

// newTestHandler builds the whole server (real hub, real SQLite in a
// temporary folder) as a handler, stopped when the test ends.
func newTestHandler(t testing.TB, fsys fs.FS) *Server {
	t.Helper()
	return newTestHandlerWith(t, testServerConfig{Content: fsys})
}

func newTestHandlerWith(t testing.TB, cfg testServerConfig) *Server {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if cfg.Log != nil {
		log = cfg.Log
	}
	st, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	creds := auth.New(testInstructorKey, []byte("test-secret"))
	reg := prometheus.NewRegistry()
	hub := live.NewHub(live.Config{Store: st, Auth: creds, Log: log, Registry: reg})
	ctx, cancel := context.WithCancel(context.Background())
	if err := hub.Start(ctx); err != nil {
		t.Fatal(err)
	}
	wr := wire.New(wire.Config{Hub: hub, Auth: creds, Log: log, Registry: reg, ClientIP: cfg.ClientIP})
	wr.Start(ctx)
	cat := cfg.Catalog
	if cat == nil {
		cat = catalog.New(cfg.Content, log)
	}
	srv, err := New(Deps{
		Catalog:   cat,
		Hub:       hub,
		Wire:      wr,
		Auth:      creds,
		Metrics:   reg,
		PublicURL: cfg.PublicURL,
		Templates: templates.FS,
		Static:    static.FS,
		Log:       log,

		BodyTimeout: cfg.BodyTimeout,
		ClientIP:    cfg.ClientIP,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		hub.Wait()
		wr.Wait()
		st.Close()
	})
	return srv
}

// testInstructorKey signs the instructor in on test servers.
const testInstructorKey = "test-instructor-key"

// get fetches a path and returns the status and body.
func get(t *testing.T, ts *httptest.Server, path string) (int, string, http.Header) {
	t.Helper()
	res, err := ts.Client().Get(ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(body), res.Header
}

func TestHealthAndHeaders(t *testing.T) {
	ts := newTestServer(t, testContent())
	status, body, h := get(t, ts, "/healthz")
	if status != http.StatusOK || !strings.Contains(body, `"ok"`) {
		t.Fatalf("GET /healthz = %d %q", status, body)
	}
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "style-src 'self'", "object-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline code: %q", csp)
	}
	if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q", got)
	}
}

func TestStaticAssets(t *testing.T) {
	ts := newTestServer(t, testContent())
	_, page, _ := get(t, ts, "/")
	i := strings.Index(page, "/static/css/app.css?v=")
	if i < 0 {
		t.Fatalf("home page does not link the stylesheet with a version: %s", page)
	}
	url := page[i : i+strings.IndexByte(page[i:], '"')]
	status, body, h := get(t, ts, url)
	if status != http.StatusOK || !strings.Contains(body, "--accent") {
		t.Fatalf("GET %s = %d", url, status)
	}
	if got := h.Get("Cache-Control"); !strings.Contains(got, "immutable") {
		t.Errorf("versioned asset Cache-Control = %q, want immutable", got)
	}
	if got := h.Get("Content-Type"); !strings.HasPrefix(got, "text/css") {
		t.Errorf("Content-Type = %q", got)
	}
	for _, p := range []string{"/static/nope.css", "/static/../go.mod", "/static/embed.go"} {
		if status, _, _ := get(t, ts, p); status != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", p, status)
		}
	}
}
