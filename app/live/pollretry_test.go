package live

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"netstudy/app/session"
)

// lossyListener hands out connections whose next write that holds marker,
// once armed, never reaches the client: the server believes it wrote the
// response, and the client sees its connection reset. This is a response
// lost in transit, after the server let go of it.
type lossyListener struct {
	net.Listener
	marker  []byte
	armed   atomic.Bool
	dropped chan struct{} // closed once a response was dropped
}

func (l *lossyListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &lossyConn{Conn: c, l: l}, nil
}

type lossyConn struct {
	net.Conn
	l *lossyListener
}

func (c *lossyConn) Write(b []byte) (int, error) {
	if bytes.Contains(b, c.l.marker) && c.l.armed.CompareAndSwap(true, false) {
		if tc, ok := c.Conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // a reset, not a polite close
		}
		c.Conn.Close()
		close(c.l.dropped)
		return len(b), nil
	}
	return c.Conn.Write(b)
}

// pollClient is a long-polling client as live.js is one: every GET says
// how many messages of the channel it has received.
type pollClient struct {
	t        *testing.T
	http     *http.Client
	base     string
	cid      string
	received int
	lastSeq  uint64
	types    []string
	envs     []Envelope // every envelope applied, in order
}

func (p *pollClient) send(body string) {
	p.t.Helper()
	res, err := p.http.Post(p.base+"/live/send?cid="+url.QueryEscape(p.cid), "application/json", strings.NewReader(body))
	if err != nil {
		p.t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNoContent {
		p.t.Fatalf("send = %d", res.StatusCode)
	}
}

// poll makes one GET and applies what it returns as live.js does; an error
// is returned, not fatal, since a lost response is what the test is about.
func (p *pollClient) poll() error {
	res, err := p.http.Get(fmt.Sprintf("%s/live/poll?cid=%s&ack=%d", p.base, url.QueryEscape(p.cid), p.received))
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("poll = %d", res.StatusCode)
	}
	var envs []Envelope
	if err := json.NewDecoder(res.Body).Decode(&envs); err != nil {
		return fmt.Errorf("poll body: %w", err)
	}
	p.received += len(envs)
	for _, e := range envs {
		if e.Seq != 0 && e.Seq <= p.lastSeq {
			continue // a replay overlap, applied already
		}
		if e.Seq != 0 {
			p.lastSeq = e.Seq
		}
		p.types = append(p.types, e.Type)
		p.envs = append(p.envs, e)
	}
	return nil
}

// until polls until an envelope of type typ has been applied.
func (p *pollClient) until(typ string) {
	p.t.Helper()
	for range 20 {
		if contains(p.types, typ) {
			return
		}
		if err := p.poll(); err != nil {
			p.t.Fatalf("polling for %s: %v", typ, err)
		}
	}
	p.t.Fatalf("no %s; got %v", typ, p.types)
}

// A poll whose response is lost after the server wrote it loses nothing:
// the GET sent again (by Go's HTTP client itself, on a reused connection,
// as a browser does) gets the same events, and the student sees every
// event in order.
func TestLostPollResponseIsSentAgain(t *testing.T) {
	th := newTestHub(t)
	info := th.create(t)
	host := th.host(t, info.Code)

	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ll := &lossyListener{Listener: inner, marker: []byte(session.TypeQuestionOpened), dropped: make(chan struct{})}
	srv := httptest.NewUnstartedServer(th.srv.Config.Handler)
	srv.Listener = ll
	srv.Start()
	t.Cleanup(srv.Close)

	p := &pollClient{t: t, http: &http.Client{Timeout: 30 * time.Second}, base: srv.URL}
	res, err := p.http.Post(srv.URL+"/live/poll", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	var open struct{ CID string }
	_ = json.NewDecoder(res.Body).Decode(&open)
	res.Body.Close()
	p.cid = open.CID
	p.send(fmt.Sprintf(`[{"type":"hello","data":{"protocol":1,"session":%q,"role":"student"}},{"type":"join","id":"j1","data":{"nickname":"polly"}}]`, info.Code))
	p.until("snapshot")

	ll.armed.Store(true)
	mustOK(t, host, "ask_next", nil)
	// The poll that carries question_opened loses its response. Whatever
	// the client does next (Go retries the GET by itself), a later event
	// must not overtake it.
	errc := make(chan error, 1)
	go func() { errc <- p.poll() }()
	<-ll.dropped
	mustOK(t, host, "close", nil)
	if err := <-errc; err != nil {
		t.Logf("the lost poll failed (%v); polling again", err)
	}
	p.until(session.TypeQuestionClosed)
	if !contains(p.types, session.TypeQuestionOpened) {
		t.Fatalf("question_opened was lost with its response: the student applied %v", p.types)
	}
	if slices.Index(p.types, session.TypeQuestionOpened) > slices.Index(p.types, session.TypeQuestionClosed) {
		t.Errorf("events applied out of order: %v", p.types)
	}
}

// A GET that claims more than the channel handed out, or confirms what it
// already confirmed, is refused rather than guessed at.
func TestPollAckOutOfRangeIsRefused(t *testing.T) {
	th := newTestHub(t)
	res, err := http.Post(th.srv.URL+"/live/poll", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	var open struct{ CID string }
	_ = json.NewDecoder(res.Body).Decode(&open)
	res.Body.Close()
	for _, ack := range []string{"5", "-1", "x"} {
		res, err := http.Get(th.srv.URL + "/live/poll?cid=" + url.QueryEscape(open.CID) + "&ack=" + ack)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("ack=%s: status %d, want 400", ack, res.StatusCode)
		}
	}
}
