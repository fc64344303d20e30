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

// serveConn runs one WebSocket connection until it ends: this goroutine
// reads, a second one writes.
func (h *Hub) serveConn(conn *websocket.Conn, c *client) {
	h.track(c)
	defer h.untrack(c)
	conn.SetReadLimit(MaxMessageBytes)
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.writeLoop(conn, c)
	}()
	reason := h.readLoop(conn, c)
	h.gone(c, reason)
	<-done
}

func (h *Hub) readLoop(conn *websocket.Conn, c *client) string {
	limiter := newFloodLimiter()
	strikes := 0
	for {
		_ = conn.SetReadDeadline(time.Now().Add(readTimeout))
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

func (h *Hub) writeLoop(conn *websocket.Conn, c *client) {
	defer conn.Close()
	ping := time.NewTicker(pingEvery)
	defer ping.Stop()
	write := func(m *outMsg) bool {
		_ = conn.SetWriteDeadline(time.Now().Add(writeTimeout))
		pm, err := m.websocketMessage()
		if err == nil {
			err = conn.WritePreparedMessage(pm)
		}
		if err != nil {
			c.close("write error")
			return false
		}
		return true
	}
	if !write(h.pingMessage()) { // an early ping gives the dashboard an RTT at once
		return
	}
	for {
		select {
		case m := <-c.queue:
			if !write(m) {
				return
			}
		case <-ping.C:
			if !write(h.pingMessage()) {
				return
			}
		case <-c.done:
			// Flush what is queued (an error explaining the close, say),
			// then say goodbye.
			for {
				select {
				case m := <-c.queue:
					if !write(m) {
						return
					}
					continue
				default:
				}
				break
			}
			reason, _ := c.reason.Load().(string)
			_ = conn.WriteControl(websocket.CloseMessage,
				websocket.FormatCloseMessage(websocket.CloseGoingAway, truncate(reason, 100)), time.Now().Add(time.Second))
			return
		}
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
