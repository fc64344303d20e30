package web

// An audit of the HTTP surface: what a teacher or a class meets on a
// normal day, and what bad input does. Real servers, the real SQLite store
// and the real live hub; no mocks. Helpers start with "audit" so that they
// cannot clash with other tests of this package.

import (
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"netstudy/app/auth"
	"netstudy/app/layers"
	"netstudy/app/live"
	"netstudy/app/session"
)

// auditReq is one request of an audit test.
type auditReq struct {
	method, path string
	body         string
	header       map[string]string
	instructor   string // a Cookie header value; "" for none
}

// auditDo sends r without following redirects and returns the response
// (body already read) and its body.
func auditDo(t *testing.T, ts *httptest.Server, r auditReq) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	method := r.method
	if method == "" {
		method = http.MethodGet
	}
	req, err := http.NewRequest(method, ts.URL+r.path, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	if r.instructor != "" {
		req.Header.Set("Cookie", r.instructor)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, auditShort(r.path), err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

// auditShort keeps long paths out of failure messages.
func auditShort(s string) string {
	if len(s) > 90 {
		return s[:90] + fmt.Sprintf("…(%d bytes)", len(s))
	}
	return s
}

// auditCookie is the Cookie header of a signed-in instructor.
func auditCookie(a *auth.Credentials) string {
	return auth.CookieName + "=" + a.InstructorCookie()
}

// HEAD is the method uptime monitors, link checkers and `curl -I` use;
// every GET resource must answer it with the GET's status and headers and
// no body (RFC 9110 §9.3.2: servers MUST support GET and HEAD).
func TestAuditHeadRequests(t *testing.T) {
	ts := newTestServer(t, testContent())
	for _, path := range []string{"/healthz", "/", "/notes/routing", "/vocabulary", "/api/notes", "/api/quizzes", "/join", "/static/css/app.css", "/metrics"} {
		getRes, _ := auditDo(t, ts, auditReq{path: path})
		res, body := auditDo(t, ts, auditReq{method: http.MethodHead, path: path})
		if res.StatusCode != getRes.StatusCode {
			t.Errorf("HEAD %s = %d, GET = %d", path, res.StatusCode, getRes.StatusCode)
			continue
		}
		if body != "" {
			t.Errorf("HEAD %s has a body", path)
		}
		if got, want := res.Header.Get("Content-Type"), getRes.Header.Get("Content-Type"); got != want {
			t.Errorf("HEAD %s Content-Type = %q, GET = %q", path, got, want)
		}
	}
	// An unknown path is still a 404, not a 405.
	if res, _ := auditDo(t, ts, auditReq{method: http.MethodHead, path: "/notes/nope"}); res.StatusCode != http.StatusNotFound {
		t.Errorf("HEAD /notes/nope = %d, want 404", res.StatusCode)
	}
}

// Every response that carries content carries the security headers: pages,
// JSON, errors of every kind, assets.
func TestAuditSecurityHeaders(t *testing.T) {
	e := newStEnv(t, nil)
	info := e.create(t, "Headers", stOptions())
	reqs := []auditReq{
		{path: "/"},
		{path: "/notes/routing", header: map[string]string{"Accept-Encoding": "gzip"}},
		{path: "/notes/nope"},
		{path: "/api/notes/nope"},
		{path: "/api/layers/tcp-data?client_port=x"},
		{path: "/static/js/app.js"},
		{path: "/static/nope.js"},
		{path: "/host/sessions/" + info.ID + "/results.csv"}, // 403
		{path: "/host/sessions/" + info.ID + "/results.csv", instructor: e.instructorCookie()},                      // CSV
		{path: "/host/sessions/" + info.ID + "/qr.png", instructor: e.instructorCookie()},                           // PNG
		{method: http.MethodPost, path: "/notes/routing", header: map[string]string{"Origin": e.ts.URL}},            // 405
		{method: http.MethodPost, path: "/api/quizzes/practice-basics/check", body: `{}`},                           // 403, no Origin
		{method: http.MethodPost, path: "/live/poll", header: map[string]string{"Origin": "http://evil.example"}},   // 403 from the hub
		{method: http.MethodGet, path: "/live/poll?cid=nope"},                                                       // 410
		{method: http.MethodPost, path: "/live/send?cid=nope", body: `{}`, header: map[string]string{"Origin": ""}}, // 410
	}
	for _, r := range reqs {
		res, _ := auditDo(t, e.ts, r)
		if res.StatusCode >= 500 {
			t.Errorf("%s %s = %d", r.method, r.path, res.StatusCode)
		}
		h := res.Header
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" ||
			!strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") || h.Get("Referrer-Policy") == "" {
			t.Errorf("%s %s (%d) lacks security headers: %v", cmpOr(r.method, "GET"), r.path, res.StatusCode, h)
		}
	}
}

// Trailing slashes redirect to the canonical path with 308 (so a POST stays
// a POST) and keep the query; no form of the path makes the redirect leave
// the site.
func TestAuditTrailingSlashAndOpenRedirect(t *testing.T) {
	ts := newTestServer(t, testContent())
	for path, want := range map[string]string{
		"/notes/routing/":     "/notes/routing",
		"/api/notes/?x=1":     "/api/notes?x=1",
		"/join/?code=123456":  "/join?code=123456",
		"/host/signin/?next=": "/host/signin?next=",
	} {
		res, _ := auditDo(t, ts, auditReq{path: path})
		if res.StatusCode != http.StatusPermanentRedirect || res.Header.Get("Location") != want {
			t.Errorf("GET %s = %d → %q, want 308 → %q", path, res.StatusCode, res.Header.Get("Location"), want)
		}
		if res.Header.Get("Content-Security-Policy") != contentSecurityPolicy || res.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("GET %s: the redirect lacks the security headers: %v", path, res.Header)
		}
	}
	res, _ := auditDo(t, ts, auditReq{method: http.MethodPost, path: "/api/quizzes/practice-basics/check/", body: `{}`,
		header: map[string]string{"Origin": ts.URL}})
	if res.StatusCode != http.StatusPermanentRedirect {
		t.Errorf("POST …/check/ = %d, want 308 (method kept)", res.StatusCode)
	}
	for _, path := range []string{"//evil.example/", "///evil.example/", "/\\evil.example/", "/%2f%2fevil.example/", "/%5c%5cevil.example/", "/%09/evil.example/"} {
		res, _ := auditDo(t, ts, auditReq{path: path})
		loc := res.Header.Get("Location")
		if loc == "" {
			continue
		}
		u, err := url.Parse(loc)
		if err != nil || u.Host != "" || u.Scheme != "" || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, "/\\") {
			t.Errorf("GET %s redirects off the site: %q", path, loc)
		}
	}
}

