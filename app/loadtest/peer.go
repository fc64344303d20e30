package loadtest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"netstudy/app/live"
)

// peer is one simulated browser speaking the live protocol.
type peer struct {
	conn   *websocket.Conn
	sendMu sync.Mutex // the host's drain answers pings while commands go out
	ids    int
	prefix string
	buf    []byte // the last message read, reused
	// acks, once drain runs, carries the host's acknowledgements from the
	// reading goroutine to the one that sent the command.
	acks chan live.Envelope
}

func newPeer(c *websocket.Conn) *peer { return &peer{conn: c, prefix: randomPrefix()} }

// nextID makes command ids unique across peers, as browsers do.
func (p *peer) nextID() string {
	p.ids++
	return fmt.Sprintf("%s-%d", p.prefix, p.ids)
}

func randomPrefix() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (p *peer) send(typ, id string, data any) error {
	env, err := encodeEnvelope(typ, id, data)
	if err != nil {
		return err
	}
	p.sendMu.Lock()
	defer p.sendMu.Unlock()
	_ = p.conn.SetWriteDeadline(time.Now().Add(30 * time.Second))
	return p.conn.WriteMessage(websocket.TextMessage, env)
}

func encodeEnvelope(typ, id string, data any) ([]byte, error) {
	raw, err := json.Marshal(data)
	if err != nil {
		return nil, err
	}
	return json.Marshal(live.Envelope{Type: typ, ID: id, Data: raw})
}

// next reads one envelope, answering pings as a browser does.
func (p *peer) next() (live.Envelope, error) {
	for {
		var env live.Envelope
		_ = p.conn.SetReadDeadline(time.Now().Add(2 * time.Minute))
		_, r, err := p.conn.NextReader()
		if err != nil {
			return env, err
		}
		p.buf = p.buf[:0]
		for {
			if len(p.buf) == cap(p.buf) {
				p.buf = append(p.buf, 0)[:len(p.buf)]
			}
			n, err := r.Read(p.buf[len(p.buf):cap(p.buf)])
			p.buf = p.buf[:len(p.buf)+n]
			if err == io.EOF {
				break
			}
			if err != nil {
				return env, err
			}
		}
		// The load generator shares the machine with the server: reading
		// only the envelope's head keeps its own cost out of the numbers.
		if err := decodeHead(p.buf, &env); err != nil {
			return env, err
		}
		if env.Type == "ping" {
			var t struct {
				T int64 `json:"t"`
			}
			_ = json.Unmarshal(env.Data, &t)
			if err := p.send("pong", "", t); err != nil {
				return env, err
			}
			continue
		}
		return env, nil
	}
}

// until reads until an envelope of the type arrives.
func (p *peer) until(typ string) (live.Envelope, error) {
	for {
		env, err := p.next()
		if err != nil {
			return env, err
		}
		if env.Type == typ {
			return env, nil
		}
		if env.Type == "error" {
			return env, fmt.Errorf("server error: %s", env.Data)
		}
	}
}

func (p *peer) hello(code string, role live.Role, token string) error {
	if err := p.send("hello", "", map[string]any{"protocol": live.ProtocolVersion, "session": code, "role": role, "token": token}); err != nil {
		return err
	}
	_, err := p.until("welcome")
	return err
}

// command sends a command and waits for its acknowledgement. It must not
// run while another goroutine reads the connection; the host uses acks
// routed through drain instead.
func (p *peer) command(typ string, data any) error {
	if p.acks != nil {
		return p.commandViaDrain(typ, data)
	}
	id := p.nextID()
	if err := p.send(typ, id, data); err != nil {
		return err
	}
	for {
		env, err := p.next()
		if err != nil {
			return err
		}
		if env.Type == "ack" && env.ID == id {
			return ackError(env)
		}
	}
}

