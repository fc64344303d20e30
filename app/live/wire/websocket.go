package wire

import (
	"errors"
	"io"
	"net"
	"net/http"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"

	"netstudy/app/live"
)

func (s *Server) upgrader() *websocket.Upgrader {
	return &websocket.Upgrader{
		ReadBufferSize:  512,
		WriteBufferSize: 2048,
		// Frames go out through connWriter, not gorilla's buffered
		// writer; with a pool, gorilla holds no write buffer per
		// connection for a writer it never uses.
		WriteBufferPool: &s.writePool,
		CheckOrigin:     s.CheckOrigin,
	}
}

// ServeWebSocket upgrades GET /live and hands the connection to the read
// pollers (or, without them, a goroutine the server owns) and flushers.
// The HTTP handler returns at once: a connection lives for a
// whole class, and net/http's per-request state (its 4 KiB read and write
// buffers, the parsed headers, a deep stack) would otherwise stay alive
// with it for every student.
func (s *Server) ServeWebSocket(w http.ResponseWriter, r *http.Request) {
	if !s.CheckOrigin(r) {
		http.Error(w, "cross-origin WebSocket refused", http.StatusForbidden)
		return
	}
	info := live.ConnInfo{
		Transport:  live.TransportWebSocket,
		RemoteIP:   s.clientIP(r),
		PeerAddr:   r.RemoteAddr,
		Instructor: s.isInstructor(r),
	}
	if la, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		info.LocalAddr = la.String()
	}
	conn, err := s.upgrader().Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered the client
	}
	if !s.addWorker() {
		conn.Close() // the server is stopping
		return
	}
	n := s.connSeq.Add(1)
	if p := s.readPollerFor(n); p != nil {
		s.pollConn(p, conn, n, info)
		return
	}
	// Set up here, not on the goroutine: see serveConn.
	go s.serveConn(conn, s.openConn(conn.NetConn(), n, info, nil))
}

// pollConn hands a connection to a read poller: from now on no goroutine
// waits on it. Gorilla's connection, with its buffers, is dropped: frames
// are read by wsConn and written by connWriter. The connection ends when
// its writer has said goodbye (closePolled).
func (s *Server) pollConn(p *readPoller, conn *websocket.Conn, n uint64, info live.ConnInfo) {
	r := s.openConn(conn.NetConn(), n, info, p)
	err := errors.New("not a socket")
	if r.raw != nil {
		err = p.add(r)
	}
	if err != nil {
		r.c.Close("read error")
	}
}

// closePolled tears a polled connection down once its writer has ended.
func (s *Server) closePolled(p *readPoller, r *wsConn) {
	defer s.wg.Done()
	p.forget(r)
	s.hub.Gone(r.c, r.c.Reason())
	r.ping.Stop()
}

// serveConn runs a connection on a goroutine of its own, which reads it
// with gorilla: where there is no read poller (see readPoller). Writes
// happen on the flushers (see connWriter) all the same.
//
// The runtime halves a goroutine's stack at a collection only while less
// than a quarter of it is in use, so the depth at which this goroutine
// waits decides whether it keeps 8 KiB or 4 KiB: the loop runs in this
// function, directly under the goroutine's start; the connection is set
// up before the goroutine starts (passing a ConnInfo down kept 8 KiB per
// student), and torn down in a call made once the loop has ended.
func (s *Server) serveConn(conn *websocket.Conn, r *wsConn) {
	defer s.wg.Done()
	conn.SetReadLimit(live.MaxMessageBytes)
	// Every frame goes out through the connection's writer, never through
	// gorilla's own write calls: those would interleave with ours. A ping
	// is answered with a pong the writer sends; a close is answered by the
	// writer's goodbye once the read loop has ended.
	conn.SetPingHandler(func(data string) error {
		r.w.control(controlFrame(opPong, []byte(data)))
		return nil
	})
	conn.SetCloseHandler(func(int, string) error { return nil })
	reason := ""
	for reason == "" {
		_ = conn.SetReadDeadline(time.Now().Add(s.heartbeat.timeout))
		typ, rd, err := conn.NextReader()
		var data []byte
		if err == nil {
			data, err = io.ReadAll(rd)
		}
		if err != nil {
			reason = readError(r.c, err)
			break
		}
		reason = r.deliver(typ == websocket.TextMessage, data)
	}
	s.closeConn(r, reason)
}

// openConn sets a new connection up: its writer, its Peer and its
// heartbeat, and, for a connection read by a poller (p), its teardown
// once the writer has ended. The writer is ready before the hub knows of
// the connection, since stopping the hub may close it at once.
func (s *Server) openConn(nc net.Conn, n uint64, info live.ConnInfo, p *readPoller) *wsConn {
	r := &wsConn{s: s}
	r.lastRead.Store(time.Now().UnixNano())
	r.w = newConnWriter(nc, s.flushers.of(n), s.socketFull)
	if p != nil {
		if sc, ok := nc.(syscall.Conn); ok {
			r.raw, _ = sc.SyscallConn()
		}
		r.w.ended = func() { go s.closePolled(p, r) }
	}
	info.Wake = r.w.wake
	r.c = s.hub.Connect(info) // from here on, stopping the hub may close c, which wakes w
	// Heartbeats: a timer, not a goroutine, between pings.
	r.ping = time.AfterFunc(s.heartbeat.every, r.heartbeat)
	r.w.start(r.c)
	return r
}

// heartbeat pings the client, and closes a polled connection that has
// sent nothing, not even a pong, for the read timeout. (A connection read
// by a goroutine has a read deadline instead.)
func (r *wsConn) heartbeat() {
	if r.raw != nil && time.Since(time.Unix(0, r.lastRead.Load())) > r.s.heartbeat.timeout {
		r.c.Close("no heartbeat")
		return
	}
	if r.s.hub.Ping(r.c) {
		r.ping.Reset(r.s.heartbeat.every)
	}
}

// closeConn ends a connection whose reading stopped for reason, once its
// writer has said goodbye.
func (s *Server) closeConn(r *wsConn, reason string) {
	s.hub.Gone(r.c, reason) // closing the client wakes the writer to say goodbye
	r.ping.Stop()
	<-r.w.flushed
}

// readError says why reading a connection failed, for the logs and the
// dashboard.
func readError(c *live.Peer, err error) string {
	switch {
	case c.Closed():
		if r := c.Reason(); r != "" {
			return r
		}
		return "closed"
	case errors.Is(err, websocket.ErrReadLimit):
		return live.ReasonTooLarge
	case websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway):
		return "client closed"
	default:
		return "read error"
	}
}

// deliver hands one whole message to the hub, telling it what kind of
// message it is. It returns why the connection must close, or "".
func (r *wsConn) deliver(text bool, data []byte) string {
	kind := live.Text
	switch {
	case !text:
		kind = live.Binary
	case !utf8.Valid(data):
		kind = live.NotUTF8
	}
	return r.s.hub.Receive(r.c, kind, data)
}
