package live

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"netstudy/app/auth"
)

// ServeWireForTests serves a hub's connections in this package's tests
// over the real wire, so that they talk to the hub as browsers do, over
// loopback. The wire (package live/wire) imports this package, so only
// an external test file may build it: wirehook_test.go sets this when the
// test binary starts, and nothing changes it after.
var ServeWireForTests func(ctx context.Context, h *Hub, tune WireTune) (handler http.Handler, wait func())

// WireTune is what the tests adjust of the wire.
type WireTune struct {
	PingEvery, ReadTimeout time.Duration
	ReadWithGoroutines     bool
	Registry               prometheus.Registerer
	Auth                   *auth.Credentials // the hub's, which tell the instructor's cookie
}
