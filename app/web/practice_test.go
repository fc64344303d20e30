package web

import (
	"encoding/json"
	"html/template"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// practiceContent is testContent with a note of enough vocabulary terms
// for generated quizzes (vocab-protocols and vocab-all).
func practiceContent() fstest.MapFS {
	fsys := testContent()
	fsys["protocols.md"] = &fstest.MapFile{Data: []byte(`# Protocols

### What is a protocol?

Rules that both ends follow.

## Vocabulary

**TCP:** A reliable, ordered byte stream between two ports.

**UDP:** Datagrams with no delivery guarantee.

**DNS:** The system that turns names into addresses.

**HTTP:** The request and response protocol of the web.
`)}
	return fsys
}

// practiceGetJSON fetches path, checks the status and decodes the body into out.
func practiceGetJSON(t *testing.T, ts *httptest.Server, path string, wantStatus int, out any) string {
	t.Helper()
	status, body, h := get(t, ts, path)
	if status != wantStatus {
		t.Fatalf("GET %s = %d, want %d: %s", path, status, wantStatus, body)
	}
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("GET %s Content-Type = %q", path, ct)
	}
	if out != nil {
		if err := json.Unmarshal([]byte(body), out); err != nil {
			t.Fatalf("GET %s: %v\n%s", path, err, body)
		}
	}
	return body
}

// checkAnswer posts an answer with the given Origin ("" for none).
func checkAnswer(t *testing.T, ts *httptest.Server, quizID, origin, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, ts.URL+"/api/quizzes/"+quizID+"/check", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	res, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}

func TestQuizAPIList(t *testing.T) {
	ts := newTestServer(t, practiceContent())
	var got apiQuizList
	body := practiceGetJSON(t, ts, "/api/quizzes", http.StatusOK, &got)
	if !strings.Contains(body, `"errors":[]`) {
		t.Errorf("errors should be an empty array, not absent or null: %s", body)
	}
	byID := map[string]apiQuizSummary{}
	for _, z := range got.Quizzes {
		byID[z.ID] = z
	}
	want := map[string]apiQuizSummary{
		"practice-basics": {ID: "practice-basics", Title: "Practice basics", Description: "One question of every kind.",
			Source: "quizzes/practice-basics.md", Generated: false, Questions: 6, URL: "/practice/practice-basics"},
		"vocab-protocols": {ID: "vocab-protocols", Title: "Vocabulary: Protocols", Generated: true, Questions: 8, URL: "/practice/vocab-protocols"},
		"vocab-all":       {ID: "vocab-all", Title: "Vocabulary: all notes", Generated: true, Questions: 12, URL: "/practice/vocab-all"},
	}
	for id, w := range want {
		g, ok := byID[id]
		if !ok {
			t.Errorf("/api/quizzes lacks %q; has %v", id, slices.Sorted(maps.Keys(byID)))
			continue
		}
		if w.Generated { // the generator owns its wording; check the shape
			w.Description, w.Source = g.Description, g.Source
		}
		if g != w {
			t.Errorf("quiz %s:\n got %+v\nwant %+v", id, g, w)
		}
	}
}

// keysContaining returns every object key in v (decoded JSON) that
// contains one of the words.
func keysContaining(v any, words ...string) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			for _, w := range words {
				if strings.Contains(strings.ToLower(k), w) {
					out = append(out, k)
				}
			}
			out = append(out, keysContaining(child, words...)...)
		}
	case []any:
		for _, child := range v {
			out = append(out, keysContaining(child, words...)...)
		}
	}
	return out
}

