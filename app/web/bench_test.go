package web

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"netstudy/content"
)

// BenchmarkNotePage serves a shipped note page through the whole handler
// stack (routing, middleware, template, gzip), without the network.
func BenchmarkNotePage(b *testing.B) {
	srv := newBenchServer(b)
	req := httptest.NewRequest(http.MethodGet, "/notes/tcp-vs-udp", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		w := &discardWriter{header: http.Header{}}
		srv.ServeHTTP(w, req)
		if w.code != http.StatusOK {
			b.Fatalf("status %d", w.code)
		}
	}
}

// discardWriter keeps a response's status and drops its body, so that a
// benchmark measures the server rather than a recorder's copying.
type discardWriter struct {
	header http.Header
	code   int
}

func (w *discardWriter) Header() http.Header { return w.header }

func (w *discardWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

func (w *discardWriter) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return len(b), nil
}

func newBenchServer(b *testing.B) http.Handler {
	b.Helper()
	return newTestHandler(b, content.FS)
}
