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
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

func newBenchServer(b *testing.B) http.Handler {
	b.Helper()
	return newTestHandler(b, content.FS)
}
