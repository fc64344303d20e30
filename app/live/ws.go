package live

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/websocket"
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

// CookieName is the instructor's sign-in cookie.
const CookieName = "netstudy_instructor"

func (h *Hub) upgrader() *websocket.Upgrader {
	return &websocket.Upgrader{
		ReadBufferSize:  1024,
		WriteBufferSize: 2048,
		// Buffers go back to the pool between writes, so an idle
		// connection holds none.
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
	ck, err := r.Cookie(CookieName)
	return err == nil && h.auth.CheckInstructorCookie(ck.Value)
}

func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// ServeWebSocket upgrades GET /live and hands the connection to goroutines
// the hub owns. The HTTP handler returns at once: a connection lives for a
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
	go func() {
		defer h.wg.Done()
		h.serveConn(conn, c)
	}()
}

// serveConn runs one WebSocket connection until it ends. This goroutine
// reads; writing happens on a goroutine that exists only while there is
// something to write (see connWriter), so an idle student costs one
// goroutine, not two.
func (h *Hub) serveConn(conn *websocket.Conn, c *client) {
	h.track(c)
	defer h.untrack(c)
	conn.SetReadLimit(MaxMessageBytes)
	w := &connWriter{conn: conn, c: c, flushed: make(chan struct{})}
	c.wake = w.wake
	// Heartbeats: a timer, not a goroutine, between pings.
	var ping *time.Timer
	ping = time.AfterFunc(h.heartbeat.every, func() {
		if c.send(h.pingMessage()) {
			ping.Reset(h.heartbeat.every)
		}
	})
	c.send(h.pingMessage()) // an early ping gives the dashboard an RTT at once
	reason := h.readLoop(conn, c)
	h.gone(c, reason) // closing the client wakes the writer to say goodbye
	ping.Stop()
	<-w.flushed
}

// connWriter writes a client's queue to its WebSocket. At most one writer
// goroutine runs per connection (the writing flag), started by the first
// message queued after the queue ran dry, and gone again once it is empty.
type connWriter struct {
	conn    *websocket.Conn
	c       *client
	flushed chan struct{} // closed after the close frame, when the socket is closed
}

func (w *connWriter) wake() {
	if w.c.writing.CompareAndSwap(false, true) {
		go w.run()
	}
}

func (w *connWriter) run() {
	for {
		select {
		case m := <-w.c.queue:
			if !w.write(m) {
				w.finish(false)
				return
			}
			continue
		default:
		}
		if w.c.closed() {
			w.finish(true) // the queue is flushed: an error explaining the close has gone out
			return
		}
		w.c.writing.Store(false)
		// A message or a close that came after the checks above saw the
		// flag still set and started no writer: look once more.
		if (len(w.c.queue) == 0 && !w.c.closed()) || !w.c.writing.CompareAndSwap(false, true) {
			return
		}
	}
}

func (w *connWriter) write(m *outMsg) bool {
	_ = w.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	pm, err := m.websocketMessage()
	if err == nil {
		err = w.conn.WritePreparedMessage(pm)
	}
	if err != nil {
		w.c.close("write error")
		return false
	}
	return true
}

// finish says goodbye and closes the socket, which also ends the reader.
// It runs once: the writing flag stays set, so no writer starts again.
func (w *connWriter) finish(goodbye bool) {
	if goodbye {
		reason, _ := w.c.reason.Load().(string)
		_ = w.conn.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.CloseGoingAway, truncate(reason, 100)), time.Now().Add(time.Second))
	}
	w.conn.Close()
	close(w.flushed)
}

func (h *Hub) readLoop(conn *websocket.Conn, c *client) string {
	limiter := newFloodLimiter()
	strikes := 0
	for {
		_ = conn.SetReadDeadline(time.Now().Add(h.heartbeat.timeout))
		typ, data, err := conn.ReadMessage()
		if err != nil {
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
		if !limiter.Allow() {
			c.sendNow("error", "", 0, protocolErr("flood", "too many messages; slow down"))
			strikes++
		} else if typ != websocket.TextMessage {
			c.sendNow("error", "", 0, protocolErr("bad_frame", "send JSON text frames"))
			strikes++
		} else if err := h.handleFrame(c, data); err != nil {
			strikes++
		}
		if strikes >= maxStrikes {
			c.close("too many bad messages")
			return "too many bad messages"
		}
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
