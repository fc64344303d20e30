package loadtest

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gobwas/ws"

	"netstudy/app/live"
)

// student is one simulated phone. The load generator shares the machine
// with the server it measures, so a student costs it as little as it can:
// the connection is a real WebSocket (gobwas/ws, which hands over the bare
// socket after the handshake), but once joined no goroutine waits on it.
// A poller reads every student's socket as it becomes readable (epoll on
// Linux, see poller), and hands the bytes to onData, which splits them
// into frames and plays the protocol.
type student struct {
	r    *run
	i    int      // index among the students
	conn net.Conn // until the poller takes the socket over

	// partial holds the start of a frame whose end has not arrived yet.
	// Owned by whoever reads: the connecting goroutine, then the poller.
	partial []byte

	mu     sync.Mutex // guards writes to out and the fields below
	out    io.Writer  // the socket's write side: conn, or the poller's own
	closer io.Closer  // closes the socket, whoever holds it
	prefix string
	asked  []openedQuestion // per question: what to answer, once it arrived
	// sent has one entry per command id: id prefix-n is sent[n-1]. An
	// acknowledgement names its command, so it is matched without a map.
	sent []sentCommand
}

// sentCommand is a command waiting for its acknowledgement.
type sentCommand struct {
	at     time.Time
	answer bool // an answer to question k, which counts when acknowledged
	k      int
	acked  bool
}

type openedQuestion struct {
	id    string
	round int
	ok    bool
}

func (r *run) newStudent(i int, conn net.Conn, buffered []byte) *student {
	return &student{
		r: r, i: i, conn: conn, out: conn, closer: conn, prefix: randomPrefix(),
		partial: buffered,
		asked:   make([]openedQuestion, r.cfg.Questions),
		sent:    make([]sentCommand, 0, 1+r.cfg.Questions),
	}
}

// dialStudent opens a WebSocket as a phone would, to its node (see
// nodeOf) and from that node's own origin.
func (r *run) dialStudent(ctx context.Context, i int) (*student, error) {
	base := r.bases[nodeOf(i, len(r.bases))]
	d := ws.Dialer{
		Timeout: 30 * time.Second,
		Header:  ws.HandshakeHeaderHTTP(http.Header{"Origin": {base}}),
	}
	conn, br, _, err := d.Dial(ctx, "ws"+base[len("http"):]+"/live")
	if err != nil {
		return nil, err
	}
	var buffered []byte
	if br != nil {
		// Bytes the server sent right after its handshake answer.
		buffered = make([]byte, br.Buffered())
		_, _ = io.ReadFull(br, buffered)
		ws.PutReader(br)
	}
	return r.newStudent(i, conn, buffered), nil
}

// join says hello and joins, reading synchronously until the snapshot: the
// class is not being measured yet.
func (s *student) join(code string) error {
	if err := s.send("hello", "", map[string]any{"protocol": live.ProtocolVersion, "session": code, "role": live.RoleStudent}); err != nil {
		return err
	}
	if err := s.readUntil("welcome"); err != nil {
		return err
	}
	if err := s.send("join", s.nextID(), map[string]string{"nickname": fmt.Sprintf("s%05d", s.i)}); err != nil {
		return err
	}
	return s.readUntil("snapshot")
}

// readUntil blocks until an envelope of type typ arrives, answering pings.
// Frames after it in the same read stay in partial for the poller.
func (s *student) readUntil(typ string) error {
	_ = s.conn.SetReadDeadline(time.Now().Add(s.r.cfg.Timeout))
	defer s.conn.SetReadDeadline(time.Time{})
	buf := make([]byte, 4096)
	for {
		var found bool
		var ferr error
		s.partial = eachFrame(s.partial, func(op ws.OpCode, payload []byte) bool {
			var env live.Envelope
			if op != ws.OpText || decodeHead(payload, &env) != nil {
				return true
			}
			switch env.Type {
			case typ:
				found = true
				return false
			case "error":
				ferr = fmt.Errorf("server error: %s", env.Data)
				return false
			case "ping":
				ferr = s.pong(env.Data)
			}
			return ferr == nil
		})
		if found || ferr != nil {
			return ferr
		}
		n, err := s.conn.Read(buf)
		if err != nil {
			return fmt.Errorf("waiting for %s: %w", typ, err)
		}
		s.partial = append(s.partial, buf[:n]...)
	}
}

// onData takes bytes the poller read and plays every whole frame in them.
// It reports false once the connection is over. b is the poller's buffer:
// it is only read, and what must wait for more bytes is copied.
func (s *student) onData(b []byte) bool {
	if len(s.partial) > 0 {
		s.partial = append(s.partial, b...)
		b = s.partial
	}
	return s.playFrames(b)
}

// playFrames plays the whole frames at the start of b, and keeps the rest
// in partial.
func (s *student) playFrames(b []byte) bool {
	open := true
	s.partial = eachFrame(b, func(op ws.OpCode, payload []byte) bool {
		switch op {
		case ws.OpText:
			s.play(payload)
		case ws.OpClose:
			open = false
			return false
		}
		return true
	})
	return open
}

