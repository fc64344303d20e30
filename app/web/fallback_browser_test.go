package web

import (
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/chromedp/chromedp"

	"netstudy/app/browsertest"
)

// A school network blocks WebSockets, then lets them through: the student
// page falls back to long polling by itself, plays on, and moves back to a
// WebSocket once one opens, without a reload.
func TestStudentFallsBackToPollingAndUpgradesAgain(t *testing.T) {
	t.Parallel()
	var blocked atomic.Bool
	blocked.Store(true)
	e := newStEnv(t, func(next http.Handler) http.Handler {
		refuse := stRefuseBrowserWebSockets(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if blocked.Load() {
				refuse.ServeHTTP(w, r)
				return
			}
			next.ServeHTTP(w, r)
		})
	})
	info := e.create(t, "Fallback", stOptions())
	host := e.host(t, info.Code)
	p := browsertest.New(t).NewPage(t)
	// The browser reports each refused upgrade; here that is the point.
	p.Expect("WebSocket connection to")
	p.Expect("Unexpected response code: 403")
	p.Expect("status of 403")
	p.Run(t, chromedp.Navigate(e.ts.URL+"/join?probe_ms=300&code="+info.Code))
	stJoin(t, p, "wanderer")
	p.Run(t, browsertest.WaitJS(stText("conn")+`.includes("slow network mode")`))

	host.do("ask_next", nil)
	p.Run(t,
		browsertest.WaitJS(stQuestionShown),
		chromedp.Click(`#q-choices button[data-id="a"]`, chromedp.ByQuery),
		browsertest.WaitJS(stText("q-status")+`.includes("Answer received")`),
	)

	// The network opens up: the next probe finds a WebSocket and moves over.
	blocked.Store(false)
	p.Run(t, browsertest.WaitJS(stText("conn")+` === "Connected"`))
	host.do("close", nil)
	host.do("reveal", nil)
	p.Run(t, browsertest.WaitJS(`document.getElementById("q-result").dataset.outcome === "right"`))
}
