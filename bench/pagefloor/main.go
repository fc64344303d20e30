// Command pagefloor serves one page of a running netstudy the way any Go
// server would serve a byte slice, with nothing of netstudy in the way, so
// that the note page's throughput can be read against it. It fetches the
// page once, compressed, and then answers every request with the same
// bytes and headers through bare net/http, with the timeouts netstudy's
// server sets (a header deadline and an idle deadline per request).
// netstudy sends a cached page in one write where bare net/http takes two,
// so netstudy can pass this figure.
//
//	go run ./app &
//	go run ./bench/pagefloor --page http://127.0.0.1:8080/notes/tcp-vs-udp --addr 127.0.0.1:8081 &
//	wrk -t2 -c64 -d10s -H "Accept-Encoding: gzip" http://127.0.0.1:8081/
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"
)

func main() {
	pageURL := flag.String("page", "http://127.0.0.1:8080/notes/tcp-vs-udp", "page of a running netstudy to serve")
	addr := flag.String("addr", "127.0.0.1:8081", "address to serve it on")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *pageURL, *addr, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "pagefloor:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, pageURL, addr string, stdout io.Writer) error {
	p, err := fetch(ctx, pageURL)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           p,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	fmt.Fprintf(stdout, "serving the %d bytes of %s on http://%s/\n", len(p.body), pageURL, ln.Addr())
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// page is a response to replay: its headers, Date aside, and its body as
// it came over the wire (compressed).
type page struct {
	header http.Header
	body   []byte
}

func fetch(ctx context.Context, url string) (page, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return page{}, err
	}
	req.Header.Set("Accept-Encoding", "gzip")
	// Without this the client would decompress the body for us.
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	res, err := client.Do(req)
	if err != nil {
		return page{}, fmt.Errorf("fetch the page: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return page{}, fmt.Errorf("fetch the page: %s", res.Status)
	}
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return page{}, fmt.Errorf("fetch the page: %w", err)
	}
	res.Header.Del("Date") // net/http writes its own
	return page{header: res.Header, body: body}, nil
}

// ServeHTTP answers every request with the page, whatever it asks: the
// floor is for wrk with Accept-Encoding: gzip.
func (p page) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	for k, v := range p.header {
		h[k] = v
	}
	_, _ = w.Write(p.body)
}
