package main

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"netstudy/app/browsertest"
)

// TestDashboardAndProjectorComeBackAfterARestart is the teacher's side of
// a crash in class, in a real Chromium: the dashboard and the projector
// are open, the server process is killed with SIGKILL and started again on
// the same port and --data, and both screens reconnect by themselves,
// still signed in (no sign-in page, no reload).
func TestDashboardAndProjectorComeBackAfterARestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts server processes")
	}
	t.Parallel() // beside the cluster tests: it mostly waits for a restart
	dir := t.TempDir()
	srv := startServerProcessWith(t, []string{"--addr", "127.0.0.1:0", "--data", dir})
	addr := srv.url[len("http://"):]
	link, key := instructorLinkOf(t, srv.screen)
	id, _ := createSessionWithKey(t, srv.url, key)

	b := browsertest.New(t)
	open := `document.getElementById("conn").dataset.status === "open"`
	down := `document.getElementById("conn").dataset.status !== "open"`
	dash, proj := b.NewPage(t), b.NewPage(t)
	for _, p := range []*browsertest.Page{dash, proj} {
		// While the server is down, the browser logs the failed
		// connections: provoked on purpose here.
		for _, s := range []string{"WebSocket", "ERR_CONNECTION_REFUSED", "ERR_CONNECTION_RESET", "ERR_EMPTY_RESPONSE", "Failed to load resource", "/live"} {
			p.Expect(s)
		}
		p.Run(t, chromedp.Navigate(link)) // signs this browser context in
	}
	dash.Run(t, chromedp.Navigate(srv.url+"/host/sessions/"+id), browsertest.WaitJS(open))
	proj.Run(t, chromedp.Navigate(srv.url+"/host/sessions/"+id+"/present"), browsertest.WaitJS(open))

	srv.kill9(t)
	dash.Run(t, browsertest.WaitJS(down))
	proj.Run(t, browsertest.WaitJS(down))
	startServerProcessWith(t, []string{"--addr", addr, "--data", dir}) // stopped when the test ends

	for name, p := range map[string]*browsertest.Page{"dashboard": dash, "projector": proj} {
		// The client's backoff (with jitter, up to 15 s between tries)
		// decides when it tries again: wait longer than one Run allows.
		ctx, cancel := context.WithTimeout(p.Ctx, 3*browsertest.Timeout)
		err := chromedp.Run(ctx, browsertest.WaitJS(open))
		cancel()
		if err != nil {
			t.Fatalf("the %s did not reconnect: %v (page problems: %v)", name, err, p.Problems())
		}
		var path string
		p.Run(t, chromedp.Evaluate(`location.pathname`, &path))
		if want := "/host/sessions/" + id; path != want && path != want+"/present" {
			t.Errorf("the %s left for %s", name, path)
		}
	}
	dash.Run(t, browsertest.WaitJS(`document.getElementById("state").dataset.state === "lobby"`))
	dash.AssertClean(t)
	proj.AssertClean(t)
}