// A note or quiz file named in the class's own language ("Réseau.md") or
// with a '#' ("Q&A #1.md") gets a slug by the ARCHITECTURE.md rule; every link
// the site prints to it must open it.
func TestAuditNonASCIISlugLinksWork(t *testing.T) {
	note := []byte("# Le réseau\n\n### Qu'est-ce qu'un routeur ?\n\nUn appareil qui relie des réseaux.\n\n## Vocabulary\n\n**Routeur:** Relie des réseaux.\n")
	quizSrc := []byte("---\ntitle: Quiz réseau\n---\n\n## Quelle couche route ?\n\n- [x] Réseau\n- [ ] Session\n")
	cases := []struct {
		name, file, quizFile, slug string
	}{
		{"accented", "Réseau.md", "quizzes/Révision.md", "réseau"},
		{"reserved characters", "Q&A #1.md", "quizzes/Quiz #2.md", "q&a-#1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fsys := testContent()
			fsys[c.file] = &fstest.MapFile{Data: note}
			fsys[c.quizFile] = &fstest.MapFile{Data: quizSrc}
			ts := newTestServer(t, fsys)
			var list []struct{ Slug, URL string }
			if status := getJSON(t, ts.URL+"/api/notes", &list); status != http.StatusOK {
				t.Fatalf("GET /api/notes = %d", status)
			}
			found := false
			for _, n := range list {
				if n.Slug != c.slug {
					continue
				}
				found = true
				if res, _ := auditDo(t, ts, auditReq{path: n.URL}); res.StatusCode != http.StatusOK {
					t.Errorf("the API's url %q for note %q = %d, want 200", n.URL, n.Slug, res.StatusCode)
				}
			}
			if !found {
				t.Fatalf("no note with slug %q in %+v", c.slug, list)
			}
			// Every link on the pages that list notes and quizzes opens.
			href := regexp.MustCompile(`href="(/(?:notes|practice)/[^"]+)"`)
			for _, page := range []string{"/", "/practice", "/vocabulary"} {
				_, body := auditDo(t, ts, auditReq{path: page})
				for _, m := range href.FindAllStringSubmatch(body, -1) {
					link := strings.ReplaceAll(m[1], "&amp;", "&")
					if res, _ := auditDo(t, ts, auditReq{path: link}); res.StatusCode != http.StatusOK {
						t.Errorf("the link %q on %s = %d, want 200", link, page, res.StatusCode)
					}
				}
			}
		})
	}
}

// auditCreate posts to /api/sessions as a script does (Bearer key).
func auditCreate(t *testing.T, ts *httptest.Server, body string) (*http.Response, string) {
	t.Helper()
	return auditDo(t, ts, auditReq{method: http.MethodPost, path: "/api/sessions", body: body,
		header: map[string]string{"Authorization": "Bearer " + testInstructorKey, "Content-Type": "application/json"}})
}

