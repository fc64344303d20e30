package web

// Tests of the instructor's side over HTTP: sign-in, the cookie guard,
// creating sessions, the QR code and join links. The helpers' names start
// with "host" so that they cannot clash with other tests of this package.

import (
	"bytes"
	"context"
	"image/png"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"netstudy/app/auth"
	"netstudy/app/catalog"
	"netstudy/app/live"
	"netstudy/app/quiz"
	"netstudy/app/session"
)

// hostQuizID is the quiz of hostContent.
const hostQuizID = "routing-quiz"

// hostExplanation is the explanation of the quiz's first question: part of
// the answer key, so the projector must not show it before the reveal.
const hostExplanation = "Routers decide the next hop at layer three."

// hostContent is testContent plus a quiz whose first question has a time
// limit of its own and whose second has none.
func hostContent() fstest.MapFS {
	fsys := testContent()
	fsys["quizzes/routing-quiz.md"] = &fstest.MapFile{Data: []byte(`---
title: Routing check
---

## Which layer routes packets?

Time: 90s

- [x] Network
- [ ] Session
- [ ] Physical

> ` + hostExplanation + `

## How many bits are in an IPv4 address?

Answer: 32
Match: number

> Four bytes of eight bits.
`)}
	return fsys
}

// hostEnv is a netstudy server on loopback with a real hub and SQLite.
type hostEnv struct {
	ts     *httptest.Server
	hub    *live.Hub
	auth   *auth.Credentials
	client *http.Client // follows no redirect
}

func newHostEnv(t *testing.T, publicURL string) *hostEnv {
	t.Helper()
	return newHostEnvOf(t, hostContent(), publicURL)
}

// newHostEnvOf is newHostEnv serving other content.
func newHostEnvOf(t *testing.T, content fs.FS, publicURL string) *hostEnv {
	t.Helper()
	ts, srv := startTestServer(t, testServerConfig{Content: content, PublicURL: publicURL})
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &hostEnv{ts: ts, hub: srv.hub, auth: srv.auth, client: noRedirect}
}

// hostReq is one request of a test.
type hostReq struct {
	method, path string
	form         url.Values // sent as a form body
	instructor   bool       // with the instructor's cookie
	origin       string     // the Origin header; "" for the server's own on a POST
}

func (e *hostEnv) do(t *testing.T, r hostReq) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if r.form != nil {
		body = strings.NewReader(r.form.Encode())
	}
	req, err := http.NewRequest(r.method, e.ts.URL+r.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if r.form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if r.method == http.MethodPost {
		req.Header.Set("Origin", cmpOr(r.origin, e.ts.URL))
	}
	if r.instructor {
		req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: e.auth.InstructorCookie()})
	}
	res, err := e.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// signInCookie returns the instructor cookie a response sets, if any.
func signInCookie(res *http.Response) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == auth.CookieName {
			return c
		}
	}
	return nil
}

func checkInstructorCookie(t *testing.T, e *hostEnv, res *http.Response) {
	t.Helper()
	c := signInCookie(res)
	switch {
	case c == nil:
		t.Fatalf("no %s cookie set; Set-Cookie = %q", auth.CookieName, res.Header.Values("Set-Cookie"))
	case !e.auth.CheckInstructorCookie(c.Value):
		t.Errorf("cookie value is not a valid instructor cookie")
	case c.Value == testInstructorKey || strings.Contains(c.Value, testInstructorKey):
		t.Errorf("the cookie carries the key itself")
	}
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.MaxAge <= 0 {
		t.Errorf("cookie = %+v, want HttpOnly, SameSite=Strict, Path=/, a MaxAge", c)
	}
}

