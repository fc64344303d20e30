package web

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"netstudy/app/session"
)

// trickle sends a request's headers at once, then its body a byte at a
// time, as a hostile or broken client might, until the server hangs up or
// stop is closed. It returns what the server answered, and the error that
// ended reading the answer.
func trickle(t *testing.T, addr, head string, stop <-chan struct{}) (string, error) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if _, err := conn.Write([]byte("x")); err != nil {
					return // the server hung up
				}
			}
		}
	}()
	// Not a timing assertion: only a guard, so that the server this test
	// is about cannot hang the test run if it holds the body for good.
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	answer, err := io.ReadAll(conn)
	conn.Close()
	<-wrote
	return string(answer), err
}

// A request body that arrives a byte at a time is cut once the body limit
// has passed, and the connection closed; a long poll waiting meanwhile,
// which has no body, is not cut, and a body sent at once is served.
func TestSlowRequestBodyIsCut(t *testing.T) {
	polling := make(chan struct{}, 1) // a long poll has reached the server
	ts, srv := startTestServer(t, testServerConfig{
		Content: testContent(), BodyTimeout: 300 * time.Millisecond,
		Wrap: func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet && r.URL.Path == "/live/poll" {
					select {
					case polling <- struct{}{}:
					default:
					}
				}
				h.ServeHTTP(w, r)
			})
		},
	})
	info, err := srv.hub.Create(context.Background(), session.Setup{Title: "Slow", Options: session.DefaultOptions()})
	if err != nil {
		t.Fatal(err)
	}
	client := ts.Client()
	res, err := client.Post(ts.URL+"/live/poll", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	var open struct{ CID string }
	_ = json.NewDecoder(res.Body).Decode(&open)
	res.Body.Close()

	// A long poll waits for the session's welcome through all that follows.
	type polled struct {
		body string
		err  error
	}
	got := make(chan polled, 1)
	go func() {
		res, err := http.Get(ts.URL + "/live/poll?ack=0&cid=" + open.CID)
		if err != nil {
			got <- polled{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		got <- polled{string(b), err}
	}()
	<-polling

	stop := make(chan struct{})
	defer close(stop)
	head := fmt.Sprintf("POST /live/send?cid=%s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n",
		open.CID, strings.TrimPrefix(ts.URL, "http://"))
	answer, err := trickle(t, strings.TrimPrefix(ts.URL, "http://"), head, stop)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("a body sent a byte at a time held its connection open (answer so far %q)", answer)
	}
	if answer != "" {
		if res, err := http.ReadResponse(bufio.NewReader(strings.NewReader(answer)), nil); err == nil && res.StatusCode < 400 {
			t.Errorf("the slow body was accepted: %s", res.Status)
		}
	}

	hello := fmt.Sprintf(`{"type":"hello","data":{"protocol":1,"session":%q,"role":"student"}}`, info.Code)
	res, err = client.Post(ts.URL+"/live/send?cid="+open.CID, "application/json", strings.NewReader(hello))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNoContent {
		t.Fatalf("a body sent at once: status %d", res.StatusCode)
	}
	p := <-got
	if p.err != nil || !strings.Contains(p.body, `"welcome"`) {
		t.Errorf("the long poll waiting meanwhile got %q, %v; want the welcome", p.body, p.err)
	}
}