// A typed question that no student could ever answer right must be refused
// when the session is created, as the live ask_typed command refuses it,
// not discovered in front of the class.
func TestAuditCreateSessionAPIValidatesQuestions(t *testing.T) {
	ts, srv := startTestServer(t, testServerConfig{Content: testContent()})
	for _, tt := range []struct{ name, question string }{
		{"no prompt", `{"kind":"single","prompt":"","choices":["a","b"],"correct":[0]}`},
		{"no choices", `{"kind":"single","prompt":"Which?","choices":[]}`},
		{"unknown kind", `{"kind":"bogus","prompt":"Which?","choices":["a","b"],"correct":[0]}`},
		{"text without accepted answer", `{"kind":"text","prompt":"How many bits?"}`},
		{"correct index out of range", `{"kind":"single","prompt":"Which?","choices":["a","b"],"correct":[7]}`},
		{"negative points", `{"kind":"single","prompt":"Which?","choices":["a","b"],"correct":[0],"points":-5}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, body := auditCreate(t, ts, `{"title":"Bad","questions":[`+tt.question+`]}`)
			if res.StatusCode != http.StatusBadRequest {
				t.Errorf("POST /api/sessions with %s = %d %s, want 400", tt.question, res.StatusCode, body)
			}
		})
	}
	// A well-formed typed question is accepted.
	res, body := auditCreate(t, ts, `{"title":"Good","questions":[{"kind":"single","prompt":"Which layer routes?","choices":["Network","Session"],"correct":[0]},{"kind":"text","prompt":"Bits in IPv4?","accepted":["32"],"match":"number"}]}`)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("a good session = %d %s", res.StatusCode, body)
	}
	sessions, _ := srv.hub.Sessions(context.Background())
	if len(sessions) != 1 {
		t.Errorf("%d sessions stored, want only the good one", len(sessions))
	}
}

// Malformed bodies and missing credentials are clean 4xx, in JSON, and
// create nothing.
func TestAuditCreateSessionAPIRefusals(t *testing.T) {
	ts, srv := startTestServer(t, testServerConfig{Content: hostContent()})
	bearer := map[string]string{"Authorization": "Bearer " + testInstructorKey, "Content-Type": "application/json"}
	cookie := auditCookie(srv.auth)
	for _, tt := range []struct {
		name string
		r    auditReq
		want int
	}{
		{"not JSON", auditReq{body: `title=x`, header: bearer}, 400},
		{"wrong types", auditReq{body: `{"title":1}`, header: bearer}, 400},
		{"questions not a list", auditReq{body: `{"questions":{}}`, header: bearer}, 400},
		{"truncated", auditReq{body: `{"title":"x"`, header: bearer}, 400},
		{"unknown quiz", auditReq{body: `{"quiz_id":"nope"}`, header: bearer}, 404},
		{"unknown field", auditReq{body: `{"quiz":"` + hostQuizID + `"}`, header: bearer}, 400},
		{"unknown field in a question", auditReq{body: `{"questions":[{"prompt":"x","choices":["a","b"],"corect":[0]}]}`, header: bearer}, 400},
		{"two bodies", auditReq{body: `{"quiz_id":"` + hostQuizID + `"} {}`, header: bearer}, 400},
		{"too many choices", auditReq{body: `{"questions":[{"prompt":"x","choices":["1","2","3","4","5","6","7","8","9","10","11","12","13"]}]}`, header: bearer}, 400},
		{"time limit", auditReq{body: `{"questions":[{"prompt":"x","choices":["a","b"],"correct":[0],"time_limit_seconds":-1}]}`, header: bearer}, 400},
		{"title too long", auditReq{body: `{"title":"` + strings.Repeat("é", session.MaxTitle+1) + `"}`, header: bearer}, 400},
		{"too many questions", auditReq{body: `{"questions":[` + strings.Repeat(`{"prompt":"x","choices":["a","b"],"correct":[0]},`, maxTypedQuestions) + `{"prompt":"x","choices":["a","b"],"correct":[0]}]}`, header: bearer}, 400},
		{"body too large", auditReq{body: `{"title":"x","quiz_id":"` + strings.Repeat("x", maxCreateSessionBody) + `"}`, header: bearer}, 413},
		{"no credentials", auditReq{body: `{}`, header: map[string]string{"Content-Type": "application/json", "Origin": ts.URL}}, 403},
		{"wrong key", auditReq{body: `{}`, header: map[string]string{"Authorization": "Bearer nope", "Content-Type": "application/json"}}, 403},
		{"key without Bearer", auditReq{body: `{}`, header: map[string]string{"Authorization": testInstructorKey, "Content-Type": "application/json", "Origin": ts.URL}}, 403},
		{"cookie, no Origin", auditReq{body: `{}`, header: map[string]string{"Content-Type": "application/json"}, instructor: cookie}, 403},
		{"cookie, cross-site", auditReq{body: `{}`, header: map[string]string{"Content-Type": "application/json", "Origin": "http://evil.example"}, instructor: cookie}, 403},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.r.method, tt.r.path = http.MethodPost, "/api/sessions"
			res, body := auditDo(t, ts, tt.r)
			if res.StatusCode != tt.want {
				t.Fatalf("status = %d, want %d: %s", res.StatusCode, tt.want, body)
			}
			var e struct{ Error string }
			if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error == "" {
				t.Errorf("the refusal is not a JSON error: %s", body)
			}
		})
	}
	if sessions, _ := srv.hub.Sessions(context.Background()); len(sessions) != 0 {
		t.Errorf("refused requests created %d sessions", len(sessions))
	}
	if _, body := auditCreate(t, ts, `{"quiz":"x"}`); !strings.Contains(body, `\"quiz\"`) {
		t.Errorf("an unknown field's refusal does not name it: %s", body)
	}
	// The cookie from the instructor's own page, and the key, both work;
	// the answer follows the contract.
	for _, r := range []auditReq{
		{body: `{"quiz_id":"` + hostQuizID + `"}`, header: bearer},
		{body: `{"quiz_id":"` + hostQuizID + `","title":"` + strings.Repeat("é", session.MaxTitle) + `"}`, header: bearer},
		{body: `{"quiz_id":"` + hostQuizID + `","title":"Mine"}`, header: map[string]string{"Content-Type": "application/json", "Origin": ts.URL}, instructor: cookie},
	} {
		r.method, r.path = http.MethodPost, "/api/sessions"
		res, body := auditDo(t, ts, r)
		var got apiSessionCreated
		if res.StatusCode != http.StatusCreated || json.Unmarshal([]byte(body), &got) != nil {
			t.Fatalf("create = %d %s", res.StatusCode, body)
		}
		if got.ID == "" || len(got.Code) != 6 || got.JoinURL != "/join?code="+got.Code {
			t.Errorf("created = %+v", got)
		}
	}
}

// sameOrigin lets a request with "Authorization: Bearer …" skip the Origin
// check because "the handler checks the key". Handlers guarded by the
// cookie alone do not: a bogus Bearer header must not turn a cross-site,
// cookie-authenticated POST into an accepted one.
func TestAuditBogusBearerDoesNotSkipCSRFCheck(t *testing.T) {
	ts, srv := startTestServer(t, testServerConfig{Content: hostContent()})
	res, _ := auditDo(t, ts, auditReq{method: http.MethodPost, path: "/host/sessions",
		body: url.Values{"source": {"empty"}}.Encode(), instructor: auditCookie(srv.auth),
		header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Origin": "http://evil.example", "Authorization": "Bearer not-the-key"}})
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST /host/sessions with the cookie and a bogus Bearer header = %d, want 403", res.StatusCode)
	}
	if sessions, _ := srv.hub.Sessions(context.Background()); len(sessions) != 0 {
		t.Errorf("the cross-site POST created %d sessions", len(sessions))
	}
}

// The Origin check in its less common shapes.
func TestAuditSameOriginVariants(t *testing.T) {
	ts := newTestServer(t, practiceContent())
	host := strings.TrimPrefix(ts.URL, "http://")
	body := `{"question_id":"q1","choices":["b"]}`
	for _, tt := range []struct {
		name            string
		origin, referer string
		want            int
	}{
		{"own origin", ts.URL, "", 200},
		{"null origin, own referer", "null", ts.URL + "/practice/practice-basics", 200},
		{"no origin, own referer", "", ts.URL + "/practice/practice-basics", 200},
		{"null origin, no referer", "null", "", 403},
		{"null origin, foreign referer", "null", "http://evil.example/?u=" + ts.URL, 403},
		{"suffix host", "http://" + host + ".evil.example", "", 403},
		{"userinfo trick", "http://" + host + "@evil.example", "", 403},
		{"other port", "http://" + strings.Split(host, ":")[0] + ":1", "", 403},
		{"garbage", "::::", "", 403},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := map[string]string{"Content-Type": "application/json"}
			if tt.origin != "" {
				h["Origin"] = tt.origin
			}
			if tt.referer != "" {
				h["Referer"] = tt.referer
			}
			res, b := auditDo(t, ts, auditReq{method: http.MethodPost, path: "/api/quizzes/practice-basics/check", body: body, header: h})
			if res.StatusCode != tt.want {
				t.Errorf("status = %d, want %d: %s", res.StatusCode, tt.want, b)
			}
		})
	}
}

// auditResults fetches the three forms of a session's results.
func auditResults(t *testing.T, e *stEnv, id string) (page, csvBody, api string) {
	t.Helper()
	for i, p := range []string{"/host/sessions/" + id + "/results", "/host/sessions/" + id + "/results.csv", "/api/sessions/" + id + "/results"} {
		res, body := e.get(t, p, true)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s = %d: %s", p, res.StatusCode, body)
		}
		if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("GET %s Cache-Control = %q, want no-store", p, cc)
		}
		switch i {
		case 0:
			page = body
		case 1:
			csvBody = body
		case 2:
			api = body
		}
	}
	return page, csvBody, api
}

