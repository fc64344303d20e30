package web

import (
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// tcpPairs returns both ends of n loopback TCP connections accepted by
// one listener, the server's as the pageConn WrapListener makes of it.
func tcpPairs(t *testing.T, n int) (servers []*pageConn, clients []net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	wrapped := WrapListener(ln)
	for range n {
		client, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		c, err := wrapped.Accept()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			client.Close()
			c.Close()
		})
		servers, clients = append(servers, c.(*pageConn)), append(clients, client)
	}
	return servers, clients
}

func tcpPair(t *testing.T) (server *pageConn, client net.Conn) {
	t.Helper()
	servers, clients := tcpPairs(t, 1)
	return servers[0], clients[0]
}

func TestHeldWritesArriveInOrderAfterRelease(t *testing.T) {
	server, client := tcpPair(t)
	server.Write([]byte("before "))
	server.hold()
	server.Write([]byte("held "))
	server.Write([]byte("together "))
	server.release()
	server.Write([]byte("after"))
	server.Close()
	got, err := io.ReadAll(client)
	if err != nil {
		t.Fatal(err)
	}
	if want := "before held together after"; string(got) != want {
		t.Errorf("client read %q, want %q", got, want)
	}
}

// A page that cannot be sent must not leave net/http serving further
// requests on a connection whose client holds half a response.
func TestFailedReleaseClosesTheConnection(t *testing.T) {
	server, _ := tcpPair(t)
	server.SetWriteDeadline(time.Now().Add(-time.Second))
	server.hold()
	if _, err := server.Write([]byte("a page")); err != nil {
		t.Fatalf("a held write failed: %v", err)
	}
	server.release()
	server.SetReadDeadline(time.Now().Add(5 * time.Second)) // the client sends nothing
	if _, err := server.Read(make([]byte, 1)); !errors.Is(err, net.ErrClosed) {
		t.Errorf("read after a failed release: %v, want the connection closed", err)
	}
}

// The buffers are shared by every connection of a listener.
func TestConnectionsHoldConcurrently(t *testing.T) {
	const conns, rounds = 8, 50
	servers, clients := tcpPairs(t, conns)
	var wg sync.WaitGroup
	for i := range conns {
		server, client := servers[i], clients[i]
		wg.Add(2)
		go func() {
			defer wg.Done()
			for range rounds {
				server.hold()
				server.Write([]byte("ab"))
				server.Write([]byte("cd"))
				server.release()
			}
			server.Close()
		}()
		go func() {
			defer wg.Done()
			got, _ := io.ReadAll(client)
			if len(got) != 4*rounds {
				t.Errorf("client read %d bytes, want %d", len(got), 4*rounds)
			}
		}()
	}
	wg.Wait()
}