func ackError(env live.Envelope) error {
	var a struct {
		OK    bool                `json:"ok"`
		Error *live.ProtocolError `json:"error"`
	}
	if err := json.Unmarshal(env.Data, &a); err != nil {
		return err
	}
	if !a.OK {
		if a.Error != nil {
			return a.Error
		}
		return errors.New("refused")
	}
	return nil
}

// drain reads the host's connection for the rest of the run, so the server
// never has to hold messages for it, and passes acknowledgements on.
func (p *peer) drain() {
	for {
		env, err := p.next()
		if err != nil {
			close(p.acks)
			return
		}
		if env.Type == "ack" {
			p.acks <- env
		}
	}
}

func (p *peer) commandViaDrain(typ string, data any) error {
	id := p.nextID()
	if err := p.send(typ, id, data); err != nil {
		return err
	}
	timeout := time.After(time.Minute)
	for {
		select {
		case env, ok := <-p.acks:
			if !ok {
				return errors.New("host connection closed")
			}
			if env.ID == id {
				return ackError(env)
			}
		case <-timeout:
			return fmt.Errorf("%s: no acknowledgement", typ)
		}
	}
}

// decodeHead fills an envelope's type, id and seq, and keeps its data raw
// (a copy: b is reused). The load generator shares the machine with the
// server, so its own cost must stay out of the numbers: it reads the
// server's envelopes, which always come as {"type":…,"id":…,"seq":…,
// "data":…} with id, seq and data optional, without a JSON decoder, and
// falls back to one for anything else.
func decodeHead(b []byte, env *live.Envelope) error {
	rest, ok := bytes.CutPrefix(b, []byte(`{"type":"`))
	if ok {
		env.Type, rest, ok = cutString(rest)
	}
	if ok {
		if r, found := bytes.CutPrefix(rest, []byte(`,"id":"`)); found {
			env.ID, rest, ok = cutString(r)
		}
	}
	if ok {
		if r, found := bytes.CutPrefix(rest, []byte(`,"seq":`)); found {
			i := 0
			for i < len(r) && r[i] >= '0' && r[i] <= '9' {
				i++
			}
			env.Seq, _ = strconv.ParseUint(string(r[:i]), 10, 64)
			rest, ok = r[i:], i > 0
		}
	}
	if ok {
		if r, found := bytes.CutPrefix(rest, []byte(`,"data":`)); found && len(r) > 1 {
			env.Data = bytes.Clone(r[:len(r)-1])
			rest = r[len(r)-1:]
		}
		ok = string(rest) == "}"
	}
	if ok {
		return nil
	}
	var head struct {
		Type string          `json:"type"`
		ID   string          `json:"id"`
		Seq  uint64          `json:"seq"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return fmt.Errorf("bad envelope: %w", err)
	}
	env.Type, env.ID, env.Seq, env.Data = head.Type, head.ID, head.Seq, head.Data
	return nil
}

// cutString reads a JSON string's contents up to its closing quote; ok is
// false for one with escapes, which the caller leaves to a real decoder.
func cutString(b []byte) (s string, rest []byte, ok bool) {
	i := bytes.IndexByte(b, '"')
	if i < 0 || bytes.IndexByte(b[:i], '\\') >= 0 {
		return "", b, false
	}
	return string(b[:i]), b[i+1:], true
}

// numberAfter returns the integer that follows the first "key": in a
// server payload whose fields come in a known order, so that the first
// match is the top-level field (question_opened's number and round come
// before its nested question).
func numberAfter(data []byte, key string) (int, bool) {
	_, r, found := bytes.Cut(data, []byte(`"`+key+`":`))
	if !found {
		return 0, false
	}
	i := 0
	for i < len(r) && r[i] >= '0' && r[i] <= '9' {
		i++
	}
	n, err := strconv.Atoi(string(r[:i]))
	return n, err == nil
}

// stringAfter is numberAfter for a string without escapes.
func stringAfter(data []byte, key string) (string, bool) {
	_, r, found := bytes.Cut(data, []byte(`"`+key+`":"`))
	if !found {
		return "", false
	}
	s, _, ok := cutString(r)
	return s, ok
}
