package live

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/gorilla/websocket"

	"netstudy/app/auth"
)

// Timings of a WebSocket connection. A client that sends nothing (not even
// a pong to our pings) for readTimeout is considered dead.
const (
	pingEvery    = 10 * time.Second
	readTimeout  = 35 * time.Second
	writeTimeout = 10 * time.Second
)

// maxStrikes is how many bad messages a connection may send before it is
// closed; a few mistakes are forgiven, a stream of garbage is not.
const maxStrikes = 8

func (h *Hub) upgrader() *websocket.Upgrader {
	return &websocket.Upgrader{
		ReadBufferSize:  512,
		WriteBufferSize: 2048,
		// Frames go out through connWriter, not gorilla's buffered
		// writer; with a pool, gorilla holds no write buffer per
		// connection for a writer it never uses.
		WriteBufferPool: &h.writePool,
		CheckOrigin:     h.CheckOrigin,
	}
}

// CheckOrigin accepts requests without an Origin (not from a browser, so
// not forgeable by a web page), from the server's own host, or from an
// origin the configuration allows. Everything else is refused: a page on
// another site cannot open a socket with a student's or teacher's cookies.
func (h *Hub) CheckOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if h.origins[origin] {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	return strings.EqualFold(u.Host, r.Host)
}

// isInstructor reports whether the request carries the instructor cookie.
func (h *Hub) isInstructor(r *http.Request) bool {
	ck, err := r.Cookie(auth.CookieName)
	return err == nil && h.auth.CheckInstructorCookie(ck.Value)
}

func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// ServeWebSocket upgrades GET /live and hands the connection to the hub's
// read pollers (or, without them, a goroutine the hub owns) and flushers.
// The HTTP handler returns at once: a connection lives for a
// whole class, and net/http's per-request state (its 4 KiB read and write
// buffers, the parsed headers, a deep stack) would otherwise stay alive
// with it for every student.
func (h *Hub) ServeWebSocket(w http.ResponseWriter, r *http.Request) {
	if !h.CheckOrigin(r) {
		http.Error(w, "cross-origin WebSocket refused", http.StatusForbidden)
		return
	}
	instructor := h.isInstructor(r)
	peer := r.RemoteAddr
	local := ""
	if la, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		local = la.String()
	}
	conn, err := h.upgrader().Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered the client
	}
	if !h.addWorker() {
		conn.Close() // the server is stopping
		return
	}
	c := h.newClient(TransportWebSocket, remoteIP(r), instructor)
	c.peerAddr, c.localAddr = peer, local
	if p := h.readPollerFor(c.id); p != nil {
		h.pollConn(p, conn, c)
		return
	}
	go h.serveConn(conn, c)
}

// pollConn hands a connection to a read poller: from now on no goroutine
// waits on it. Gorilla's connection, with its buffers, is dropped: frames
// are read by wsConn and written by connWriter. The connection ends when
// its writer has said goodbye (closePolled).
func (h *Hub) pollConn(p *readPoller, conn *websocket.Conn, c *client) {
	r := h.openConn(conn.NetConn(), c, p)
	err := errors.New("not a socket")
	if r.raw != nil {
		err = p.add(r)
	}
	if err != nil {
		c.close("read error")
	}
}

// closePolled tears a polled connection down once its writer has ended.
func (h *Hub) closePolled(p *readPoller, r *wsConn) {
	defer h.wg.Done()
	p.forget(r)
	reason, _ := r.c.reason.Load().(string)
	h.gone(r.c, reason)
	r.ping.Stop()
	h.untrack(r.c)
}