func TestQuizAPIHasNoKey(t *testing.T) {
	ts := newTestServer(t, practiceContent())
	for _, id := range []string{"practice-basics", "vocab-protocols", "vocab-all"} {
		t.Run(id, func(t *testing.T) {
			var v map[string]any
			body := practiceGetJSON(t, ts, "/api/quizzes/"+id, http.StatusOK, &v)
			if v["id"] != id || v["title"] == "" {
				t.Errorf("quiz = %v", v)
			}
			if qs, _ := v["questions"].([]any); len(qs) == 0 {
				t.Fatalf("no questions: %s", body)
			}
			if keys := keysContaining(v, "correct", "accepted", "explanation", "answer", "key"); len(keys) > 0 {
				t.Errorf("the quiz JSON carries answer-key fields %v:\n%s", keys, body)
			}
		})
	}
	// The values themselves must not be there either, under any name.
	body := practiceGetJSON(t, ts, "/api/quizzes/practice-basics", http.StatusOK, nil)
	for _, secret := range []string{"Routers forward packets", "eight one bits", "10.0.0.0/8", `"32"`} {
		if strings.Contains(body, secret) {
			t.Errorf("the quiz JSON contains %q:\n%s", secret, body)
		}
	}
}

func TestQuizCheck(t *testing.T) {
	ts := newTestServer(t, practiceContent())
	tests := []struct {
		name         string
		body         string
		correct      bool
		poll         bool
		wantChoices  []string
		wantAccepted []string
		wantExplain  string
	}{
		{"single right", `{"question_id":"q1","choices":["b"]}`, true, false, []string{"b"}, nil, "<strong>IP address</strong>"},
		{"single wrong", `{"question_id":"q1","choices":["a"]}`, false, false, []string{"b"}, nil, "network layer"},
		{"multiple exact set", `{"question_id":"q2","choices":["a","b"]}`, true, false, []string{"a", "b"}, nil, ""},
		{"multiple in any order", `{"question_id":"q2","choices":["b","a"]}`, true, false, []string{"a", "b"}, nil, ""},
		{"multiple missing one", `{"question_id":"q2","choices":["a"]}`, false, false, []string{"a", "b"}, nil, ""},
		{"multiple one too many", `{"question_id":"q2","choices":["a","b","c"]}`, false, false, []string{"a", "b"}, nil, ""},
		{"true/false", `{"question_id":"q3","choices":["true"]}`, true, false, []string{"true"}, nil, ""},
		{"true/false wrong", `{"question_id":"q3","choices":["false"]}`, false, false, []string{"true"}, nil, ""},
		{"poll", `{"question_id":"q4","choices":["a"]}`, false, true, nil, nil, ""},
		{"number", `{"question_id":"q5","text":"32"}`, true, false, nil, []string{"32"}, ""},
		{"number written otherwise", `{"question_id":"q5","text":" 3.2e1 "}`, true, false, nil, []string{"32"}, ""},
		{"number wrong", `{"question_id":"q5","text":"31"}`, false, false, nil, []string{"32"}, ""},
		{"cidr as written", `{"question_id":"q6","text":"10.0.0.0/8"}`, true, false, nil, []string{"10.0.0.0/8"}, "eight one bits"},
		{"cidr with a dotted mask", `{"question_id":"q6","text":"10.0.0.0/255.0.0.0"}`, true, false, nil, []string{"10.0.0.0/8"}, ""},
		{"cidr host bits set", `{"question_id":"q6","text":"10.1.0.0/8"}`, false, false, nil, []string{"10.0.0.0/8"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := checkAnswer(t, ts, "practice-basics", ts.URL, tt.body)
			if status != http.StatusOK {
				t.Fatalf("status %d: %s", status, body)
			}
			var got apiCheckResult
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatal(err)
			}
			if got.Correct != tt.correct || got.Poll != tt.poll {
				t.Errorf("correct, poll = %v, %v; want %v, %v (%s)", got.Correct, got.Poll, tt.correct, tt.poll, body)
			}
			if want := checkList(tt.wantChoices); !slices.Equal(got.CorrectChoices, want) {
				t.Errorf("correct_choices = %q, want %q", got.CorrectChoices, want)
			}
			if want := checkList(tt.wantAccepted); !slices.Equal(got.Accepted, want) {
				t.Errorf("accepted = %q, want %q", got.Accepted, want)
			}
			if !strings.Contains(string(got.ExplanationHTML), tt.wantExplain) {
				t.Errorf("explanation_html = %q, want it to contain %q", got.ExplanationHTML, tt.wantExplain)
			}
			// Lists are [] rather than null, so the page can iterate.
			for _, k := range []string{`"correct_choices":[`, `"accepted":[`} {
				if !strings.Contains(body, k) {
					t.Errorf("body lacks %s: %s", k, body)
				}
			}
		})
	}
}

