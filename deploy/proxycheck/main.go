// Command proxycheck checks that a load balancer in front of netstudy
// nodes passes what the live quiz needs: the instructor's sign-in form
// (the Host header as the browser sent it), WebSocket upgrades on /live
// with traffic both ways and the server's heartbeat, and long polls held
// open until the server answers. Run it against the balancer:
//
//	go run ./deploy/proxycheck http://127.0.0.1:8080 INSTRUCTOR-KEY
//
// In front of plain nodes (no --nats) a long-poll channel lives on the
// node that opened it; a request the balancer sends to another node is
// told the channel is gone (410), and is sent again until it reaches the
// right one. It takes about a minute: it waits for heartbeats and for a
// poll with nothing to say.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

// envelope is the head of a live-protocol message.
type envelope struct {
	Type string          `json:"type"`
	ID   string          `json:"id,omitempty"`
	Data json.RawMessage `json:"data,omitempty"`
}

func main() {
	if len(os.Args) != 3 || !strings.HasPrefix(os.Args[1], "http") {
		fmt.Fprintln(os.Stderr, "usage: proxycheck http://balancer[:port] INSTRUCTOR-KEY")
		os.Exit(2)
	}
	base, key := strings.TrimRight(os.Args[1], "/"), os.Args[2]
	for _, check := range []struct {
		name string
		run  func(base, key string) error
	}{
		{"sign-in", checkSignIn},
		{"websocket", checkWebSocket},
		{"long polling", checkLongPolling},
	} {
		if err := check.run(base, key); err != nil {
			fmt.Printf("FAIL %s: %v\n", check.name, err)
			os.Exit(1)
		}
		fmt.Printf("ok   %s\n", check.name)
	}
}

// checkSignIn posts the key as the sign-in form does; netstudy accepts
// the form only if its Origin names the Host the node sees.
func checkSignIn(base, key string) error {
	req, err := http.NewRequest(http.MethodPost, base+"/host/signin", strings.NewReader(url.Values{"key": {key}}.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || len(res.Cookies()) == 0 {
		return fmt.Errorf("want a redirect with the instructor cookie, got %s (a 403 here often means the balancer changed the Host header)", res.Status)
	}
	fmt.Printf("     %s, cookie set\n", res.Status)
	return nil
}

// checkWebSocket opens two WebSockets (so that a round-robin balancer
// reaches two nodes), sends a message the server answers with an error
// envelope, and waits for the heartbeat ping (every 10 s), answering it.
func checkWebSocket(base, _ string) error {
	for i := range 2 {
		c, res, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(base, "http")+"/live", http.Header{"Origin": {base}})
		if err != nil {
			return fmt.Errorf("upgrade: %w", err)
		}
		fmt.Printf("     connection %d: %s\n", i+1, res.Status)
		err = exchange(c)
		c.Close()
		if err != nil {
			return fmt.Errorf("connection %d: %w", i+1, err)
		}
	}
	return nil
}

func exchange(c *websocket.Conn) error {
	if err := c.WriteMessage(websocket.TextMessage, []byte(`{"type":"proxycheck","id":"w1"}`)); err != nil {
		return err
	}
	start := time.Now()
	var answered, pinged bool
	for !answered || !pinged {
		_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
		_, b, err := c.ReadMessage()
		if err != nil {
			return fmt.Errorf("read after %s: %w", time.Since(start).Round(time.Millisecond), err)
		}
		var e envelope
		if err := json.Unmarshal(b, &e); err != nil {
			return fmt.Errorf("not an envelope: %q", b)
		}
		switch e.Type {
		case "error":
			answered = true
			fmt.Printf("     answer after %s\n", time.Since(start).Round(time.Millisecond))
		case "ping":
			pinged = true
			fmt.Printf("     heartbeat after %s\n", time.Since(start).Round(time.Millisecond))
			if err := c.WriteMessage(websocket.TextMessage, []byte(`{"type":"pong","data":`+string(e.Data)+`}`)); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkLongPolling opens a channel, sends a message the server answers,
// polls for the answer, then polls again: with nothing to say the server
// holds that poll open for 25 s (or until a heartbeat), which the
// balancer must allow.
func checkLongPolling(base, _ string) error {
	b, err := poll(base, http.MethodPost, "/live/poll", "")
	if err != nil {
		return fmt.Errorf("open: %w", err)
	}
	var open struct {
		Cid string `json:"cid"`
	}
	if err := json.Unmarshal(b, &open); err != nil || open.Cid == "" {
		return fmt.Errorf("open: no channel in %q", b)
	}
	if _, err := poll(base, http.MethodPost, "/live/send?cid="+open.Cid, `{"type":"proxycheck","id":"p1"}`); err != nil {
		return fmt.Errorf("send: %w", err)
	}
	received := 0
	for range 2 {
		b, err := poll(base, http.MethodGet, fmt.Sprintf("/live/poll?cid=%s&ack=%d", open.Cid, received), "")
		if err != nil {
			return fmt.Errorf("poll: %w", err)
		}
		var msgs []envelope
		if err := json.Unmarshal(b, &msgs); err != nil {
			return fmt.Errorf("poll: not a list of envelopes: %q", b)
		}
		received += len(msgs)
	}
	return nil
}

// poll sends one long-polling request, again while a node that does not
// hold the channel answers 410, and returns the body of a 2xx answer.
func poll(base, method, path, body string) ([]byte, error) {
	for others := 0; ; others++ {
		req, err := http.NewRequest(method, base+path, strings.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Origin", base)
		start := time.Now()
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			return nil, err
		}
		if res.StatusCode == http.StatusGone && others < 20 {
			continue
		}
		if res.StatusCode/100 != 2 {
			return nil, fmt.Errorf("%s %s: %s: %s", method, path, res.Status, b)
		}
		fmt.Printf("     %s %s: %s after %s (%d tries on another node)\n", method, strings.SplitN(path, "?", 2)[0], res.Status, time.Since(start).Round(time.Millisecond), others)
		return b, nil
	}
}
