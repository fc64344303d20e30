package web

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
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
