package wire

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"netstudy/app/auth"
	"netstudy/app/clientip"
	"netstudy/app/live"
)

// Behind a trusted load balancer, the dashboard sees each student by the
// address the balancer names, not the balancer's own.
func TestDashboardSeesTheAddressATrustedProxyNames(t *testing.T) {
	ts := startServer(t, func(c *Config) {
		c.ClientIP = clientip.New([]netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")})
	})
	info := ts.create(t)
	dial := func(h http.Header) *wsClient {
		conn, res, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(ts.srv.URL, "http")+"/live", h)
		if res != nil && res.Body != nil {
			res.Body.Close()
		}
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		return &wsClient{t: t, conn: conn}
	}
	dial(http.Header{"X-Forwarded-For": {"203.0.113.7"}}).join(info.Code, "ada")

	host := dial(http.Header{"Cookie": {auth.CookieName + "=" + ts.auth.InstructorCookie()}})
	host.send("hello", map[string]any{"protocol": live.ProtocolVersion, "session": info.Code, "role": live.RoleHost})
	host.expect("welcome")
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		env, err := host.next()
		if err != nil {
			t.Fatal(err)
		}
		if env.Type != "presence" || !strings.Contains(string(env.Data), `"nickname":"ada"`) {
			continue
		}
		if !strings.Contains(string(env.Data), `"remote":"203.0.113.7"`) {
			t.Fatalf("presence shows %s, want ada at 203.0.113.7", env.Data)
		}
		return
	}
	t.Fatal("no presence naming ada")
}
