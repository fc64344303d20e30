package web

import (
	"testing"

	"github.com/chromedp/chromedp"

	"netstudy/app/browsertest"
)

func TestBrowserHomeLoadsCleanly(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, testContent())
	b := browsertest.New(t)
	p := b.NewPage(t)
	var title string
	p.Run(t,
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible("#theme-toggle", chromedp.ByID),
		chromedp.Title(&title),
	)
	if title != "Home · netstudy" {
		t.Errorf("title = %q", title)
	}
}
