package web

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"
	"testing"
	"testing/fstest"

	"golang.org/x/sys/unix"
)

// The live hub's pollers find a connection's socket through
// syscall.Conn, which a WebSocket upgrade's hijacked pageConn must keep.
var _ syscall.Conn = (*pageConn)(nil)

// TestCachedPageLeavesInOneWrite reads, from the server's own socket,
// how many TCP segments each response took: over loopback one write is
// one segment. A page from the cache must take one whatever its size,
// and be the very response the router gave the first time.
func TestCachedPageLeavesInOneWrite(t *testing.T) {
	content := testContent()
	// A note larger than net/http's 4 KiB buffer even compressed: its
	// answers are hexadecimal digests, which gzip cannot shrink much.
	long := "# Notes: Digests\n"
	for i := range 120 {
		long += fmt.Sprintf("\n### What is digest %d?\n\n%x\n", i, sha256.Sum256([]byte{byte(i)}))
	}
	content["digests.md"] = &fstest.MapFile{Data: []byte(long)}
	srv := newTestHandler(t, content)
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan *net.TCPConn, 1)
	hs := &http.Server{Handler: srv, ConnContext: ConnContext}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(WrapListener(recordingListener{inner, accepted})) }()
	t.Cleanup(func() {
		hs.Close()
		<-served
	})

	client, err := net.Dial("tcp", inner.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	server := <-accepted
	replies := bufio.NewReader(client)
	// fetch sends one request on the kept-alive connection and returns
	// its response, with the body read, and the segments it took.
	fetch := func(method, path, encoding string) (*http.Response, string, uint32) {
		t.Helper()
		before := dataSegmentsOut(t, server)
		req := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: netstudy\r\n", method, path)
		if encoding != "" {
			req += "Accept-Encoding: " + encoding + "\r\n"
		}
		if _, err := io.WriteString(client, req+"\r\n"); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(replies, &http.Request{Method: method})
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		resp.Header.Del("Date")
		return resp, string(body), dataSegmentsOut(t, server) - before
	}

	for _, path := range []string{"/notes/digests", "/notes/routing", "/", "/vocabulary"} {
		for _, tt := range []struct{ method, encoding string }{
			{http.MethodGet, ""}, {http.MethodGet, "gzip"}, {http.MethodHead, ""},
		} {
			srv.catalog.Reload() // a new content version: the first fetch renders
			first, firstBody, firstSegments := fetch(tt.method, path, tt.encoding)
			again, body, segments := fetch(tt.method, path, tt.encoding)
			name := fmt.Sprintf("%s %s (%q)", tt.method, path, tt.encoding)
			t.Logf("%s: %d bytes; rendered in %d segments, from the cache in %d",
				name, len(body), firstSegments, segments)
			if segments != 1 {
				t.Errorf("%s from the cache took %d segments, want 1", name, segments)
			}
			if path == "/notes/digests" && tt.method == http.MethodGet && len(body) <= 4<<10 {
				t.Errorf("%s: %d bytes fit net/http's buffer; the test needs a larger page", name, len(body))
			}
			if again.StatusCode != http.StatusOK || again.StatusCode != first.StatusCode ||
				fmt.Sprint(again.Header) != fmt.Sprint(first.Header) || body != firstBody ||
				again.ContentLength != first.ContentLength || len(again.TransferEncoding) != 0 {
				t.Errorf("%s: from the cache\n%s %v\nrendered\n%s %v",
					name, again.Status, again.Header, first.Status, first.Header)
			}
		}
	}
}

// recordingListener hands each accepted connection to the test as well.
type recordingListener struct {
	net.Listener
	accepted chan<- *net.TCPConn
}

func (l recordingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		select {
		case l.accepted <- tc:
		default:
		}
	}
	return c, err
}

// dataSegmentsOut is the count of TCP segments with data c has sent.
func dataSegmentsOut(t *testing.T, c *net.TCPConn) uint32 {
	t.Helper()
	raw, err := c.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var info *unix.TCPInfo
	ctlErr := raw.Control(func(fd uintptr) {
		info, err = unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO)
	})
	if ctlErr != nil || err != nil {
		t.Fatal(ctlErr, err)
	}
	return info.Data_segs_out
}