// auditState is the state in the results API's JSON.
func auditState(t *testing.T, api string) (string, int) {
	t.Helper()
	var got struct {
		Results struct {
			State        string            `json:"state"`
			Participants []json.RawMessage `json:"participants"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(api), &got); err != nil {
		t.Fatalf("results API: %v\n%s", err, api)
	}
	return got.Results.State, len(got.Results.Participants)
}

// Results of a session in every state: a lobby nobody joined, a running
// one with a question open, one that ended with nobody, one that ended
// after a round; and of no session at all.
func TestAuditResultsInEveryState(t *testing.T) {
	e := newStEnv(t, nil)

	lobby := e.create(t, "Empty lobby", stOptions())
	page, csvBody, api := auditResults(t, e, lobby.ID)
	if st, n := auditState(t, api); st != "lobby" || n != 0 {
		t.Errorf("lobby results: state %q, %d participants", st, n)
	}
	if !strings.Contains(page, "Nobody joined") {
		t.Error("the results page of an empty session does not say nobody joined")
	}
	if rows, err := csv.NewReader(strings.NewReader(csvBody)).ReadAll(); err != nil || len(rows) != 1 {
		t.Errorf("CSV of an empty session: %d rows, %v", len(rows), err)
	}

	running := e.create(t, "Running", stOptions())
	host := e.host(t, running.Code)
	ada := e.student(t, running.Code, "ada")
	_ = e.student(t, running.Code, "bob")
	host.do("ask_next", nil)
	ada.answer("q1", 1, []string{"a"}, "")
	page, csvBody, api = auditResults(t, e, running.ID)
	if st, n := auditState(t, api); st == "ended" || n != 2 {
		t.Errorf("running results: state %q, %d participants", st, n)
	}
	if !strings.Contains(page, "still running") || !strings.Contains(page, "not revealed") {
		t.Error("the results page of a running session does not say so")
	}
	rows, err := csv.NewReader(strings.NewReader(csvBody)).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("CSV of a running session with one open round and 2 players: %d rows, %v\n%s", len(rows), err, csvBody)
	}

	endedEmpty := e.create(t, "Ended empty", stOptions())
	h2 := e.host(t, endedEmpty.Code)
	h2.do("end", nil)
	_, csvBody, api = auditResults(t, e, endedEmpty.ID)
	if st, n := auditState(t, api); st != "ended" || n != 0 {
		t.Errorf("ended empty results: state %q, %d participants", st, n)
	}
	if rows, _ := csv.NewReader(strings.NewReader(csvBody)).ReadAll(); len(rows) != 1 {
		t.Errorf("CSV of an ended empty session has %d rows", len(rows))
	}

	host.do("reveal", nil)
	host.do("end", nil)
	page, _, api = auditResults(t, e, running.ID)
	if st, _ := auditState(t, api); st != "ended" || strings.Contains(page, "still running") {
		t.Errorf("after the end the results say state %q", st)
	}

	for _, p := range []string{"/host/sessions/%2e%2e/results", "/host/sessions/" + strings.Repeat("f", 4000) + "/results.csv", "/api/sessions/'%20OR%201=1/results"} {
		if res, _ := e.get(t, p, true); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", auditShort(p), res.StatusCode)
		}
	}
}

// Hostile nicknames, typed answers, prompts and titles: text on the page,
// never a formula in the spreadsheet.
func TestAuditResultsHostileText(t *testing.T) {
	e := newStEnv(t, nil)
	info := e.create(t, "-Quiz @ class", stOptions())
	host := e.host(t, info.Code)
	nicks := []string{`"><svg onload=f()>`, "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "=cmd|' /C calc'!A0"}
	var students []*stConn
	for _, n := range nicks {
		students = append(students, e.student(t, info.Code, n))
	}
	host.do("ask_typed", map[string]any{"question": map[string]any{
		"kind": "text", "prompt": "=2+2 is?", "accepted": []string{"4"}, "match": "number",
	}})
	answers := []string{"=1+1", "@x", "+x", "-x", "</script><script>f()</script>", "\t=A1"}
	for i, s := range students {
		s.answer("live-4", 1, nil, answers[i])
	}
	host.do("close", nil)
	host.do("reveal", nil)
	host.do("end", nil)

	page, csvBody, _ := auditResults(t, e, info.ID)
	for _, bad := range []string{"<svg onload", "<script>f()", `"><svg`} {
		if strings.Contains(page, bad) {
			t.Errorf("the results page has %q as markup", bad)
		}
	}
	if !strings.Contains(page, "&lt;svg onload=f()&gt;") {
		t.Error("the hostile nickname is not shown as text")
	}
	rows, err := csv.NewReader(strings.NewReader(csvBody)).ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v\n%s", err, csvBody)
	}
	if len(rows) != 1+len(nicks) {
		t.Errorf("%d CSV rows, want %d", len(rows), 1+len(nicks))
	}
	for _, r := range rows[1:] {
		for i, cell := range r {
			if i == 9 { // elapsed_ms: a number
				continue
			}
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %s of %q would run as a formula: %q", csvHeader[i], r, cell)
			}
		}
	}
}

