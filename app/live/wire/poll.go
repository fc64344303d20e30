package wire

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"netstudy/app/live"
)

// Long polling carries the same envelopes where a WebSocket cannot be
// opened. A channel is one "connection". Its delivery is at least once: a
// response can be lost after the server wrote it (the connection reset on
// the way, and the browser, or Go's HTTP client, quietly sends the GET
// again), so each GET says with ack how many messages of the channel the
// client has received, and the server keeps what it handed out until a
// later GET confirms it, sending it again to a GET that does not. A
// client whose poll fails for good opens a new channel with hello and its
// last seq, exactly as it would reconnect a WebSocket.
const (
	pollWait     = 25 * time.Second // how long a GET waits for something to say
	pollIdle     = 60 * time.Second // a channel with no GET for this long is closed
	pollMaxBatch = 256
	pollMaxBody  = 64 << 10
)

type pollChan struct {
	c        *live.Peer
	queued   chan struct{} // "the queue is not empty", for a waiting GET
	mu       sync.Mutex
	lastSeen time.Time
	polling  bool
	// handedOut counts the messages GETs have returned on this channel;
	// unconfirmed are the last of them, which no GET has confirmed yet
	// (see ServePoll). Guarded by mu.
	handedOut   uint64
	unconfirmed []*live.Message
}

type pollRegistry struct {
	s     *Server
	mu    sync.Mutex
	chans map[string]*pollChan
}

func newPollRegistry(s *Server) *pollRegistry {
	return &pollRegistry{s: s, chans: map[string]*pollChan{}}
}

func (p *pollRegistry) get(cid string) (*pollChan, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pc, ok := p.chans[cid]
	return pc, ok
}

// sweep closes channels whose client stopped polling, until ctx ends.
func (p *pollRegistry) sweep(ctx context.Context) {
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			p.closeAll("server stopping")
			return
		case <-t.C:
			p.expire(time.Now())
		}
	}
}

func (p *pollRegistry) expire(now time.Time) {
	p.mu.Lock()
	var dead []*pollChan
	for cid, pc := range p.chans {
		pc.mu.Lock()
		idle := !pc.polling && now.Sub(pc.lastSeen) > pollIdle
		pc.mu.Unlock()
		if idle || pc.c.Closed() {
			dead = append(dead, pc)
			delete(p.chans, cid)
		}
	}
	p.mu.Unlock()
	for _, pc := range dead {
		p.s.hub.Gone(pc.c, "poll idle")
	}
}

func (p *pollRegistry) closeAll(reason string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for cid, pc := range p.chans {
		pc.c.Close(reason)
		delete(p.chans, cid)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func pollError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]*live.ProtocolError{"error": {Code: code, Message: msg}})
}

// ServePollOpen handles POST /live/poll: it opens a channel.
func (s *Server) ServePollOpen(w http.ResponseWriter, r *http.Request) {
	if !s.CheckOrigin(r) {
		pollError(w, http.StatusForbidden, "forbidden", "cross-origin request refused")
		return
	}
	pc := &pollChan{queued: make(chan struct{}, 1), lastSeen: time.Now()}
	pc.c = s.hub.Connect(live.ConnInfo{
		Transport:  live.TransportPolling,
		RemoteIP:   s.clientIP(r),
		Instructor: s.isInstructor(r),
		Wake: func() {
			select {
			case pc.queued <- struct{}{}:
			default:
			}
		},
	})
	var b [16]byte
	_, _ = rand.Read(b[:])
	cid := hex.EncodeToString(b[:])
	s.polls.mu.Lock()
	s.polls.chans[cid] = pc
	s.polls.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]string{"cid": cid})
}