func TestHostSignInWithKeyLink(t *testing.T) {
	e := newHostEnv(t, "")
	res, _ := e.do(t, hostReq{method: "GET", path: "/host?key=" + url.QueryEscape(testInstructorKey)})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("GET /host?key=good = %d, want 303", res.StatusCode)
	}
	if loc := res.Header.Get("Location"); loc != "/host" || strings.Contains(loc, testInstructorKey) {
		t.Errorf("Location = %q, want /host without the key", loc)
	}
	checkInstructorCookie(t, e, res)

	// Signed in, /host is the sessions page.
	res, body := e.do(t, hostReq{method: "GET", path: "/host", instructor: true})
	if res.StatusCode != http.StatusOK || !strings.Contains(body, `id="new-session"`) {
		t.Fatalf("GET /host signed in = %d", res.StatusCode)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}

	res, body = e.do(t, hostReq{method: "GET", path: "/host?key=wrong"})
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("GET /host?key=wrong = %d, want 403", res.StatusCode)
	}
	if signInCookie(res) != nil {
		t.Error("a wrong key set the cookie")
	}
	if !strings.Contains(body, `name="key"`) || !strings.Contains(body, "not the instructor key") {
		t.Errorf("a wrong key does not show the form with an error")
	}
	if strings.Contains(body, "wrong") {
		t.Errorf("the page echoes the key that was tried")
	}
}

func TestHostSignInForm(t *testing.T) {
	e := newHostEnv(t, "")
	tests := []struct {
		name, key, next string
		want            int
		wantLoc         string
	}{
		{"good key", testInstructorKey, "", http.StatusSeeOther, "/host"},
		{"good key, back to the projector", testInstructorKey, "/host/sessions/abc/present", http.StatusSeeOther, "/host/sessions/abc/present"},
		{"no open redirect", testInstructorKey, "https://evil.example/", http.StatusSeeOther, "/host"},
		{"no scheme-relative redirect", testInstructorKey, "//evil.example/host", http.StatusSeeOther, "/host"},
		{"not outside the instructor's pages", testInstructorKey, "/notes/x", http.StatusSeeOther, "/host"},
		{"wrong key", "nope", "", http.StatusForbidden, ""},
		{"empty key", "", "", http.StatusForbidden, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, _ := e.do(t, hostReq{method: "POST", path: "/host/signin", form: url.Values{"key": {tt.key}, "next": {tt.next}}})
			if res.StatusCode != tt.want {
				t.Fatalf("status = %d, want %d", res.StatusCode, tt.want)
			}
			if tt.want != http.StatusSeeOther {
				if signInCookie(res) != nil {
					t.Error("cookie set for a wrong key")
				}
				return
			}
			if got := res.Header.Get("Location"); got != tt.wantLoc {
				t.Errorf("Location = %q, want %q", got, tt.wantLoc)
			}
			checkInstructorCookie(t, e, res)
		})
	}

	// Signing out clears the cookie.
	res, _ := e.do(t, hostReq{method: "POST", path: "/host/signout", instructor: true})
	if c := signInCookie(res); res.StatusCode != http.StatusSeeOther || c == nil || c.MaxAge >= 0 {
		t.Errorf("sign out = %d, cookie %+v; want 303 and an expired cookie", res.StatusCode, c)
	}
}