// Pages served from the page cache do not depend on the query string, so
// the query must not be part of the cache key: otherwise every distinct
// ?x= (up to 1 MiB of URL each) stores another copy of the page, and 1024
// of them reset the cache for everyone.
func TestAuditPageCacheIgnoresQuery(t *testing.T) {
	_, srv := startTestServer(t, testServerConfig{Content: testContent()})
	for i := range 10 {
		for _, p := range []string{"/notes/routing", "/", "/vocabulary"} {
			req := httptest.NewRequest(http.MethodGet, fmt.Sprintf("%s?utm=%d&pad=%s", p, i, strings.Repeat("x", 1000)), nil)
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s = %d", p, rec.Code)
			}
		}
	}
	srv.cache.mu.Lock()
	n := len(srv.cache.pages)
	keyBytes := 0
	for k := range srv.cache.pages {
		keyBytes += len(k)
	}
	srv.cache.mu.Unlock()
	if n > 3 {
		t.Errorf("3 pages asked with 10 different query strings fill %d cache entries (%d bytes of keys); want 3", n, keyBytes)
	}
}

// Malformed answers to the practice checker: always a 4xx JSON error, no key.
func TestAuditQuizCheckMalformedBodies(t *testing.T) {
	ts := newTestServer(t, practiceContent())
	bodies := []string{
		``, `null`, `[]`, `"q1"`, `1e999`, `{`, `{"question_id":5}`, `{"question_id":"q1","choices":"b"}`,
		`{"question_id":"q1","choices":[1]}`, `{"question_id":"q1","choices":[null]}`,
		`{"question_id":"q2","choices":["a","a","a","a","a"]}`,
		`{"question_id":"q5","text":32}`,
		strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
		`{"question_id":"` + strings.Repeat("q", 15000) + `"}`,
	}
	for _, b := range bodies {
		status, body := checkAnswer(t, ts, "practice-basics", ts.URL, b)
		if status < 400 || status >= 500 {
			t.Errorf("check with %q = %d, want a 4xx: %s", auditShort(b), status, auditShort(body))
			continue
		}
		var e struct{ Error string }
		if json.Unmarshal([]byte(body), &e) != nil || e.Error == "" {
			t.Errorf("check with %q: not a JSON error: %s", auditShort(b), auditShort(body))
		}
		if strings.Contains(body, "correct_choices") || strings.Contains(body, "explanation_html") {
			t.Errorf("check with %q leaked a key: %s", auditShort(b), body)
		}
	}
	// Unknown quiz ids of every shape.
	for _, id := range []string{"%00", strings.Repeat("z", 3000), "..%2f..%2fgo.mod", "practice-basics%2fcheck"} {
		status, _ := checkAnswer(t, ts, id, ts.URL, `{"question_id":"q1","choices":["b"]}`)
		if status != http.StatusNotFound {
			t.Errorf("check on quiz %q = %d, want 404", auditShort(id), status)
		}
	}
}

// The layers API and page answer a student's odd values with 400s, never a
// 500, whatever the scenario.
func TestAuditLayersOddParameters(t *testing.T) {
	ts, srv := startTestServer(t, testServerConfig{Content: testContent()})
	serve := func(path string) (int, string) {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Code, rec.Body.String()
	}
	values := []string{"", "-1", "0", "65536", "99999999999999999999", "0x10", " 80", "∞", "\x00", ",,,", "none",
		"1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40",
		"::1", "255.255.255.255", "10.0.0.1", "01:00:5e:00:00:01", "00:00:00:00:00:00",
		strings.Repeat("é", 3000), "<script>f()</script>"}
	params := []string{
		layers.ParamMessage, layers.ParamClientIP, layers.ParamClientPort, layers.ParamServerIP, layers.ParamServerPort,
		layers.ParamTTL, layers.ParamMTU, layers.ParamClientMAC, layers.ParamRouterServerMAC, layers.ParamDrop, layers.ParamObserved,
	}
	for i, sc := range layers.Scenarios() {
		for _, p := range params {
			for _, v := range values {
				q := url.Values{p: {v}}.Encode()
				paths := []string{"/api/layers/" + sc.ID + "?" + q}
				if i == 0 {
					paths = append(paths, "/api/layers/"+sc.ID+".pcap?"+q, "/layers?scenario="+sc.ID+"&"+q)
				}
				for _, path := range paths {
					if status, body := serve(path); status != http.StatusOK && status != http.StatusBadRequest {
						t.Errorf("GET %s = %d: %s", auditShort(path), status, auditShort(body))
					}
				}
			}
		}
		// Several values for one parameter: the first one counts.
		if status, _ := serve("/api/layers/" + sc.ID + "?ttl=64&ttl=zzz"); status != http.StatusOK {
			t.Errorf("GET /api/layers/%s?ttl=64&ttl=zzz = %d", sc.ID, status)
		}
	}
	for _, q := range []string{"scenario=" + strings.Repeat("x", 5000), "scenario=%3Cb%3E", "ttl=0&mtu=1&drop=-1", "message=" + strings.Repeat("A", 100000)} {
		status, body, _ := get(t, ts, "/layers?"+q)
		if status >= 500 || status == http.StatusOK {
			t.Errorf("GET /layers?%s = %d", auditShort(q), status)
		}
		if strings.Contains(body, "<b>") {
			t.Errorf("GET /layers?%s echoes markup", auditShort(q))
		}
	}
}