func TestQuizCheckRefuses(t *testing.T) {
	ts := newTestServer(t, practiceContent())
	tests := []struct {
		name    string
		quiz    string
		origin  string // "-" for none
		body    string
		status  int
		message string // part of the error message
	}{
		{"text to a choice question", "practice-basics", "", `{"question_id":"q1","text":"b"}`, 400, "not text"},
		{"two choices to a single question", "practice-basics", "", `{"question_id":"q1","choices":["a","b"]}`, 400, "only one choice"},
		{"a choice that does not exist", "practice-basics", "", `{"question_id":"q1","choices":["z"]}`, 400, `no choice "z"`},
		{"no choice", "practice-basics", "", `{"question_id":"q2","choices":[]}`, 400, "no choice was selected"},
		{"empty text", "practice-basics", "", `{"question_id":"q5","text":"  "}`, 400, "empty"},
		{"choices to a text question", "practice-basics", "", `{"question_id":"q5","choices":["a"]}`, 400, "typed text"},
		{"text too long", "practice-basics", "", `{"question_id":"q5","text":"` + strings.Repeat("9", 201) + `"}`, 400, "at most 200"},
		{"not JSON", "practice-basics", "", `question_id=q1`, 400, "must be JSON"},
		{"too large", "practice-basics", "", `{"question_id":"q5","text":"` + strings.Repeat("9", 20<<10) + `"}`, 413, "too large"},
		{"unknown quiz", "no-such-quiz", "", `{"question_id":"q1","choices":["a"]}`, 404, "no quiz"},
		{"unknown question", "practice-basics", "", `{"question_id":"q99","choices":["a"]}`, 404, "no question"},
		{"cross-site", "practice-basics", "http://evil.example", `{"question_id":"q1","choices":["b"]}`, 403, "Cross-site"},
		{"no origin at all", "practice-basics", "-", `{"question_id":"q1","choices":["b"]}`, 403, "netstudy page"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			origin := tt.origin
			switch origin {
			case "":
				origin = ts.URL
			case "-":
				origin = ""
			}
			status, body := checkAnswer(t, ts, tt.quiz, origin, tt.body)
			if status != tt.status {
				t.Fatalf("status = %d, want %d: %s", status, tt.status, body)
			}
			var got struct{ Error string }
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatalf("%v: %s", err, body)
			}
			if !strings.Contains(got.Error, tt.message) {
				t.Errorf("error = %q, want it to contain %q", got.Error, tt.message)
			}
			if strings.Contains(body, "correct") {
				t.Errorf("a refused answer got a key: %s", body)
			}
		})
	}
}

func TestQuizBrokenFileIsReported(t *testing.T) {
	fsys := practiceContent()
	fsys["quizzes/broken.md"] = &fstest.MapFile{Data: []byte(`# Broken

## Which port does DNS use?

- [ ] 53
- [ ] 80
`)}
	ts := newTestServer(t, fsys)

	var got apiQuizList
	practiceGetJSON(t, ts, "/api/quizzes", http.StatusOK, &got)
	if len(got.Errors) == 0 {
		t.Fatal("the broken quiz is not reported")
	}
	e := got.Errors[0]
	if e.Path != "quizzes/broken.md" || e.Line != 5 || e.Message == "" {
		t.Errorf("error = %+v, want quizzes/broken.md line 5 (the choice list) with a message", e)
	}
	var ids []string
	for _, z := range got.Quizzes {
		ids = append(ids, z.ID)
		if z.ID == "broken" {
			t.Errorf("the broken quiz was loaded: %+v", z)
		}
	}
	if !slices.Contains(ids, "practice-basics") || !slices.Contains(ids, "vocab-all") {
		t.Errorf("the other quizzes did not load: %v", ids)
	}

	status, page, _ := get(t, ts, "/practice")
	if status != http.StatusOK {
		t.Fatalf("GET /practice = %d", status)
	}
	for _, want := range []string{"1 quiz file has problems", "quizzes/broken.md:5", e.Message, "/practice/practice-basics"} {
		if !strings.Contains(page, template.HTMLEscapeString(want)) {
			t.Errorf("/practice lacks %q", want)
		}
	}
	if status, _, _ := get(t, ts, "/practice/broken"); status != http.StatusNotFound {
		t.Errorf("GET /practice/broken = %d, want 404", status)
	}
}