func TestHostPagesNeedTheCookie(t *testing.T) {
	e := newHostEnv(t, "")
	info, err := e.hub.Create(context.Background(), session.Setup{Title: "Guarded", Options: session.DefaultOptions()})
	if err != nil {
		t.Fatal(err)
	}
	pages := []string{"/host", "/host/sessions/" + info.ID, "/host/sessions/" + info.ID + "/present"}
	for _, p := range pages {
		res, _ := e.do(t, hostReq{method: "GET", path: p})
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/host/signin") {
			t.Errorf("GET %s without the cookie = %d → %q, want 303 to the sign-in page", p, res.StatusCode, loc)
		}
		if p != "/host" {
			if u, err := url.Parse(loc); err != nil || u.Query().Get("next") != p {
				t.Errorf("GET %s: the sign-in page does not bring the instructor back: %q", p, loc)
			}
		}
		// A forged cookie is no cookie.
		req, _ := http.NewRequest("GET", e.ts.URL+p, nil)
		req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: "forged"})
		if res, err := e.client.Do(req); err != nil || res.StatusCode != http.StatusSeeOther {
			t.Errorf("GET %s with a forged cookie = %v %v", p, res.StatusCode, err)
		} else {
			res.Body.Close()
		}
	}
	for _, r := range []hostReq{
		{method: "GET", path: "/host/sessions/" + info.ID + "/qr.png"},
		{method: "POST", path: "/host/sessions", form: url.Values{"source": {"empty"}}},
	} {
		if res, _ := e.do(t, r); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s %s without the cookie = %d, want 403", r.method, r.path, res.StatusCode)
		}
	}
	sessions, _ := e.hub.Sessions(context.Background())
	if len(sessions) != 1 {
		t.Errorf("%d sessions after refused creations, want 1", len(sessions))
	}
	// An unknown session is a 404 for the instructor.
	if res, _ := e.do(t, hostReq{method: "GET", path: "/host/sessions/nope", instructor: true}); res.StatusCode != http.StatusNotFound {
		t.Errorf("GET an unknown session = %d, want 404", res.StatusCode)
	}
}

// hostCreate posts the new-session form and returns the new session.
func (e *hostEnv) hostCreate(t *testing.T, form url.Values) live.SessionInfo {
	t.Helper()
	res, body := e.do(t, hostReq{method: "POST", path: "/host/sessions", form: form, instructor: true})
	loc := res.Header.Get("Location")
	id, ok := strings.CutPrefix(loc, "/host/sessions/")
	if res.StatusCode != http.StatusSeeOther || !ok || id == "" || strings.Contains(id, "/") {
		t.Fatalf("POST /host/sessions %v = %d → %q\n%s", form, res.StatusCode, loc, body)
	}
	sessions, err := e.hub.Sessions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(sessions, func(s live.SessionInfo) bool { return s.ID == id })
	if i < 0 {
		t.Fatalf("session %s is not in hub.Sessions", id)
	}
	return sessions[i]
}

func TestHostCreateSession(t *testing.T) {
	e := newHostEnv(t, "")
	tests := []struct {
		name      string
		form      url.Values
		wantTitle string
		wantSrc   string
	}{
		{"from a quiz", url.Values{"source": {"quiz"}, "quiz": {hostQuizID}, "time_limit": {"20"}, "speed_points": {"on"}},
			"Routing check", "quiz:" + hostQuizID},
		{"from a note", url.Values{"source": {"note"}, "note": {"routing"}, "time_limit": {"45"}},
			"Notes: Routing", "note:routing"},
		{"empty, with a title", url.Values{"source": {"empty"}, "title": {"Friday <warm-up>"}, "time_limit": {"0"}},
			"Friday <warm-up>", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info := e.hostCreate(t, tt.form)
			if info.Title != tt.wantTitle || info.Source != tt.wantSrc || info.State != "lobby" {
				t.Errorf("session = %+v, want title %q, source %q, in the lobby", info, tt.wantTitle, tt.wantSrc)
			}
			res, body := e.do(t, hostReq{method: "GET", path: "/host/sessions/" + info.ID, instructor: true})
			if res.StatusCode != http.StatusOK {
				t.Fatalf("dashboard = %d", res.StatusCode)
			}
			for _, want := range []string{
				`data-code="` + info.Code + `"`, `id="join-code">` + info.Code + `<`,
				`/host/sessions/` + info.ID + `/qr.png`, `/host/sessions/` + info.ID + `/present`,
				`/host/sessions/` + info.ID + `/results`, `src="/static/js/host.js?v=`,
			} {
				if !strings.Contains(body, want) {
					t.Errorf("dashboard lacks %q", want)
				}
			}
			if strings.Contains(body, "<warm-up>") {
				t.Error("the title is not escaped")
			}
			res, body = e.do(t, hostReq{method: "GET", path: "/host/sessions/" + info.ID + "/present", instructor: true})
			if res.StatusCode != http.StatusOK || !strings.Contains(body, `src="/static/js/present.js?v=`) ||
				!strings.Contains(body, `class="big-code" id="big-code"`) {
				t.Errorf("projector view = %d", res.StatusCode)
			}
		})
	}
	// The sessions list shows them with links.
	_, body := e.do(t, hostReq{method: "GET", path: "/host", instructor: true})
	if n := strings.Count(body, `>Dashboard<`); n != 3 {
		t.Errorf("the sessions list has %d dashboard links, want 3", n)
	}

	// A form that cannot be used comes back with its message.
	for _, form := range []url.Values{
		{"source": {"quiz"}, "quiz": {"no-such-quiz"}},
		{"source": {"note"}, "note": {"xss"}}, // exists, but has one question: fine
		{"source": {"note"}, "note": {"no-such-note"}},
		{"source": {"sideways"}},
		{"source": {"empty"}, "time_limit": {"-1"}},
	} {
		res, body := e.do(t, hostReq{method: "POST", path: "/host/sessions", form: form, instructor: true})
		if form.Get("note") == "xss" {
			if res.StatusCode != http.StatusSeeOther {
				t.Errorf("POST %v = %d, want 303", form, res.StatusCode)
			}
			continue
		}
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `id="form-error"`) {
			t.Errorf("POST %v = %d, want 422 with the form's error", form, res.StatusCode)
		}
	}
}

