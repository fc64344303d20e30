package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"netstudy/app/auth"
	"netstudy/app/live"
)

// livePeer is one client of a live session (a student's phone, the
// instructor's dashboard, a projector) that keeps its place across the
// loss of its node, as live.js does: it keeps its resume token and the
// seq of the last event it applied, reconnects to another node with them
// when its connection breaks, and sends the command it was waiting on
// again with the same id. Every numbered event it applied is kept, so a
// test can check that it missed none and saw each exactly once.
//
// A livePeer belongs to one goroutine.
type livePeer struct {
	name    string
	role    string // "student", "host" or "presenter"
	code    string
	nodes   []string // base URLs of every node it may use
	node    int      // the node it is connected to
	polling bool     // long polling instead of a WebSocket
	cookie  string   // the instructor's sign-in cookie, for host and presenter

	token   string
	pid     string
	lastSeq uint64
	events  []live.Envelope // numbered events applied, in seq order
	resumes []string        // how each welcome after the first resumed ("replay" or "snapshot")
	wire    peerWire
	pending []live.Envelope // received, not yet looked at
	recent  []string        // the last few messages received, for a failing test's message
}

// Bounds on waiting, so that a broken server fails the test rather than
// hanging it; none is asserted.
const (
	peerReadWait  = 30 * time.Second // one read
	peerWait      = 60 * time.Second // one command or one awaited event, reconnects included
	peerFailover  = 40 * time.Second // finding a node that takes the client back
	peerMaxPause  = time.Second      // between two reconnection attempts
	peerHTTPLimit = 40 * time.Second // one HTTP request, a 25 s long poll included
)

// peerWire is one connection of a peer: a WebSocket or a poll channel.
type peerWire interface {
	write(live.Envelope) error
	read() ([]live.Envelope, error) // blocks until something comes
	close()
}

func newPeer(name, role, code string, nodes []string, node int, polling bool, cookie string) *livePeer {
	return &livePeer{name: name, role: role, code: code, nodes: nodes, node: node, polling: polling, cookie: cookie}
}

// transport names the peer's transport, for messages.
func (p *livePeer) transport() string {
	if p.polling {
		return "polling"
	}
	return "websocket"
}

// connect opens a connection to node and says hello with the peer's token
// and last seq; it returns once welcomed.
func (p *livePeer) connect(node int) error {
	base := p.nodes[node]
	var w peerWire
	var err error
	if p.polling {
		w, err = openPollWire(base, p.cookie)
	} else {
		w, err = dialWSWire(base, p.cookie)
	}
	if err != nil {
		return err
	}
	hello := map[string]any{"protocol": live.ProtocolVersion, "session": p.code, "role": p.role}
	if p.token != "" {
		hello["token"] = p.token
	}
	if p.lastSeq > 0 {
		hello["last_seq"] = p.lastSeq
	}
	if err := w.write(envelope("hello", "", hello)); err != nil {
		w.close()
		return err
	}
	deadline := time.Now().Add(peerReadWait)
	for {
		envs, err := w.read()
		if err == nil && len(envs) == 0 && time.Now().After(deadline) {
			err = errQuiet
		}
		if err != nil {
			w.close()
			return fmt.Errorf("waiting for the welcome from %s: %w", base, err)
		}
		for i, env := range envs {
			switch env.Type {
			case "welcome":
				var wel struct {
					ParticipantID string `json:"participant_id"`
					Resume        string `json:"resume"`
				}
				if err := json.Unmarshal(env.Data, &wel); err != nil {
					w.close()
					return fmt.Errorf("welcome %s: %w", env.Data, err)
				}
				if p.wire != nil {
					p.wire.close()
					p.resumes = append(p.resumes, wel.Resume)
				}
				if wel.ParticipantID != "" {
					p.pid = wel.ParticipantID
				}
				p.wire, p.node = w, node
				p.pending = append(p.pending, envs[i+1:]...)
				return nil
			case "error":
				w.close()
				return fmt.Errorf("hello refused: %s", env.Data)
			case "ping":
				_ = w.write(envelope("pong", "", env.Data))
			}
		}
	}
}

// reconnect finds a node that takes the peer back, the others first, after
// its connection broke with cause.
func (p *livePeer) reconnect(cause error) error {
	deadline := time.Now().Add(peerFailover)
	pause := 50 * time.Millisecond
	var last error
	for attempt := 1; ; attempt++ {
		node := (p.node + attempt) % len(p.nodes)
		if last = p.connect(node); last == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: no node took it back (connection lost: %v; last attempt: %v)", p.name, cause, last)
		}
		time.Sleep(pause) // a client's pause between reconnections, not a wait for a condition
		pause = min(2*pause, peerMaxPause)
	}
}

// errQuiet is a long poll that ended with nothing to say: the channel is
// fine, the caller checks its deadline and reads again.
var errQuiet = errors.New("nothing to read yet")

