package browsertest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The harness is only useful if it notices what it promises to notice.
func TestHarnessReportsProblems(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/csp", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "script-src 'self'")
		w.Write([]byte(`<!doctype html><title>x</title><script>document.title = "ran"</script>`))
	})
	mux.HandleFunc("/throws", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<!doctype html><title>x</title><script>console.error("boom"); undefinedFunction();</script>`))
	})
	mux.HandleFunc("/clean", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`<!doctype html><title>clean</title><p id="p">hello</p>`))
	})
	ts := httptest.NewServer(mux)
	defer ts.Close()
	b := New(t)

	tests := []struct {
		path string
		want []string // substrings of the reported problems
	}{
		{"/csp", []string{"Content Security Policy"}},
		{"/throws", []string{"boom", "undefinedFunction"}},
		{"/clean", nil},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			p := b.NewPage(t)
			ctx, cancel := context.WithTimeout(p.Ctx, Timeout)
			defer cancel()
			if err := chromedp.Run(ctx, chromedp.Navigate(ts.URL+tt.path), chromedp.WaitReady("body")); err != nil {
				t.Fatal(err)
			}
			// Console events arrive asynchronously; wait for them.
			_ = chromedp.Run(ctx, chromedp.Sleep(200e6))
			got := strings.Join(p.Problems(), "\n")
			if tt.want == nil && got != "" {
				t.Errorf("clean page reported problems: %s", got)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("problems %q do not mention %q", got, w)
				}
			}
		})
	}
}

func TestPagesAreIsolated(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/set" {
			http.SetCookie(w, &http.Cookie{Name: "who", Value: "alice"})
		}
		w.Write([]byte(`<!doctype html><title>t</title>`))
	}))
	defer ts.Close()
	b := New(t)
	alice, bob := b.NewPage(t), b.NewPage(t)
	var a, c string
	alice.Run(t, chromedp.Navigate(ts.URL+"/set"), chromedp.Navigate(ts.URL+"/"), chromedp.Evaluate("document.cookie", &a))
	bob.Run(t, chromedp.Navigate(ts.URL+"/"), chromedp.Evaluate("document.cookie", &c))
	if a != "who=alice" || c != "" {
		t.Errorf("cookies: alice %q, bob %q; want alice's cookie kept from bob", a, c)
	}
}