// serveConn runs a connection on a goroutine of its own, which reads it
// with gorilla: where there is no read poller (see readPoller). Writes
// happen on the hub's flushers (see connWriter) all the same.
//
// The runtime halves a goroutine's stack at a collection only while less
// than a quarter of it is in use, so the depth at which this goroutine
// waits decides whether it keeps 8 KiB or 4 KiB: the loop runs in this
// function, directly under the goroutine's start, and setting up and
// tearing down happen in calls that have returned by the time it waits.
func (h *Hub) serveConn(conn *websocket.Conn, c *client) {
	defer h.wg.Done()
	r := h.openConn(conn.NetConn(), c, nil)
	conn.SetReadLimit(MaxMessageBytes)
	// Every frame goes out through the connection's writer, never through
	// gorilla's own write calls: those would interleave with ours. A ping
	// is answered with a pong the writer sends; a close is answered by the
	// writer's goodbye once the read loop has ended.
	conn.SetPingHandler(func(data string) error {
		c.send(newControlMsg(opPong, []byte(data)))
		return nil
	})
	conn.SetCloseHandler(func(int, string) error { return nil })
	reason := ""
	for reason == "" {
		_ = conn.SetReadDeadline(time.Now().Add(h.heartbeat.timeout))
		typ, rd, err := conn.NextReader()
		var data []byte
		if err == nil {
			data, err = io.ReadAll(rd)
		}
		if err != nil {
			reason = readError(c, err)
			break
		}
		reason = r.deliver(typ == websocket.TextMessage, data)
	}
	h.closeConn(r, reason)
}

// openConn sets a new connection up: its writer and its heartbeat, and,
// for a connection read by a poller (p), its teardown once the writer has
// ended. All of it is in place before the hub knows of the connection,
// since stopping the hub may close it at once.
func (h *Hub) openConn(nc net.Conn, c *client, p *readPoller) *wsConn {
	r := &wsConn{h: h, c: c, limiter: floodLimit(c.instructor)}
	r.lastRead.Store(time.Now().UnixNano())
	r.w = newConnWriter(nc, c, h.flushers.of(c.id), h.metrics.socketFull)
	c.wake = r.w.wake
	if p != nil {
		if sc, ok := nc.(syscall.Conn); ok {
			r.raw, _ = sc.SyscallConn()
		}
		r.w.ended = func() { go h.closePolled(p, r) }
	}
	// Heartbeats: a timer, not a goroutine, between pings.
	r.ping = time.AfterFunc(h.heartbeat.every, r.heartbeat)
	h.track(c) // from here on, stopping the hub may close c, which wakes w
	return r
}

// heartbeat pings the client, and closes a polled connection that has
// sent nothing, not even a pong, for the read timeout. (A connection read
// by a goroutine has a read deadline instead.)
func (r *wsConn) heartbeat() {
	if r.raw != nil && time.Since(time.Unix(0, r.lastRead.Load())) > r.h.heartbeat.timeout {
		r.c.close("no heartbeat")
		return
	}
	if r.c.send(r.h.pingMessage()) {
		r.ping.Reset(r.h.heartbeat.every)
	}
}

// closeConn ends a connection whose reading stopped for reason, once its
// writer has said goodbye.
func (h *Hub) closeConn(r *wsConn, reason string) {
	h.gone(r.c, reason) // closing the client wakes the writer to say goodbye
	r.ping.Stop()
	<-r.w.flushed
	h.untrack(r.c)
}

// readError says why reading a connection failed, for the logs and the
// dashboard.
func readError(c *client, err error) string {
	switch {
	case c.closed():
		if r, ok := c.reason.Load().(string); ok {
			return r
		}
		return "closed"
	case errors.Is(err, websocket.ErrReadLimit):
		return "message too large"
	case websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway):
		return "client closed"
	default:
		return "read error"
	}
}

// handleFrame decodes and routes one message, answering a bad one with an
// error envelope.
func (h *Hub) handleFrame(c *client, data []byte) error {
	env, err := Decode(data)
	if err == nil {
		err = h.receive(c, env)
	}
	if err != nil {
		pe := publicError(err)
		c.sendNow("error", env.ID, 0, pe)
		return err
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