// next returns the next envelope received, applying numbered events.
func (p *livePeer) next() (live.Envelope, error) {
	if len(p.pending) == 0 {
		envs, err := p.wire.read()
		if err != nil {
			return live.Envelope{}, err
		}
		if len(envs) == 0 {
			return live.Envelope{}, errQuiet
		}
		p.pending = envs
	}
	env := p.pending[0]
	p.pending = p.pending[1:]
	if env.Type != "ping" {
		p.recent = append(p.recent, fmt.Sprintf("%s seq=%d id=%q %.120s", env.Type, env.Seq, env.ID, env.Data))
		if len(p.recent) > 6 {
			p.recent = p.recent[1:]
		}
	}
	if env.Type == "ping" {
		_ = p.wire.write(envelope("pong", "", env.Data))
	}
	if env.Seq > p.lastSeq { // a client applies an event once, whatever is replayed
		p.lastSeq = env.Seq
		p.events = append(p.events, env)
	}
	return env, nil
}

// ackData is the payload of an acknowledgement.
type ackData struct {
	OK     bool            `json:"ok"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func (a ackData) String() string {
	if a.OK {
		return "ok " + string(a.Result)
	}
	if a.Error == nil {
		return "refused without an error"
	}
	return "refused: " + a.Error.Code + ": " + a.Error.Message
}

// command sends a command and returns its acknowledgement, resending it
// with the same id on whichever node the peer reconnects to.
func (p *livePeer) command(typ, id string, data any) (ackData, error) {
	env := envelope(typ, id, data)
	deadline := time.Now().Add(peerWait)
	sent := false
	for {
		if time.Now().After(deadline) {
			return ackData{}, fmt.Errorf("%s (%s, node %d): no acknowledgement of %s %q; the last messages received: %q", p.name, p.transport(), p.node, typ, id, p.recent)
		}
		if !sent {
			if err := p.wire.write(env); err != nil {
				if err := p.reconnect(err); err != nil {
					return ackData{}, err
				}
				continue
			}
			sent = true
		}
		got, err := p.next()
		if errors.Is(err, errQuiet) {
			continue
		}
		if err != nil {
			if err := p.reconnect(err); err != nil {
				return ackData{}, err
			}
			sent = false
			continue
		}
		switch {
		case got.Type == "ack" && got.ID == id:
			var a ackData
			if err := json.Unmarshal(got.Data, &a); err != nil {
				return a, fmt.Errorf("%s: ack %s: %w", p.name, got.Data, err)
			}
			return a, nil
		case got.Type == "error" && got.ID == id:
			// Refused before it reached the session (too many messages at
			// once, say): a client sends it again a moment later.
			time.Sleep(200 * time.Millisecond)
			sent = false
		}
	}
}

// commandOK sends a command until it is acknowledged as done, sending it
// again (same id) while the node answers "unavailable" (it cannot store
// commands for now); any other refusal is an error.
func (p *livePeer) commandOK(typ, id string, data any) (ackData, error) {
	deadline := time.Now().Add(peerWait)
	pause := 100 * time.Millisecond
	for {
		a, err := p.command(typ, id, data)
		if err != nil || a.OK {
			return a, err
		}
		if a.Error == nil || a.Error.Code != "unavailable" || time.Now().After(deadline) {
			return a, fmt.Errorf("%s: %s %q %s", p.name, typ, id, a)
		}
		time.Sleep(pause) // a client's pause before sending again
		pause = min(2*pause, peerMaxPause)
	}
}

// join joins the session as a student with the nickname.
func (p *livePeer) join(nickname string) error {
	a, err := p.commandOK("join", p.name+"-join", map[string]string{"nickname": nickname})
	if err != nil {
		return err
	}
	var r struct {
		ParticipantID string `json:"participant_id"`
		Token         string `json:"token"`
	}
	if err := json.Unmarshal(a.Result, &r); err != nil || r.Token == "" {
		return fmt.Errorf("%s: join result %s: %v", p.name, a.Result, err)
	}
	p.pid, p.token = r.ParticipantID, r.Token
	return nil
}

// waitEvent returns the first numbered event applied that matches, reading
// (and reconnecting) until one comes.
func (p *livePeer) waitEvent(what string, match func(live.Envelope) bool) (live.Envelope, error) {
	deadline := time.Now().Add(peerWait)
	for {
		for _, e := range p.events {
			if match(e) {
				return e, nil
			}
		}
		if time.Now().After(deadline) {
			return live.Envelope{}, fmt.Errorf("%s (%s, node %d): no %s (last seq %d); the last messages received: %q", p.name, p.transport(), p.node, what, p.lastSeq, p.recent)
		}
		if _, err := p.next(); err != nil && !errors.Is(err, errQuiet) {
			if err := p.reconnect(err); err != nil {
				return live.Envelope{}, fmt.Errorf("waiting for %s: %w", what, err)
			}
		}
	}
}

// waitMessage reads (and reconnects) until a message that matches
// arrives, at most for within, for messages sent again and again, such as
// presence, that are not numbered events.
func (p *livePeer) waitMessage(what string, within time.Duration, match func(live.Envelope) bool) (live.Envelope, error) {
	deadline := time.Now().Add(within)
	for {
		if time.Now().After(deadline) {
			return live.Envelope{}, fmt.Errorf("%s: no %s", p.name, what)
		}
		env, err := p.next()
		switch {
		case errors.Is(err, errQuiet):
		case err != nil:
			if err := p.reconnect(err); err != nil {
				return live.Envelope{}, fmt.Errorf("waiting for %s: %w", what, err)
			}
		case match(env):
			return env, nil
		}
	}
}

// close closes the peer's connection.
func (p *livePeer) close() {
	if p.wire != nil {
		p.wire.close()
	}
}

// eventData is what the tests read from numbered events' payloads.
type eventData struct {
	QuestionID string `json:"question_id"`
	Round      int    `json:"round"`
	Answered   int    `json:"answered"`
	Right      int    `json:"right"`
}

func dataOf(e live.Envelope) eventData {
	var d eventData
	_ = json.Unmarshal(e.Data, &d)
	return d
}

// eventFor matches an event of the type about the question.
func eventFor(typ, questionID string) func(live.Envelope) bool {
	return func(e live.Envelope) bool { return e.Type == typ && dataOf(e).QuestionID == questionID }
}

func envelope(typ, id string, data any) live.Envelope {
	raw, err := json.Marshal(data)
	if err != nil {
		panic(err) // the tests' own payloads always encode
	}
	if data == nil {
		raw = nil
	}
	return live.Envelope{Type: typ, ID: id, Data: raw}
}

// wsWire is a peer's WebSocket.
type wsWire struct{ conn *websocket.Conn }

func dialWSWire(base, cookie string) (*wsWire, error) {
	hdr := http.Header{"Origin": {base}}
	if cookie != "" {
		hdr.Set("Cookie", auth.CookieName+"="+cookie)
	}
	d := websocket.Dialer{HandshakeTimeout: 5 * time.Second}
	conn, res, err := d.Dial("ws"+strings.TrimPrefix(base, "http")+"/live", hdr)
	if res != nil && res.Body != nil {
		res.Body.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", base, err)
	}
	return &wsWire{conn: conn}, nil
}

func (w *wsWire) write(env live.Envelope) error {
	_ = w.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return w.conn.WriteJSON(env)
}

func (w *wsWire) read() ([]live.Envelope, error) {
	var env live.Envelope
	_ = w.conn.SetReadDeadline(time.Now().Add(peerReadWait))
	if err := w.conn.ReadJSON(&env); err != nil {
		return nil, err
	}
	return []live.Envelope{env}, nil
}

func (w *wsWire) close() { w.conn.Close() }

// pollWire is a peer's long-polling channel. Each has its own HTTP
// transport, closed with it, so that no connection outlives the test.
type pollWire struct {
	base, cid string
	received  uint64 // envelopes received on the channel, the next GET's ack
	http      *http.Client
	transport *http.Transport
}

var errPollGone = errors.New("poll channel gone")

func openPollWire(base, cookie string) (*pollWire, error) {
	tr := &http.Transport{}
	w := &pollWire{base: base, transport: tr, http: &http.Client{Transport: tr, Timeout: peerHTTPLimit}}
	req, err := http.NewRequest(http.MethodPost, base+"/live/poll", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Origin", base)
	if cookie != "" {
		req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: cookie})
	}
	var open struct {
		CID string `json:"cid"`
	}
	if err := w.do(req, http.StatusOK, &open); err != nil {
		tr.CloseIdleConnections()
		return nil, fmt.Errorf("open a poll channel on %s: %w", base, err)
	}
	w.cid = open.CID
	return w, nil
}

func (w *pollWire) do(req *http.Request, want int, out any) error {
	res, err := w.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	switch {
	case res.StatusCode == http.StatusGone:
		return fmt.Errorf("%w: %s", errPollGone, body)
	case res.StatusCode != want:
		return fmt.Errorf("%s %s: %s %s", req.Method, req.URL.Path, res.Status, body)
	case out != nil:
		return json.Unmarshal(body, out)
	}
	return nil
}

func (w *pollWire) write(env live.Envelope) error {
	body, err := json.Marshal(env)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPost, w.base+"/live/send?cid="+url.QueryEscape(w.cid), bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Origin", w.base)
	req.Header.Set("Content-Type", "application/json")
	return w.do(req, http.StatusNoContent, nil)
}

// read is one long poll: what the server had, or nothing after its wait.
func (w *pollWire) read() ([]live.Envelope, error) {
	req, err := http.NewRequest(http.MethodGet, w.base+"/live/poll?cid="+url.QueryEscape(w.cid)+"&ack="+strconv.FormatUint(w.received, 10), nil)
	if err != nil {
		return nil, err
	}
	var envs []live.Envelope
	if err := w.do(req, http.StatusOK, &envs); err != nil {
		return nil, err
	}
	w.received += uint64(len(envs))
	return envs, nil
}

func (w *pollWire) close() { w.transport.CloseIdleConnections() }
