package web

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"netstudy/app/browsertest"
)

// A server that is down (restarting) is not a network that blocks
// WebSockets: while nothing answers, the student page keeps trying a
// WebSocket and never goes to long polling ("slow network mode"); once the
// server answers again, it is connected over a WebSocket at once.
func TestServerDownIsNotSlowNetworkMode(t *testing.T) {
	t.Parallel()
	var down atomic.Bool
	var wsRefused, pollOpens atomic.Int64
	refusedThrice := make(chan struct{})
	e := newStEnv(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			live := r.URL.Path == "/live" || r.URL.Path == "/live/poll" || r.URL.Path == "/live/send" || r.URL.Path == "/healthz"
			if !down.Load() || !live || r.Header.Get(stRawClientHeader) != "" {
				next.ServeHTTP(w, r)
				return
			}
			switch r.URL.Path {
			case "/live":
				if wsRefused.Add(1) == 3 {
					close(refusedThrice)
				}
			case "/live/poll":
				pollOpens.Add(1)
			}
			// As a server that is not there: the connection just ends.
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				conn.Close()
			}
		})
	})
	info := e.create(t, "Restart", stOptions())
	p := browsertest.New(t).NewPage(t)
	p.Expect("WebSocket connection to")
	p.Expect("Failed to load resource")
	p.Expect("ERR_EMPTY_RESPONSE")
	p.Run(t, chromedp.Navigate(e.ts.URL+"/join?probe_ms=300&code="+info.Code))
	down.Store(true)
	p.Run(t,
		chromedp.WaitVisible("#nickname", chromedp.ByID),
		chromedp.SetValue("#nickname", "steady", chromedp.ByID),
		chromedp.Click("#join-button", chromedp.ByID),
	)
	select { // three WebSockets failed while the server was down
	case <-refusedThrice:
	case <-time.After(time.Minute): // a guard against a hang, not a timing
		t.Fatalf("the page tried %d WebSockets in a minute", wsRefused.Load())
	}
	down.Store(false)
	p.Run(t,
		browsertest.WaitJS(`!document.getElementById("play").hidden && `+stText("me-name")+` === "steady"`),
		browsertest.WaitJS(stText("conn")+` === "Connected"`),
	)
	if n := pollOpens.Load(); n > 0 {
		t.Errorf("the page went to long polling (%d channels) while the server was down", n)
	}
}