// Huge or strange names and query values never cause a 500, and are never
// echoed back as markup.
func TestAuditHugeAndStrangeInput(t *testing.T) {
	ts := newTestServer(t, testContent())
	huge := strings.Repeat("9", 20000)
	xss := url.QueryEscape(`<script>alert(1)</script>`)
	for _, tt := range []struct {
		path string
		want int
	}{
		{"/join?code=" + huge, 200},
		{"/join?code=" + xss, 200},
		{"/join?code=%ff%fe", 200},
		{"/join?code=123456&code=654321", 200},
		{"/api/join/" + huge, 404},
		{"/api/join/%3Cscript%3E", 404},
		{"/flashcards?note=" + xss, 200},
		{"/api/flashcards?note=" + xss, 404},
		{"/api/flashcards?note=" + huge, 404},
		{"/notes/" + strings.Repeat("n", 8000), 404},
		{"/notes/%3Cscript%3Ealert(1)%3C%2Fscript%3E", 404},
		{"/api/notes/%ff", 404},
		{"/practice/" + strings.Repeat("p", 8000), 404},
		{"/api/quizzes/%3Cscript%3E", 404},
		{"/host/signin?next=" + url.QueryEscape(`/host/"><script>f()</script>`), 200},
		{"/?" + strings.Repeat("q=1&", 3000), 200},
		{"/vocabulary?q=" + xss, 200},
	} {
		res, body := auditDo(t, ts, auditReq{path: tt.path})
		if res.StatusCode != tt.want {
			t.Errorf("GET %s = %d, want %d", auditShort(tt.path), res.StatusCode, tt.want)
		}
		if strings.Contains(body, "<script>alert(1)") || strings.Contains(body, "<script>f()") {
			t.Errorf("GET %s echoes a script", auditShort(tt.path))
		}
	}
}

// Static files: no way out of the embedded set; the cache validators work,
// also with compression on.
func TestAuditStaticFiles(t *testing.T) {
	ts := newTestServer(t, testContent())
	for _, p := range []string{"/static/../go.mod", "/static/%2e%2e/go.mod", "/static/embed.go", "/static/css/../embed.go", "/static//css/app.css", "/static/css%2fapp.css", "/static/", "/static"} {
		res, body := auditDo(t, ts, auditReq{path: p})
		if res.StatusCode >= 500 || strings.Contains(body, "go:embed") || strings.Contains(body, "module netstudy") {
			t.Errorf("GET %s = %d", p, res.StatusCode)
		}
	}
	_, page := auditDo(t, ts, auditReq{path: "/"})
	m := regexp.MustCompile(`/static/js/app\.js\?v=([0-9a-f]+)`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the home page does not link app.js with a version")
	}
	res, _ := auditDo(t, ts, auditReq{path: m[0]})
	if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("versioned asset Cache-Control = %q", cc)
	}
	res, _ = auditDo(t, ts, auditReq{path: "/static/js/app.js?v=stale"})
	if cc := res.Header.Get("Cache-Control"); strings.Contains(cc, "immutable") || strings.Contains(cc, "max-age=31536000") {
		t.Errorf("a stale version is cached for a year: %q", cc)
	}
	etag := res.Header.Get("ETag")
	res, body := auditDo(t, ts, auditReq{path: "/static/js/app.js", header: map[string]string{"If-None-Match": etag, "Accept-Encoding": "gzip"}})
	if res.StatusCode != http.StatusNotModified || body != "" || res.Header.Get("Content-Encoding") != "" {
		t.Errorf("revalidation = %d, %d bytes, encoding %q; want a bare 304", res.StatusCode, len(body), res.Header.Get("Content-Encoding"))
	}
}

// Instructor-only pages and resources, for every way of not being the
// instructor; none of them shows what it guards.
func TestAuditInstructorOnlySurface(t *testing.T) {
	e := newStEnv(t, nil)
	info := e.create(t, "Secret title 7731", stOptions())
	host := e.host(t, info.Code)
	_ = e.student(t, info.Code, "zelda")
	host.do("ask_next", nil)
	forged := []string{
		"",
		auth.CookieName + "=forged",
		auth.CookieName + "=" + testInstructorKey,
		auth.CookieName + "=" + e.auth.InstructorCookie() + "x",
		"other=" + e.auth.InstructorCookie(),
	}
	pages := []string{"/host", "/host/sessions/" + info.ID, "/host/sessions/" + info.ID + "/present", "/host/sessions/" + info.ID + "/results"}
	resources := []string{"/host/sessions/" + info.ID + "/qr.png", "/host/sessions/" + info.ID + "/results.csv", "/api/sessions/" + info.ID + "/results"}
	for _, ck := range forged {
		for _, p := range pages {
			res, body := auditDo(t, e.ts, auditReq{path: p, instructor: ck})
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/host/signin") {
				t.Errorf("GET %s with cookie %q = %d → %q, want 303 to sign-in", p, ck, res.StatusCode, res.Header.Get("Location"))
			}
			if strings.Contains(body, "7731") || strings.Contains(body, "zelda") {
				t.Errorf("GET %s with cookie %q shows the session", p, ck)
			}
		}
		for _, p := range resources {
			res, body := auditDo(t, e.ts, auditReq{path: p, instructor: ck})
			if res.StatusCode != http.StatusForbidden || strings.Contains(body, "7731") || strings.Contains(body, "zelda") {
				t.Errorf("GET %s with cookie %q = %d, want 403 without the data", p, ck, res.StatusCode)
			}
		}
	}
	// A script may read the JSON results with the key, and only with it.
	for key, want := range map[string]int{testInstructorKey: 200, "nope": 403, "": 403} {
		res, _ := auditDo(t, e.ts, auditReq{path: "/api/sessions/" + info.ID + "/results", header: map[string]string{"Authorization": "Bearer " + key}})
		if res.StatusCode != want {
			t.Errorf("results API with Bearer %q = %d, want %d", key, res.StatusCode, want)
		}
	}
	// The instructor's WebSocket role needs the cookie too.
	s := e.dial(t, false)
	s.send("hello", "", map[string]any{"protocol": live.ProtocolVersion, "session": info.Code, "role": "host"})
	for {
		env, err := s.next()
		if err != nil {
			t.Fatalf("reading the refusal: %v", err)
		}
		if env.Type == "welcome" {
			t.Fatal("a student's connection was welcomed as the host")
		}
		if env.Type == "error" || env.Type == "ack" {
			break
		}
	}
}