func TestHostCrossSitePostRefused(t *testing.T) {
	e := newHostEnv(t, "")
	for _, r := range []hostReq{
		{method: "POST", path: "/host/sessions", form: url.Values{"source": {"empty"}}, instructor: true, origin: "http://evil.example"},
		{method: "POST", path: "/host/signin", form: url.Values{"key": {testInstructorKey}}, origin: "http://evil.example"},
		{method: "POST", path: "/host/signout", instructor: true, origin: "http://evil.example"},
	} {
		res, _ := e.do(t, r)
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site POST %s = %d, want 403", r.path, res.StatusCode)
		}
		if c := signInCookie(res); c != nil {
			t.Errorf("cross-site POST %s changed the cookie", r.path)
		}
	}
	if sessions, _ := e.hub.Sessions(context.Background()); len(sessions) != 0 {
		t.Errorf("a cross-site POST created %d sessions", len(sessions))
	}
}

func TestHostQRCode(t *testing.T) {
	e := newHostEnv(t, "")
	info := e.hostCreate(t, url.Values{"source": {"empty"}})
	res, body := e.do(t, hostReq{method: "GET", path: "/host/sessions/" + info.ID + "/qr.png", instructor: true})
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("GET qr.png = %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if !strings.HasPrefix(body, "\x89PNG\r\n\x1a\n") {
		t.Fatalf("qr.png does not start with the PNG signature")
	}
	img, err := png.Decode(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatalf("qr.png does not decode: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 21*qrScale || b.Dx() != b.Dy() {
		t.Errorf("QR image is %v, want a square of at least %d pixels", b, 21*qrScale)
	}
	if res, _ := e.do(t, hostReq{method: "GET", path: "/host/sessions/nope/qr.png", instructor: true}); res.StatusCode != http.StatusNotFound {
		t.Errorf("QR of an unknown session = %d, want 404", res.StatusCode)
	}
}

func TestHostJoinLink(t *testing.T) {
	t.Run("public URL", func(t *testing.T) {
		e := newHostEnv(t, "http://192.0.2.10:8080/")
		info := e.hostCreate(t, url.Values{"source": {"empty"}})
		want := "http://192.0.2.10:8080/join?code=" + info.Code
		for _, p := range []string{"/host/sessions/" + info.ID, "/host/sessions/" + info.ID + "/present"} {
			_, body := e.do(t, hostReq{method: "GET", path: p, instructor: true})
			if !strings.Contains(body, want) {
				t.Errorf("GET %s lacks the join link %q", p, want)
			}
			if strings.Contains(body, `id="loopback-warning"`) {
				t.Errorf("GET %s warns about localhost despite --public-url", p)
			}
		}
	})
	t.Run("loopback only", func(t *testing.T) {
		// The test server listens on 127.0.0.1 only, so phones could not
		// reach it: the link is the teacher's own address, with a warning.
		e := newHostEnv(t, "")
		info := e.hostCreate(t, url.Values{"source": {"empty"}})
		_, body := e.do(t, hostReq{method: "GET", path: "/host/sessions/" + info.ID, instructor: true})
		if want := e.ts.URL + "/join?code=" + info.Code; !strings.Contains(body, want) {
			t.Errorf("dashboard lacks the join link %q", want)
		}
		if !strings.Contains(body, `id="loopback-warning"`) {
			t.Error("dashboard does not warn that phones cannot reach localhost")
		}
	})
}

func TestHostLoopbackHostAndNext(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1:8080": true, "localhost:8080": true, "[::1]:8080": true, "localhost": true, "app.localhost:80": true,
		"192.168.1.20:8080": false, "example.com": false, "[2001:db8::1]:80": false,
	} {
		if got := isLoopbackHost(host); got != want {
			t.Errorf("isLoopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
	for next, want := range map[string]string{
		"": "/host", "/host": "/host", "/host/sessions/a?x=1": "/host/sessions/a?x=1", "/host/signin": "/host",
		"//evil.example": "/host", "https://evil.example/host": "/host", "/hostile/../notes": "/host", "/host/../notes": "/host", "/\\evil": "/host",
	} {
		if got := safeNext(next); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", next, got, want)
		}
	}
}

func TestHostSetupDefaultTimeLimit(t *testing.T) {
	snap := catalog.New(hostContent(), slog.New(slog.NewTextHandler(io.Discard, nil))).Current()
	setup, err := setupFor(snap, newSessionForm{Source: sourceQuiz, Quiz: hostQuizID, TimeLimit: 25, Options: session.DefaultOptions()})
	if err != nil {
		t.Fatal(err)
	}
	var got []time.Duration
	for _, q := range setup.Questions {
		got = append(got, q.TimeLimit)
	}
	if want := []time.Duration{90 * time.Second, 25 * time.Second}; !slices.Equal(got, want) {
		t.Errorf("time limits = %v, want %v (the question's own, then the default)", got, want)
	}
	// The catalog's quiz is shared: it must not have changed.
	z, _ := snap.Quizzes.Quiz(hostQuizID)
	if z.Questions[1].TimeLimit != 0 {
		t.Error("setupFor changed the catalog's quiz")
	}

	setup, err = setupFor(snap, newSessionForm{Source: sourceNote, Note: "routing", TimeLimit: 30})
	if err != nil {
		t.Fatal(err)
	}
	if len(setup.Questions) != 2 {
		t.Fatalf("note questions = %d, want 2", len(setup.Questions))
	}
	q := setup.Questions[0]
	if q.Kind != quiz.Poll || q.Prompt != "What does a router do?" || !strings.Contains(string(q.ExplanationHTML), "packets") ||
		len(q.Choices) != 3 || q.TimeLimit != 30*time.Second {
		t.Errorf("note question = %+v", q)
	}
	// Every note question must be accepted by the session's own rules.
	s := session.New("x", session.DefaultOptions(), nil, time.Now())
	for _, q := range setup.Questions {
		if _, err := s.AskTyped(q, time.Now()); err != nil {
			t.Errorf("the session refuses note question %s: %v", q.ID, err)
		}
		if _, err := s.Close(time.Now()); err != nil {
			t.Fatal(err)
		}
	}
}
