package web

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// pageCache keeps the rendered and compressed bytes of the pages that
// depend on nothing but the content (home, notes, glossary), so
// that serving one is a memory copy. Entries belong to one content version:
// a reload starts a fresh cache.
type pageCache struct {
	mu      sync.Mutex
	version uint64
	pages   map[string]cachedPage
}

type cachedPage struct {
	html, gz             []byte
	htmlLength, gzLength []string // Content-Length values, made once
}

func newCachedPage(html, gz []byte) cachedPage {
	return cachedPage{
		html: html, gz: gz,
		htmlLength: []string{strconv.Itoa(len(html))},
		gzLength:   []string{strconv.Itoa(len(gz))},
	}
}

// Header values shared by every cached page (see securityHeaderValues).
var (
	htmlContentType    = []string{echo.MIMETextHTMLCharsetUTF8}
	gzipEncoding       = []string{"gzip"}
	varyAcceptEncoding = []string{"Accept-Encoding"}
)

// maxCachedPages bounds the cache; the shipped content has a few dozen.
const maxCachedPages = 1024

// cachedPagePrefixes are the paths served from the cache; the gzip
// middleware skips them because their bytes are compressed already.
var cachedPagePrefixes = []string{"/notes/", "/vocabulary"}

func isCachedPage(path string) bool {
	if path == "/" {
		return true
	}
	for _, p := range cachedPagePrefixes {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

func (pc *pageCache) get(version uint64, key string) (cachedPage, bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.version != version {
		return cachedPage{}, false
	}
	p, ok := pc.pages[key]
	return p, ok
}

func (pc *pageCache) put(version uint64, key string, p cachedPage) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.version != version || len(pc.pages) >= maxCachedPages {
		pc.version, pc.pages = version, map[string]cachedPage{}
	}
	pc.pages[key] = p
}

// renderContentPage renders a page whose bytes depend only on the content
// snapshot version and the URL, once per version, and serves it gzipped
// to clients that accept it.
func (s *Server) renderContentPage(c echo.Context, version uint64, page string, data any) error {
	// The path alone: these pages read no query, and a key per query
	// string would let anyone fill the cache (and empty it for everyone).
	key := c.Request().URL.Path
	p, ok := s.cache.get(version, key)
	if !ok {
		html, err := s.renderBytes(page, data)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if _, err := zw.Write(html); err != nil {
			return fmt.Errorf("compress %s: %w", page, err)
		}
		if err := zw.Close(); err != nil {
			return fmt.Errorf("compress %s: %w", page, err)
		}
		p = newCachedPage(html, buf.Bytes())
		s.cache.put(version, key, p)
	}
	writeCachedPage(c.Response(), c.Request(), p)
	return nil
}

// serveFromCache answers a GET or HEAD of a page already in the cache
// before the router sees it, with the same headers and log line as the
// way through echo, whose middleware chain, built anew for every request,
// was a seventh of such a request's CPU. It reports false for
// anything else, which takes the way through echo. An escaped path goes
// through echo too: echo routes on the escaped form.
func (s *Server) serveFromCache(w http.ResponseWriter, r *http.Request) bool {
	if (r.Method != http.MethodGet && r.Method != http.MethodHead) || r.URL.RawPath != "" {
		return false
	}
	p, ok := s.cache.get(s.catalog.Current().Version, r.URL.Path)
	if !ok {
		return false
	}
	start := time.Now()
	setSecurityHeaders(w.Header())
	var n int
	if pc := pageConnOf(r); pc != nil {
		n = writeInOne(pc, w, r, p)
	} else {
		n = writeCachedPage(w, r, p)
	}
	s.logRequest(r, s.remoteIP(r), http.StatusOK, int64(n), start, nil)
	return true
}

// writeInOne sends p with writeCachedPage, in one write on pc (see
// pageConn).
func writeInOne(pc *pageConn, w http.ResponseWriter, r *http.Request, p cachedPage) int {
	pc.hold()
	// Released even if the writing panics: net/http recovers the panic
	// and closes the connection, which must not be left holding.
	defer pc.release()
	n := writeCachedPage(w, r, p)
	if f, ok := w.(http.Flusher); ok {
		f.Flush() // net/http's buffers into pc's
	}
	return n
}

// writeCachedPage sends p, compressed to clients that accept gzip, and
// returns the number of body bytes written.
func writeCachedPage(w http.ResponseWriter, r *http.Request, p cachedPage) int {
	h := w.Header()
	h["Vary"] = varyAcceptEncoding
	h["Content-Type"] = htmlContentType
	body, length := p.html, p.htmlLength
	if acceptsGzip(r.Header.Values("Accept-Encoding")) {
		h["Content-Encoding"] = gzipEncoding
		body, length = p.gz, p.gzLength
	}
	// The length is known: without it net/http would send the page in
	// chunks, as it does any body larger than its 2 KiB buffer.
	h["Content-Length"] = length
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return 0
	}
	n, _ := w.Write(body) // an error here is the client gone; nothing to do
	return n
}

// acceptsGzip reads Accept-Encoding (RFC 9110, 12.5.3): gzip, or "*", with
// a weight above zero. "gzip;q=0" refuses it, and gzip named explicitly
// outranks "*".
func acceptsGzip(headers []string) bool {
	star := false
	for _, h := range headers {
		for coding := range strings.SplitSeq(h, ",") {
			name, params, _ := strings.Cut(coding, ";")
			name = strings.ToLower(strings.TrimSpace(name))
			if name != "gzip" && name != "x-gzip" && name != "*" {
				continue
			}
			ok := true
			for param := range strings.SplitSeq(params, ";") {
				k, v, _ := strings.Cut(strings.TrimSpace(param), "=")
				if strings.EqualFold(strings.TrimSpace(k), "q") {
					q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
					ok = err == nil && q > 0
				}
			}
			if name == "*" {
				star = ok
				continue
			}
			return ok
		}
	}
	return star
}
