package live_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"

	"netstudy/app/live"
	"netstudy/app/live/wire"
)

// The tests of package live run over the real wire: see
// live.ServeWireForTests.
func init() {
	live.ServeWireForTests = func(ctx context.Context, h *live.Hub, tune live.WireTune) (http.Handler, func()) {
		s := wire.New(wire.Config{
			Hub: h, Auth: tune.Auth, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Registry: tune.Registry,
			PingEvery: tune.PingEvery, ReadTimeout: tune.ReadTimeout, ReadWithGoroutines: tune.ReadWithGoroutines,
		})
		s.Start(ctx)
		mux := http.NewServeMux()
		mux.HandleFunc("GET /live", s.ServeWebSocket)
		mux.HandleFunc("POST /live/poll", s.ServePollOpen)
		mux.HandleFunc("GET /live/poll", s.ServePoll)
		mux.HandleFunc("POST /live/send", s.ServePollSend)
		return mux, s.Wait
	}
}
