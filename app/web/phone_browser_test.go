package web

import (
	"testing"

	"github.com/chromedp/chromedp"

	"netstudy/app/browsertest"
	"netstudy/content"
)

// TestEveryPageFitsAPhone opens every student page of the shipped content,
// with its longest titles, on a 320 px screen (the narrowest phone still
// in classrooms): nothing may make the page scroll sideways. Wide things
// (the navigation, tables, hex dumps) scroll inside their own box.
func TestEveryPageFitsAPhone(t *testing.T) {
	ts := newTestServer(t, content.FS)
	p := browsertest.New(t).NewPage(t)
	const loaded = `document.readyState === "complete"`
	pages := []struct{ path, ready string }{
		{"/", `document.querySelectorAll("#note-list .note-card").length > 0`},
		{"/vocabulary", loaded},
		{"/flashcards", `!document.querySelector("#study").hidden`},
		{"/practice", loaded},
		{"/practice/http-upgrade", `document.querySelectorAll(".pq").length > 0`},
		{"/layers", `!document.querySelector("#viz").hidden`},
		{"/join", loaded},
	}
	for _, slug := range []string{"dns-and-ports", "http-and-the-websocket-handshake", "ip-addressing-and-routing",
		"osi-and-tcpip-models", "tcp-vs-udp", "websockets-and-socketio"} {
		pages = append(pages, struct{ path, ready string }{"/notes/" + slug, loaded})
	}
	p.Run(t, chromedp.EmulateViewport(320, 640, chromedp.EmulateMobile))
	for _, pg := range pages {
		p.Run(t, chromedp.Navigate(ts.URL+pg.path), browsertest.WaitJS(pg.ready))
		var wide struct {
			Overflow int
			Culprit  string
		}
		// The culprit is the deepest element that sticks out, to say
		// what to fix.
		p.Eval(t, `(() => {
			const w = document.documentElement.clientWidth;
			let culprit = "";
			for (const el of document.querySelectorAll("body *")) {
				if (el.getBoundingClientRect().right > w + 1) {
					culprit = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.split(" ").join(".") : "");
				}
			}
			return {Overflow: document.documentElement.scrollWidth - w, Culprit: culprit};
		})()`, &wide)
		if wide.Overflow > 0 {
			t.Errorf("%s scrolls sideways by %d px at 320 px wide (%s sticks out)", pg.path, wide.Overflow, wide.Culprit)
		}
	}
	p.AssertClean(t)
}
