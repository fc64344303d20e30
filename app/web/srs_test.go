package web

import (
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"netstudy/app/browsertest"
)

// evalModule runs JavaScript that may await, inside a page of the server,
// and decodes its result.
func evalModule(t *testing.T, p *browsertest.Page, js string, out any) {
	t.Helper()
	p.Run(t, chromedp.Evaluate(js, out, func(e *runtime.EvaluateParams) *runtime.EvaluateParams {
		return e.WithAwaitPromise(true)
	}))
}

// The scheduler runs in the browser, so its tests run there too: the real
// module, in the real engine, against values worked out by hand from the
// SM-2 definition.
func TestSM2KnownValues(t *testing.T) {
	ts := newTestServer(t, testContent())
	p := browsertest.New(t).NewPage(t)
	p.Run(t, chromedp.Navigate(ts.URL+"/healthz"))

	type state struct {
		N        int     `json:"n"`
		EF       float64 `json:"ef"`
		Interval int     `json:"interval"`
		DueDays  float64 `json:"dueDays"`
		Lapses   int     `json:"lapses"`
	}
	tests := []struct {
		name   string
		grades string // as JS array
		want   state
	}{
		{"first good", "[4]", state{N: 1, EF: 2.5, Interval: 1, DueDays: 1}},
		{"good twice", "[4,4]", state{N: 2, EF: 2.5, Interval: 6, DueDays: 6}},
		{"good three times: 6 × 2.5", "[4,4,4]", state{N: 3, EF: 2.5, Interval: 15, DueDays: 15}},
		{"easy adds 0.1 after the interval", "[5,5,5]", state{N: 3, EF: 2.8, Interval: 16, DueDays: 16}}, // 6 × 2.7 = 16.2
		{"hard takes 0.14", "[3]", state{N: 1, EF: 2.36, Interval: 1, DueDays: 1}},
		{"again restarts, takes 0.54 and is due at once", "[4,4,4,1]", state{N: 0, EF: 1.96, Interval: 1, DueDays: 0, Lapses: 1}},
		{"ease never drops below 1.3", "[1,1,1,1]", state{N: 0, EF: 1.3, Interval: 1, DueDays: 0, Lapses: 4}},
		{"after a lapse the steps start over", "[4,4,1,4,4]", state{N: 2, EF: 1.96, Interval: 6, DueDays: 6, Lapses: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got state
			evalModule(t, p, `import("/static/js/srs.js").then((m) => {
				let c = m.newCard();
				const t0 = Date.UTC(2026, 0, 1);
				for (const q of `+tt.grades+`) c = m.review(c, q, t0);
				return { n: c.n, ef: c.ef, interval: c.interval, dueDays: (c.due - t0) / m.DAY_MS, lapses: c.lapses };
			})`, &got)
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}

	var dueChecks []bool
	evalModule(t, p, `import("/static/js/srs.js").then((m) => {
		const c = m.review(m.newCard(), 4, 0);
		return [m.isDue(undefined, 0), m.isDue(c, m.DAY_MS - 1), m.isDue(c, m.DAY_MS)];
	})`, &dueChecks)
	if len(dueChecks) != 3 || !dueChecks[0] || dueChecks[1] || !dueChecks[2] {
		t.Errorf("isDue(new, before, at due) = %v, want [true false true]", dueChecks)
	}
	var rangeErr string
	evalModule(t, p, `import("/static/js/srs.js").then((m) => { try { m.review(m.newCard(), 7, 0); return ""; } catch (e) { return e.name; } })`, &rangeErr)
	if rangeErr != "RangeError" {
		t.Errorf("grade 7 threw %q, want RangeError", rangeErr)
	}
}