// ServePoll handles GET /live/poll?cid=…&ack=N: it returns the waiting
// envelopes as a JSON array, waiting up to pollWait for the first. N is
// how many messages the client has received on this channel so far; the
// array then holds the messages after the Nth, those handed out before but
// not confirmed first, so the client's next N is N plus the array's
// length. Without ack (an older client) each message is handed out once.
func (s *Server) ServePoll(w http.ResponseWriter, r *http.Request) {
	pc, ok := s.polls.get(r.URL.Query().Get("cid"))
	if !ok || pc.c.Closed() {
		pollError(w, http.StatusGone, "gone", "this channel is closed; open a new one")
		return
	}
	pc.mu.Lock()
	if pc.polling {
		pc.mu.Unlock()
		pollError(w, http.StatusConflict, "busy", "another poll is open on this channel")
		return
	}
	confirming := r.URL.Query().Has("ack")
	var msgs []*live.Message
	if confirming {
		var ok bool
		if msgs, ok = pc.confirm(r.URL.Query().Get("ack")); !ok {
			pc.mu.Unlock()
			pollError(w, http.StatusBadRequest, "bad_ack", "ack must count the messages received on this channel")
			return
		}
	}
	pc.polling = true
	pc.mu.Unlock()
	resent := len(msgs)
	defer func() {
		pc.mu.Lock()
		pc.polling, pc.lastSeen = false, time.Now()
		pc.mu.Unlock()
	}()

	timer := time.NewTimer(pollWait)
	defer timer.Stop()
	msgs = pc.c.Take(msgs, pollMaxBatch-len(msgs))
wait:
	for len(msgs) == 0 {
		select {
		case <-pc.queued:
			msgs = pc.c.Take(msgs, pollMaxBatch)
		case <-pc.c.Done():
			break wait
		case <-timer.C:
			break wait
		case <-r.Context().Done():
			return
		}
	}
	pc.mu.Lock()
	pc.handedOut += uint64(len(msgs) - resent)
	if confirming {
		pc.unconfirmed = msgs // kept until the next GET confirms them
	}
	pc.mu.Unlock()
	batch := make([]json.RawMessage, len(msgs))
	for i, m := range msgs {
		batch[i] = m.Data()
	}
	if len(batch) == 0 && pc.c.Closed() {
		pollError(w, http.StatusGone, "gone", "this channel is closed; open a new one")
		return
	}
	writeJSON(w, http.StatusOK, batch)
}

// confirm forgets the handed-out messages the client says it received
// (ack counts them from the channel's start) and returns the rest, to be
// sent again. False if ack is not a count the channel can have reached.
// The caller holds pc.mu.
func (pc *pollChan) confirm(ack string) ([]*live.Message, bool) {
	n, err := strconv.ParseUint(ack, 10, 64)
	first := pc.handedOut - uint64(len(pc.unconfirmed)) // the count before the oldest kept
	if err != nil || n < first || n > pc.handedOut {
		return nil, false
	}
	rest := pc.unconfirmed[n-first:]
	pc.unconfirmed = nil
	return append(make([]*live.Message, 0, len(rest)), rest...), true
}

// ServePollSend handles POST /live/send?cid=…: one envelope or an array.
func (s *Server) ServePollSend(w http.ResponseWriter, r *http.Request) {
	if !s.CheckOrigin(r) {
		pollError(w, http.StatusForbidden, "forbidden", "cross-origin request refused")
		return
	}
	pc, ok := s.polls.get(r.URL.Query().Get("cid"))
	if !ok || pc.c.Closed() {
		pollError(w, http.StatusGone, "gone", "this channel is closed; open a new one")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, pollMaxBody))
	if err != nil {
		pollError(w, http.StatusRequestEntityTooLarge, "too_large", "the request is too large")
		return
	}
	var frames []json.RawMessage
	if len(body) > 0 && body[0] == '[' {
		if err := json.Unmarshal(body, &frames); err != nil {
			pollError(w, http.StatusBadRequest, "bad_json", "the body is not a JSON array of envelopes")
			return
		}
	} else {
		frames = []json.RawMessage{body}
	}
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pc.lastSeen = time.Now()
	for _, f := range frames {
		if reason := s.hub.Receive(pc.c, live.Text, f); reason != "" {
			pc.c.Close(reason)
			pollError(w, http.StatusBadRequest, "closed", reason)
			return
		}
	}
	w.WriteHeader(http.StatusNoContent)
}
