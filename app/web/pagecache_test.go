package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

func TestCachedPagesAreGzippedAndFollowContentChanges(t *testing.T) {
	fsys := fstest.MapFS{"dns.md": {Data: []byte("# DNS\n\n### What does DNS do?\n\nIt finds addresses.\n")}}
	srv := newTestHandler(t, fsys)
	fetch := func(gz bool) (string, http.Header) {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, "/notes/dns", nil)
		if gz {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		var body io.Reader = rec.Body
		if rec.Header().Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(rec.Body)
			if err != nil {
				t.Fatal(err)
			}
			body = zr
		}
		b, _ := io.ReadAll(body)
		return string(b), rec.Header()
	}
	plain, h := fetch(false)
	if h.Get("Content-Encoding") != "" || !strings.Contains(plain, "It finds addresses.") {
		t.Fatalf("plain response: encoding %q", h.Get("Content-Encoding"))
	}
	zipped, h := fetch(true)
	if h.Get("Content-Encoding") != "gzip" || zipped != plain {
		t.Fatalf("gzip response differs (encoding %q)", h.Get("Content-Encoding"))
	}
	if h.Get("Content-Security-Policy") == "" {
		t.Error("a cached page lost its security headers")
	}
	fsys["dns.md"] = &fstest.MapFile{Data: []byte("# DNS\n\n### What does DNS do?\n\nIt maps names to addresses.\n")}
	srv.catalog.Reload()
	if again, _ := fetch(true); !strings.Contains(again, "It maps names to addresses.") {
		t.Error("after a content reload the cached page is stale")
	}
}

func TestAcceptsGzip(t *testing.T) {
	for _, tt := range []struct {
		header []string
		want   bool
	}{
		{nil, false},
		{[]string{""}, false},
		{[]string{"gzip"}, true},
		{[]string{"gzip, deflate, br"}, true},
		{[]string{"br;q=1.0, GZIP;q=0.5"}, true},
		{[]string{"x-gzip"}, true},
		{[]string{"gzip;q=0"}, false},
		{[]string{"gzip; q=0.000"}, false},
		{[]string{"gzip;q=nonsense"}, false},
		{[]string{"identity"}, false},
		{[]string{"notgzip"}, false},
		{[]string{"*"}, true},
		{[]string{"*;q=0"}, false},
		{[]string{"*, gzip;q=0"}, false}, // gzip named outranks the star
		{[]string{"gzip;q=0, *"}, false},
		{[]string{"deflate", "gzip"}, true}, // the header sent twice
	} {
		if got := acceptsGzip(tt.header); got != tt.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}

// Over a real connection a cached page says how long it is, compressed or
// not, instead of coming in chunks; HEAD says the same.
func TestCachedPagesHaveALength(t *testing.T) {
	ts := newTestServer(t, testContent())
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	for _, tt := range []struct{ method, encoding string }{
		{http.MethodGet, "gzip"}, {http.MethodGet, ""}, {http.MethodHead, "gzip"},
	} {
		req, _ := http.NewRequest(tt.method, ts.URL+"/notes/routing", nil)
		if tt.encoding != "" {
			req.Header.Set("Accept-Encoding", tt.encoding)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if len(res.TransferEncoding) > 0 || res.ContentLength <= 0 {
			t.Errorf("%s %q: transfer encoding %v, length %d; want a length", tt.method, tt.encoding, res.TransferEncoding, res.ContentLength)
		}
		if tt.method == http.MethodGet && int64(len(b)) != res.ContentLength {
			t.Errorf("%s %q: %d bytes, Content-Length %d", tt.method, tt.encoding, len(b), res.ContentLength)
		}
		if got := res.Header.Get("Content-Encoding"); got != tt.encoding {
			t.Errorf("%s %q: Content-Encoding %q", tt.method, tt.encoding, got)
		}
	}
}

// TestCacheHitsAnswerAsTheRouterDoes checks the way around the router:
// a page served from the cache must carry the same status, headers and
// bytes, and leave the same log line, as its first rendering through echo.
func TestCacheHitsAnswerAsTheRouterDoes(t *testing.T) {
	var logged bytes.Buffer
	srv := newTestHandlerWith(t, testServerConfig{
		Content: testContent(),
		Log:     slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug})), // request lines are debug lines
	})
	type answer struct {
		status int
		header http.Header
		body   string
	}
	fetch := func(method, path, encoding string) answer {
		req := httptest.NewRequest(method, path, nil)
		if encoding != "" {
			req.Header.Set("Accept-Encoding", encoding)
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		h := rec.Result().Header
		h.Del("Date")
		return answer{rec.Code, h, rec.Body.String()}
	}
	for _, path := range []string{"/", "/notes/routing", "/vocabulary"} {
		for _, tt := range []struct{ method, encoding string }{
			{http.MethodGet, "gzip"}, {http.MethodGet, ""}, {http.MethodGet, "gzip;q=0"},
			{http.MethodHead, "gzip"}, {http.MethodHead, ""},
		} {
			srv.catalog.Reload() // a new content version: the first fetch renders
			logged.Reset()
			first := fetch(tt.method, path, tt.encoding)
			if _, ok := srv.cache.get(srv.catalog.Current().Version, path); !ok {
				t.Fatalf("%s %s was not cached", tt.method, path)
			}
			again := fetch(tt.method, path, tt.encoding)
			if first.status != http.StatusOK || !reflect.DeepEqual(first, again) {
				t.Errorf("%s %s (%q): from the cache\n%d %v\nrendered\n%d %v",
					tt.method, path, tt.encoding, again.status, again.header, first.status, first.header)
			}
			if again.header.Get("Content-Security-Policy") == "" {
				t.Errorf("%s %s: no security headers", tt.method, path)
			}
			lines := strings.Split(strings.TrimSpace(logged.String()), "\n")
			if len(lines) != 2 || stripTook(lines[0]) != stripTook(lines[1]) {
				t.Errorf("%s %s: log lines differ:\n%s", tt.method, path, logged.String())
			}
		}
	}
}

// stripTook removes what differs between two log lines of one request.
func stripTook(line string) string {
	var kept []string
	for f := range strings.FieldsSeq(line) {
		if !strings.HasPrefix(f, "time=") && !strings.HasPrefix(f, "took=") {
			kept = append(kept, f)
		}
	}
	return strings.Join(kept, " ")
}
