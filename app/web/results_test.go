package web

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// Hostile nicknames, each within the 24-character limit.
const (
	stXSSNick     = `<img src=x onerror=f()>`
	stFormulaNick = `=HYPERLINK("http://x")`
)

// playResultsSession plays a small session over raw WebSockets: three
// students (two with hostile nicknames), a choice question everyone
// answers, a typed question two answer, then the end.
func playResultsSession(t *testing.T, e *stEnv) string {
	t.Helper()
	info := e.create(t, "Results <quiz> & co", stOptions())
	host := e.host(t, info.Code)
	xss := e.student(t, info.Code, stXSSNick)
	formula := e.student(t, info.Code, stFormulaNick)
	ada := e.student(t, info.Code, "ada")

	host.do("ask_next", nil)
	ada.answer("q1", 1, []string{"a"}, "")
	xss.answer("q1", 1, []string{"b"}, "")
	formula.answer("q1", 1, []string{"d"}, "")
	host.do("reveal", nil)

	host.do("ask_next", nil)
	ada.answer("q2", 1, nil, "32")
	formula.answer("q2", 1, nil, "-1+2")
	host.do("close", nil)
	host.do("reveal", nil)
	host.do("end", nil)
	return info.ID
}

func TestResultsNeedInstructor(t *testing.T) {
	e := newStEnv(t, nil)
	id := playResultsSession(t, e)
	for _, path := range []string{"/host/sessions/" + id + "/results.csv", "/api/sessions/" + id + "/results"} {
		if res, _ := e.get(t, path, false); res.StatusCode != http.StatusForbidden {
			t.Errorf("GET %s without the cookie = %d, want 403", path, res.StatusCode)
		}
	}
	// The page sends a browser to the sign-in form, which brings it back.
	res, body := e.get(t, "/host/sessions/"+id+"/results", false)
	if res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusForbidden {
		t.Fatalf("GET results page without the cookie = %d, want 303 or 403", res.StatusCode)
	}
	if res.StatusCode == http.StatusSeeOther && !strings.HasPrefix(res.Header.Get("Location"), "/host/signin") {
		t.Errorf("redirected to %q, want the sign-in form", res.Header.Get("Location"))
	}
	if strings.Contains(body, "ada") {
		t.Error("the refusal shows results")
	}
}

func TestResultsUnknownSession(t *testing.T) {
	e := newStEnv(t, nil)
	for _, path := range []string{"/host/sessions/nope/results", "/host/sessions/nope/results.csv", "/api/sessions/nope/results"} {
		if res, _ := e.get(t, path, true); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, res.StatusCode)
		}
	}
}

func TestResultsPage(t *testing.T) {
	e := newStEnv(t, nil)
	id := playResultsSession(t, e)
	res, body := e.get(t, "/host/sessions/"+id+"/results", true)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET results = %d: %s", res.StatusCode, body)
	}
	if strings.Contains(body, "Results <quiz>") {
		t.Error("the page has the session title unescaped")
	}
	for _, want := range []string{
		"Results: Results &lt;quiz&gt; &amp; co",
		"Which layer routes packets?", "Bits in an IPv4 address?",
		"3 answered", "1 right", "2 answered",
		"A. Network", "D. =SUM(1,2)", // choice texts, not ids
		"&lt;img src=x onerror=f()&gt;",
		"=HYPERLINK(&#34;http://x&#34;)",
		`src="/static/js/results.js`, `href="/static/css/live.css`,
		"/host/sessions/" + id + "/results.csv",
		"data-chart=",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the results page lacks %q", want)
		}
	}
	if strings.Contains(body, stXSSNick) {
		t.Error("a nickname is in the page as HTML")
	}
	// The text equivalent of q1's chart marks the right bar in words.
	if !strings.Contains(body, "correct</td>") {
		t.Error("no bar is marked correct in the charts' tables")
	}
}

func TestResultsCSV(t *testing.T) {
	e := newStEnv(t, nil)
	id := playResultsSession(t, e)
	res, body := e.get(t, "/host/sessions/"+id+"/results.csv", true)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET csv = %d: %s", res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("Content-Type = %q", ct)
	}
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".csv") {
		t.Errorf("Content-Disposition = %q", cd)
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("the export is not CSV: %v\n%s", err, body)
	}
	want := []string{"session", "question", "round", "prompt", "participant", "nickname", "answer", "right", "points", "elapsed_ms"}
	if strings.Join(rows[0], ",") != strings.Join(want, ",") {
		t.Errorf("header = %q, want %q", rows[0], want)
	}
	// Two rounds, three students: six rows, whoever answered.
	if got := len(rows) - 1; got != 6 {
		t.Fatalf("%d data rows, want 6:\n%s", got, body)
	}
	byKey := map[string][]string{}
	for _, r := range rows[1:] {
		byKey[r[1]+"/"+r[5]] = r
	}
	cases := []struct {
		key                         string
		nick, answer, right, points string
	}{
		{"1/ada", "ada", "A. Network", "true", "100"},
		{"1/'" + stFormulaNick, "'" + stFormulaNick, "D. =SUM(1,2)", "false", "0"},
		{"1/" + stXSSNick, stXSSNick, "B. Session", "false", "0"},
		{"2/ada", "ada", "32", "true", "100"},
		{"2/'" + stFormulaNick, "'" + stFormulaNick, "'-1+2", "false", "0"},
		{"2/" + stXSSNick, stXSSNick, "", "false", "0"},
	}
	for _, c := range cases {
		r, ok := byKey[c.key]
		if !ok {
			t.Errorf("no row %s in\n%s", c.key, body)
			continue
		}
		if r[5] != c.nick || r[6] != c.answer || r[7] != c.right || r[8] != c.points {
			t.Errorf("row %s = %q, want nickname %q answer %q right %q points %q", c.key, r, c.nick, c.answer, c.right, c.points)
		}
		if r[0] != "Results <quiz> & co" || r[3] == "" {
			t.Errorf("row %s: session %q prompt %q", c.key, r[0], r[3])
		}
	}
	for _, r := range rows[1:] {
		for i, cell := range r {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("cell %d of %q starts a formula: %q", i, r, cell)
			}
		}
	}
}

func TestResultsAPI(t *testing.T) {
	e := newStEnv(t, nil)
	id := playResultsSession(t, e)
	res, body := e.get(t, "/api/sessions/"+id+"/results", true)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET api results = %d: %s", res.StatusCode, body)
	}
	var got struct {
		Session struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"session"`
		Results struct {
			State        string `json:"state"`
			Rounds       []struct{ Answered, Right int }
			Participants []struct{ Nickname string }
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if got.Session.ID != id || got.Results.State != "ended" || len(got.Results.Rounds) != 2 || len(got.Results.Participants) != 3 {
		t.Fatalf("api results = %+v", got)
	}
	if r := got.Results.Rounds[0]; r.Answered != 3 || r.Right != 1 {
		t.Errorf("round 1 = %+v, want 3 answered, 1 right", r)
	}
}

func TestCSVCell(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""}, {"ada", "ada"}, {"=1+1", "'=1+1"}, {"+1", "'+1"}, {"-1", "'-1"}, {"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t=1"}, {"a=b", "a=b"},
	} {
		if got := csvCell(c.in); got != c.want {
			t.Errorf("csvCell(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
