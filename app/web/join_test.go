package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestJoinPageForm(t *testing.T) {
	e := newStEnv(t, nil)
	res, body := e.get(t, "/join", false)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /join = %d", res.StatusCode)
	}
	for _, want := range []string{
		`<form id="join-form"`, `id="code"`, `id="nickname"`, `At most 24 characters`,
		`src="/static/js/join.js?v=`, `href="/static/css/live.css`,
		`aria-current="page">Join a quiz`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("GET /join lacks %q", want)
		}
	}
	if strings.Contains(body, `id="code-problem"`) {
		t.Error("GET /join without a code reports a problem with the code")
	}
	// The assets it links exist.
	for _, path := range []string{"/static/js/join.js", "/static/js/live.js", "/static/css/live.css"} {
		if res, _ := e.get(t, path, false); res.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d", path, res.StatusCode)
		}
	}
}

func TestJoinPagePrefillsCode(t *testing.T) {
	e := newStEnv(t, nil)
	info := e.create(t, "Routing <basics>", stOptions())
	res, body := e.get(t, "/join?code="+info.Code, false)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /join?code= = %d", res.StatusCode)
	}
	for _, want := range []string{`value="` + info.Code + `"`, "Routing &lt;basics&gt;"} {
		if !strings.Contains(body, want) {
			t.Errorf("GET /join?code=%s lacks %q", info.Code, want)
		}
	}
	if got := res.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", got)
	}

	// An unknown code is prefilled and explained; garbage is not echoed.
	_, body = e.get(t, "/join?code=000000", false)
	if !strings.Contains(body, `id="code-problem"`) || !strings.Contains(body, `value="000000"`) {
		t.Errorf("an unknown code is not reported:\n%s", body)
	}
	_, body = e.get(t, `/join?code=%22%3E%3Cscript%3Ealert(1)%3C/script%3E`, false)
	if strings.Contains(body, "<script>alert") || strings.Contains(body, "alert(1)") {
		t.Error("the code parameter is echoed into the page")
	}
}

func TestJoinLookupAPI(t *testing.T) {
	e := newStEnv(t, nil)
	info := e.create(t, "Lookup", stOptions())
	res, body := e.get(t, "/api/join/"+info.Code, false)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/join/%s = %d", info.Code, res.StatusCode)
	}
	var got joinLookup
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if got.Code != info.Code || got.Title != "Lookup" || got.State != "lobby" {
		t.Errorf("lookup = %+v", got)
	}
	if strings.Contains(body, info.ID) {
		t.Error("the lookup reveals the session id, which the instructor's pages use")
	}
	for _, code := range []string{"000000", "abc"} {
		if res, _ := e.get(t, "/api/join/"+code, false); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET /api/join/%s = %d, want 404", code, res.StatusCode)
		}
	}
}

func TestCleanJoinCode(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"483920", "483920"}, {"483 920", "483920"}, {"483-920", "483920"}, {"48392x", ""},
		{"", ""}, {"1234567890123", ""},
	} {
		if got := cleanJoinCode(c.in); got != c.want {
			t.Errorf("cleanJoinCode(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