func TestPracticePages(t *testing.T) {
	ts := newTestServer(t, practiceContent())

	status, page, _ := get(t, ts, "/practice")
	if status != http.StatusOK {
		t.Fatalf("GET /practice = %d", status)
	}
	for _, want := range []string{`href="/practice/practice-basics"`, `href="/practice/vocab-protocols"`, `href="/practice/vocab-all"`, "Practice basics"} {
		if !strings.Contains(page, want) {
			t.Errorf("/practice lacks %s", want)
		}
	}
	if strings.Contains(page, "have problems") || strings.Contains(page, "has problems") {
		t.Error("/practice reports problems where there are none")
	}

	status, page, _ = get(t, ts, "/practice/practice-basics")
	if status != http.StatusOK {
		t.Fatalf("GET /practice/practice-basics = %d", status)
	}
	for _, want := range []string{
		"<h1>Practice basics</h1>", "Which layer does a router work at?", `type="radio"`, `type="checkbox"`,
		`type="text"`, "Type a number", "Type a prefix", "/static/js/practice.js", "/static/css/practice.css",
		`<progress id="pq-progress"`, `aria-live="polite"`, `data-quiz="practice-basics"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("/practice/practice-basics lacks %s", want)
		}
	}
	// The page is built from the public quiz: the key is not in it.
	for _, secret := range []string{"Routers forward packets", "eight one bits", "10.0.0.0/8", "checked"} {
		if strings.Contains(page, secret) {
			t.Errorf("/practice/practice-basics contains %q", secret)
		}
	}

	if status, _, _ := get(t, ts, "/practice/vocab-all"); status != http.StatusOK {
		t.Errorf("GET /practice/vocab-all = %d", status)
	}
	status, page, _ = get(t, ts, "/practice/no-such-quiz")
	if status != http.StatusNotFound || !strings.Contains(page, "no quiz called") {
		t.Errorf("GET /practice/no-such-quiz = %d, want the 404 page", status)
	}
	practiceGetJSON(t, ts, "/api/quizzes/no-such-quiz", http.StatusNotFound, nil)

	_, home, _ := get(t, ts, "/")
	if !strings.Contains(home, `href="/practice/practice-basics"`) || !strings.Contains(home, `href="/practice/vocab-all"`) {
		t.Error("the home page does not list the practice quizzes")
	}
	if strings.Contains(home, `href="/practice/vocab-protocols"`) {
		t.Error("the home page lists every per-note vocabulary quiz; it should stay short")
	}
}

// While a quiz is played live, practice checks of it are refused: they
// would hand out the key the live session keeps until the reveal.
func TestQuizCheckRefusedWhileLive(t *testing.T) {
	ts, _ := startTestServer(t, testServerConfig{Content: practiceContent()})
	check := func() int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/quizzes/practice-basics/check", strings.NewReader(`{"question_id":"q1","choices":["b"]}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", ts.URL)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := check(); got != http.StatusOK {
		t.Fatalf("check before any live session = %d", got)
	}
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/sessions", strings.NewReader(`{"quiz_id":"practice-basics"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testInstructorKey)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var created struct{ Code string }
	_ = json.NewDecoder(res.Body).Decode(&created)
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("create live session = %d", res.StatusCode)
	}
	if got := check(); got != http.StatusOK {
		t.Errorf("check while the session waits for its class = %d, want 200", got)
	}
	if s, code := hostDialStudent(t, &hostEnv{ts: ts}, created.Code, "ada"); s == nil {
		t.Fatalf("join refused: %s", code)
	}
	if got := check(); got != http.StatusConflict {
		t.Errorf("check while the quiz is played live = %d, want 409", got)
	}
}