// The content changes while pages are served: each response is a whole
// page of one version or the other, never a 500; after the change the new
// version is served, and removed notes and quizzes are gone.
func TestAuditContentChangesWhileServed(t *testing.T) {
	fsys := practiceContent()
	fsys["dns.md"] = &fstest.MapFile{Data: []byte("# DNS\n\n### What does DNS do?\n\nVERSION-0\n\n## Vocabulary\n\n**Resolver:** VERSION-0 term.\n")}
	ts, srv := startTestServer(t, testServerConfig{Content: fsys})
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan string, 100)
	client := ts.Client()
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			paths := []string{"/notes/dns", "/", "/vocabulary", "/api/notes/dns", "/practice/practice-basics"}
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				p := paths[(i+w)%len(paths)]
				req, _ := http.NewRequest(http.MethodGet, ts.URL+p, nil)
				if i%2 == 0 {
					req.Header.Set("Accept-Encoding", "gzip")
				}
				res, err := client.Do(req)
				if err != nil {
					errs <- err.Error()
					return
				}
				var r io.Reader = res.Body
				if res.Header.Get("Content-Encoding") == "gzip" {
					if r, err = gzip.NewReader(res.Body); err != nil {
						errs <- fmt.Sprintf("GET %s: %v", p, err)
						return
					}
				}
				b, err := io.ReadAll(r)
				res.Body.Close()
				if err != nil {
					errs <- fmt.Sprintf("GET %s: %v", p, err)
					return
				}
				switch {
				case res.StatusCode != http.StatusOK:
					errs <- fmt.Sprintf("GET %s = %d", p, res.StatusCode)
					return
				case p == "/notes/dns" && !strings.Contains(string(b), "</html>"):
					errs <- "a truncated note page"
					return
				}
			}
		}()
	}
	for v := 1; v <= 20; v++ {
		fsys["dns.md"] = &fstest.MapFile{Data: []byte(fmt.Sprintf("# DNS\n\n### What does DNS do?\n\nVERSION-%d\n\n## Vocabulary\n\n**Resolver:** VERSION-%d term.\n", v, v))}
		srv.catalog.Reload()
	}
	close(stop)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	for _, p := range []string{"/notes/dns", "/vocabulary", "/api/notes/dns"} {
		if _, body, _ := get(t, ts, p); !strings.Contains(body, "VERSION-20") || strings.Contains(body, "VERSION-19") {
			t.Errorf("GET %s after the last change is stale", p)
		}
	}
	// Remove a note and a quiz: their pages and APIs go, at once.
	delete(fsys, "dns.md")
	delete(fsys, "quizzes/practice-basics.md")
	srv.catalog.Reload()
	for _, p := range []string{"/notes/dns", "/api/notes/dns", "/practice/practice-basics", "/api/quizzes/practice-basics"} {
		if status, _, _ := get(t, ts, p); status != http.StatusNotFound {
			t.Errorf("GET %s after its file was removed = %d, want 404", p, status)
		}
	}
	if status, _ := checkAnswer(t, ts, "practice-basics", ts.URL, `{"question_id":"q1","choices":["b"]}`); status != http.StatusNotFound {
		t.Errorf("checking a removed quiz = %d, want 404", status)
	}
	if _, body, _ := get(t, ts, "/"); strings.Contains(body, `href="/notes/dns"`) {
		t.Error("the home page still links the removed note")
	}
}

// Wrong methods are 405 with an Allow header, in JSON under /api/.
func TestAuditWrongMethods(t *testing.T) {
	ts := newTestServer(t, testContent())
	origin := map[string]string{"Origin": ts.URL}
	for _, tt := range []struct {
		method, path string
		json         bool
	}{
		{http.MethodPost, "/notes/routing", false},
		{http.MethodDelete, "/api/notes", true},
		{http.MethodPut, "/api/sessions", true},
		{http.MethodGet, "/host/signout", false},
		{http.MethodGet, "/api/quizzes/practice-basics/check", true},
	} {
		res, body := auditDo(t, ts, auditReq{method: tt.method, path: tt.path, header: origin})
		if res.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("%s %s = %d, want 405", tt.method, tt.path, res.StatusCode)
			continue
		}
		if res.Header.Get("Allow") == "" {
			t.Errorf("%s %s: 405 without Allow", tt.method, tt.path)
		}
		if tt.json && !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
			t.Errorf("%s %s: 405 is %q, want JSON: %s", tt.method, tt.path, res.Header.Get("Content-Type"), auditShort(body))
		}
	}
}

