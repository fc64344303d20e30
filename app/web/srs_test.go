package web

import (
	"encoding/json"
	"math"
	"os"
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

// srsPage opens a page of a test server where srs.js can be imported.
func srsPage(t *testing.T) *browsertest.Page {
	t.Helper()
	ts := newTestServer(t, testContent())
	p := browsertest.New(t).NewPage(t)
	p.Run(t, chromedp.Navigate(ts.URL+"/healthz"))
	return p
}

// fsrsGolden is app/study/testdata/fsrs_golden.json: schedules computed
// by node with the vendored ts-fsrs called directly
// (app/study/testdata/fsrs_golden.mjs).
type fsrsGolden struct {
	T0       int64              `json:"t0"`
	W        []float64          `json:"w"`
	Previews map[string]float64 `json:"previews"`
	Cases    []struct {
		Name      string      `json:"name"`
		Retention float64     `json:"retention"`
		Ratings   []int       `json:"ratings"`
		Late      int         `json:"late"`
		Steps     []fsrsState `json:"steps"`
	} `json:"cases"`
}

type fsrsState struct {
	At            float64 `json:"at"`
	Due           float64 `json:"due"`
	State         int     `json:"state"`
	Stability     float64 `json:"stability"`
	Difficulty    float64 `json:"difficulty"`
	ScheduledDays int     `json:"scheduled_days"`
	Reps          int     `json:"reps"`
	Lapses        int     `json:"lapses"`
}

func loadFSRSGolden(t *testing.T) fsrsGolden {
	t.Helper()
	raw, err := os.ReadFile("../study/testdata/fsrs_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g fsrsGolden
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatalf("fsrs_golden.json: %v", err)
	}
	if len(g.Cases) == 0 {
		t.Fatal("fsrs_golden.json has no cases")
	}
	return g
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// The app's scheduler, run in the browser through srs.js, gives the same
// intervals, stabilities and difficulties as the library's reference run
// by node; and a new card's four buttons preview four different intervals.
func TestSrsFSRSMatchesReference(t *testing.T) {
	g := loadFSRSGolden(t)
	p := srsPage(t)

	var previews map[string]float64
	evalModule(t, p, `import("/static/js/srs.js").then((m) => {
		const t0 = `+jsNum(g.T0)+`;
		const p = m.preview(undefined, t0);
		return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v - t0]));
	})`, &previews)
	seen := map[float64]bool{}
	for name, want := range g.Previews {
		if previews[name] != want {
			t.Errorf("preview %s: %v ms, want %v ms", name, previews[name], want)
		}
		seen[want] = true
	}
	if len(seen) != 4 {
		t.Errorf("a new card's four grades preview only %d distinct intervals: %v", len(seen), g.Previews)
	}

	for _, c := range g.Cases {
		t.Run(c.Name, func(t *testing.T) {
			ratings, _ := json.Marshal(c.Ratings)
			var got []fsrsState
			evalModule(t, p, `import("/static/js/srs.js").then((m) => {
				const t0 = `+jsNum(g.T0)+`;
				let card, now = t0;
				const steps = [];
				for (const r of `+string(ratings)+`) {
					card = m.review(card, r, now, `+jsFloat(c.Retention)+`);
					steps.push({ at: now - t0, due: card.due - t0, state: card.state, stability: card.stability,
						difficulty: card.difficulty, scheduled_days: card.scheduled_days, reps: card.reps, lapses: card.lapses });
					now = card.due + (card.scheduled_days >= 1 ? `+jsNum(int64(c.Late))+` * m.DAY_MS : 0);
				}
				return steps;
			})`, &got)
			if len(got) != len(c.Steps) {
				t.Fatalf("got %d steps, want %d", len(got), len(c.Steps))
			}
			for i, want := range c.Steps {
				g := got[i]
				if g.At != want.At || g.Due != want.Due || g.State != want.State || g.ScheduledDays != want.ScheduledDays ||
					g.Reps != want.Reps || g.Lapses != want.Lapses || !near(g.Stability, want.Stability) || !near(g.Difficulty, want.Difficulty) {
					t.Errorf("step %d (rating %d):\n got %+v\nwant %+v", i+1, c.Ratings[i], g, want)
				}
			}
		})
	}
}

func jsNum(n int64) string     { b, _ := json.Marshal(n); return string(b) }
func jsFloat(f float64) string { b, _ := json.Marshal(f); return string(b) }

// Cards reviewed under SM-2 (the scheduler before FSRS) carry over: each
// keeps its due date, reviews and lapses, becomes an FSRS review card
// whose stability is its interval and whose difficulty follows from its
// ease, and its next Good review lengthens the interval. A card never
// reviewed stays new; the old key is kept as a backup.
func TestSrsMigratesSM2History(t *testing.T) {
	g := loadFSRSGolden(t)
	p := srsPage(t)
	const day = 86400000
	due := g.T0 + 5*day
	v1 := map[string]any{
		"qa:routing:aaa":   map[string]any{"n": 3, "ef": 2.5, "interval": 15, "due": due, "reviews": 3, "lapses": 0},
		"term:routing:bbb": map[string]any{"n": 2, "ef": 1.7, "interval": 6, "due": due, "reviews": 5, "lapses": 2},
		"qa:xss:ccc":       map[string]any{"n": 0, "ef": 1.96, "interval": 1, "due": due, "reviews": 4, "lapses": 1},
		"qa:xss:ddd":       map[string]any{"n": 0, "ef": 2.5, "interval": 0, "due": 0, "reviews": 0, "lapses": 0},
	}
	raw, _ := json.Marshal(v1)
	type migrated struct {
		Due           int64   `json:"due"`
		State         int     `json:"state"`
		Stability     float64 `json:"stability"`
		Difficulty    float64 `json:"difficulty"`
		ScheduledDays int     `json:"scheduled_days"`
		Reps          int     `json:"reps"`
		Lapses        int     `json:"lapses"`
		LastReview    int64   `json:"last_review"`
	}
	var got struct {
		Cards     map[string]migrated `json:"cards"`
		V1Kept    bool                `json:"v1Kept"`
		NextGood  int                 `json:"nextGood"`
		Reloaded  int                 `json:"reloaded"`
		DueBefore int                 `json:"dueBefore"`
		DueAt     int                 `json:"dueAt"`
	}
	evalModule(t, p, `import("/static/js/srs.js").then((m) => {
		localStorage.clear();
		localStorage.setItem("netstudy.srs.v1", `+jsString(string(raw))+`);
		const p = m.load();
		const ids = Object.keys(`+string(raw)+`);
		const c = p.cards["qa:routing:aaa"];
		const next = m.review(c, m.Rating.Good, c.due);
		return {
			cards: p.cards,
			v1Kept: localStorage.getItem("netstudy.srs.v1") !== null,
			nextGood: next.scheduled_days,
			reloaded: Object.keys(m.load().cards).length,
			dueBefore: m.counts(ids, p, "", `+jsNum(due-1)+`).review,
			dueAt: m.counts(ids, p, "", `+jsNum(due)+`).review,
		};
	})`, &got)

	if len(got.Cards) != 3 {
		t.Fatalf("migrated %d cards, want the 3 reviewed ones: %v", len(got.Cards), got.Cards)
	}
	if _, ok := got.Cards["qa:xss:ddd"]; ok {
		t.Error("a card never reviewed was migrated; it should stay new")
	}
	difficulty := func(ease, interval float64) float64 {
		w := g.W
		growth := math.Exp(w[8]) * math.Pow(interval, -w[9]) * math.Expm1(0.1*w[10])
		return math.Min(10, math.Max(1, 11-(ease-1)/growth))
	}
	tests := []struct {
		id                      string
		stability, ease         float64
		scheduled, reps, lapses int
		lastReview              int64
	}{
		{"qa:routing:aaa", 15, 2.5, 15, 3, 0, due - 15*day},
		{"term:routing:bbb", 6, 1.7, 6, 5, 2, due - 6*day},
		{"qa:xss:ccc", 1, 1.96, 0, 4, 1, due}, // forgotten last: reviewed when it became due
	}
	for _, tt := range tests {
		c := got.Cards[tt.id]
		if c.Due != due || c.State != 2 || c.Reps != tt.reps || c.Lapses != tt.lapses || c.ScheduledDays != tt.scheduled || c.LastReview != tt.lastReview {
			t.Errorf("%s: %+v; want due %d, state 2 (review), reps %d, lapses %d, scheduled %d, last review %d",
				tt.id, c, due, tt.reps, tt.lapses, tt.scheduled, tt.lastReview)
		}
		if !near(c.Stability, tt.stability) || !near(c.Difficulty, difficulty(tt.ease, tt.stability)) {
			t.Errorf("%s: stability %v difficulty %v, want %v and %v", tt.id, c.Stability, c.Difficulty, tt.stability, difficulty(tt.ease, tt.stability))
		}
	}
	if got.Cards["term:routing:bbb"].Difficulty <= got.Cards["qa:routing:aaa"].Difficulty {
		t.Error("a lower SM-2 ease did not give a higher FSRS difficulty")
	}
	if got.NextGood <= 15 {
		t.Errorf("Good on the migrated 15-day card schedules %d days; want more than 15", got.NextGood)
	}
	if !got.V1Kept || got.Reloaded != 3 {
		t.Errorf("v1 kept %v, cards after reload %d; want the backup kept and 3 cards", got.V1Kept, got.Reloaded)
	}
	if got.DueBefore != 0 || got.DueAt != 3 {
		t.Errorf("due reviews just before / at the old due date: %d / %d, want 0 / 3", got.DueBefore, got.DueAt)
	}
}

// Anki's daily limits: on a first visit a big deck offers at most the
// day's new cards; learning cards come first, reviews next within their
// limit, then new cards; undo gives a day's slot back.
func TestSrsDailyLimitsAndQueue(t *testing.T) {
	p := srsPage(t)
	var got struct {
		First      map[string]int `json:"first"`
		AfterFive  map[string]int `json:"afterFive"`
		Order      []string       `json:"order"`
		ReviewCap  map[string]int `json:"reviewCap"`
		OtherDeck  map[string]int `json:"otherDeck"`
		AfterUndo  map[string]int `json:"afterUndo"`
		Home       map[string]int `json:"home"`
		Tomorrow   map[string]int `json:"tomorrow"`
		EmptyQueue any            `json:"emptyQueue"`
	}
	evalModule(t, p, `import("/static/js/srs.js").then((m) => {
		const now = new Date(2026, 2, 10, 12, 0).getTime();
		const ids = [];
		for (let i = 0; i < 222; i++) ids.push("term:" + (i < 200 ? "big" : "small") + ":" + i.toString(16).padStart(12, "0"));
		const p = m.emptyProgress();
		const first = m.counts(ids, p, "", now);
		const steps = [];
		for (let i = 0; i < 5; i++) {
			const pick = m.nextCard(ids, p, "", now);
			steps.push(m.grade(p, pick.id, m.Rating.Good, now));
		}
		const afterFive = m.counts(ids, p, "", now);
		// Ten minutes on, the five learning cards are due and come first.
		const later = now + 10 * 60 * 1000;
		const order = [m.nextCard(ids, p, "", later).queue];
		// Cards reviewed long ago are due: 30 of them, and a limit of 10.
		for (let i = 100; i < 130; i++) p.cards[ids[i]] = { ...m.review(undefined, m.Rating.Easy, now - 40 * m.DAY_MS), due: now - 1 };
		p.limits[""] = { newPerDay: 20, reviewsPerDay: 10 };
		order.push(m.nextCard(ids, p, "", now).queue);
		const reviewCap = m.counts(ids, p, "", now);
		const otherDeck = m.counts(ids.filter((id) => m.deckOf(id) === "small"), p, "small", now);
		m.undo(p, steps.pop());
		const afterUndo = m.counts(ids, p, "", now);
		const home = m.countsFromTotals({ big: 200, small: 22 }, p, now);
		const tomorrow = m.counts(ids, p, "", now + m.DAY_MS);
		const none = m.emptyProgress();
		none.limits[""] = { newPerDay: 0, reviewsPerDay: 0 };
		return { first, afterFive, order, reviewCap, otherDeck, afterUndo, home, tomorrow, emptyQueue: m.nextCard(ids, none, "", now) };
	})`, &got)
	check := func(name string, c map[string]int, newN, learning, review int) {
		t.Helper()
		if c["new"] != newN || c["learning"] != learning || c["review"] != review {
			t.Errorf("%s: %v, want new %d, learning %d, review %d", name, c, newN, learning, review)
		}
	}
	check("first visit, 222 cards", got.First, 20, 0, 0)
	check("after five new cards graded Good", got.AfterFive, 15, 5, 0)
	if len(got.Order) != 2 || got.Order[0] != "learning" || got.Order[1] != "review" {
		t.Errorf("queues picked: %v, want learning (due again), then review before new", got.Order)
	}
	check("30 reviews due, limit 10", got.ReviewCap, 15, 5, 10)
	check("the small deck's own limit of 20 new", got.OtherDeck, 20, 0, 0)
	check("undo of the fifth grade", got.AfterUndo, 16, 4, 10)
	check("home page, from deck sizes only", got.Home, 16, 4, 10)
	check("tomorrow: a new day's limits", got.Tomorrow, 20, 4, 10)
	if q, ok := got.EmptyQueue.(map[string]any); !ok || q["id"] != nil {
		t.Errorf("with limits of 0 the queue gave %v, want no card", got.EmptyQueue)
	}
}

// Statistics: counts by state, true retention over reviews of cards in
// review state, and the reviews due on each of the next 30 days.
func TestSrsStatistics(t *testing.T) {
	p := srsPage(t)
	var got struct {
		DueToday  int     `json:"dueToday"`
		New       int     `json:"new"`
		Learning  int     `json:"learning"`
		Young     int     `json:"young"`
		Mature    int     `json:"mature"`
		Retention float64 `json:"retention"`
		Passed    int     `json:"passed"`
		Reviewed  int     `json:"reviewed"`
		Forecast  []int   `json:"forecast"`
		Desc      string  `json:"desc"`
	}
	evalModule(t, p, `Promise.all([import("/static/js/srs.js"), import("/static/js/forecast.js")]).then(([m, f]) => {
		const now = new Date(2026, 2, 10, 12, 0).getTime();
		const p = m.emptyProgress();
		const ids = ["a:d:1", "a:d:2", "a:d:3", "a:d:4", "a:d:5", "a:d:6"];
		const rev = (days, sched) => ({ ...m.review(undefined, m.Rating.Easy, now - 100 * m.DAY_MS), due: now + days * m.DAY_MS, scheduled_days: sched });
		p.cards["a:d:1"] = rev(-3, 5);   // overdue: counts today
		p.cards["a:d:2"] = rev(2, 30);   // mature, due in 2 days
		p.cards["a:d:3"] = rev(2, 10);   // young, due in 2 days
		p.cards["a:d:4"] = rev(40, 60);  // mature, beyond the chart
		m.grade(p, "a:d:5", m.Rating.Again, now); // learning, due in a minute: today
		// Reviews of review cards: 3 remembered, 1 forgotten; old ones and
		// new-card grades do not count.
		p.log.push({ id: "a:d:2", at: now - m.DAY_MS, rating: 3, state: 2 }, { id: "a:d:3", at: now - m.DAY_MS, rating: 1, state: 2 },
			{ id: "a:d:4", at: now - 2 * m.DAY_MS, rating: 4, state: 2 }, { id: "a:d:1", at: now - 3 * m.DAY_MS, rating: 2, state: 2 },
			{ id: "a:d:1", at: now - 40 * m.DAY_MS, rating: 1, state: 2 }, { id: "x:y:9", at: now, rating: 1, state: 2 });
		const s = m.stats(ids, p, now);
		return { ...s, desc: f.describe(s.forecast) };
	})`, &got)
	if got.DueToday != 2 || got.New != 1 || got.Learning != 1 || got.Young != 2 || got.Mature != 2 {
		t.Errorf("stats %+v; want due today 2, new 1, learning 1, young 2, mature 2", got)
	}
	if got.Reviewed != 4 || got.Passed != 3 || got.Retention != 0.75 {
		t.Errorf("true retention %v (%d of %d), want 0.75 (3 of 4)", got.Retention, got.Passed, got.Reviewed)
	}
	want := make([]int, 30)
	want[0], want[2] = 2, 2
	if len(got.Forecast) != 30 {
		t.Fatalf("forecast has %d days, want 30", len(got.Forecast))
	}
	for i := range want {
		if got.Forecast[i] != want[i] {
			t.Errorf("forecast %v, want %v", got.Forecast, want)
			break
		}
	}
	if wantDesc := "4 reviews due in the next 30 days: 2 today, 4 within 7 days; the busiest day is today with 2."; got.Desc != wantDesc {
		t.Errorf("chart description %q, want %q", got.Desc, wantDesc)
	}
}

// Importing a progress file: a bad file is refused with a message that
// says why, and nothing changes; a good one merges, each card keeping the
// copy reviewed last.
func TestSrsImportValidatesAndMerges(t *testing.T) {
	p := srsPage(t)
	card := `{"due":5,"stability":3,"difficulty":5,"elapsed_days":0,"scheduled_days":3,"learning_steps":0,"reps":2,"lapses":0,"state":2,"last_review":1}`
	tests := []struct {
		name, file, wantErr string
	}{
		{"not JSON", `{oops`, "This file is not a netstudy progress file: it is not JSON."},
		{"another app's JSON", `{"cards":{}}`, `This file is not a netstudy progress file (no "format": "netstudy-progress").`},
		{"a list", `[1,2]`, `This file is not a netstudy progress file (no "format": "netstudy-progress").`},
		{"future version", `{"format":"netstudy-progress","version":3,"cards":{}}`, "This progress file cannot be read: its version is 3; this app reads version 2."},
		{"no cards", `{"format":"netstudy-progress","version":2}`, `This progress file cannot be read: it has no "cards" object.`},
		{"bad card", `{"format":"netstudy-progress","version":2,"cards":{"a:b:c":{"due":"soon"}}}`, `This progress file cannot be read: card "a:b:c" is not a valid card state.`},
		{"bad state", `{"format":"netstudy-progress","version":2,"cards":{"a:b:c":` + card[:len(card)-1] + `,"state":9}}}`, `This progress file cannot be read: card "a:b:c" is not a valid card state.`},
		{"bad retention", `{"format":"netstudy-progress","version":2,"retention":2,"cards":{}}`, "This progress file cannot be read: its desired retention is not between 0.7 and 0.99."},
		{"bad limits", `{"format":"netstudy-progress","version":2,"limits":{"x":{"newPerDay":-1,"reviewsPerDay":3}},"cards":{}}`, `This progress file cannot be read: the limits of deck "x" are not two whole numbers.`},
		{"bad log", `{"format":"netstudy-progress","version":2,"cards":{},"log":[{"id":"a","at":1,"rating":7,"state":0}]}`, "This progress file cannot be read: an entry of its review log is malformed."},
		{"good", `{"format":"netstudy-progress","version":2,"cards":{"a:b:c":` + card + `}}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var msg string
			evalModule(t, p, `import("/static/js/srs.js").then((m) => {
				try { m.parseExport(`+jsString(tt.file)+`); return ""; } catch (e) { return e.message; }
			})`, &msg)
			if msg != tt.wantErr {
				t.Errorf("error %q, want %q", msg, tt.wantErr)
			}
		})
	}

	var merged struct {
		Changed   int            `json:"changed"`
		Last      map[string]int `json:"last"`
		Log       int            `json:"log"`
		RoundTrip bool           `json:"roundTrip"`
	}
	evalModule(t, p, `import("/static/js/srs.js").then((m) => {
		const now = Date.UTC(2026, 0, 1);
		const here = m.emptyProgress();
		m.grade(here, "a:d:1", 3, now);          // reviewed here at now
		m.grade(here, "a:d:2", 3, now + 1000);   // reviewed here later than there
		const there = m.emptyProgress();
		m.grade(there, "a:d:1", 4, now + 5000);  // reviewed there later
		m.grade(there, "a:d:2", 1, now);
		m.grade(there, "a:d:3", 3, now);         // only there
		const text = m.exportText(there, now);
		const imported = m.parseExport(text);
		const changed = m.merge(here, imported);
		return {
			changed,
			last: Object.fromEntries(Object.entries(here.cards).map(([id, c]) => [id, c.last_review - now])),
			log: here.log.length,
			roundTrip: JSON.stringify(imported.cards) === JSON.stringify(there.cards),
		};
	})`, &merged)
	if merged.Changed != 2 || merged.Last["a:d:1"] != 5000 || merged.Last["a:d:2"] != 1000 || merged.Last["a:d:3"] != 0 {
		t.Errorf("merge: %+v; want 2 changed, a:d:1 from the file (5000), a:d:2 kept (1000), a:d:3 added (0)", merged)
	}
	if merged.Log != 5 {
		t.Errorf("merged log has %d entries, want 5 (2 here + 3 there, none shared)", merged.Log)
	}
	if !merged.RoundTrip {
		t.Error("export then import changed the cards")
	}
}

// Damaged progress files, made by mutating a good one (a seeded run, so
// a failure repeats): each is either read or refused with one of the
// clear messages, never a crash of another kind, and whatever is read
// loads and schedules.
func TestSrsImportSurvivesDamagedFiles(t *testing.T) {
	p := srsPage(t)
	var bad []string
	evalModule(t, p, `import("/static/js/srs.js").then((m) => {
		let seed = 19;
		const rand = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
		const now = Date.UTC(2026, 0, 1);
		const good = m.emptyProgress();
		for (let i = 0; i < 4; i++) m.grade(good, "term:d:" + i, 1 + (i % 4), now + i);
		good.limits.d = { newPerDay: 3, reviewsPerDay: 9 };
		const text = m.exportText(good, now);
		const pieces = ['"', "{", "}", "[", "]", ",", ":", "-1", "1e309", "null", "true", '"x"', "0.5", "9", ""];
		const bad = [];
		for (let i = 0; i < 3000; i++) {
			let s = text;
			for (let k = 1 + rand(3); k > 0; k--) {
				const at = rand(s.length);
				s = s.slice(0, at) + pieces[rand(pieces.length)] + s.slice(at + rand(6));
			}
			try {
				const p = m.parseExport(s);
				m.nextCard(Object.keys(p.cards), p, "", now);
				m.stats(Object.keys(p.cards), p, now);
			} catch (e) {
				if (!(e instanceof Error) || !/^This (progress )?file/.test(e.message) || e instanceof TypeError) bad.push(e.name + ": " + e.message + " in " + s.slice(0, 300));
			}
		}
		return bad.slice(0, 5);
	})`, &bad)
	for _, b := range bad {
		t.Error(b)
	}
}
