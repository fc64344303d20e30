package browsertest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
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

// TestAContextGivenBackKeepsNothing has one test leave all it can in its
// browser context, and the next test, given the same context on the same
// origin, find none of it: cookies, storage, cached responses and
// permissions are those of a new context.
func TestAContextGivenBackKeepsNothing(t *testing.T) {
	var fetched atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/set":
			http.SetCookie(w, &http.Cookie{Name: "who", Value: "alice"})
		case "/cached":
			w.Header().Set("Cache-Control", "max-age=3600")
			fmt.Fprint(w, fetched.Add(1))
			return
		}
		w.Write([]byte(`<!doctype html><title>t</title>`))
	}))
	defer ts.Close()
	b := New(t)
	contextOf := func(t *testing.T, p *Page) cdp.BrowserContextID {
		var info *target.Info
		p.Run(t, chromedp.ActionFunc(func(ctx context.Context) error {
			var err error
			info, err = target.GetTargetInfo().Do(ctx)
			return err
		}))
		return info.BrowserContextID
	}
	type found struct {
		Cookie, Cached, Permission string
		Local                      *string
	}
	look := `(async () => ({Cookie: document.cookie, Local: localStorage.getItem("k"),
		Cached: await (await fetch("/cached")).text(), Permission: Notification.permission}))()`
	awaited := func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }

	var first cdp.BrowserContextID
	t.Run("leaves", func(t *testing.T) {
		p := b.NewPage(t)
		first = contextOf(t, p)
		var got found
		p.Run(t,
			chromedp.Navigate(ts.URL+"/set"),
			browser.GrantPermissions([]browser.PermissionType{browser.PermissionTypeNotifications}).
				WithOrigin(ts.URL).WithBrowserContextID(first),
			chromedp.Evaluate(`localStorage.setItem("k", "v")`, nil),
			chromedp.Evaluate(look, &got, awaited),
		)
		v := "v"
		if want := (found{Cookie: "who=alice", Local: &v, Cached: "1", Permission: "granted"}); !reflect.DeepEqual(got, want) {
			t.Fatalf("the first test left %+v, want %+v", got, want)
		}
	})
	t.Run("finds none of it", func(t *testing.T) {
		p := b.NewPage(t)
		if got := contextOf(t, p); got != first {
			t.Fatalf("got context %s, want %s given back", got, first)
		}
		var got found
		p.Run(t, chromedp.Navigate(ts.URL+"/"), chromedp.Evaluate(look, &got, awaited))
		if want := (found{Cached: "2", Permission: "default"}); !reflect.DeepEqual(got, want) {
			t.Errorf("the context given back shows %+v, want %+v", got, want)
		}
	})
}

// TestWaitJSFollowsNavigation waits for a state of the page that a page
// the tab was showing navigates to by itself.
func TestWaitJSFollowsNavigation(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/a" {
			w.Write([]byte(`<!doctype html><title>a</title><script>setTimeout(() => location.assign("/b"), 100)</script>`))
			return
		}
		w.Write([]byte(`<!doctype html><title>b</title>`))
	}))
	defer ts.Close()
	p := New(t).NewPage(t)
	p.Run(t, chromedp.Navigate(ts.URL+"/a"), WaitJS(`document.title === "b"`))
}