// The join page and the code lookup for a running session, one that has
// ended, and codes that never existed.
func TestAuditJoinCodes(t *testing.T) {
	e := newStEnv(t, nil)
	info := e.create(t, "Join <me>", stOptions())
	res, body := e.get(t, "/join?code="+info.Code[:3]+"%20"+info.Code[3:], false)
	if res.StatusCode != http.StatusOK || !strings.Contains(body, "Join &lt;me&gt;") || !strings.Contains(body, `value="`+info.Code+`"`) {
		t.Errorf("join page with a spaced code = %d", res.StatusCode)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("join page Cache-Control = %q", cc)
	}
	res, body = e.get(t, "/api/join/"+info.Code, false)
	var got joinLookup
	if res.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &got) != nil || got.Code != info.Code || got.Title != "Join <me>" || got.State != "lobby" {
		t.Errorf("lookup = %d %s", res.StatusCode, body)
	}
	host := e.host(t, info.Code)
	host.do("end", nil)
	res, body = e.get(t, "/join?code="+info.Code, false)
	if res.StatusCode != http.StatusOK || (!strings.Contains(body, "ended") && !strings.Contains(body, "no quiz running")) {
		t.Errorf("join page for an ended session = %d", res.StatusCode)
	}
	if res, _ := e.get(t, "/api/join/000000", false); res.StatusCode != http.StatusNotFound {
		t.Errorf("lookup of an unknown code = %d", res.StatusCode)
	}
}

// A re-asked question and a removed student: the results still add up.
func TestAuditResultsReaskedAndKicked(t *testing.T) {
	e := newStEnv(t, nil)
	info := e.create(t, "Again", stOptions())
	host := e.host(t, info.Code)
	ada := e.student(t, info.Code, "ada")
	bob := e.student(t, info.Code, "bob")
	host.do("ask_next", nil)
	ada.answer("q1", 1, []string{"b"}, "")
	bob.answer("q1", 1, []string{"a"}, "")
	host.do("reveal", nil)
	host.do("reask", nil)
	ada.answer("q1", 2, []string{"a"}, "")
	host.do("kick", map[string]string{"participant_id": "p2"})
	host.do("reveal", nil)
	host.do("end", nil)

	page, csvBody, api := auditResults(t, e, info.ID)
	if st, n := auditState(t, api); st != "ended" || n != 2 {
		t.Errorf("state %q, %d participants", st, n)
	}
	if !strings.Contains(page, "removed") || !strings.Contains(page, "round 2") {
		t.Error("the page does not show the removed student or the second round")
	}
	rows, err := csv.NewReader(strings.NewReader(csvBody)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// Round 1: ada and bob answered. Round 2: ada; bob was removed and
	// did not answer, so has no row.
	if len(rows) != 4 {
		t.Fatalf("%d CSV rows, want 4:\n%s", len(rows), csvBody)
	}
	for _, r := range rows[1:] {
		if r[2] == "1" && r[8] != "0" {
			t.Errorf("round 1 was asked again, so its points do not count: %q", r)
		}
	}
}

// The new-session form refuses what it cannot use with 422 and the form
// again, never a 500; the limits count characters, not bytes.
func TestAuditHostCreateFormRefusals(t *testing.T) {
	e := newHostEnv(t, "")
	for _, tt := range []struct {
		name string
		form url.Values
		want int
	}{
		{"no source", url.Values{}, 422},
		{"bad source", url.Values{"source": {"<script>"}}, 422},
		{"unknown quiz", url.Values{"source": {"quiz"}, "quiz": {"nope"}}, 422},
		{"unknown note", url.Values{"source": {"note"}, "note": {"nope"}}, 422},
		{"note without questions", url.Values{"source": {"note"}, "note": {"nope"}}, 422},
		{"time limit not a number", url.Values{"source": {"empty"}, "time_limit": {"abc"}}, 422},
		{"time limit negative", url.Values{"source": {"empty"}, "time_limit": {"-1"}}, 422},
		{"time limit huge", url.Values{"source": {"empty"}, "time_limit": {"99999999999999999999"}}, 422},
		{"title too long", url.Values{"source": {"empty"}, "title": {strings.Repeat("t", 121)}}, 422},
		{"120 accented letters", url.Values{"source": {"empty"}, "title": {strings.Repeat("é", 120)}}, 303},
		{"a note", url.Values{"source": {"note"}, "note": {"routing"}, "time_limit": {"0"}}, 303},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, body := e.do(t, hostReq{method: "POST", path: "/host/sessions", form: tt.form, instructor: true})
			if res.StatusCode != tt.want {
				t.Fatalf("status = %d, want %d", res.StatusCode, tt.want)
			}
			if tt.want == 422 && (!strings.Contains(body, `id="new-session"`) || strings.Contains(body, "<script>")) {
				t.Errorf("the refusal does not show the form safely")
			}
		})
	}
}

// Sign-out signs the instructor out everywhere, but only the instructor
// can: a student posting to /host/signout must not sign the teacher out.
func TestAuditSignOutEverywhereOnlyByTheInstructor(t *testing.T) {
	ts, srv := startTestServer(t, testServerConfig{Content: hostContent()})
	signOut := func(cookie string) *http.Response {
		res, _ := auditDo(t, ts, auditReq{method: http.MethodPost, path: "/host/signout", instructor: cookie,
			header: map[string]string{"Origin": ts.URL}})
		return res
	}
	works := func(cookie string) bool {
		res, _ := auditDo(t, ts, auditReq{path: "/host", instructor: cookie})
		return res.StatusCode == http.StatusOK
	}
	teacher, copied := auditCookie(srv.auth), auditCookie(srv.auth)
	if res := signOut(""); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-out without a cookie = %d, want 303", res.StatusCode)
	}
	if res := signOut(auth.CookieName + "=1." + strings.Repeat("A", 43)); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-out with a forged cookie = %d, want 303", res.StatusCode)
	}
	if !works(teacher) || !works(copied) {
		t.Fatal("a student's sign-out signed the teacher out")
	}
	res := signOut(teacher)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-out = %d, want 303", res.StatusCode)
	}
	if c := res.Header.Get("Set-Cookie"); !strings.Contains(c, "Max-Age=0") {
		t.Errorf("sign-out does not clear the cookie: %q", c)
	}
	if works(teacher) || works(copied) {
		t.Error("a cookie from before the sign-out still opens /host")
	}
	if !works(auditCookie(srv.auth)) {
		t.Error("signing in again after signing out fails")
	}
}