// play handles one envelope: a question is timed, an acknowledgement is
// matched with its answer.
func (s *student) play(payload []byte) {
	now := time.Now()
	var env live.Envelope
	if decodeHead(payload, &env) != nil {
		return
	}
	r := s.r
	switch env.Type {
	case "ping":
		_ = s.pong(env.Data)
	case "question_opened":
		id, ok1 := stringAfter(env.Data, "question_id")
		number, ok2 := numberAfter(env.Data, "number")
		round, ok3 := numberAfter(env.Data, "round")
		if !ok1 || !ok2 || !ok3 || number < 1 || number > r.cfg.Questions {
			return
		}
		k := number - 1
		s.mu.Lock()
		first := !s.asked[k].ok
		s.asked[k] = openedQuestion{id: id, round: round, ok: true}
		s.mu.Unlock()
		if !first {
			return
		}
		r.latency[s.i] = append(r.latency[s.i], float64(now.UnixNano()-r.sentAt[k].Load())/1e6)
		storeMax(&r.lastAt[k], now.UnixNano())
		r.got[k].Add(1)
	case "ack":
		s.mu.Lock()
		var cmd sentCommand
		n, ok := s.commandNumber(env.ID)
		if ok {
			cmd = s.sent[n-1]
			ok = cmd.answer && !cmd.acked && bytes.HasPrefix(env.Data, []byte(`{"ok":true`))
			s.sent[n-1].acked = s.sent[n-1].acked || ok
		}
		s.mu.Unlock()
		switch {
		case cmd.answer && cmd.acked:
			r.dups.Add(1)
		case ok:
			r.acks[s.i] = append(r.acks[s.i], float64(now.Sub(cmd.at).Microseconds())/1000)
			r.acked[cmd.k].Add(1)
		}
	}
}

// answer sends a random choice for question k, which has arrived.
func (s *student) answer(k int, choice string) error {
	s.mu.Lock()
	q := s.asked[k]
	if !q.ok {
		s.mu.Unlock()
		return fmt.Errorf("student %d answers question %d before having it", s.i, k+1)
	}
	s.sent = append(s.sent, sentCommand{answer: true, k: k})
	n := len(s.sent)
	s.mu.Unlock()
	// The busiest message is written by hand: json.Marshal's reflection
	// would be charged to the server this program measures.
	p := make([]byte, 0, 160)
	p = append(p, `{"type":"answer","id":`...)
	p = appendJSONString(p, s.idOf(n))
	p = append(p, `,"data":{"question_id":`...)
	p = appendJSONString(p, q.id)
	p = append(p, `,"round":`...)
	p = strconv.AppendInt(p, int64(q.round), 10)
	p = append(p, `,"choices":[`...)
	p = appendJSONString(p, choice)
	p = append(p, `]}}`...)
	frame := maskedTextFrame(p)
	s.mu.Lock()
	defer s.mu.Unlock()
	// The clock starts when the answer leaves, as a phone's would.
	s.sent[n-1].at = time.Now()
	return s.write(frame)
}

func (s *student) pong(data []byte) error {
	t, _ := numberAfter(data, "t")
	return s.send("pong", "", map[string]int{"t": t})
}

// nextID names a command that is not an answer.
func (s *student) nextID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, sentCommand{at: time.Now()})
	return s.idOf(len(s.sent))
}

func (s *student) idOf(n int) string { return s.prefix + "-" + strconv.Itoa(n) }

// commandNumber is n of an id prefix-n this student sent; s.mu is held.
func (s *student) commandNumber(id string) (int, bool) {
	rest, ok := strings.CutPrefix(id, s.prefix+"-")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil && n >= 1 && n <= len(s.sent)
}

// send writes one envelope as a masked text frame, in one write.
func (s *student) send(typ, id string, data any) error {
	frame, err := clientFrame(typ, id, data)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.write(frame)
}

// write sends one frame in one write; s.mu is held.
func (s *student) write(frame []byte) error {
	if c, ok := s.out.(net.Conn); ok {
		_ = c.SetWriteDeadline(time.Now().Add(30 * time.Second))
	}
	_, err := s.out.Write(frame)
	return err
}

// close closes the socket.
func (s *student) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	_ = s.closer.Close()
}

// clientFrame encodes an envelope as a client's frame: masked, as RFC 6455
// requires of every frame a client sends.
func clientFrame(typ, id string, data any) ([]byte, error) {
	env, err := encodeEnvelope(typ, id, data)
	if err != nil {
		return nil, err
	}
	return maskedTextFrame(env), nil
}

// maskedTextFrame frames payload as a client must: masked, with a fresh
// key. payload is masked in place.
func maskedTextFrame(payload []byte) []byte {
	h := ws.Header{Fin: true, OpCode: ws.OpText, Length: int64(len(payload)), Masked: true}
	binary.LittleEndian.PutUint32(h.Mask[:], rand.Uint32())
	frame := bytes.NewBuffer(make([]byte, 0, ws.HeaderSize(h)+len(payload)))
	_ = ws.WriteHeader(frame, h) // a bytes.Buffer does not fail
	ws.Cipher(payload, h.Mask, 0)
	frame.Write(payload)
	return frame.Bytes()
}

// appendJSONString appends s as a JSON string. Ids and choices are plain
// ASCII, which is copied as it is; anything else goes through the encoder.
func appendJSONString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			b, _ := json.Marshal(s) // a string always encodes
			return append(dst, b...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// eachFrame calls fn with each whole frame at the start of b, until fn
// returns false, and returns what is left: the frames fn did not take, and
// the start of an incomplete one. A server never masks its frames, but a
// masked one is unmasked all the same.
func eachFrame(b []byte, fn func(ws.OpCode, []byte) bool) []byte {
	for len(b) > 0 {
		rd := bytes.NewReader(b)
		h, err := ws.ReadHeader(rd)
		if err != nil {
			break // an incomplete header
		}
		start := len(b) - rd.Len()
		end := start + int(h.Length)
		if int64(end-start) != h.Length || end > len(b) {
			break // an incomplete payload
		}
		payload := b[start:end]
		if h.Masked {
			ws.Cipher(payload, h.Mask, 0)
		}
		b = b[end:]
		if !fn(h.OpCode, payload) {
			break
		}
	}
	if len(b) == 0 {
		return nil
	}
	return bytes.Clone(b) // the caller's buffer may be reused
}
